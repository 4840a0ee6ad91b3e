import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JUDGE_VERSION } from '@xat/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../db/client.ts';
import { collectors, loadTestResults } from '../../db/schema.ts';
import { ensureTenant } from '../tenants/tenants.queries.ts';
import { busyPccRun } from './test-runs.ts';

const XAT = fileURLToPath(new URL('../../../bin/xat.mjs', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'xat-rejudge-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** `xat serve` on `dataDir` until it answers /health/, then stopped; resolves to its exit code. */
async function serveOnce(): Promise<number | null> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(process.execPath, [XAT, 'serve'], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  try {
    for (let i = 0; i < 120 && child.exitCode === null; i++) {
      const up = await fetch(`http://127.0.0.1:${port}/health/`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
  return child.exitCode;
}

// The start of the real server, on the embedded database whichever DATABASE_URL the tests run with: the hook is the
// same call on both, and judge.test.ts runs the re-judging itself on both databases.
describe('xat serve', () => {
  it('judges again, when it starts, a result stored before verdicts existed', async () => {
    const before = await openPglite(dataDir);
    let ids: { tenantId: string; id: string };
    try {
      await before.migrate();
      const tenant = await ensureTenant(before.db, 'rejudge', ['rejudge.test']);
      const [collector] = await before.db
        .insert(collectors)
        .values({ tenantId: tenant.id, name: 'old', apiKeyHash: 'a'.repeat(64) })
        .returning();
      if (!collector) throw new Error('no collector');
      const busy = busyPccRun(collector.id);
      // As migration 0004 leaves an old row: the column defaults and judge_version 0.
      const [row] = await before.db
        .insert(loadTestResults)
        .values({
          tenantId: tenant.id,
          collectorId: collector.id,
          units100pct: 95,
          units90pct: 204,
          details: busy.details,
        })
        .returning();
      if (!row) throw new Error('no row');
      expect(row).toMatchObject({ judgeVersion: 0, validity: 'suspect', source: 'manual' });
      ids = { tenantId: tenant.id, id: row.id };
    } finally {
      await before.close();
    }

    expect(await serveOnce()).toBe(0);

    const after = await openPglite(dataDir);
    try {
      const [row] = await after.db.select().from(loadTestResults);
      expect(row).toMatchObject({ ...ids, judgeVersion: JUDGE_VERSION, validity: 'invalid', source: 'pcc' });
      expect(row?.validityReasons).toContainEqual(expect.objectContaining({ code: 'background_load', value: 89 }));
    } finally {
      await after.close();
    }
  }, 90_000);
});
