import { BENCHMARK_STATUSES, type Benchmark, type BenchmarkStats, type Scores } from '@xat/contracts';
import type { Db } from '../../db/client.ts';
import { roundHalfEven } from '../../lib/round.ts';
import { scoresForRuns } from '../benchmark-runs/scores.service.ts';
import { type BenchmarkWithCollector, summarizeBenchmarks } from './benchmarks.queries.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * A benchmark on the wire. A typed-in one (source manual) shows its scores as typed; a measured one (source pcc)
 * shows the scores of its run computed now against the baseline server, so a new baseline applies everywhere.
 */
export function toBenchmarkDto(row: BenchmarkWithCollector, measured?: Scores): Benchmark {
  const pcc = row.source === 'pcc' && row.runId !== null;
  return {
    id: row.id,
    collector: row.collectorId,
    collector_name: row.collectorName,
    name: row.name,
    benchmark_type: row.benchmarkType,
    status: row.status as Benchmark['status'],
    start_time: iso(row.startTime),
    end_time: iso(row.endTime),
    duration_seconds: row.durationSeconds,
    cpu_score: pcc ? (measured?.cpu ?? null) : row.cpuScore,
    memory_score: pcc ? (measured?.memory ?? null) : row.memoryScore,
    disk_score: pcc ? (measured?.disk ?? null) : row.diskScore,
    network_score: pcc ? (measured?.network ?? null) : row.networkScore,
    overall_score: pcc ? (measured?.overall ?? null) : row.overallScore,
    error_message: row.errorMessage,
    source: row.source === 'pcc' ? 'pcc' : 'manual',
    run_id: row.runId,
    score_baseline: pcc ? (measured?.baseline_collector ?? null) : null,
    score_shares: pcc ? (measured?.shares ?? null) : null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** Benchmarks on the wire, the measured ones' scores computed in one go. */
export async function benchmarkDtos(db: Db, tenantId: string, rows: readonly BenchmarkWithCollector[]) {
  const runIds = rows.flatMap((r) => (r.source === 'pcc' && r.runId ? [r.runId] : []));
  const scores = await scoresForRuns(db, tenantId, runIds);
  return rows.map((row) => toBenchmarkDto(row, row.runId ? scores.get(row.runId) : undefined));
}

const COMPONENTS = ['cpu', 'memory', 'disk', 'network', 'overall'] as const;

/**
 * Counts per status and the average scores of the completed benchmarks (1 dp): typed-in scores as typed, measured
 * ones as computed now; null where no completed benchmark has that score, {} when none is completed.
 */
export async function benchmarkStats(db: Db, tenantId: string): Promise<BenchmarkStats> {
  const { byStatus, completed, typed, measuredRunIds } = await summarizeBenchmarks(db, tenantId);
  const scores = await scoresForRuns(db, tenantId, measuredRunIds);
  const totals = structuredClone(typed);
  for (const s of scores.values())
    for (const c of COMPONENTS) {
      const v = s[c];
      if (v === null) continue;
      totals[c].sum += v;
      totals[c].n += 1;
    }
  const average = (c: (typeof COMPONENTS)[number]) =>
    totals[c].n ? roundHalfEven(totals[c].sum / totals[c].n, 1) : null;
  const counts = Object.fromEntries(BENCHMARK_STATUSES.map((s) => [s, byStatus.get(s) ?? 0]));
  return {
    total: [...byStatus.values()].reduce((a, b) => a + b, 0),
    by_status: counts as BenchmarkStats['by_status'],
    avg_scores: completed ? Object.fromEntries(COMPONENTS.map((c) => [c, average(c)])) : {},
  };
}
