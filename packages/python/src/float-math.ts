/**
 * Correctly rounded `x ** y` for doubles. V8's `Math.pow` can be off by an ulp, while CPython
 * uses the C library's `pow`, which is correctly rounded in practice. Integer and half-integer
 * exponents are computed exactly with big ints; others through 160-bit fixed-point `ln` and `exp`.
 */

const P = 160; // fixed-point fraction bits
const ONE = 1n << BigInt(P);

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/** x = m * 2^e with m an integer (x finite, positive). */
function decompose(x: number): [bigint, number] {
  F64[0] = x;
  const lo = U32[0] as number;
  const hi = U32[1] as number;
  const bexp = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (bexp === 0) return [m, -1074];
  m |= 1n << 52n;
  return [m, bexp - 1075];
}

function bitLength(n: bigint): number {
  if (n < 0n) n = -n;
  if (n === 0n) return 0;
  const hex = n.toString(16);
  const d = parseInt(hex[0] as string, 16);
  return (hex.length - 1) * 4 + (d >= 8 ? 4 : d >= 4 ? 3 : d >= 2 ? 2 : 1);
}

function scale2(x: number, e: number): number {
  while (e > 600) {
    x *= 2 ** 600;
    e -= 600;
  }
  while (e < -600) {
    x *= 2 ** -600;
    e += 600;
  }
  return x * 2 ** e;
}

/**
 * num / den (positive) rounded to a double (normal range). Exact halfway cases round away from
 * zero when `tiesAway` is set, which is what glibc's `pow` does for exact integer powers.
 */
export function ratioToDouble(num: bigint, den: bigint, tiesAway = false): number {
  const shift = 56 - (bitLength(num) - bitLength(den));
  let q: bigint;
  let r: bigint;
  if (shift >= 0) {
    const n = num << BigInt(shift);
    q = n / den;
    r = n % den;
  } else {
    const d = den << BigInt(-shift);
    q = num / d;
    r = num % d;
  }
  if (r !== 0n || tiesAway) q |= 1n; // sticky bit
  return scale2(Number(q), -shift);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** 2 * atanh(z) in fixed point, for a fixed-point z with |z| < 1/2. */
function twoAtanh(z: bigint): bigint {
  const z2 = (z * z) >> BigInt(P);
  let term = z;
  let sum = 0n;
  for (let k = 1n; term !== 0n; k += 2n) {
    sum += term / k;
    term = (term * z2) >> BigInt(P);
  }
  return 2n * sum;
}

const LN2 = twoAtanh(ONE / 3n); // ln 2 = 2 atanh(1/3)

/** ln(m * 2^e) in fixed point. */
function lnFixed(m: bigint, e: number): bigint {
  // t = m / 2^(bits-1) in [1, 2)
  const bits = bitLength(m);
  const t = (m << BigInt(P)) >> BigInt(bits - 1);
  const z = ((t - ONE) << BigInt(P)) / (t + ONE);
  return twoAtanh(z) + BigInt(e + bits - 1) * LN2;
}

/** exp(w) for a fixed-point w: returns [mantissa in fixed point, power of two]. */
function expFixed(w: bigint): [bigint, number] {
  // w = k ln2 + r with |r| <= ln2 / 2
  let k = w / LN2;
  let r = w - k * LN2;
  if (r > LN2 / 2n) {
    r -= LN2;
    k += 1n;
  } else if (r < -LN2 / 2n) {
    r += LN2;
    k -= 1n;
  }
  let term = ONE;
  let sum = ONE;
  for (let n = 1n; term !== 0n; n++) {
    term = (term * r) / (n << BigInt(P));
    sum += term;
  }
  return [sum, Number(k)];
}

/**
 * x ** y for finite x > 0 and finite y, correctly rounded in practice; undefined when the result
 * is outside the normal double range (the caller then falls back to `Math.pow`).
 */
export function powPositive(x: number, y: number): number | undefined {
  const approx = Math.log2(x) * y;
  if (!(approx < 1023.5 && approx > -1021)) return undefined;
  const [m, e] = decompose(x);
  const twice = y * 2;
  if (Number.isInteger(twice) && Math.abs(twice) <= 2200) {
    const half = !Number.isInteger(y);
    const n = Math.abs(half ? twice : y);
    let num = m ** BigInt(n);
    let den = 1n;
    const e2 = e * n;
    if (e2 >= 0) num <<= BigInt(e2);
    else den <<= BigInt(-e2);
    if (y < 0) [num, den] = [den, num];
    if (!half) return ratioToDouble(num, den, true);
    // sqrt(num / den): integer square root of a scaled value, plus a sticky bit
    let s = 2 * (56 - Math.floor((bitLength(num) - bitLength(den)) / 2));
    if (s % 2 !== 0) s++;
    let scaled: bigint;
    let rem: bigint;
    if (s >= 0) {
      const t = num << BigInt(s);
      scaled = t / den;
      rem = t % den;
    } else {
      const d = den << BigInt(-s);
      scaled = num / d;
      rem = num % d;
    }
    let root = isqrt(scaled);
    if (root * root !== scaled || rem !== 0n) root |= 1n;
    return scale2(Number(root), -s / 2);
  }
  const [my, ey] = decompose(Math.abs(y));
  let w = lnFixed(m, e) * my;
  w = ey >= 0 ? w << BigInt(ey) : w >> BigInt(-ey);
  if (y < 0) w = -w;
  const [mant, k] = expFixed(w);
  return k >= P
    ? ratioToDouble(mant << BigInt(k - P), 1n)
    : ratioToDouble(mant, 1n << BigInt(P - k));
}
