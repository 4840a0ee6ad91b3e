import { MAX_BATCH_SAMPLES, MAX_RAW_MEASUREMENTS, MetricsBatchSchema, RawMeasurementSchema } from '@xat/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import type { Deps } from '../../../app-types.ts';
import { ApiError, fieldErrors } from '../../../http/errors.ts';
import { receiveUpload } from '../../data/upload.ts';
import { boundedValidator } from './bounded-check.ts';
import { ingestCollectionFile } from './file-ingest.ts';
import { ingestBatch, ingestRawRounds } from './ingest.service.ts';

/** A compiled TypeBox check that throws the DRF-shaped 400 route schemas give, its errors bounded (bounded-check.ts). */
export const validator = <S extends TSchema>(schema: S) => boundedValidator<Static<S>>(schema);

// The batch's frame; its samples are judged one by one (ingestBatch), so one bad sample does not sink the others.
const validBatch = validator(
  Type.Object({
    ...MetricsBatchSchema.properties,
    samples: Type.Array(Type.Unknown(), { maxItems: MAX_BATCH_SAMPLES }),
  }),
);
const validRaw = validator(
  Type.Object({ measurements: Type.Array(RawMeasurementSchema, { maxItems: MAX_RAW_MEASUREMENTS }) }),
);
const validBare = validator(RawMeasurementSchema);

const WHAT_TO_SEND =
  'Send a metrics batch {"batch_id", "collector_time", "samples"}, raw rounds {"measurements": [{"timestamp", ' +
  '"subsystem", "measurement"}, …]}, or a multipart "file".';

/** JSON bodies: the batch of our agent, or raw rounds (also under the reference's "metrics" key, or one bare line). */
export async function receiveMetricsJson(
  { db }: Deps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw fieldErrors({ non_field_errors: [`Expected a JSON object. ${WHAT_TO_SEND}`] });
  const tenantId = request.tenant.id;
  const collectorId = request.agent.collectorId;

  if ('batch_id' in body || 'samples' in body) {
    const batch = validBatch(body);
    // When the request arrived: the agent set collector_time just before sending it.
    const r = await ingestBatch(db, tenantId, collectorId, batch, Date.now() - reply.elapsedTime);
    const counts = {
      written: r.written,
      duplicates: r.duplicates,
      clock_skew_seconds: r.skew,
      clock_correction_seconds: r.correction,
    };
    // Prometheus remote-write contract: a 400 tells the agent these samples can never be stored, so it dead-letters
    // them instead of retrying; the others were stored, and their counts come with it (MetricsBatchRefusedSchema).
    if (r.refusedCount > 0)
      return reply
        .code(400)
        .send({ samples: r.messages, ...counts, refused: r.refused, refused_count: r.refusedCount });
    return reply.code(200).send({ status: 'ok', batch_id: batch.batch_id, ...counts });
  }

  const key = 'measurements' in body ? 'measurements' : 'metrics' in body ? 'metrics' : undefined;
  let measurements: { timestamp: number; subsystem: string; measurement: string }[];
  if (key) {
    const value = (body as Record<string, unknown>)[key];
    try {
      measurements = validRaw({ measurements: value }).measurements;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      // Name the field as the client sent it.
      const renamed: Record<string, unknown> = {};
      for (const [field, messages] of Object.entries(err.body)) renamed[field.replace(/^measurements/, key)] = messages;
      throw new ApiError(400, renamed);
    }
    if (measurements.length === 0) throw fieldErrors({ [key]: ['No measurements were sent.'] });
  } else if ('subsystem' in body || 'measurement' in body) {
    measurements = [validBare(body)];
  } else {
    throw fieldErrors({ non_field_errors: [WHAT_TO_SEND] });
  }

  const r = await ingestRawRounds(db, tenantId, collectorId, measurements, { refuseUnusableAs: key ?? 'measurement' });
  return reply.code(200).send({
    status: 'received',
    metrics_count: r.written,
    skipped: r.unparseable + r.beyondBounds,
    out_of_range: r.outOfRange,
    ...(r.messages.length > 0 ? { messages: r.messages } : {}),
  });
}

/** Multipart `file`: kept as collected data and parsed into the collector's series, a recording whatever its age. */
export async function receiveMetricsFile(
  { db, config }: Deps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const tenantId = request.tenant.id;
  const opts = { dataDir: config.dataDir, maxBytes: config.maxUploadBytes };
  const upload = await receiveUpload(request, { ...opts, tenantId });
  const r = await ingestCollectionFile(db, opts, tenantId, request.agent.collectorId, upload);
  return reply.code(201).send({
    status: 'uploaded',
    data_id: r.row.id,
    file_size: r.row.fileSize,
    metrics_count: r.written,
    skipped: r.skipped,
    out_of_range: r.outOfRange,
    recording_id: r.recordingId ?? null,
    messages: r.messages,
  });
}
