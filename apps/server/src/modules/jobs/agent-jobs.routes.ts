import {
  AGENT_CAPABILITIES_HEADER,
  AgentJobFinishSchema,
  AgentJobProgressAnswerSchema,
  AgentJobProgressSchema,
  AgentJobSchema,
  IdParams,
  JOB_POLL_WAIT_SECONDS,
  JobSchema,
} from '@xat/contracts';
import { Type } from 'typebox';
import type { App, Deps } from '../../app-types.ts';
import { fieldErrors, notFound } from '../../http/errors.ts';
import { claimNextJob, recordProgress } from './agent-jobs.queries.ts';
import { finishAgentJob } from './finish-job.ts';
import { findJob } from './jobs.queries.ts';
import { toAgentJob, toJobDto } from './jobs.service.ts';
import type { JobsContext } from './jobs-context.ts';

const tags = ['agent'];
const security = [{ apiKey: [] }];
/** An agent told to wait because too many polls of its tenant wait already polls again after this. */
const FULL_RETRY_AFTER_SECONDS = 10;
const ErrorRef = { $ref: 'ErrorBody#' };

/** The agent's side of jobs: poll (long poll), progress with heartbeat, finish with the result. */
export function agentJobRoutes(app: App, { db, guards }: Deps, jobs: JobsContext): void {
  app.get(
    '/api/v1/agent/jobs/next/',
    {
      preValidation: guards.agent,
      schema: {
        summary: 'Agent: take the next job',
        description: `The agent's daemon asks for its collector's next job, sending \`${AGENT_CAPABILITIES_HEADER}\` (e.g. \`jobs,suite\`); asking is what marks a collector as able to run jobs. With \`wait\` (seconds, up to ${JOB_POLL_WAIT_SECONDS}) the answer waits for a job (long poll). 200: the job, now running (report progress at least every minute); 204: none now. One job at a time per collector.`,
        tags,
        security,
        querystring: Type.Object({
          wait: Type.Optional(Type.Integer({ minimum: 0, maximum: JOB_POLL_WAIT_SECONDS })),
        }),
        response: {
          200: AgentJobSchema,
          204: { description: 'No job now: ask again.' },
        },
      },
    },
    async (request, reply) => {
      const tenantId = request.tenant.id;
      const collectorId = request.agent.collectorId;
      const header = request.headers[AGENT_CAPABILITIES_HEADER];
      const capabilities = (Array.isArray(header) ? header.join(',') : (header ?? '')).trim();
      const deadline = Date.now() + (request.query.wait ?? 0) * 1000;
      const gone = new AbortController();
      reply.raw.once('close', () => gone.abort());
      await jobs.sweep(tenantId);
      for (;;) {
        const claim = await claimNextJob(db, tenantId, collectorId, capabilities, jobs.now());
        if (claim.job) return toAgentJob(claim.job);
        const left = deadline - Date.now();
        if (left < 50 || gone.signal.aborted) break;
        const untilNext = claim.nextAt ? Math.max(0, claim.nextAt.getTime() - jobs.now().getTime()) : left;
        const end = await jobs.waiters.wait(tenantId, collectorId, Math.min(left, untilNext + 10), gone.signal);
        if (end === 'full') reply.header('retry-after', String(FULL_RETRY_AFTER_SECONDS));
        if (end === 'full' || end === 'replaced' || end === 'closed') break;
      }
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/agent/jobs/:id/progress/',
    {
      preValidation: guards.agent,
      schema: {
        summary: 'Agent: report a job’s progress',
        description:
          'Step k of n, the time it has run and what it is doing; also the heartbeat (a running job silent for 90 s is timed out). The answer says whether to stop: the job was cancelled, timed out or ended meanwhile.',
        tags,
        security,
        params: IdParams,
        body: AgentJobProgressSchema,
        response: { 200: AgentJobProgressAnswerSchema },
      },
    },
    async (request) => {
      const { step, steps, elapsed_seconds, message } = request.body;
      if (step > steps) throw fieldErrors({ step: [`Ensure this value is less than or equal to steps (${steps}).`] });
      const row = await recordProgress(
        db,
        request.tenant.id,
        request.agent.collectorId,
        request.params.id,
        { step, steps, elapsed_seconds, message },
        jobs.now(),
      );
      if (!row) throw notFound();
      return { cancel: row.status !== 'running' || row.error !== null };
    },
  );

  app.post(
    '/api/v1/agent/jobs/:id/finish/',
    {
      preValidation: guards.agent,
      schema: {
        summary: 'Agent: end a job',
        description:
          '`succeeded` with the suite’s result (stored as a benchmark run), `failed` with the agent’s message and code (`busy`: the machine was not quiet; `locked`: another test held the lock), or `cancelled`. Sending the same end again answers the same (a retry after a lost answer); a job that already ended otherwise answers 409.',
        tags,
        security,
        params: IdParams,
        body: AgentJobFinishSchema,
        response: {
          200: JobSchema,
          409: { ...ErrorRef, description: 'The job had already ended otherwise (timed out, cancelled, …).' },
        },
      },
    },
    async (request) => {
      const tenantId = request.tenant.id;
      await finishAgentJob(db, tenantId, request.agent.collectorId, request.params.id, request.body, jobs.now());
      const row = await findJob(db, tenantId, request.params.id);
      if (!row) throw notFound();
      return toJobDto(row);
    },
  );
}
