/**
 * Python's round(x, digits) on a float: correctly rounded from the exact binary value, ties to even.
 * The reference computes its figures this way (72.25 → 72.2, 0.15 → 0.1), and so do we.
 */
export function roundHalfEven(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  // A double is an exact decimal tie only if |x|·2^(digits+1) is an odd integer (scaling by 2^k is exact).
  const twice = Math.abs(x) * 2 ** (digits + 1);
  if (Number.isInteger(twice) && twice % 2 === 1) {
    const below = (twice * 5 ** digits - 1) / 2;
    const even = below % 2 === 0 ? below : below + 1;
    return Math.sign(x) * (even / 10 ** digits);
  }
  return Number(x.toFixed(digits));
}
