/** A refusal as the API client gives it: one sentence, and the server's messages per field (DRF shape). */
export interface Refusal {
  message: string;
  fields: Record<string, string[]>;
}

export interface FormErrors<K extends string> {
  /** The server's messages for each field the form shows, to put under that field. */
  byField: Partial<Record<K, string[]>>;
  /** Everything else in words (other fields, `detail`), or undefined when every message has its field. */
  general: string | undefined;
}

/** Splits a refusal between the form's own fields and one general message, so no message of the server is lost. */
export function formErrors<K extends string>(refusal: Refusal | undefined, known: readonly K[]): FormErrors<K> {
  if (!refusal) return { byField: {}, general: undefined };
  const byField: Partial<Record<K, string[]>> = {};
  const rest: string[] = [];
  const isKnown = (f: string): f is K => (known as readonly string[]).includes(f);
  for (const [field, messages] of Object.entries(refusal.fields)) {
    if (isKnown(field)) byField[field] = messages;
    else
      rest.push(
        field === 'non_field_errors' || field === 'body'
          ? messages.join(' ')
          : `${field.replaceAll('_', ' ')}: ${messages.join(' ')}`,
      );
  }
  const general = Object.keys(refusal.fields).length === 0 ? refusal.message : rest.join(' ') || undefined;
  return { byField, general };
}
