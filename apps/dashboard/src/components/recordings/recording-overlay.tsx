import type { RecordingCompare } from '@xat/contracts';
import { useMemo } from 'react';
import { fieldLabel, formatValue, unitOf } from '../../lib/fields.ts';
import { seriesColor } from '../../lib/providers.ts';
import { recordingLegend } from '../../lib/recordings.ts';
import { TimeSeriesChart } from '../charts/time-series-chart.tsx';

/** One metric of every compared recording on one chart, each from its own start (x: time since start; y from 0 to the data). */
export function RecordingOverlay({ data }: { data: RecordingCompare }) {
  const unit = unitOf(data.field);
  const series = useMemo(
    () =>
      data.recordings.map((r, i) => ({
        label: recordingLegend(r.recording),
        color: seriesColor(i),
        values: r.values,
      })),
    [data],
  );
  // Legends name recording, server and day: on a phone they scroll sideways inside the card, not the page.
  return (
    <div style={{ overflowX: 'auto' }}>
      <TimeSeriesChart
        title={`${fieldLabel(data.field)} since each start`}
        timestamps={data.timestamps}
        {...(data.step_seconds ? { stepSeconds: data.step_seconds } : {})}
        series={series}
        relativeX
        height={300}
        format={(v) => formatValue(unit, v)}
        binary={unit === 'kb' || unit === 'bytes_per_second'}
        emptyText="None of these recordings has samples of this measure."
      />
    </div>
  );
}
