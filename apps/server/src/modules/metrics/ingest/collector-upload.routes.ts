import { CollectedDataUploadedSchema, DATA_FILE_EXTENSIONS, IdParams } from '@xat/contracts';
import type { App, Deps } from '../../../app-types.ts';
import { notFound } from '../../../http/errors.ts';
import { publicBaseUrl } from '../../../http/urls.ts';
import { findCollector } from '../../collectors/collectors.queries.ts';
import { findCollectedData } from '../../data/data.queries.ts';
import { toCollectedDataDto } from '../../data/data-dto.ts';
import { receiveUpload } from '../../data/upload.ts';
import { ingestCollectionFile } from './file-ingest.ts';

/**
 * People's upload of a file for a server (the rest of the files' API is the data module's). Here because a pcc
 * collection or portal CSV among them is stored as a recording, as the agents' upload is.
 */
export function collectorUploadRoute(app: App, { db, config, guards }: Deps): void {
  app.post(
    '/api/v1/collectors/:id/data/',
    {
      preHandler: guards.user('member'),
      schema: {
        summary: 'Upload a file',
        tags: ['data'],
        params: IdParams,
        consumes: ['multipart/form-data'],
        description:
          `Multipart: \`file\` (${DATA_FILE_EXTENSIONS.join(', ')}) and optional \`description\` (≤200). ` +
          'The content must match the extension, else 400 on `file` says why: .json is JSON or NDJSON, .csv, .txt ' +
          'and .log are UTF-8 text without NUL bytes, .gz starts with the gzip signature, .zip with PK\\x03\\x04. ' +
          'A pcc collection (NDJSON, optionally gzip) or a portal CSV is also stored as a recording (source upload) ' +
          'with its own timestamps whatever their age: `recording_id` names it, `metrics_count` counts its samples ' +
          'written; any other file is kept as it is. `messages` says why anything was not stored. Files are read ' +
          'two at a time per server process, one per tenant: the others wait their turn (past 64 waiting: 429).',
        response: { 201: CollectedDataUploadedSchema },
      },
    },
    async (request, reply) => {
      const tenantId = request.tenant.id;
      const collector = await findCollector(db, tenantId, request.params.id);
      if (!collector) throw notFound();
      const opts = { dataDir: config.dataDir, maxBytes: config.maxUploadBytes };
      const upload = await receiveUpload(request, {
        ...opts,
        tenantId,
        allowedExtensions: DATA_FILE_EXTENSIONS,
        checkContent: true,
      });
      const r = await ingestCollectionFile(db, { ...opts, keepAnyFile: true }, tenantId, collector.id, upload);
      const row = (await findCollectedData(db, tenantId, r.row.id)) ?? {
        ...r.row,
        collectorName: collector.name,
        recordingId: r.recordingId ?? null,
      };
      reply.code(201);
      return {
        ...toCollectedDataDto(row, publicBaseUrl(request, config)),
        metrics_count: r.written,
        skipped: r.skipped,
        messages: r.messages,
      };
    },
  );
}
