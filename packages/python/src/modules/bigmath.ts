/**
 * Arbitrary-precision helpers on `bigdecimal.js`: e^x and ln x to a chosen number of digits,
 * and correctly rounded double versions of libm functions (`exp`, `log`, `pow`, `hypot`, ...).
 * CPython calls the C library, whose results for these functions are correctly rounded in
 * almost every case; V8's `Math.*` are often off by one unit in the last place, so the double
 * results here are computed with ~20 guard digits and rounded once. The exported `cr*` functions
 * first try the double-double fast paths of `ddmath.ts`, which decide all but ~2^-40 of the
 * arguments in about a microsecond; the series here (0.1-1 ms) only run for the rest.
 * @internal
 */
import { Big, MC, RoundingMode, type BigDecimal, type MathContext } from 'bigdecimal.js';
import { floatToRational } from './datetime-core.js';
import {
  fastAsinAcos,
  fastAtan,
  fastAtan2,
  fastExp,
  fastHypot,
  fastLog,
  fastLog2,
  fastPow,
  fastTrig,
} from './ddmath.js';

/** e^x to about `wp` significant digits (argument halving + Taylor series + squaring). */
export function expDecimal(x: BigDecimal, wp: number): BigDecimal {
  const magnitude = Math.abs(x.numberValue());
  const k = magnitude > 0.01 ? Math.ceil(Math.log2(magnitude / 0.01)) : 0;
  const mc = new MC(wp + k, RoundingMode.HALF_EVEN);
  const r = x.divideWithMathContext(Big(2n ** BigInt(k)), mc);
  const tiny = Big(1n, wp + k + 4);
  let sum = Big(1n);
  let term = Big(1n);
  for (let n = 1; n < 10_000; n++) {
    term = term.multiply(r, mc).divideWithMathContext(Big(BigInt(n)), mc);
    sum = sum.add(term, mc);
    if (term.abs().compareTo(tiny) < 0) break;
  }
  for (let i = 0; i < k; i++) sum = sum.multiply(sum, mc);
  return sum;
}

/** ln(x) for x > 0 to about `wp` digits: Halley iterations on exp from a float estimate. */
export function lnBig(x: BigDecimal, wp: number): BigDecimal {
  // float estimate from the leading digits and the decimal exponent (x may exceed a double)
  const digits = x.unscaledValue().toString();
  const lead = Number(
    `${digits.slice(0, 17)}e${String(digits.length - Math.min(17, digits.length) - x.scale())}`,
  );
  const estimate =
    Number.isFinite(lead) && lead > 0
      ? Math.log(lead)
      : Math.log(Number(`0.${digits.slice(0, 17)}`)) + (digits.length - x.scale()) * Math.LN10;
  // near x = 1 the result is small: carry extra digits so its relative error stays small
  const extra = estimate === 0 ? 0 : Math.max(0, Math.ceil(-Math.log10(Math.abs(estimate))));
  const mc = new MC(wp + extra, RoundingMode.HALF_EVEN);
  let y = Big(String(estimate));
  // Halley's method triples the correct digits per step; the estimate has about 15
  for (let digits = 15; digits < wp + extra + 2; digits *= 3) {
    const e = expDecimal(y, wp + extra);
    const step = x.subtract(e, mc).multiply(Big(2n), mc).divideWithMathContext(x.add(e, mc), mc);
    y = y.add(step, mc);
    if (step.signum() === 0) break;
  }
  return y;
}

/** The exact value of a finite double as a BigDecimal. */
export function exactDecimal(x: number): BigDecimal {
  const r = floatToRational(x);
  let k = 0;
  let den = r.den;
  while (den > 1n) {
    den >>= 1n;
    k++;
  }
  return Big(r.num * 5n ** BigInt(k), k);
}

/** The double nearest to a BigDecimal (JS parses decimal strings with correct rounding). */
export function toDouble(b: BigDecimal): number {
  return Number(b.toString());
}

const WP = 40;

/** Correctly rounded e^x (OverflowError is the caller's business: returns Infinity). */
function expExact(x: number): number {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? x : x > 0 ? x : 0;
  if (x === 0) return 1;
  if (x > 709.8) return Infinity;
  if (x < -745.2) return 0;
  return toDouble(expDecimal(exactDecimal(x), WP));
}

/** Correctly rounded ln x for x > 0. */
function logExact(x: number): number {
  if (x === 1) return 0;
  if (!Number.isFinite(x)) return x;
  return toDouble(lnBig(exactDecimal(x), WP));
}

let ln10: BigDecimal | undefined;
let ln2: BigDecimal | undefined;

/** Correctly rounded log10 x (exact for powers of ten) or log2 x (exact for powers of two). */
export function crLogBase(x: number, base: 10 | 2): number {
  if (!Number.isFinite(x)) return x;
  if (base === 2) {
    const e = Math.log2(x);
    if (Number.isInteger(e) && 2 ** e === x) return e;
  } else {
    const e = Math.round(Math.log10(x));
    if (exactDecimal(x).compareTo(Big(1n, -e)) === 0) return e;
  }
  if (base === 2) {
    const fast = fastLog2(x);
    if (fast === fast) return fast;
  }
  return crLogBaseExact(x, base);
}

function crLogBaseExact(x: number, base: 10 | 2): number {
  ln10 ??= lnBig(Big(10n), WP + 10);
  ln2 ??= lnBig(Big(2n), WP + 10);
  const mc = new MC(WP, RoundingMode.HALF_EVEN);
  return toDouble(lnBig(exactDecimal(x), WP).divideWithMathContext(base === 10 ? ln10 : ln2, mc));
}

/** Correctly rounded x ** y for finite x > 0 and finite y (other cases are the caller's). */
function powExact(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (Number.isInteger(y) && Math.abs(y) <= 64) {
    // exact rational power, rounded once
    const base = exactDecimal(x);
    const p = base.pow(Math.abs(y));
    if (y > 0) return toDouble(p);
    return toDouble(Big(1n).divideWithMathContext(p, new MC(WP, RoundingMode.HALF_EVEN)));
  }
  const guess = Math.pow(x, y);
  if (!Number.isFinite(guess) || guess === 0) return guess;
  const mc = new MC(WP + 10, RoundingMode.HALF_EVEN);
  const exponent = lnBig(exactDecimal(x), WP + 10).multiply(exactDecimal(y), mc);
  return toDouble(expDecimal(exponent, WP));
}

function isqrtBig(n: bigint): bigint {
  if (n < 2n) return n;
  // Newton's method from a power of two above the root decreases monotonically to it.
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) break;
    x = y;
  }
  while (x * x > n) x -= 1n;
  while ((x + 1n) * (x + 1n) <= n) x += 1n;
  return x;
}

/** Correctly rounded sqrt(Σ x²) of finite doubles (exact sum, integer square root). */
export function crHypot(values: readonly number[]): number {
  const fast = fastHypot(values);
  return fast === fast ? fast : hypotExact(values);
}

function hypotExact(values: readonly number[]): number {
  let num = 0n;
  let den = 1n; // power of four
  for (const v of values) {
    const r = floatToRational(Math.abs(v));
    const sq = r.num * r.num;
    const d = r.den * r.den;
    if (d > den) {
      num *= d / den;
      den = d;
    }
    num += sq * (den / d);
  }
  if (num === 0n) return 0;
  // sqrt(num / den) with den = 4^k: scale num up so the root has > 110 bits
  let shift = 0n;
  while ((num << (2n * shift)).toString(2).length < 240) shift += 8n;
  const scaled = num << (2n * shift);
  const root = isqrtBig(scaled);
  const sticky = root * root === scaled ? 0n : 1n;
  const denBits = BigInt(den.toString(2).length - 1) / 2n + shift; // sqrt(den) * 2^shift
  const mc = new MC(WP, RoundingMode.HALF_EVEN);
  // (2·root + sticky) / 2^(denBits + 1): the sticky bit only breaks exact ties
  const value = Big(2n * root + sticky).divideWithMathContext(
    Big(2n ** (denBits + 1n)),
    new MC(Math.max(WP, (2n * root).toString().length + 5), RoundingMode.HALF_EVEN),
  );
  void mc;
  return toDouble(value);
}

// ---------------------------------------------------------------------------------------------
// Trigonometry (glibc's sin/cos/tan/atan/atan2/asin/acos are correctly rounded in practice)

const PI_DIGITS =
  '3.14159265358979323846264338327950288419716939937510582097494459230781640628620899862803482534211706798';
const TWP = 45;

function mcOf(wp: number): MathContext {
  return new MC(wp, RoundingMode.HALF_EVEN);
}

/** sin and cos of a reduced argument |r| <= pi/4 (Taylor series). */
function sinCosSmall(r: BigDecimal, wp: number): [BigDecimal, BigDecimal] {
  const mc = mcOf(wp);
  const r2 = r.multiply(r, mc).negate();
  const tiny = Big(1n, wp + 2);
  let sinTerm = r;
  let sin = r;
  let cosTerm = Big(1n);
  let cos = Big(1n);
  for (let n = 1; n < 200; n++) {
    cosTerm = cosTerm
      .multiply(r2, mc)
      .divideWithMathContext(Big(BigInt((2 * n - 1) * (2 * n))), mc);
    sinTerm = sinTerm.multiply(r2, mc).divideWithMathContext(Big(BigInt(2 * n * (2 * n + 1))), mc);
    cos = cos.add(cosTerm, mc);
    sin = sin.add(sinTerm, mc);
    if (sinTerm.abs().compareTo(tiny) < 0 && cosTerm.abs().compareTo(tiny) < 0) break;
  }
  return [sin, cos];
}

/** sin, cos (or tan) of a finite double, correctly rounded; falls back to Math for huge x. */
function trigExact(name: 'sin' | 'cos' | 'tan', x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) > 1e15) return Math[name](x);
  if (x === 0) return name === 'cos' ? 1 : x;
  // extra digits for the cancellation in x - k·pi/2 and for results near zero
  const wp = TWP + Math.max(0, Math.ceil(Math.log10(Math.abs(x))));
  const mc = mcOf(wp + 20);
  const halfPi = Big(PI_DIGITS).divideWithMathContext(Big(2n), mc);
  const ex = exactDecimal(x);
  const k = ex.divideWithMathContext(halfPi, mc).setScale(0, RoundingMode.HALF_EVEN);
  const r = ex.subtract(k.multiply(halfPi, mc), mc);
  const [s, c] = sinCosSmall(r, wp + 20);
  const quadrant = Number(((k.toBigInt() % 4n) + 4n) % 4n);
  const sin = [s, c, s.negate(), c.negate()][quadrant] ?? s;
  const cos = [c, s.negate(), c.negate(), s][quadrant] ?? c;
  if (name === 'sin') return toDouble(sin);
  if (name === 'cos') return toDouble(cos);
  return toDouble(sin.divideWithMathContext(cos, mcOf(wp)));
}

/** atan of a BigDecimal: reduce to |t| <= 1, halve twice, then the Taylor series. */
function atanBig(t: BigDecimal, wp: number): BigDecimal {
  const mc = mcOf(wp + 10);
  const one = Big(1n);
  const halfPi = Big(PI_DIGITS).divideWithMathContext(Big(2n), mc);
  if (t.abs().compareTo(one) > 0) {
    const inv = atanBig(one.divideWithMathContext(t, mc), wp);
    return t.signum() > 0 ? halfPi.subtract(inv, mc) : halfPi.negate().subtract(inv, mc);
  }
  // atan(t) = 2·atan(t / (1 + sqrt(1 + t²))), applied twice: |t| <= tan(pi/16) ~ 0.2
  let u = t;
  for (let i = 0; i < 2; i++) {
    u = u.divideWithMathContext(one.add(one.add(u.multiply(u, mc), mc).sqrt(mc), mc), mc);
  }
  const u2 = u.multiply(u, mc).negate();
  const tiny = Big(1n, wp + 12);
  let power = u;
  let sum = u;
  for (let n = 1; n < 500; n++) {
    power = power.multiply(u2, mc);
    const term = power.divideWithMathContext(Big(BigInt(2 * n + 1)), mc);
    sum = sum.add(term, mc);
    if (term.abs().compareTo(tiny) < 0) break;
  }
  return sum.multiply(Big(4n), mc);
}

/** Correctly rounded atan, asin, acos. */
function inverseTrigExact(name: 'atan' | 'asin' | 'acos', x: number): number {
  if (Number.isNaN(x)) return x;
  if (name === 'atan' && !Number.isFinite(x)) return Math.atan(x);
  if (x === 0) return name === 'acos' ? Math.PI / 2 : x;
  if (name !== 'atan' && Math.abs(x) === 1) return Math[name](x); // ±pi/2, 0, pi exactly rounded
  const mc = mcOf(TWP + 20);
  const ex = exactDecimal(x);
  if (name === 'atan') return toDouble(atanBig(ex, TWP));
  // asin(x) = atan(x / sqrt(1 - x²)); acos(x) = pi/2 - asin(x)
  const one = Big(1n);
  const asin = atanBig(
    ex.divideWithMathContext(one.subtract(ex.multiply(ex, mc), mc).sqrt(mc), mc),
    TWP + 10,
  );
  if (name === 'asin') return toDouble(asin);
  const halfPi = Big(PI_DIGITS).divideWithMathContext(Big(2n), mc);
  return toDouble(halfPi.subtract(asin, mc));
}

/** Correctly rounded atan2(y, x) for finite non-zero arguments; IEEE special cases via Math. */
function atan2Exact(y: number, x: number): number {
  if (!Number.isFinite(y) || !Number.isFinite(x) || y === 0 || x === 0) return Math.atan2(y, x);
  const mc = mcOf(TWP + 20);
  const ratio = exactDecimal(y).divideWithMathContext(exactDecimal(x), mc);
  const a = atanBig(ratio, TWP + 10);
  if (x > 0) return toDouble(a);
  const pi = Big(PI_DIGITS);
  return toDouble(y > 0 ? a.add(pi, mc) : a.subtract(pi, mc));
}

// ---------------------------------------------------------------------------------------------
// Entry points: the double-double fast paths of `ddmath.ts` decide all but ~2^-40 of the
// arguments; the rest go through the series above, memoised (a bounded cache: cleared when it
// reaches 4096 entries) so that a script looping over the same hard argument pays once.

const memo = new Map<string, number>();

/** Cache key text for a double (distinguishes -0 from 0). */
function k(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

function remember(key: string, compute: () => number): number {
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const value = compute();
  if (memo.size >= 4096) memo.clear();
  memo.set(key, value);
  return value;
}

/** Correctly rounded e^x (Infinity or 0 beyond the double range). */
export function crExp(x: number): number {
  const fast = fastExp(x);
  if (fast === fast) return fast;
  return remember(`exp:${k(x)}`, () => expExact(x));
}

/** Correctly rounded ln x for x > 0. */
export function crLog(x: number): number {
  const fast = fastLog(x);
  if (fast === fast) return fast;
  return remember(`log:${k(x)}`, () => logExact(x));
}

/** Correctly rounded x ** y for finite x > 0 and finite y (other cases are the caller's). */
export function crPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  const fast = fastPow(x, y);
  if (fast === fast) return fast;
  return remember(`pow:${k(x)}:${k(y)}`, () => powExact(x, y));
}

/** sin, cos or tan of a double, correctly rounded (Math for |x| > 1e15). */
export function crTrig(name: 'sin' | 'cos' | 'tan', x: number): number {
  const fast = fastTrig(name, x);
  if (fast === fast) return fast;
  return remember(`${name}:${k(x)}`, () => trigExact(name, x));
}

/** Correctly rounded atan, asin, acos. */
export function crInverseTrig(name: 'atan' | 'asin' | 'acos', x: number): number {
  const fast = name === 'atan' ? fastAtan(x) : fastAsinAcos(name, x);
  if (fast === fast) return fast;
  return remember(`${name}:${k(x)}`, () => inverseTrigExact(name, x));
}

/** Correctly rounded atan2(y, x); IEEE special cases via Math. */
export function crAtan2(y: number, x: number): number {
  const fast = fastAtan2(y, x);
  if (fast === fast) return fast;
  return remember(`atan2:${k(y)}:${k(x)}`, () => atan2Exact(y, x));
}

/**
 * The BigInt evaluations without the fast paths, for tests that compare the two.
 * @internal
 */
export const exactPaths = {
  exp: expExact,
  log: logExact,
  log2: (x: number): number => crLogBaseExact(x, 2),
  pow: powExact,
  trig: trigExact,
  inverseTrig: inverseTrigExact,
  atan2: atan2Exact,
  hypot: hypotExact,
};
