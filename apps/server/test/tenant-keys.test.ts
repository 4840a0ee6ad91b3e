import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../src/db/client.ts';
import { getApp } from './helpers.ts';

// What lets the schema move to Citus (docs/tenancy-and-scaling.md): every tenant-owned table can be distributed on tenant_id and
// co-located, because each of its keys leads with tenant_id — read from the migrated database's catalog, so a new
// table or constraint that breaks the rule fails here.

/** Tables with a tenant_id that are not tenant-owned: reference tables, replicated whole to every Citus node. */
const REFERENCE_TABLES = ['domains'];

interface Key {
  table: string;
  name: string;
  kind: 'p' | 'u' | 'f' | 'i';
  first: string;
  refers_to: string | null;
  ref_first: string | null;
}

describe('the tenant-owned tables', () => {
  it('lead every primary key, unique constraint or index and foreign key with tenant_id', async () => {
    const { database } = await getApp();
    const owned = sql`c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
      and c.relname <> all(${sql.param(REFERENCE_TABLES)}::text[])
      and exists (select from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)`;
    const tables = await queryRows<{ table: string; pk: boolean }>(
      database.db,
      sql`select c.relname as "table", exists (select from pg_constraint k where k.conrelid = c.oid and k.contype = 'p') as pk
          from pg_class c where ${owned} order by 1`,
    );
    expect(tables.length).toBeGreaterThanOrEqual(15);
    for (const t of tables) expect(t.pk, `${t.table} has a primary key`).toBe(true);

    const keys = await queryRows<Key>(
      database.db,
      sql`select c.relname as "table", k.conname as name, k.contype as kind,
            (select attname from pg_attribute where attrelid = k.conrelid and attnum = k.conkey[1]) as first,
            f.relname as refers_to,
            (select attname from pg_attribute where attrelid = k.confrelid and attnum = k.confkey[1]) as ref_first
          from pg_constraint k join pg_class c on c.oid = k.conrelid left join pg_class f on f.oid = k.confrelid
          where k.contype in ('p', 'u', 'f') and ${owned}
          union all
          -- unique indexes that are not a constraint's
          select c.relname, i.relname, 'i', (select attname from pg_attribute where attrelid = x.indrelid and attnum = x.indkey[0]),
            null, null
          from pg_index x join pg_class c on c.oid = x.indrelid join pg_class i on i.oid = x.indexrelid
          where x.indisunique and not exists (select from pg_constraint k where k.conindid = x.indexrelid) and ${owned}
          order by 1, 2`,
    );
    expect(keys.filter((k) => k.kind === 'f').length).toBeGreaterThanOrEqual(8);
    for (const key of keys) {
      expect(key.first, `${key.table}.${key.name} leads with tenant_id`).toBe('tenant_id');
      // A foreign key reaches either the tenants reference table or a co-located table by (tenant_id, …).
      if (key.kind === 'f')
        expect(
          key.refers_to === 'tenants' ? key.ref_first === 'id' : key.ref_first === 'tenant_id',
          `${key.table}.${key.name} → ${key.refers_to}(${key.ref_first}, …)`,
        ).toBe(true);
    }
  });
});
