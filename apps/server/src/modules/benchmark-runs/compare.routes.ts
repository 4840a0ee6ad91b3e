import {
  BENCHMARK_WINDOW_DAYS,
  BenchmarkAlertsQuery,
  BenchmarkAlertsSchema,
  BenchmarkCompareQuery,
  BenchmarkCompareSchema,
  BenchmarkHistoryQuery,
  BenchmarkHistorySchema,
  suiteMetric,
} from '@xat/contracts';
import type { App, Deps } from '../../app-types.ts';
import { fieldErrors, notFound } from '../../http/errors.ts';
import { parseUuidList } from '../../lib/uuid.ts';
import { findCollectors } from '../collectors/collectors.queries.ts';
import { compareBenchmarks } from './compare.service.ts';
import { benchmarkAlerts, benchmarkHistory } from './watch.service.ts';

/** 2–10 distinct uuids, comma-separated, lower-cased, or what is wrong with the list. */
function collectorList(text: string): { ids: string[] } | { errors: string[] } {
  const list = parseUuidList(text, { min: 2, max: 10, once: 'Each collector may appear once.' });
  return 'ids' in list ? { ids: list.ids.map((id) => id.toLowerCase()) } : list;
}

const tags = ['benchmark-runs'];

/** Benchmarks of servers side by side, one server's figures over time, and the fleet's drops. */
export function benchmarkCompareRoutes(app: App, { db, guards }: Deps): void {
  app.get(
    '/api/v1/benchmark-runs/compare/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'Compare servers’ benchmarks',
        description:
          'Every benchmark metric of 2–10 servers over the last `days` (default 30): per server the n, median, CV and 95 % interval of its runs’ medians (valid benchmarks only unless `include` adds suspect or invalid ones; the runs left out are counted per benchmark with their reason codes); against the first server the ratio of geometric means with Welch’s 95 % interval and a verdict (faster, slower, indistinguishable, single_run; “faster” is better, lower latency included); per USD/hour figures from the servers’ hourly cost; the core-scaling curves; the scores against the baseline server.',
        tags,
        querystring: BenchmarkCompareQuery,
        response: { 200: BenchmarkCompareSchema },
      },
    },
    async (request) => {
      const { collector_ids, include, days } = request.query;
      const list = collectorList(collector_ids);
      if ('errors' in list) throw fieldErrors({ collector_ids: list.errors });
      const outcome = await compareBenchmarks(db, request.tenant.id, list.ids, {
        include: include ? (include.split(',') as ('suspect' | 'invalid')[]) : [],
        days: days ?? BENCHMARK_WINDOW_DAYS,
      });
      if ('unknown' in outcome) throw notFound(`No such collector: ${outcome.unknown.join(', ')}.`);
      return outcome.comparison;
    },
  );

  app.get(
    '/api/v1/benchmark-runs/history/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'A server’s benchmark metric over time',
        description:
          'Each run’s value of one metric over the last `days` (default 30), oldest first, with the server’s own median (of its valid runs, from 3 of them) and a `drop` flag on every run more than the schedule’s drop_alert_pct (default 10 %) worse than that median.',
        tags,
        querystring: BenchmarkHistoryQuery,
        response: { 200: BenchmarkHistorySchema },
      },
    },
    async (request) => {
      const { collector_id, metric, days } = request.query;
      const def = suiteMetric(metric);
      if (!def) throw fieldErrors({ metric: [`"${metric.slice(0, 100)}" is not a benchmark metric.`] });
      if (!(await findCollectors(db, request.tenant.id, [collector_id])).length) throw notFound();
      return benchmarkHistory(db, request.tenant.id, collector_id, def, days ?? BENCHMARK_WINDOW_DAYS);
    },
  );

  app.get(
    '/api/v1/benchmark-runs/alerts/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'Servers whose latest benchmark dropped',
        description:
          'Across the fleet, every server whose latest run within `days` (default 30) is more than its drop_alert_pct (its schedule’s, else the fleet schedule’s, else 10 %) worse than its own median on a metric: name, metric, value, median and drop %, largest drop first.',
        tags,
        querystring: BenchmarkAlertsQuery,
        response: { 200: BenchmarkAlertsSchema },
      },
    },
    async (request) => benchmarkAlerts(db, request.tenant.id, request.query.days ?? BENCHMARK_WINDOW_DAYS),
  );
}
