import { describe, expect, it } from 'vitest';
import { parseUuidList, UUID } from './uuid.ts';

const A = '0b6f7a4e-3c1d-4e2f-9a8b-7c6d5e4f3a2b';
const B = 'A1B2C3D4-E5F6-4718-9A0B-1C2D3E4F5A6B';

describe('UUID', () => {
  it('takes a uuid in either case, nothing around it', () => {
    expect([A, B].every((id) => UUID.test(id))).toBe(true);
    expect([`${A} `, A.slice(1), A.replaceAll('-', ''), `x${A}`].some((id) => UUID.test(id))).toBe(false);
  });
});

describe('parseUuidList', () => {
  it('gives the ids as given, trimmed, empty items dropped', () => {
    expect(parseUuidList(` ${A} ,, ${B}`, { min: 2, max: 10 })).toEqual({ ids: [A, B] });
  });

  it('names the bad items (three at most, each cut at 40 characters) and the count out of bounds', () => {
    const long = 'y'.repeat(50);
    expect(parseUuidList(`x,${long},z,w`, { min: 5, max: 10 })).toEqual({
      errors: [
        `Enter valid UUIDs, comma-separated (not "x", "${'y'.repeat(40)}", "z").`,
        'Ensure this list has at least 5 items.',
      ],
    });
    expect(parseUuidList(`${A},${B}`, { min: 1, max: 1 })).toEqual({
      errors: ['Ensure this list has no more than 1 items.'],
    });
  });

  it('reads a JSON array only when asked', () => {
    const json = JSON.stringify([A, B]);
    expect(parseUuidList(json, { min: 2, max: 10, jsonArray: true })).toEqual({ ids: [A, B] });
    expect('errors' in parseUuidList(json, { min: 2, max: 10 })).toBe(true);
    expect('errors' in parseUuidList('[not json', { min: 1, max: 10, jsonArray: true })).toBe(true);
  });

  it('refuses an id given twice, in any case, only when asked', () => {
    const twice = `${A},${A.toUpperCase()}`;
    expect(parseUuidList(twice, { min: 2, max: 10, once: 'Each once.' })).toEqual({ errors: ['Each once.'] });
    expect(parseUuidList(twice, { min: 2, max: 10 })).toEqual({ ids: [A, A.toUpperCase()] });
  });
});
