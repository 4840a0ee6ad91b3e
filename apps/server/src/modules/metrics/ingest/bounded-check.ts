import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { fieldErrors, issuesToFieldErrors } from '../../../http/errors.ts';

type Issues = Parameters<typeof issuesToFieldErrors>[0];
type Validator = ReturnType<typeof Compile>;
export type FieldErrors = Record<string, string[]>;

/** Fields an error answer names at most; the others are counted in one more line. */
export const MAX_ERROR_FIELDS = 20;

interface JsonSchema {
  type?: unknown;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  maxItems?: number;
}

/**
 * A schema compiled for checking large values cheaply. TypeBox's `Errors()` walks the whole value (tens of µs per
 * object, whatever `maxErrors` says), so a 2-million-item body kept one request busy for a minute. Here it is only
 * ever run on small pieces: the value with each array of objects cut to maxItems + 1 opaque items (`shallow`), then
 * the items that fail the compiled `Check()` one by one (`lists`), each the same way.
 */
export interface BoundedCheck<T> {
  check(value: unknown): value is T;
  /** DRF field errors of a value that failed `check`: at most `max` fields (`path` prefixed), then one line more. */
  errors(value: unknown, path?: string, max?: number): FieldErrors;
}

export function boundedCheck<T = unknown>(schema: TSchema): BoundedCheck<T> {
  const root = compileNode(schema as JsonSchema);
  return {
    check: (value): value is T => root.full.Check(value),
    errors: (value, path = '', max = MAX_ERROR_FIELDS) => {
      const tally: Tally = { out: {}, room: max, hidden: 0 };
      collect(root, value, path, tally);
      if (tally.hidden === 0) return tally.out;
      const more = `…and ${tally.hidden} more invalid ${tally.hidden === 1 ? 'entry' : 'entries'} not listed.`;
      return { ...tally.out, non_field_errors: [...(tally.out.non_field_errors ?? []), more] };
    },
  };
}

interface Node {
  full: Validator;
  shallow: Validator;
  lists: { field: string; maxItems: number; item: Node }[];
}

function compileNode(schema: JsonSchema): Node {
  const lists: Node['lists'] = [];
  const properties: Record<string, JsonSchema> = { ...schema.properties };
  for (const [field, property] of Object.entries(schema.properties ?? {})) {
    if (property.type !== 'array' || property.items?.type !== 'object') continue;
    lists.push({ field, maxItems: property.maxItems ?? Number.POSITIVE_INFINITY, item: compileNode(property.items) });
    properties[field] = { ...property, items: {} };
  }
  const full = Compile(schema as TSchema);
  const shallow = lists.length ? Compile({ ...schema, properties } as TSchema) : full;
  return { full, shallow, lists };
}

/** The fields named so far, how many more may be, and how many bad fields or items were only counted. */
interface Tally {
  out: FieldErrors;
  room: number;
  hidden: number;
}

const fieldOf = (path: string, field: string) =>
  field === 'non_field_errors' ? path || field : path ? `${path}.${field}` : field;

/** Adds the errors of `value`, known to fail `node.full`. Past the room, bad items are counted with Check() only. */
function collect(node: Node, value: unknown, path: string, tally: Tally): void {
  if (!node.shallow.Check(value)) {
    const found = issuesToFieldErrors(node.shallow.Errors(cutLists(node, value)) as unknown as Issues, undefined);
    for (const [field, messages] of Object.entries(found)) {
      if (tally.room > 0) {
        tally.room--;
        tally.out[fieldOf(path, field)] = messages;
      } else tally.hidden++;
    }
    return;
  }
  const object = value as Record<string, unknown>;
  for (const list of node.lists) {
    const items = object[list.field];
    if (!Array.isArray(items)) continue;
    for (let i = 0; i < items.length; i++) {
      if (list.item.full.Check(items[i])) continue;
      if (tally.room > 0) collect(list.item, items[i], fieldOf(path, `${list.field}.${i}`), tally);
      else tally.hidden++;
    }
  }
}

/** The value with each list cut to one item past its limit: enough for "no more than N items", and no more. */
function cutLists(node: Node, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || node.lists.length === 0) return value;
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const { field, maxItems } of node.lists) {
    const items = copy[field];
    if (Array.isArray(items) && items.length > maxItems + 1) copy[field] = items.slice(0, maxItems + 1);
  }
  return copy;
}

/** A check that throws the DRF-shaped 400 route schemas give, naming at most MAX_ERROR_FIELDS fields. */
export function boundedValidator<T>(schema: TSchema) {
  const bounded = boundedCheck<T>(schema);
  return (value: unknown): T => {
    if (bounded.check(value)) return value;
    throw fieldErrors(bounded.errors(value));
  };
}
