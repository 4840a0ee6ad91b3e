import type { AgentJobFinish } from '@xat/contracts';
import type { Db } from '../../db/client.ts';
import { ApiError, fieldErrors, notFound } from '../../http/errors.ts';
import { endJob, type JobEnd, lockCollectorJob } from './agent-jobs.queries.ts';
import { storeSuiteResult } from './store-result.ts';

export const jobEnded = (status: string, error: string | null) =>
  new ApiError(409, { detail: `The job already ended: ${status}${error ? ` (${error})` : ''}.`, code: 'job_ended' });

function checkFinish(body: AgentJobFinish): void {
  const errors: Record<string, string[]> = {};
  if (body.status === 'succeeded') {
    if (!body.result) errors.result = ['This field is required when status is succeeded.'];
  }
  if (body.message?.includes('\0')) errors.message = ['Null characters are not allowed.'];
  if (Object.keys(errors).length) throw fieldErrors(errors);
}

/**
 * The agent ends its running job. In one transaction on the locked job row, so a result is stored once however often
 * the agent retries: the same end sent again changes nothing; any other end of a job that already ended is a 409.
 */
export async function finishAgentJob(
  db: Db,
  tenantId: string,
  collectorId: string,
  id: string,
  body: AgentJobFinish,
  now: Date,
): Promise<void> {
  checkFinish(body);
  await db.transaction(async (tx) => {
    const row = await lockCollectorJob(tx, tenantId, collectorId, id);
    if (!row) throw notFound();
    if (row.status === body.status) return;
    if (row.status !== 'running') throw jobEnded(row.status, row.error);
    let end: JobEnd;
    if (body.status === 'succeeded' && body.result) {
      const resultId = await storeSuiteResult(tx, tenantId, collectorId, id, body.result);
      end = { status: 'succeeded', error: null, resultId, errorCode: null };
    } else if (body.status === 'failed') {
      const code = body.code ?? 'error';
      end = {
        status: 'failed',
        error: body.message?.trim() || `The agent failed (${code}).`,
        resultId: null,
        errorCode: code,
      };
    } else {
      // The person's cancel (kept in error since they asked), else the agent's own reason (it was stopped).
      end = {
        status: 'cancelled',
        error: row.error ?? (body.message?.trim() || 'Cancelled by the agent.'),
        resultId: null,
        errorCode: null,
      };
    }
    await endJob(tx, tenantId, id, end, now);
  });
}
