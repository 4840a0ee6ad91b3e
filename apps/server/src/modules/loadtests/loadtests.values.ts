/** What a request writes: the body's fields checked against the tenant, and the verdict reached from them. */
import { type LoadTestCreate, UNIT_FIELDS } from '@xat/contracts';
import type { Db } from '../../db/client.ts';
import { isForeignKeyViolation } from '../../db/errors.ts';
import { fieldErrors } from '../../http/errors.ts';
import { findBenchmark } from '../benchmarks/benchmarks.queries.ts';
import { findCollector } from '../collectors/collectors.queries.ts';
import { type LoadTestRow, type LoadTestValues, listOtherCollectorsOfSeries } from './loadtests.queries.ts';
import { judgedValues } from './loadtests.service.ts';
import { UNIT_COLUMNS } from './units.ts';

const NUL_REFUSED = 'Null characters are not allowed.';
const invalidPk = (id: string) => `Invalid pk "${id}" - object does not exist.`;

/** Wire fields → columns, only those present; collector and benchmark must be this tenant's. */
export async function toValues(
  db: Db,
  tenantId: string,
  body: Partial<LoadTestCreate>,
  errors: Record<string, string[]> = {},
): Promise<LoadTestValues> {
  const v: LoadTestValues = {};
  if (body.collector !== undefined) {
    if (await findCollector(db, tenantId, body.collector)) v.collectorId = body.collector;
    else errors.collector = [invalidPk(body.collector)];
  }
  if (body.benchmark !== undefined && body.benchmark !== null) {
    if (await findBenchmark(db, tenantId, body.benchmark)) v.benchmarkId = body.benchmark;
    else errors.benchmark = [invalidPk(body.benchmark)];
  } else if (body.benchmark === null) v.benchmarkId = null;
  // PostgreSQL refuses NUL in text and jsonb: say which field instead of failing the insert.
  if (body.notes?.includes('\0')) errors.notes = [NUL_REFUSED];
  if (body.details && JSON.stringify(body.details).includes('\\u0000')) errors.details = [NUL_REFUSED];
  if (Object.keys(errors).length) throw fieldErrors(errors);
  UNIT_FIELDS.forEach((field, i) => {
    const units = body[field];
    const column = UNIT_COLUMNS[i];
    if (units !== undefined && column) v[column] = units;
  });
  if (body.notes !== undefined) v.notes = body.notes;
  if (body.details !== undefined) v.details = body.details;
  if (body.series_id !== undefined) v.seriesId = body.series_id?.toLowerCase() ?? null;
  return v;
}

/**
 * The values with the verdict reached from them (over `current`, the stored result, on an update). A series holds
 * one collector's runs: joining another collector's series is refused, so an agent can only add to its own.
 */
export async function withVerdict(
  db: Db,
  tenantId: string,
  values: LoadTestValues,
  collectorId: string,
  current?: LoadTestRow,
): Promise<LoadTestValues> {
  const judged = judgedValues(values, current);
  if (judged.seriesId && (values.seriesId !== undefined || values.details !== undefined)) {
    const others = await listOtherCollectorsOfSeries(db, tenantId, judged.seriesId, collectorId, current?.id);
    if (others.length)
      throw fieldErrors({
        [values.seriesId !== undefined ? 'series_id' : 'details']: ['This series holds the runs of another collector.'],
      });
  }
  return { ...values, ...judged };
}

/** The collector vanished between the check and the write: same answer as an unknown one. */
export function rethrowVanishedCollector(err: unknown, collector: string | undefined): never {
  if (collector && isForeignKeyViolation(err)) throw fieldErrors({ collector: [invalidPk(collector)] });
  throw err;
}
