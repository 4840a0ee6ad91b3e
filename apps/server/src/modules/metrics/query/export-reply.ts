/** The answer of an export route (a server's metrics, a recording): one attachment in the format asked for. */
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ExportFormat, MetricSeries } from '@xat/contracts';
import { PcProcessor, type RawMeasurement } from '@xat/procfs';
import type { FastifyReply } from 'fastify';
import { notFound } from '../../../http/errors.ts';
import { csvChunks, exportFileName, zipStream } from './metrics-export.ts';
import type { Range } from './time-range.ts';

/** Measurements of a pcprocess export between turns of the event loop (about 200 rounds). */
const PROCESS_SLICE = 1000;

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
    // A slice of the rounds at a time, letting other requests run between slices.
    const processor = new PcProcessor();
    for (let i = 0; i < rounds.length; i++) {
      processor.add(rounds[i] as RawMeasurement);
      if (i % PROCESS_SLICE === PROCESS_SLICE - 1) await nextTurn();
    }
    const files = processor.files();
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
