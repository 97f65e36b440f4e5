/**
 * Python's `math` module over JS doubles and bigints, with CPython's errors
 * (`ValueError: math domain error`, `OverflowError: math range error`) and int results for
 * `floor`/`ceil`/`trunc`/`factorial`/`gcd`/`comb`/`perm`/`isqrt`.
 */
import {
  PyCallable,
  PyTuple,
  asInt,
  isPyObject,
  makeModule,
  raise,
  toArray,
  toFloat,
  toIndex,
  typeName,
  type HostHooks,
  type NativeFn,
  type PyKwargs,
  type PyModule,
  type PyValue,
} from '../values.js';
import {
  crAtan2,
  crExp,
  crHypot,
  crInverseTrig,
  crLog,
  crLogBase,
  crPow,
  crTrig,
} from './bigmath.js';
import { floatToRational } from './datetime-core.js';
import { erf, erfc } from './erf.js';
import { args, fn } from './support.js';

function domainError(): never {
  return raise('ValueError', 'math domain error');
}

function rangeError(): never {
  return raise('OverflowError', 'math range error');
}

/** A float argument (ints converted exactly, Decimal through `__float__`). */
function real(v: PyValue | undefined): number {
  return toFloat(v ?? null);
}

/** Applies `f`, raising CPython's errors for NaN from finite input and for overflow. */
function checked(x: number, result: number, allowInfFromFinite = false): number {
  if (Number.isNaN(result) && !Number.isNaN(x)) domainError();
  if (
    !Number.isFinite(result) &&
    Number.isFinite(x) &&
    !Number.isNaN(result) &&
    !allowInfFromFinite
  ) {
    rangeError();
  }
  return result;
}

function unary(name: string, f: (x: number) => number, domain?: (x: number) => boolean): PyValue {
  return fn(name, (a, kw) => {
    const { x } = args(name, a, kw, ['x']);
    const v = real(x);
    if (domain && !Number.isNaN(v) && !domain(v)) domainError();
    return checked(v, f(v));
  });
}

/** Float → int, with CPython's errors for infinities and NaN. */
export function floatToInt(x: number): bigint {
  if (Number.isNaN(x)) return raise('ValueError', 'cannot convert float NaN to integer');
  if (!Number.isFinite(x))
    return raise('OverflowError', 'cannot convert float infinity to integer');
  return BigInt(x);
}

function rounding(
  name: '__floor__' | '__ceil__' | '__trunc__',
  f: (x: number) => number,
): NativeFn {
  return (a, kw) => {
    const { x } = args(name.slice(2, -2), a, kw, ['x']);
    const v = x ?? null;
    const i = asInt(v);
    if (i !== undefined) return i;
    if (typeof v === 'number') return floatToInt(f(v));
    if (isPyObject(v)) {
      const m = v.getAttr(name);
      if (m instanceof PyCallable) return m.call([], undefined);
    }
    if (name === '__trunc__') {
      return raise('TypeError', `type ${typeName(v)} doesn't define __trunc__ method`);
    }
    return floatToInt(f(real(v)));
  };
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : (n < 0n ? -n : n).toString(2).length;
}

/** log of an int of any size (CPython handles huge ints by splitting off the exponent). */
function logOf(v: PyValue | undefined, f: (x: number) => number): number {
  const i = asInt(v ?? null);
  if (i !== undefined) {
    if (i <= 0n) domainError();
    const bits = bitLength(i);
    if (bits > 1000) {
      const shift = bits - 60;
      const mantissa = Number(i >> BigInt(shift));
      return f(mantissa) + shift * f(2);
    }
    return f(Number(i));
  }
  const x = real(v);
  if (Number.isNaN(x)) return x;
  if (x <= 0) domainError();
  return f(x);
}

function isqrt(n: bigint): bigint {
  if (n < 0n) raise('ValueError', 'isqrt() argument must be nonnegative');
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

function gcd2(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Correctly rounded sum of floats (exact rational accumulation), as `math.fsum`. */
export function fsum(values: readonly number[]): number {
  let special = 0;
  let sawNaN = false;
  let posInf = false;
  let negInf = false;
  let num = 0n;
  let den = 1n;
  for (const x of values) {
    if (Number.isNaN(x)) sawNaN = true;
    else if (x === Infinity) posInf = true;
    else if (x === -Infinity) negInf = true;
    else {
      const r = floatToRational(x);
      if (r.den > den) {
        num *= r.den / den;
        den = r.den;
      }
      num += r.num * (den / r.den);
    }
    special++;
  }
  if (posInf && negInf) raise('ValueError', '-inf + inf in fsum');
  if (sawNaN) return NaN;
  if (posInf) return Infinity;
  if (negInf) return -Infinity;
  void special;
  return rationalToFloat(num, den);
}

/** Nearest double to num/den where den is a power of two. */
function rationalToFloat(num: bigint, den: bigint): number {
  if (num === 0n) return 0;
  const negative = num < 0n;
  let n = negative ? -num : num;
  let k = bitLength(den) - 1; // den = 2^k
  const bits = bitLength(n);
  if (bits > 64) {
    const shift = bits - 64;
    const sticky = (n & ((1n << BigInt(shift)) - 1n)) !== 0n ? 1n : 0n;
    n = (n >> BigInt(shift)) | sticky;
    k -= shift;
  }
  let result = Number(n);
  // scale by 2^-k in steps that stay exact
  while (k > 0) {
    const step = Math.min(k, 1000);
    result /= 2 ** step;
    k -= step;
  }
  while (k < 0) {
    const step = Math.min(-k, 1000);
    result *= 2 ** step;
    k += step;
  }
  if (!Number.isFinite(result)) raise('OverflowError', 'intermediate overflow in fsum');
  return negative ? -result : result;
}

function factorial(n: bigint): bigint {
  let r = 1n;
  for (let i = 2n; i <= n; i++) r *= i;
  return r;
}

function perm(n: bigint, k: bigint): bigint {
  let r = 1n;
  for (let i = 0n; i < k; i++) r *= n - i;
  return r;
}

function nonNegative(name: string, v: PyValue | undefined, what: string): bigint {
  const n = toIndex(v ?? null);
  if (n < 0n) raise('ValueError', `${what} must be a non-negative integer`);
  void name;
  return n;
}

/** Lanczos approximation of Γ(x) (g = 7), accurate to ~15 digits. */
function gamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  const z = x - 1;
  let a = c[0] ?? 0;
  const t = z + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += (c[i] ?? 0) / (z + i);
  return Math.sqrt(2 * Math.PI) * t ** (z + 0.5) * Math.exp(-t) * a;
}

/** The `math` module. */
export function createMathModule(_host: HostHooks): PyModule {
  const attrs: Record<string, PyValue> = {
    pi: Math.PI,
    e: Math.E,
    tau: 2 * Math.PI,
    inf: Infinity,
    nan: NaN,
    floor: fn('floor', rounding('__floor__', Math.floor)),
    ceil: fn('ceil', rounding('__ceil__', Math.ceil)),
    trunc: fn('trunc', rounding('__trunc__', Math.trunc)),
    sqrt: unary('sqrt', Math.sqrt, (x) => x >= 0),
    exp: unary('exp', crExp),
    exp2: unary('exp2', (x) => (Number.isFinite(x) && !Number.isInteger(x) ? crPow(2, x) : 2 ** x)),
    expm1: unary('expm1', Math.expm1),
    log1p: unary('log1p', Math.log1p, (x) => x > -1),
    fabs: unary('fabs', Math.abs),
    sin: unary('sin', (x) => crTrig('sin', x), Number.isFinite),
    cos: unary('cos', (x) => crTrig('cos', x), Number.isFinite),
    tan: unary('tan', (x) => crTrig('tan', x), Number.isFinite),
    asin: unary(
      'asin',
      (x) => crInverseTrig('asin', x),
      (x) => x >= -1 && x <= 1,
    ),
    acos: unary(
      'acos',
      (x) => crInverseTrig('acos', x),
      (x) => x >= -1 && x <= 1,
    ),
    atan: unary('atan', (x) => crInverseTrig('atan', x)),
    sinh: unary('sinh', sinh),
    cosh: unary('cosh', cosh),
    tanh: unary('tanh', tanh),
    asinh: unary('asinh', asinh),
    acosh: unary('acosh', acosh, (x) => x >= 1),
    atanh: unary('atanh', Math.atanh, (x) => x > -1 && x < 1),
    degrees: unary('degrees', (x) => x * (180 / Math.PI)),
    radians: unary('radians', (x) => x * (Math.PI / 180)),
    erf: unary('erf', erf),
    erfc: unary('erfc', erfc),
    gamma: unary(
      'gamma',
      (x) =>
        Number.isInteger(x) && x >= 1 && x <= 23 ? Number(factorial(BigInt(x - 1))) : gamma(x),
      (x) => !(Number.isInteger(x) && x <= 0) && x !== -Infinity,
    ),
    lgamma: unary(
      'lgamma',
      (x) => Math.log(Math.abs(gamma(x))),
      (x) => !(Number.isInteger(x) && x <= 0),
    ),
    atan2: fn('atan2', (a) => crAtan2(real(a[0]), real(a[1]))),
    log: fn('log', (a, kw) => {
      const b = args('log', a, kw, ['x', 'base'], 1);
      const num = logOf(b.x, crLog);
      if (b.base === undefined) return num;
      const den = logOf(b.base, crLog);
      if (den === 0) raise('ZeroDivisionError', 'float division by zero');
      return num / den;
    }),
    log2: fn('log2', (a) => logOf(a[0], (x) => crLogBase(x, 2))),
    log10: fn('log10', (a) => logOf(a[0], log10)),
    pow: fn('pow', (a, kw) => {
      const b = args('pow', a, kw, ['x', 'y']);
      const x = real(b.x);
      const y = real(b.y);
      if (!Number.isFinite(x) || !Number.isFinite(y)) return powSpecial(x, y);
      if (x === 0 && y < 0) domainError();
      if (x < 0 && !Number.isInteger(y)) domainError();
      if (x === 1 || y === 0) return 1;
      const r = floatPow(x, y);
      if (!Number.isFinite(r)) rangeError();
      return r;
    }),
    fmod: fn('fmod', (a) => {
      const x = real(a[0]);
      const y = real(a[1]);
      if ((y === 0 || !Number.isFinite(x)) && !Number.isNaN(x) && !Number.isNaN(y)) domainError();
      return x % y;
    }),
    remainder: fn('remainder', (a) => {
      const x = real(a[0]);
      const y = real(a[1]);
      if ((y === 0 || !Number.isFinite(x)) && !Number.isNaN(x) && !Number.isNaN(y)) domainError();
      if (!Number.isFinite(y)) return x;
      const n = Math.round(x / y);
      const half = Math.abs(x / y - Math.trunc(x / y)) === 0.5;
      const q = half ? 2 * Math.round(x / y / 2) : n;
      return x - q * y;
    }),
    modf: fn('modf', (a) => {
      const x = real(a[0]);
      if (!Number.isFinite(x)) return new PyTuple([Number.isNaN(x) ? x : Math.sign(x) * 0, x]);
      const i = Math.trunc(x);
      return new PyTuple([Object.is(x, -0) ? -0 : x - i === 0 && x < 0 ? -0 : x - i, i]);
    }),
    frexp: fn('frexp', (a) => {
      const [m, e] = frexp(real(a[0]));
      return new PyTuple([m, BigInt(e)]);
    }),
    cbrt: unary('cbrt', cbrt),
    ldexp: fn('ldexp', (a) => {
      const x = real(a[0]);
      const i = Number(toIndex(a[1] ?? null));
      let r = x;
      let e = i;
      while (e > 1000) {
        r *= 2 ** 1000;
        e -= 1000;
      }
      while (e < -1000) {
        r *= 2 ** -1000;
        e += 1000;
      }
      r *= 2 ** e;
      if (!Number.isFinite(r) && Number.isFinite(x)) rangeError();
      return r;
    }),
    copysign: fn('copysign', (a) => {
      const x = Math.abs(real(a[0]));
      const y = real(a[1]);
      return y < 0 || Object.is(y, -0) || (Number.isNaN(y) && 1 / y < 0) ? -x : x;
    }),
    isfinite: fn('isfinite', (a) => Number.isFinite(real(a[0]))),
    isinf: fn('isinf', (a) => {
      const x = real(a[0]);
      return x === Infinity || x === -Infinity;
    }),
    isnan: fn('isnan', (a) => Number.isNaN(real(a[0]))),
    isclose: fn('isclose', (a, kw) => {
      if (a.length > 2)
        raise(
          'TypeError',
          `isclose() takes exactly 2 positional arguments (${String(a.length)} given)`,
        );
      const b = args('isclose', a, kw, ['a', 'b', 'rel_tol', 'abs_tol'], 2);
      const x = real(b.a);
      const y = real(b.b);
      const rel = b.rel_tol === undefined ? 1e-9 : real(b.rel_tol);
      const abs = b.abs_tol === undefined ? 0 : real(b.abs_tol);
      if (rel < 0 || abs < 0) raise('ValueError', 'tolerances must be non-negative');
      if (x === y) return true;
      if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
      const diff = Math.abs(y - x);
      return diff <= Math.abs(rel * y) || diff <= Math.abs(rel * x) || diff <= abs;
    }),
    hypot: fn('hypot', (a) => {
      const xs = a.map((v) => real(v));
      if (xs.some((x) => x === Infinity || x === -Infinity)) return Infinity;
      if (xs.some((x) => Number.isNaN(x))) return NaN;
      return crHypot(xs);
    }),
    dist: fn('dist', (a) => {
      const p = toArray(a[0] ?? null).map((v) => real(v));
      const q = toArray(a[1] ?? null).map((v) => real(v));
      if (p.length !== q.length)
        raise('ValueError', 'both points must have the same number of dimensions');
      const d = p.map((x, i) => x - (q[i] ?? 0));
      if (d.some((x) => x === Infinity || x === -Infinity)) return Infinity;
      if (d.some((x) => Number.isNaN(x))) return NaN;
      return crHypot(d);
    }),
    fsum: fn('fsum', (a) => fsum(toArray(a[0] ?? null).map((v) => real(v)))),
    prod: fn('prod', (a: PyValue[], kw: PyKwargs) => {
      const b = args('prod', a, kw, ['iterable', 'start'], 1);
      let acc: PyValue = b.start ?? 1n;
      for (const v of toArray(b.iterable ?? null)) acc = multiply(acc, v);
      return acc;
    }),
    factorial: fn('factorial', (a) => {
      const v = a[0] ?? null;
      if (typeof v === 'number') {
        raise('TypeError', "'float' object cannot be interpreted as an integer");
      }
      const n = toIndex(v);
      if (n < 0n) raise('ValueError', 'factorial() not defined for negative values');
      return factorial(n);
    }),
    gcd: fn('gcd', (a) => a.reduce<bigint>((g, v) => gcd2(g, toIndex(v)), 0n)),
    lcm: fn('lcm', (a) => {
      if (a.length === 0) return 1n;
      return a.reduce<bigint>((l, v) => {
        const n = toIndex(v);
        if (l === 0n || n === 0n) return 0n;
        const r = (l * n) / gcd2(l, n);
        return r < 0n ? -r : r;
      }, 1n);
    }),
    isqrt: fn('isqrt', (a) => isqrt(toIndex(a[0] ?? null))),
    comb: fn('comb', (a) => {
      const n = nonNegative('comb', a[0], 'n');
      const k = nonNegative('comb', a[1], 'k');
      if (k > n) return 0n;
      const kk = k > n - k ? n - k : k;
      return perm(n, kk) / factorial(kk);
    }),
    perm: fn('perm', (a) => {
      const n = nonNegative('perm', a[0], 'n');
      if (a[1] === undefined || a[1] === null) return factorial(n);
      const k = nonNegative('perm', a[1], 'k');
      return k > n ? 0n : perm(n, k);
    }),
    nextafter: fn('nextafter', (a) => nextafter(real(a[0]), real(a[1]))),
    ulp: fn('ulp', (a) => {
      const x = Math.abs(real(a[0]));
      if (Number.isNaN(x) || x === Infinity) return x;
      if (x === Number.MAX_VALUE) return x - nextafter(x, 0);
      return nextafter(x, Infinity) - x;
    }),
  };
  return makeModule('math', attrs);
}

/** x ** y for doubles with libm's (correctly rounded) results; IEEE special cases as Math.pow. */
export function floatPow(x: number, y: number): number {
  if (!Number.isFinite(x) || !Number.isFinite(y) || x === 0) return Math.pow(x, y);
  if (x > 0) return crPow(x, y);
  if (!Number.isInteger(y)) return NaN;
  const r = crPow(-x, y);
  return y % 2 === 0 ? r : -r;
}

/** `math.pow` with a NaN or infinite argument, as CPython's `math_pow_impl` (C99 Annex F). */
function powSpecial(x: number, y: number): number {
  if (Number.isNaN(x)) return y === 0 ? 1 : x;
  if (Number.isNaN(y)) return x === 1 ? 1 : y;
  if (x === Infinity || x === -Infinity) {
    const oddY = Number.isFinite(y) && Math.abs(y) % 2 === 1;
    if (y > 0) return oddY ? x : Infinity;
    if (y === 0) return 1;
    return oddY && x < 0 ? -0 : 0;
  }
  // y is infinite
  const ax = Math.abs(x);
  if (ax === 1) return 1;
  if (y > 0 && ax > 1) return y;
  if (y < 0 && ax < 1) return -y;
  return 0;
}

/** Mantissa in [0.5, 1) and exponent, exactly (subnormals included). */
export function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  let bits = buf.getBigUint64(0);
  let biased = Number((bits >> 52n) & 0x7ffn);
  let extra = 0;
  if (biased === 0) {
    // subnormal: scale into the normal range first (exact)
    buf.setFloat64(0, x * 2 ** 64);
    bits = buf.getBigUint64(0);
    biased = Number((bits >> 52n) & 0x7ffn);
    extra = -64;
  }
  const e = biased - 1022 + extra;
  bits = (bits & ~(0x7ffn << 52n)) | (1022n << 52n);
  buf.setBigUint64(0, bits);
  return [buf.getFloat64(0), e];
}

const LOG10_BUF = new DataView(new ArrayBuffer(8));

/** glibc's log10: fdlibm's reduction x = 2^k·m around its correctly rounded log. */
function log10(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return Math.log10(x);
  const buf = LOG10_BUF;
  let v = x;
  let k = 0;
  buf.setFloat64(0, v);
  if (buf.getInt32(0) < 0x00100000) {
    k -= 54;
    v *= 2 ** 54;
    buf.setFloat64(0, v);
  }
  let hx = buf.getInt32(0);
  k += (hx >> 20) - 1023;
  const i = k < 0 ? 1 : 0;
  hx = (hx & 0x000fffff) | ((0x3ff - i) << 20);
  const y = k + i;
  buf.setInt32(0, hx);
  const m = buf.getFloat64(0);
  const z = y * 3.69423907715893078616e-13 + 4.34294481903251816668e-1 * crLog(m);
  return z + y * 3.01029995663611771306e-1;
}

/** glibc's cbrt (polynomial estimate, one rational correction), to give its exact results. */
function cbrt(x: number): number {
  const [xm, xe] = frexp(Math.abs(x));
  if (x === 0 || !Number.isFinite(x)) return x + x;
  const u =
    0.35489576504391984 +
    (1.508191937815849 +
      (-2.114994941673713 +
        (2.4469312256353444 +
          (-1.8346927748361308 + (0.7849323449766392 - 0.14526389938548637 * xm) * xm) * xm) *
          xm) *
        xm) *
      xm;
  const t2 = u * u * u;
  const factor = [1 / SQR_CBRT2, 1 / CBRT2, 1, CBRT2, SQR_CBRT2][2 + (xe % 3)] ?? 1;
  const ym = ((u * (t2 + 2 * xm)) / (2 * t2 + xm)) * factor;
  return ldexp(x > 0 ? ym : -ym, Math.trunc(xe / 3));
}

const CBRT2 = 1.2599210498948732;
const SQR_CBRT2 = 1.5874010519681996;

/** x · 2^e with a single rounding (splits the scaling to avoid intermediate overflow). */
function ldexp(x: number, e: number): number {
  let r = x;
  let n = e;
  while (n > 1000) {
    r *= 2 ** 1000;
    n -= 1000;
  }
  while (n < -1000) {
    r *= 2 ** -1000;
    n += 1000;
  }
  return r * 2 ** n;
}

// glibc's sinh/cosh/asinh/acosh are fdlibm's algorithms on top of its (correctly rounded) exp and
// log, while V8 pairs the same algorithms with fdlibm's exp/log: follow glibc.

function sinh(x: number): number {
  const ax = Math.abs(x);
  if (!Number.isFinite(x) || ax < 2 ** -28) return x;
  const h = x < 0 ? -0.5 : 0.5;
  if (ax < 22) {
    const t = Math.expm1(ax);
    return ax < 1 ? h * (2 * t - (t * t) / (t + 1)) : h * (t + t / (t + 1));
  }
  if (ax < 709.782712893384) return h * crExp(ax);
  const w = crExp(0.5 * ax);
  return h * w * w;
}

function cosh(x: number): number {
  const ax = Math.abs(x);
  if (Number.isNaN(x)) return x;
  if (ax < 0.5 * Math.LN2) {
    const t = Math.expm1(ax);
    const w = 1 + t;
    return ax < 2 ** -55 ? w : 1 + (t * t) / (w + w);
  }
  if (ax < 22) {
    const t = crExp(ax);
    return 0.5 * t + 0.5 / t;
  }
  if (ax < 709.782712893384) return 0.5 * crExp(ax);
  const w = crExp(0.5 * ax);
  return 0.5 * w * w;
}

/** glibc's tanh (fdlibm's, without the shortcut tanh(x) = x for 2^-55 <= |x| < 2^-28 of V8's). */
function tanh(x: number): number {
  const ax = Math.abs(x);
  if (!Number.isFinite(x)) return Math.tanh(x);
  if (ax < 2 ** -55) return x * (1 + x);
  let z: number;
  if (ax >= 22) z = 1;
  else if (ax >= 1) z = 1 - 2 / (Math.expm1(2 * ax) + 2);
  else {
    const t = Math.expm1(-2 * ax);
    z = -t / (t + 2);
  }
  return x < 0 ? -z : z;
}

function asinh(x: number): number {
  const ax = Math.abs(x);
  if (!Number.isFinite(x) || ax < 2 ** -28) return x;
  let w: number;
  if (ax > 2 ** 28) w = crLog(ax) + Math.LN2;
  else if (ax > 2) w = crLog(2 * ax + 1 / (Math.sqrt(x * x + 1) + ax));
  else {
    const t = x * x;
    w = Math.log1p(ax + t / (1 + Math.sqrt(1 + t)));
  }
  return x < 0 ? -w : w;
}

function acosh(x: number): number {
  if (Number.isNaN(x) || x < 1) return NaN;
  if (x >= 2 ** 28) return Number.isFinite(x) ? crLog(x) + Math.LN2 : x;
  if (x === 1) return 0;
  if (x > 2) return crLog(2 * x - 1 / (x + Math.sqrt(x * x - 1)));
  const t = x - 1;
  return Math.log1p(t + Math.sqrt(2 * t + t * t));
}

function multiply(a: PyValue, b: PyValue): PyValue {
  const x = asInt(a);
  const y = asInt(b);
  if (x !== undefined && y !== undefined) return x * y;
  if ((typeof a === 'number' || x !== undefined) && (typeof b === 'number' || y !== undefined)) {
    return real(a) * real(b);
  }
  if (isPyObject(a) && a.binaryOp) {
    const r = a.binaryOp('*', b, false);
    if (r !== undefined) return r;
  }
  if (isPyObject(b) && b.binaryOp) {
    const r = b.binaryOp('*', a, true);
    if (r !== undefined) return r;
  }
  return raise(
    'TypeError',
    `unsupported operand type(s) for *: '${typeName(a)}' and '${typeName(b)}'`,
  );
}

function nextafter(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === y) return y;
  if (x === 0) return y > 0 ? Number.MIN_VALUE : -Number.MIN_VALUE;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  let bits = buf.getBigUint64(0);
  if (y > x === x > 0) bits += 1n;
  else bits -= 1n;
  buf.setBigUint64(0, bits);
  return buf.getFloat64(0);
}
