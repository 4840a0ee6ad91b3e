import { Link } from '../../lib/router.tsx';
import { BenchmarkHistory } from './benchmark-history.tsx';
import { Schedules } from './schedules.tsx';

/** On a server's page: one benchmark metric over the days with its drops flagged, and the schedules that measure it. */
export function ServerBenchmarkWatch({
  collectorId,
  serverName,
  editable,
}: {
  collectorId: string;
  serverName: string;
  editable: boolean;
}) {
  return (
    <section className="card" aria-label="Benchmark history">
      <div className="card-head">
        <h2>Benchmark history</h2>
        <Link to="/benchmarks/jobs">Benchmark jobs</Link>
      </div>
      <div className="card-body stack">
        <BenchmarkHistory collectorId={collectorId} />
        <h3>Schedules</h3>
        <Schedules collectorId={collectorId} serverName={serverName} editable={editable} />
      </div>
    </section>
  );
}
