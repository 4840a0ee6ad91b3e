import type { DeviceSeries, HostField, MetricGroup, MetricSeries, MetricsCompare } from '@xat/contracts';
import { orderCompare } from '../lib/compare.ts';
import { downloadBlob } from '../lib/csv.ts';
import { resolveRange, type TimeRange } from '../lib/time-range.ts';
import { api, apiResponse, query } from './client.ts';
import { useMutation, useQuery } from './use-query.ts';

export const LIVE_REFRESH_MS = 10_000;

/** The key changes with the range, not with the clock: live mode reloads the same key on a timer. */
const rangeKey = (range: TimeRange, since?: number) =>
  range.kind === 'custom' ? `${range.from}-${range.to}` : `${range.preset}${range.preset === 'all' ? `:${since}` : ''}`;

/** `GET /api/v1/collectors/<id>/metrics/?from&to&step=auto&fields=…` — host-level series. */
export function useHostMetrics(
  collectorId: string,
  range: TimeRange,
  fields: readonly HostField[],
  live: boolean,
  since?: number,
) {
  return useQuery(
    `metrics:${collectorId}:host:${rangeKey(range, since)}:${fields.join(',')}`,
    (signal) => {
      const { from, to } = resolveRange(range, undefined, since);
      const path = `/api/v1/collectors/${collectorId}/metrics/${query({ from, to, step: 'auto', fields: fields.join(',') })}`;
      return api<MetricSeries>(path, { signal });
    },
    live ? { refreshMs: LIVE_REFRESH_MS } : {},
  );
}

/** `GET /api/v1/collectors/<id>/metrics/?group=cpu|disk|net|fs` — per-device series. */
export function useGroupMetrics(
  collectorId: string,
  group: MetricGroup,
  range: TimeRange,
  live: boolean,
  since?: number,
) {
  return useQuery(
    `metrics:${collectorId}:${group}:${rangeKey(range, since)}`,
    (signal) => {
      const { from, to } = resolveRange(range, undefined, since);
      const path = `/api/v1/collectors/${collectorId}/metrics/${query({ from, to, step: 'auto', group })}`;
      return api<DeviceSeries>(path, { signal });
    },
    live ? { refreshMs: LIVE_REFRESH_MS } : {},
  );
}

/** `GET /api/v1/metrics/compare/?collector_ids=…&field=…&align=absolute|start` — one metric across 2–10 servers. */
export function useCompareMetrics(
  collectorIds: readonly string[],
  field: HostField,
  range: TimeRange,
  align: 'absolute' | 'start',
  since?: number,
) {
  const ids = collectorIds.join(',');
  const key = collectorIds.length >= 2 ? `metrics:compare:${ids}:${field}:${rangeKey(range, since)}:${align}` : null;
  return useQuery(key, async (signal) => {
    const { from, to } = resolveRange(range, undefined, since);
    const path = `/api/v1/metrics/compare/${query({ collector_ids: ids, field, from, to, step: 'auto', align })}`;
    return orderCompare(await api<MetricsCompare>(path, { signal }), collectorIds);
  });
}

/** The file name a `Content-Disposition: attachment; filename="…"` header offers, if any. */
export function attachmentName(header: string | null): string | undefined {
  const m = header ? /filename="([^"]+)"/i.exec(header) : null;
  return m?.[1];
}

/** `GET /api/v1/collectors/<id>/metrics/export/?format=csv|json` — downloaded with the token. */
export function useExportMetrics() {
  return useMutation(
    async (collectorId: string, name: string, range: TimeRange, format: 'csv' | 'json', since?: number) => {
      const { from, to } = resolveRange(range, undefined, since);
      const res = await apiResponse(`/api/v1/collectors/${collectorId}/metrics/export/${query({ format, from, to })}`);
      const fallback = `${name.replace(/[^\w.-]+/g, '_')}-metrics.${format}`;
      downloadBlob(await res.blob(), attachmentName(res.headers.get('content-disposition')) ?? fallback);
      return true;
    },
  );
}
