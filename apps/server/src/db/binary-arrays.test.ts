import { describe, expect, it } from 'vitest';
import { getApp } from '../../test/helpers.ts';
import { ArrayEncodingError, encodeArray } from './binary-arrays.ts';

describe('encodeArray', () => {
  it('writes the header, lengths and big-endian elements PostgreSQL reads', () => {
    const buf = encodeArray('float8', [1.5, null]);
    expect([0, 4, 8, 12, 16].map((at) => buf.readInt32BE(at))).toEqual([1, 1, 701, 2, 1]);
    expect(buf.readInt32BE(20)).toBe(8);
    expect(buf.readDoubleBE(24)).toBe(1.5);
    expect(buf.readInt32BE(32)).toBe(-1);
    expect(buf.length).toBe(36);
    // No NULL: the flag stays 0.
    expect(encodeArray('int4', [7]).readInt32BE(4)).toBe(0);
  });

  it('writes an empty array as zero dimensions of the element type', () => {
    const buf = encodeArray('uuid', []);
    expect([0, 4, 8].map((at) => buf.readInt32BE(at))).toEqual([0, 0, 2950]);
  });

  it('sends NaN and infinities as NULL, as the text path does', () => {
    const buf = encodeArray('float8', [Number.NaN, Number.POSITIVE_INFINITY]);
    expect(buf.readInt32BE(4)).toBe(1);
    expect([buf.readInt32BE(20), buf.readInt32BE(24)]).toEqual([-1, -1]);
  });

  it('refuses what its type cannot hold instead of sending something else', () => {
    expect(() => encodeArray('uuid', ['not-a-uuid'])).toThrow(ArrayEncodingError);
    expect(() => encodeArray('int4', [1.5])).toThrow(/not an int4: 1.5/);
    expect(() => encodeArray('int4', [2 ** 31])).toThrow(ArrayEncodingError);
  });
});

describe('the hot-statement writer', () => {
  it('round-trips every element type, NULLs and awkward text exactly (binary on PostgreSQL, text on PGlite)', async () => {
    const { database } = await getApp();
    const write = database.writer(1);
    const statement = {
      name: 'xat_arrays_test',
      text: `select f, i, t, u::text as u from unnest($1::float8[], $2::int4[], $3::text[], $4::uuid[]) with ordinality
         as x(f, i, t, u, n) order by n`,
      arrays: ['float8', 'int4', 'text', 'uuid'],
    } as const;
    const floats = [0, 5e-324, 1.7976931348623157e308, 0.1 + 0.2, -123.456, 2 ** 53 + 2, null];
    const ints = [-2147483648, 2147483647, 0, 1, -1, null, 42];
    const texts = ['a"b', 'c\\d', '{x,y}', 'ünï ✓', '', null, 'NULL'];
    const id = '0f8e2a4c-1b3d-4e5f-8a9b-0c1d2e3f4a5b';
    const uuids = [id, null, id.toUpperCase(), id, id, id, id];
    const rows = await write((run) => run(statement, [floats, ints, texts, uuids]));
    expect(rows.map((r) => (r.f === null ? null : Number(r.f)))).toEqual(floats);
    expect(rows.map((r) => r.i)).toEqual(ints);
    expect(rows.map((r) => r.t)).toEqual(texts);
    expect(rows.map((r) => r.u)).toEqual([id, null, id, id, id, id, id]);
  });

  // PGlite's writer passes parameters through as they are: only PostgreSQL's checks them against its types.
  it('says which statement got the wrong number of parameters', async ({ skip }) => {
    skip(!process.env.DATABASE_URL, 'PostgreSQL only (DATABASE_URL unset): the PGlite writer has no binary arrays');
    const { database } = await getApp();
    const statement = {
      name: 'xat_arrays_count',
      text: 'select unnest($1::float8[])',
      arrays: ['float8', 'float8'],
    } as const;
    await expect(database.writer(1)((run) => run(statement, [[1]]))).rejects.toThrow(
      /xat_arrays_count: 1 parameters for 2/,
    );
  });
});
