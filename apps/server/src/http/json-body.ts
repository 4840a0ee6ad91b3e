import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fieldError } from './errors.ts';

/** Far deeper than any body the API takes (a few levels), far below what overflows the stack downstream. */
export const MAX_JSON_DEPTH = 64;

/**
 * The top-level field (or `non_field_errors`) of the first value nested deeper than `max`, walking without recursion;
 * undefined when none is. JSON.parse accepts any depth, but serializing or validating 10,000 levels overflows the stack.
 */
export function fieldNestedTooDeep(value: unknown, max: number): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const top = Array.isArray(value) ? [['non_field_errors', value] as const] : Object.entries(value);
  const stack: [unknown, number, string][] = top.map(([field, v]) => [v, 2, field]);
  while (stack.length > 0) {
    const [v, depth, field] = stack.pop() as [unknown, number, string];
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) return field;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1, field]);
  }
  return undefined;
}

type DoneJson = (request: FastifyRequest, body: string, done: (err: Error | null, value?: unknown) => void) => void;

/** Fastify's JSON parser (prototype poisoning refused as before) that also refuses a body nested too deep, with a 400. */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error') as DoneJson;
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, body as string, (err, value) => {
      if (err) return done(err);
      const field = fieldNestedTooDeep(value, MAX_JSON_DEPTH);
      if (field !== undefined) return done(fieldError(field, `Nested deeper than ${MAX_JSON_DEPTH} levels.`));
      done(null, value);
    });
  });
}
