import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { getApp } from '../../test/helpers.ts';
import { queryRows } from './client.ts';
import {
  metricCpus,
  metricDisks,
  metricFs,
  metricNet,
  metricRollup1h,
  metricRollup1m,
  metricSamples,
} from './metrics-schema.ts';

const TABLES = [metricSamples, metricCpus, metricDisks, metricNet, metricFs, metricRollup1m, metricRollup1h];

interface ColumnFacts {
  name: string;
  type: string;
  nullable: boolean;
  generated: boolean;
}

/** What the declaration says of each column, in information_schema's words. */
function declared(table: PgTable): ColumnFacts[] {
  return getTableConfig(table)
    .columns.map((c) => ({
      name: c.name,
      type: c.getSQLType(),
      nullable: !c.notNull,
      generated: c.generated !== undefined,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The columns the migrations created. */
async function inDatabase(name: string): Promise<ColumnFacts[]> {
  const { database } = await getApp();
  const rows = await queryRows<{ name: string; type: string; nullable: string; generated: string }>(
    database.db,
    sql`select column_name as name, data_type as type, is_nullable as nullable, is_generated as generated
        from information_schema.columns where table_schema = current_schema() and table_name = ${name}
        order by column_name`,
  );
  return rows.map((r) => ({
    name: r.name,
    type: r.type,
    nullable: r.nullable === 'YES',
    generated: r.generated === 'ALWAYS',
  }));
}

describe('the metric tables declared for Drizzle (db/metrics-schema.ts)', () => {
  it('match the partitioned tables the hand-written migrations create, column for column', async () => {
    const { database } = await getApp();
    for (const table of TABLES) {
      const { name, primaryKeys } = getTableConfig(table);
      expect(declared(table), name).toEqual(await inDatabase(name));
      const key = await queryRows<{ column: string }>(
        database.db,
        sql`select a.attname as column from pg_index i
            join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
            where i.indrelid = ${name}::regclass and i.indisprimary order by array_position(i.indkey, a.attnum)`,
      );
      expect(
        primaryKeys[0]?.columns.map((c) => c.name),
        name,
      ).toEqual(key.map((k) => k.column));
    }
    // Partitioned, as the declarations' comments say (and drizzle-kit could not have made them).
    const partitioned = await queryRows<{ name: string }>(
      database.db,
      sql`select c.relname as name from pg_partitioned_table p join pg_class c on c.oid = p.partrelid
          where c.relname like 'metric%' order by 1`,
    );
    expect(partitioned.map((p) => p.name)).toEqual(TABLES.map((t) => getTableConfig(t).name).sort());
  });

  it('query through Drizzle with typed columns', async () => {
    const { database } = await getApp();
    const tenantId = randomUUID();
    const rows = await database.db
      .select({ t: metricSamples.ts, busy: metricSamples.cpu_busy, avg: metricRollup1m.avg_cpu_busy })
      .from(metricSamples)
      .leftJoin(
        metricRollup1m,
        and(eq(metricRollup1m.tenantId, metricSamples.tenantId), eq(metricRollup1m.bucket, metricSamples.ts)),
      )
      .where(eq(metricSamples.tenantId, tenantId));
    expect(rows).toEqual([]);
  });
});
