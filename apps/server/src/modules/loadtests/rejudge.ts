import { JUDGE_VERSION } from '@xat/contracts';
import type { Db } from '../../db/client.ts';
import { effectiveCpusOf, judgeStored, seriesOf } from './loadtests.judge.ts';
import { listStaleVerdictsForAllTenants, updateVerdictsForAllTenants } from './loadtests.queries.ts';

const BATCH = 500;

/**
 * Judges again every stored result whose verdict was reached with older rules (JUDGE_VERSION), including those
 * stored before verdicts existed (judge_version 0), in batches walked by key so it ends however many there are.
 * Run once at start, after the migrations; returns how many results it judged.
 */
export async function rejudgeLoadTestsForAllTenants(db: Db, batch = BATCH): Promise<number> {
  let after: { tenantId: string; id: string } | undefined;
  let judged = 0;
  for (;;) {
    const rows = await listStaleVerdictsForAllTenants(db, JUDGE_VERSION, after, batch);
    if (rows.length === 0) return judged;
    await updateVerdictsForAllTenants(
      db,
      rows.map((row) => ({
        tenantId: row.tenantId,
        id: row.id,
        ...judgeStored(row),
        seriesId: seriesOf(row.details) ?? null,
        effectiveCpus: effectiveCpusOf(row.details) ?? null,
      })),
    );
    judged += rows.length;
    const last = rows[rows.length - 1];
    if (!last || rows.length < batch) return judged;
    after = { tenantId: last.tenantId, id: last.id };
  }
}
