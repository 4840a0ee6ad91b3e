import type { FastifyRequest } from 'fastify';
import { notFound } from './errors.ts';

export interface PageParams {
  page: number;
  pageSize: number;
  limit: number;
  offset: number;
}

export function pageParams(query: { page?: number; page_size?: number }): PageParams {
  const page = query.page ?? 1;
  const pageSize = query.page_size ?? 50;
  return { page, pageSize, limit: pageSize, offset: (page - 1) * pageSize };
}

function baseUrlOf(request: FastifyRequest): URL {
  try {
    return new URL(request.url, `${request.protocol}://${request.host || 'localhost'}`);
  } catch {
    // A Host that is no URL authority (served under ALLOWED_HOSTS=*): relative-looking links beat a 500.
    return new URL(request.url, 'http://localhost');
  }
}

/** DRF page: absolute next/previous links that keep the request's other query parameters. */
export function pageOf<T>(request: FastifyRequest, params: PageParams, count: number, results: T[]) {
  if (params.page > 1 && params.offset >= count) throw notFound('Invalid page.');
  const base = baseUrlOf(request);
  const link = (page: number) => {
    const url = new URL(base);
    if (page === 1) url.searchParams.delete('page');
    else url.searchParams.set('page', String(page));
    return url.toString();
  };
  return {
    count,
    next: params.offset + results.length < count ? link(params.page + 1) : null,
    previous: params.page > 1 ? link(Math.min(params.page - 1, Math.max(1, Math.ceil(count / params.pageSize)))) : null,
    results,
  };
}
