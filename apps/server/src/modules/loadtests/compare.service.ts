import type { CompareEntry, CompareError, CompareRunSet, Validity } from '@xat/contracts';
import type { Db } from '../../db/client.ts';
import { roundHalfEven } from '../../lib/round.ts';
import { findCollectors, specsSummary } from '../collectors/collectors.queries.ts';
import { filterByValidity, pickRunSet } from './compare.sets.ts';
import { serverStatistics } from './compare.stats.ts';
import type { HeadServerSource } from './head-fields.ts';
import { type CompareRun, listRunsOfCollectors } from './loadtests.queries.ts';
import { summarizeUnits, unitsOf } from './units.ts';

export interface CompareOptions {
  set?: CompareRunSet;
  include?: readonly ('suspect' | 'invalid')[];
  /** Runs chosen by hand; each must be a run of one of the compared collectors. */
  runIds?: readonly string[];
  now?: Date;
}

export type CompareOutcome =
  /** `servers`: the collectors with a result, in order, with the units of the run their entry shows (HEAD form). */
  | { comparison: (CompareEntry | CompareError)[]; servers: HeadServerSource[] }
  /** Chosen runs that are no run of the compared collectors in this tenant. */
  | { unknownRunIds: string[] };

const ratio = (a: number, b: number | null | undefined) => (b ? roundHalfEven(a / b, 2) : null);

/**
 * One entry per requested collector, in the given order. The seed's fields come from its newest run, as they always
 * did; `statistics` from the runs of the chosen set that the validity filter keeps, against the first collector
 * (the baseline). Unknown (or another tenant's) collectors and collectors without results become error entries.
 * Two queries whatever the number of collectors.
 */
export async function compareLoadTests(
  db: Db,
  tenantId: string,
  collectorIds: readonly string[],
  opts: CompareOptions = {},
): Promise<CompareOutcome> {
  const ids = collectorIds.map((id) => id.toLowerCase());
  const [found, runs] = await Promise.all([findCollectors(db, tenantId, ids), listRunsOfCollectors(db, tenantId, ids)]);
  const chosen = opts.runIds ? new Set(opts.runIds.map((id) => id.toLowerCase())) : undefined;
  if (chosen) {
    const known = new Set(runs.map((r) => r.id));
    const unknown = [...chosen].filter((id) => !known.has(id));
    if (unknown.length) return { unknownRunIds: unknown };
  }
  const collectorById = new Map(found.map((c) => [c.id, c]));
  const runsByCollector = new Map<string, CompareRun[]>();
  for (const run of runs) {
    const list = runsByCollector.get(run.collectorId);
    if (list) list.push(run);
    else runsByCollector.set(run.collectorId, [run]);
  }

  const now = opts.now ?? new Date();
  const usedOf = (id: string) => {
    const picked = pickRunSet(runsByCollector.get(id) ?? [], opts.set ?? 'auto', now, chosen);
    return { set: picked.set, ...filterByValidity(picked.runs, opts.include ?? []) };
  };
  const baselineId = ids[0];
  const baselineRuns = baselineId !== undefined && collectorById.has(baselineId) ? usedOf(baselineId).used : [];
  const baselineNewest = baselineId === undefined ? undefined : runsByCollector.get(baselineId)?.[0];
  const baselineMax = baselineNewest ? Math.max(0, ...unitsOf(baselineNewest)) : null;

  const servers: HeadServerSource[] = [];
  const comparison = ids.map((id, index): CompareEntry | CompareError => {
    const collector = collectorById.get(id);
    if (!collector) return { collector_id: id, error: 'Collector not found' };
    const newest = runsByCollector.get(id)?.[0];
    if (!newest) return { collector_id: id, collector_name: collector.name, error: 'No load test results' };
    const units = unitsOf(newest);
    const summary = summarizeUnits(units);
    const cost = collector.hourlyCost === null ? null : Number(collector.hourlyCost);
    servers.push({ id, name: collector.name, vmBrand: collector.vmBrand, hourlyCost: cost, units });
    const { set, used, excluded } = usedOf(id);
    return {
      collector_id: id,
      collector_name: collector.name,
      specs: specsSummary(collector),
      vcpus: collector.vcpus,
      hourly_cost: cost,
      ...summary,
      units_per_vcpu: ratio(summary.max_units, collector.vcpus),
      price_performance: ratio(summary.max_units, cost),
      ratio_to_baseline: ratio(summary.max_units, baselineMax),
      created_at: newest.createdAt.toISOString(),
      validity: newest.validity as Validity,
      statistics: serverStatistics(
        set,
        used,
        excluded,
        { vcpus: collector.vcpus, effectiveCpus: collector.effectiveCpus, hourlyCost: cost },
        index === 0 ? null : baselineRuns,
      ),
    };
  });
  return { comparison, servers };
}
