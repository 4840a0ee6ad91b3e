import { CollectedDataListQuery, CollectedDataSchema, IdParams, Page } from '@xat/contracts';
import type { App, Deps } from '../../app-types.ts';
import { notFound } from '../../http/errors.ts';
import { pageOf, pageParams } from '../../http/pagination.ts';
import { publicBaseUrl } from '../../http/urls.ts';
import { findCollector } from '../collectors/collectors.queries.ts';
import { deleteCollectedData, findCollectedData, listCollectedData } from './data.queries.ts';
import { toCollectedDataDto } from './data-dto.ts';
import { deleteStoredFile, openStoredFile } from './file-store.ts';
import { extensionOf } from './upload.ts';

const CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
  log: 'text/plain; charset=utf-8',
  gz: 'application/gzip',
  zip: 'application/zip',
};

/** `attachment` with an ASCII fallback name and the exact name in RFC 5987 form; nothing of the name can escape. */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const exact = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${exact}`;
}

const tags = ['data'];

/**
 * The files uploaded for a server: list, item, download, delete. Uploading one (POST /api/v1/collectors/<id>/data/)
 * is metrics ingest's (ingest/collector-upload.routes.ts): a collection file becomes a recording.
 */
export function dataRoutes(app: App, { db, config, guards }: Deps): void {
  app.get(
    '/api/v1/collectors/:id/data/',
    {
      preHandler: guards.user('viewer'),
      schema: {
        summary: 'Files of a server',
        description:
          'The files uploaded for a collector (collections, CSVs, tool outputs), newest first, a page at a time.',
        tags,
        params: IdParams,
        querystring: CollectedDataListQuery,
        response: { 200: Page(CollectedDataSchema) },
      },
    },
    async (request) => {
      if (!(await findCollector(db, request.tenant.id, request.params.id))) throw notFound();
      const page = pageParams(request.query);
      const { rows, count } = await listCollectedData(db, request.tenant.id, request.params.id, page);
      const base = publicBaseUrl(request, config);
      return pageOf(
        request,
        page,
        count,
        rows.map((r) => toCollectedDataDto(r, base)),
      );
    },
  );

  app.get(
    '/api/v1/data/:id/',
    {
      preHandler: guards.user('viewer'),
      schema: {
        summary: 'An uploaded file',
        description: 'Its name, size, description, the time its data covers and its download URL.',
        tags,
        params: IdParams,
        response: { 200: CollectedDataSchema },
      },
    },
    async (request) => {
      const row = await findCollectedData(db, request.tenant.id, request.params.id);
      if (!row) throw notFound();
      return toCollectedDataDto(row, publicBaseUrl(request, config));
    },
  );

  app.delete(
    '/api/v1/data/:id/',
    {
      preHandler: guards.user('member'),
      schema: {
        summary: 'Delete an uploaded file',
        description: 'Removes the record and the stored file.',
        tags,
        params: IdParams,
      },
    },
    async (request, reply) => {
      if (!(await deleteCollectedData(db, request.tenant.id, request.params.id))) throw notFound();
      await deleteStoredFile(config.dataDir, request.tenant.id, request.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/data/:id/download/',
    {
      preHandler: guards.user('viewer'),
      schema: {
        summary: 'Download an uploaded file',
        description: 'The file as it was uploaded, as an attachment.',
        tags,
        params: IdParams,
      },
    },
    async (request, reply) => {
      const row = await findCollectedData(db, request.tenant.id, request.params.id);
      if (!row) throw notFound();
      const file = await openStoredFile(config.dataDir, request.tenant.id, row.id);
      if (!file) throw notFound('The file of this upload is missing.');
      return reply
        .header('content-type', CONTENT_TYPES[extensionOf(row.fileName)] ?? 'application/octet-stream')
        .header('content-length', file.size)
        .header('content-disposition', contentDisposition(row.fileName))
        .send(file.stream);
    },
  );
}
