import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import { findCollector } from '../collectors/collectors.queries.ts';

/** The reference's hand-written views answer `{"error": …}`; `detail` and `code` as every other error of ours. */
export const referenceError = (status: number, message: string, code: string) =>
  new ApiError(status, { error: message, detail: message, code });

/** This tenant's collector, or the reference's 404 (another tenant's is not found either). */
export async function collectorOr404(db: Db, tenantId: string, id: string) {
  const collector = await findCollector(db, tenantId, id);
  if (!collector) throw referenceError(404, 'Collector not found', 'not_found');
  return collector;
}
