/**
 * Go `%v` formatting, which pcprocess uses for every CSV cell (REFERENCE 2.7).
 *
 * A float64 prints as strconv.FormatFloat(x, 'g', -1, 64): the shortest digits that read back to the same double,
 * in exponent form when the decimal exponent is < -4 or >= 6 (Go's `eprec = 6` for shortest 'g'), with a signed,
 * at-least-two-digit exponent (`4.1943072e+06`, `2.2737367544323206e-12`), plain otherwise (`3.4000000000000004`).
 * JavaScript picks the same shortest digits but switches to exponent form only at 1e-7 / 1e21, hence this rewrite.
 */
export function formatGoFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return '+Inf';
  if (x === Number.NEGATIVE_INFINITY) return '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const sign = x < 0 ? '-' : '';
  const { digits, exponent } = shortestDigits(Math.abs(x));
  if (exponent < -4 || exponent >= 6) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const magnitude = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const integer = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return fraction ? `${sign}${integer}.${fraction}` : `${sign}${integer}`;
}

/** Go `%v` of an integer type (uint64 kB values, block counts, timestamps): plain decimal digits. */
export function formatGoInt(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(Math.trunc(n)).toString();
}

/** Go `math.Round`: half away from zero. `Math.round` rounds -2.5 to -2 and `floor(x + 0.5)` breaks on 0.49999999999999994. */
export function roundHalfAwayFromZero(x: number): number {
  if (!Number.isFinite(x)) return x;
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}

/** Significant digits (no leading/trailing zeros) and decimal exponent of the shortest round-trip form of x > 0. */
function shortestDigits(x: number): { digits: string; exponent: number } {
  const text = String(x); // ECMAScript Number::toString: shortest round-trip digits, nearest when ambiguous
  const e = text.indexOf('e');
  const mantissa = e < 0 ? text : text.slice(0, e);
  const shift = e < 0 ? 0 : Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const intLength = dot < 0 ? mantissa.length : dot;
  const all = mantissa.replace('.', '');
  const lead = all.search(/[1-9]/);
  const digits = all.slice(lead).replace(/0+$/, '');
  return { digits, exponent: intLength - lead - 1 + shift };
}
