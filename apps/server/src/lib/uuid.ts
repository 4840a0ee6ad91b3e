/** A uuid in its text form, any case. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface UuidListRules {
  min: number;
  max: number;
  /** Also a JSON array of strings (the reference's `?collector_ids=["a","b"]`). */
  jsonArray?: boolean;
  /** Refuses an id given twice (in any case) with this message. */
  once?: string;
}

/** The items of a JSON array of strings, else undefined. */
function jsonList(text: string): string[] | undefined {
  if (!text.trim().startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.map((item) => String(item)) : undefined;
  } catch {
    return undefined;
  }
}

/** The uuids of a comma-separated list (a query parameter), as given, or every complaint about it. */
export function parseUuidList(text: string, rules: UuidListRules): { ids: string[] } | { errors: string[] } {
  const ids = ((rules.jsonArray ? jsonList(text) : undefined) ?? text.split(',')).map((s) => s.trim()).filter(Boolean);
  const errors: string[] = [];
  const bad = ids.filter((id) => !UUID.test(id));
  const shown = bad.slice(0, 3).map((b) => `"${b.slice(0, 40)}"`);
  if (bad.length) errors.push(`Enter valid UUIDs, comma-separated (not ${shown.join(', ')}).`);
  if (rules.once && new Set(ids.map((id) => id.toLowerCase())).size !== ids.length) errors.push(rules.once);
  if (ids.length < rules.min) errors.push(`Ensure this list has at least ${rules.min} items.`);
  if (ids.length > rules.max) errors.push(`Ensure this list has no more than ${rules.max} items.`);
  return errors.length ? { errors } : { ids };
}
