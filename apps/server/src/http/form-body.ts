import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';

const FORM = /^application\/x-www-form-urlencoded\b/i;

interface JsonSchema {
  type?: string | string[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  content?: Record<string, { schema?: JsonSchema }>;
}

/** The JSON types a (TypeBox) schema allows, unions included. */
function typesOf(schema: JsonSchema | undefined): Set<string> {
  if (!schema) return new Set();
  const own = schema.type === undefined ? [] : [schema.type].flat();
  return new Set([...own, ...(schema.anyOf ?? []).flatMap((s) => [...typesOf(s)])]);
}

/**
 * A form's fields in the shapes the body schema wants, as DRF reads a form: an empty value of a field that is not
 * text is null where the field takes null, left out where it is optional, and refused where it is required; one value
 * of a list field is a list of one; numbers and booleans are converted from their text (`on` is true, as a checkbox
 * sends it).
 */
export function formToBody(schema: TSchema, form: Record<string, unknown>): Record<string, unknown> {
  const { properties, required: names } = schema as JsonSchema;
  const out: Record<string, unknown> = {};
  const required = new Set(names ?? []);
  const emptyRequired: string[] = [];
  for (const [name, value] of Object.entries(form)) {
    if (name === '__proto__') continue; // assigned, it would set the prototype; it is no field of any schema
    const types = typesOf(properties?.[name]);
    // Text: a field that takes strings and no numbers (a decimal takes both, and an empty one is no number).
    const text = types.has('string') && !types.has('number') && !types.has('integer');
    if (value === '' && !text) {
      if (types.has('null')) out[name] = null;
      else if (required.has(name)) emptyRequired.push(name);
      continue;
    }
    if (typeof value === 'string' && types.has('array') && !types.has('string')) out[name] = [value];
    else if (value === 'on' && types.has('boolean')) out[name] = true;
    else out[name] = value;
  }
  const converted = Value.Convert(schema, out) as Record<string, unknown>;
  // Kept empty, so validation names the field (converted, '' would pass as 0 or false).
  for (const name of emptyRequired) converted[name] = '';
  return converted;
}

/** The schema a route validates a JSON body with (a route may give one per content type). */
function bodySchemaOf(request: FastifyRequest): JsonSchema | undefined {
  const body = request.routeOptions.schema?.body as JsonSchema | undefined;
  if (!body?.content) return body;
  return body.content['application/x-www-form-urlencoded']?.schema ?? body.content['application/json']?.schema;
}

/**
 * `application/x-www-form-urlencoded` bodies, accepted wherever JSON is (DRF parses JSON, form and multipart alike):
 * parsed by @fastify/formbody, then given the types the route's body schema wants before it is validated.
 */
export async function registerFormBody(app: FastifyInstance): Promise<void> {
  await app.register(formbody);
  app.addHook('preValidation', async (request) => {
    if (!FORM.test(request.headers['content-type'] ?? '')) return;
    const schema = bodySchemaOf(request);
    if (!schema?.properties || typeof request.body !== 'object' || request.body === null) return;
    request.body = formToBody(schema as TSchema, request.body as Record<string, unknown>);
  });
}
