import type { Collector } from '@xat/contracts';
import { jobSupport } from '../../lib/jobs.ts';
import { Link } from '../../lib/router.tsx';
import { BenchmarkHistory } from './benchmark-history.tsx';
import { Schedules } from './schedules.tsx';

/** On a server's page: one benchmark metric over the days with its drops flagged, and the schedules that measure it. */
export function ServerBenchmarkWatch({ collector, editable }: { collector: Collector; editable: boolean }) {
  const support = jobSupport(collector);
  return (
    <section className="card" aria-label="Benchmark history">
      <div className="card-head">
        <h2>Benchmark history</h2>
        <Link to="/benchmarks/jobs">Benchmark jobs</Link>
      </div>
      <div className="card-body stack">
        <BenchmarkHistory collectorId={collector.id} />
        <h3>Schedules</h3>
        <Schedules
          collectorId={collector.id}
          serverName={collector.name}
          editable={editable}
          {...(support.ok ? {} : { notHere: support.reason })}
        />
      </div>
    </section>
  );
}
