import { describe, expect, it } from 'vitest';
import { describeError } from '../api/client.ts';
import { formErrors } from './form-errors.ts';

const FIELDS = ['old_password', 'new_password', 'new_password2'] as const;

describe('form errors', () => {
  it("puts each of the server's messages under its field, every one of a list kept", () => {
    const refusal = describeError(400, {
      new_password: [
        'This password is too short. It must contain at least 10 characters.',
        'This password is too common.',
      ],
      new_password2: ["The two password fields didn't match."],
    });
    const { byField, general } = formErrors(refusal, FIELDS);
    expect(byField.new_password).toEqual([
      'This password is too short. It must contain at least 10 characters.',
      'This password is too common.',
    ]);
    expect(byField.new_password2).toEqual(["The two password fields didn't match."]);
    expect(byField.old_password).toBeUndefined();
    expect(general).toBeUndefined();
  });

  it('says in one message what has no field on the form: other fields, non-field errors, detail', () => {
    const other = formErrors(
      describeError(400, { non_field_errors: ['Not now.'], retention_1m_days: ['Must be at least 1.'] }),
      FIELDS,
    );
    expect(other.byField).toEqual({});
    expect(other.general).toBe('Not now. retention 1m days: Must be at least 1.');
    const limited = formErrors(describeError(429, { detail: 'Too many attempts. Try again in 60 seconds.' }), FIELDS);
    expect(limited).toEqual({ byField: {}, general: 'Too many attempts. Try again in 60 seconds.' });
    expect(formErrors(describeError(500, undefined), FIELDS).general).toMatch(/HTTP 500/);
    expect(formErrors(undefined, FIELDS)).toEqual({ byField: {}, general: undefined });
  });
});
