/** The reference HEAD's camelCase load-test fields and its `{servers, ratios}` compare form (REFERENCE 4.5, 4.7). */
import {
  COMPARE_COLORS,
  type HeadCompareServer,
  LOAD_LEVELS,
  PROVIDER_LABELS,
  type ReferenceCompareResponse,
} from '@xat/contracts';
import { roundHalfEven } from '../../lib/round.ts';

/** vm_brand → the reference's provider label; a brand it has no label for is shown as it is. */
export const providerLabel = (vmBrand: string): string => PROVIDER_LABELS[vmBrand] ?? vmBrand;

export const headDataPoints = (units: readonly number[]) =>
  LOAD_LEVELS.map((busyPct, i) => ({ busyPct, workUnits: units[i] ?? 0 }));

export interface HeadSource {
  collectorId: string;
  collectorName: string;
  vmBrand: string;
  benchmarkId: string | null;
  createdAt: Date;
  maxUnits: number;
  avgUnits: number;
}

/** The HEAD fields of one load test, beside the seed's. */
export function headLoadTestFields(row: HeadSource, units: readonly number[]) {
  return {
    collectorId: row.collectorId,
    serverName: row.collectorName,
    provider: providerLabel(row.vmBrand),
    benchmarkId: row.benchmarkId,
    data: headDataPoints(units),
    maxUnits: row.maxUnits,
    avgUnits: row.avgUnits,
    createdAt: row.createdAt.toISOString(),
  };
}

export interface HeadServerSource {
  id: string;
  name: string;
  vmBrand: string;
  hourlyCost: number | null;
  units: readonly number[];
}

/**
 * `servers` and `ratios` from the compared collectors that have a result (in the order asked), each with the units
 * of the run the seed's form shows for it. Ratios are to the first server's maxUnits (null when that is 0);
 * price-performance is maxUnits per USD/hour (null without a cost or without units). Both 2 dp, as Python rounds.
 */
export function headCompare(
  servers: readonly HeadServerSource[],
): Pick<ReferenceCompareResponse, 'servers' | 'ratios'> {
  const out: HeadCompareServer[] = servers.map((s, i) => {
    const maxUnits = Math.max(0, ...s.units);
    return {
      serverId: s.id,
      serverName: s.name,
      provider: providerLabel(s.vmBrand),
      color: COMPARE_COLORS[i % COMPARE_COLORS.length] ?? COMPARE_COLORS[0],
      data: headDataPoints(s.units),
      hourlyCost: s.hourlyCost,
      maxUnits,
      pricePerformance: s.hourlyCost && maxUnits ? roundHalfEven(maxUnits / s.hourlyCost, 2) : null,
    };
  });
  const baseline = out[0]?.maxUnits ?? 0;
  const ratios = Object.fromEntries(
    out.map((s) => [s.serverId, baseline ? roundHalfEven(s.maxUnits / baseline, 2) : null]),
  );
  return { servers: out, ratios };
}
