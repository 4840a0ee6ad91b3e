import type { SuiteResult } from '@xat/contracts';
import type { Db } from '../../db/client.ts';
import { ApiError, fieldErrors } from '../../http/errors.ts';
import { storeBenchmarkRun } from '../benchmark-runs/benchmark-runs.service.ts';

/**
 * Stores a succeeded job's result as a benchmark run (checked, judged again, scored: the benchmark-runs module);
 * returns the run's id. Its field errors are named under `result.` as the agent sent them.
 */
export async function storeSuiteResult(
  db: Db,
  tenantId: string,
  collectorId: string,
  jobId: string,
  result: SuiteResult,
): Promise<string> {
  return storeBenchmarkRun(db, tenantId, collectorId, jobId, result).catch((err: unknown) => {
    if (err instanceof ApiError && err.statusCode === 400 && !('detail' in err.body))
      throw fieldErrors(Object.fromEntries(Object.entries(err.body).map(([k, v]) => [`result.${k}`, v as string[]])));
    throw err;
  });
}
