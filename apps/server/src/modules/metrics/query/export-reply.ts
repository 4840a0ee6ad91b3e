/** The answer of an export route (a server's metrics, a recording): one attachment in the format asked for. */
import { Readable } from 'node:stream';
import type { ExportFormat, MetricSeries } from '@xat/contracts';
import { processCollection, type RawMeasurement } from '@xat/procfs';
import type { FastifyReply } from 'fastify';
import { notFound } from '../../../http/errors.ts';
import { csvChunks, exportFileName, toNdjson, zipStream } from './metrics-export.ts';
import type { Range } from './time-range.ts';

export interface ExportSource {
  /** Names the file, with the range. */
  name: string;
  range: Range;
  format: ExportFormat;
  fields: readonly string[];
  /** The raw rounds pcprocess computes from (read only for format pcprocess). */
  rounds(): Promise<RawMeasurement[]>;
  /** The 404's detail when the rounds give pcprocess nothing to compute. */
  noRaw: string;
  /** The series for csv and json. */
  series(): Promise<MetricSeries>;
}

/**
 * Sends the export as an attachment named after the source and its range: pcprocess, a zip of the files pcprocess
 * writes from the raw rounds (404 without any); json, the series; csv, `timestamp,<fields…>` streamed.
 */
export async function sendExport(reply: FastifyReply, source: ExportSource): Promise<FastifyReply> {
  const attachment = (extension: string) =>
    `attachment; filename="${exportFileName(source.name, source.range, extension)}"`;
  if (source.format === 'pcprocess') {
    const rounds = await source.rounds();
    const files = rounds.length ? processCollection(toNdjson(rounds)) : new Map<string, string>();
    if (files.size === 0) throw notFound(source.noRaw);
    return reply
      .header('content-type', 'application/zip')
      .header('content-disposition', attachment('zip'))
      .send(zipStream(files));
  }
  const series = await source.series();
  if (source.format === 'json') return reply.header('content-disposition', attachment('json')).send(series);
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', attachment('csv'))
    .send(Readable.from(csvChunks(series, source.fields)));
}
