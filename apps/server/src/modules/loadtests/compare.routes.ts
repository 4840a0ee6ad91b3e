import { CompareQuery, CompareRequestSchema, ReferenceCompareResponseSchema } from '@xat/contracts';
import type { App, Deps } from '../../app-types.ts';
import { fieldErrors } from '../../http/errors.ts';
import { parseUuidList } from '../../lib/uuid.ts';
import { type CompareOptions, compareLoadTests } from './compare.service.ts';
import { headCompare } from './head-fields.ts';

/** More runs than anyone picks by hand; bounds the work of one request. */
const MAX_RUN_IDS = 500;

const tags = ['loadtests'];

export function loadTestCompareRoutes(app: App, { db, guards }: Deps): void {
  const answer = async (tenantId: string, collectorIds: readonly string[], opts: CompareOptions = {}) => {
    const outcome = await compareLoadTests(db, tenantId, collectorIds, opts);
    if ('unknownRunIds' in outcome)
      throw fieldErrors({
        run_ids: outcome.unknownRunIds.map((id) => `"${id}" is not a load test of the compared collectors.`),
      });
    return { comparison: outcome.comparison, count: outcome.comparison.length, ...headCompare(outcome.servers) };
  };

  // The reference serves both spellings; the plural one is kept out of the OpenAPI document.
  for (const [base, hide] of [
    ['/api/v1/loadtest', false],
    ['/api/v1/loadtests', true],
  ] as const) {
    app.post(
      `${base}/compare/`,
      {
        preValidation: guards.user('viewer'),
        schema: {
          summary: 'Compare servers’ newest runs',
          tags,
          hide,
          description:
            'The seed’s form: the newest run of each collector, with statistics over the default run set; and the reference HEAD’s `servers` (provider, colour, units, hourly cost, price-performance in units per USD/hour) and `ratios` (maxUnits / the first server’s, 2 dp) from the same runs.',
          body: CompareRequestSchema,
          response: { 200: ReferenceCompareResponseSchema },
        },
      },
      async (request) => answer(request.tenant.id, request.body.collector_ids),
    );

    app.get(
      `${base}/compare/`,
      {
        preValidation: guards.user('viewer'),
        schema: {
          summary: 'Compare servers',
          description:
            'Statistics of the load tests of 2–10 collectors over a run set (`set`): per level the median, the spread and 95 % intervals, and per pair a verdict saying which is faster and by how much. `include` adds suspect or invalid runs; `run_ids` picks the runs by hand. `collector_ids` is comma-separated or a JSON array. `servers` and `ratios` (reference HEAD form) come from each collector’s newest run.',
          tags,
          hide,
          querystring: CompareQuery,
          response: { 200: ReferenceCompareResponseSchema },
        },
      },
      async (request) => {
        const { collector_ids, set, include, run_ids } = request.query;
        const errors: Record<string, string[]> = {};
        const collectors = parseUuidList(collector_ids, { min: 2, max: 10, jsonArray: true });
        if ('errors' in collectors) errors.collector_ids = collectors.errors;
        const runs =
          run_ids === undefined ? undefined : parseUuidList(run_ids, { min: 1, max: MAX_RUN_IDS, jsonArray: true });
        if (runs && 'errors' in runs) errors.run_ids = runs.errors;
        if (Object.keys(errors).length || !('ids' in collectors) || (runs && !('ids' in runs)))
          throw fieldErrors(errors);
        return answer(request.tenant.id, collectors.ids, {
          set: set ?? 'auto',
          include: include ? (include.split(',') as ('suspect' | 'invalid')[]) : [],
          ...(runs ? { runIds: runs.ids } : {}),
        });
      },
    );
  }
}
