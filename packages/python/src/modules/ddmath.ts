/**
 * Fast paths for the correctly rounded functions of `bigmath.ts`, on double-double arithmetic
 * (an unevaluated sum hi + lo of two doubles, ~106 bits). Each function evaluates its result as a
 * double-double with a known error bound and returns `hi` only when every value within that bound
 * rounds to the same double (Ziv's rounding test); otherwise it returns NaN and the caller falls
 * back to the BigInt evaluation. For random arguments that happens with probability ~2^-40 (exact
 * halfway cases, which only `pow` has, always fall back), so the results are the correctly rounded
 * ones at a cost of about a microsecond. The error bounds passed to `decide` are deliberately
 * loose: checked against mpmath at 400 bits on ~100,000 arguments, the largest observed error was
 * below a tenth of its bound (`traceDecisions` exposes the double-doubles for such checks).
 *
 * Tables and constants (ln 2, pi, 2^(j/64), ln(1 + j/64), atan(j/64), 1/n!) are computed once, on
 * first use, with 256-bit fixed-point BigInt series.
 * @internal
 */

// ---------------------------------------------------------------------------------------------
// Double-double primitives. The low part of the last result is left in `LO` (no allocation).

let LO = 0;

const SPLITTER = 134217729; // 2^27 + 1

/** a + b = s + LO exactly. */
function twoSum(a: number, b: number): number {
  const s = a + b;
  const bb = s - a;
  LO = a - (s - bb) + (b - bb);
  return s;
}

/** a * b = p + LO exactly (Dekker; |a|, |b| < 2^995). */
function twoProd(a: number, b: number): number {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  LO = ah * bh - p + ah * bl + al * bh + al * bl;
  return p;
}

/** (ah + al) + (bh + bl), accurately (the "IEEE" double-double addition). */
function ddAdd(ah: number, al: number, bh: number, bl: number): number {
  let s = ah + bh;
  let bb = s - ah;
  let e = ah - (s - bb) + (bh - bb);
  const t = al + bl;
  bb = t - al;
  const f = al - (t - bb) + (bl - bb);
  e += t;
  let h = s + e;
  e = e - (h - s);
  s = h;
  e += f;
  h = s + e;
  LO = e - (h - s);
  return h;
}

/** (ah + al) * (bh + bl). */
function ddMul(ah: number, al: number, bh: number, bl: number): number {
  const p = twoProd(ah, bh);
  const e = LO + (ah * bl + al * bh);
  const h = p + e;
  LO = e - (h - p);
  return h;
}

/** (ah + al) * b for a double b. */
function ddMulD(ah: number, al: number, b: number): number {
  const p = twoProd(ah, b);
  const e = LO + al * b;
  const h = p + e;
  LO = e - (h - p);
  return h;
}

/** (ah + al) / (bh + bl). */
function ddDiv(ah: number, al: number, bh: number, bl: number): number {
  const q1 = ah / bh;
  // remainder a - q1 * b
  let ph = ddMulD(bh, bl, q1);
  let pl = LO;
  const rh = ddAdd(ah, al, -ph, -pl);
  const rl = LO;
  const q2 = rh / bh;
  ph = ddMulD(bh, bl, q2);
  pl = LO;
  const q3 = ddAdd(rh, rl, -ph, -pl) / bh;
  const h = q1 + q2;
  const e = q2 - (h - q1) + q3;
  const r = h + e;
  LO = e - (r - h);
  return r;
}

/** sqrt(ah + al) for ah > 0. */
function ddSqrt(ah: number, al: number): number {
  const s = Math.sqrt(ah);
  const p = twoProd(s, s);
  const pl = LO;
  const c = (ah - p - pl + al) / (2 * s);
  const h = s + c;
  LO = c - (h - s);
  return h;
}

/**
 * Ziv's test: `hi` when every value in [hi + lo - err, hi + lo + err] rounds to it, else NaN.
 */
function decide(hi: number, lo: number, err: number, scale = 1): number {
  if (trace) trace.push(hi * scale, lo * scale, err * scale);
  return hi + (lo + err) === hi && hi + (lo - err) === hi ? hi * scale : NaN;
}

let trace: number[] | undefined;

/**
 * Runs `f` and returns, for each rounding decision it made, the double-double and its error
 * bound as `hi, lo, err` triples (for tests that check the bounds against a reference).
 */
export function traceDecisions(f: () => void): number[] {
  const out: number[] = [];
  trace = out;
  try {
    f();
  } finally {
    trace = undefined;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Constants, computed once with 256-bit fixed-point BigInt arithmetic.

const F = 256n;
const ONE = 1n << F;
const SCALE = 2 ** -256;

const PI_DIGITS =
  '314159265358979323846264338327950288419716939937510582097494459230781640628620899862803482534211706798';

/** Σ z^(2k+1)/(2k+1) for fixed-point |z| < 1. */
function atanhFix(z: bigint): bigint {
  if (z < 0n) return -atanhFix(-z);
  const z2 = (z * z) >> F;
  let power = z;
  let sum = 0n;
  for (let k = 1n; power !== 0n; k += 2n) {
    sum += power / k;
    power = (power * z2) >> F;
  }
  return sum;
}

/** e^r for fixed-point |r| < 1. */
function expFix(r: bigint): bigint {
  let term = ONE;
  let sum = ONE;
  for (let n = 1n; term !== 0n; n++) {
    term = (term * r) / (n << F);
    sum += term;
  }
  return sum;
}

function isqrtBig(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** atan(z) for fixed-point 0 <= z <= 1 (two argument halvings, then the Taylor series). */
function atanFix(z: bigint): bigint {
  let u = z;
  for (let i = 0; i < 2; i++) u = (u << F) / (ONE + isqrtBig(ONE * ONE + u * u));
  const u2 = (u * u) >> F;
  let power = u;
  let sum = 0n;
  for (let k = 1n, sign = 1n; power !== 0n; k += 2n, sign = -sign) {
    sum += (sign * power) / k;
    power = (power * u2) >> F;
  }
  return 4n * sum;
}

/** Double-double [hi, lo] of a fixed-point value. */
function dd(v: bigint): [number, number] {
  const hi = Number(v);
  return [hi * SCALE, Number(v - BigInt(hi)) * SCALE];
}

/** The leading `bits` bits of a positive fixed-point value, as a double, and the remainder. */
function leading(v: bigint, bits: number): [number, bigint] {
  const drop = BigInt(Math.max(0, v.toString(2).length - bits));
  const head = (v >> drop) << drop;
  return [Number(head) * SCALE, v - head];
}

interface Tables {
  /** ln 2 as three doubles (the first exact in products with ints < 2^20). */
  ln2: [number, number, number];
  /** ln2 / 64 in three parts: 33 bits, 33 bits, then a double-double. */
  ln2by64: [number, number, number, number];
  /** pi / 2 in the same layout. */
  halfPi: [number, number, number, number];
  /** 2^(j/64), j = 0..63, as hi/lo pairs. */
  exp2j: Float64Array;
  /** ln(1 + j/64), j = -16..32, as hi/lo pairs at index j + 16. */
  logc: Float64Array;
  /** 1/n! for n = 0..30, as hi/lo pairs. */
  invFact: Float64Array;
  /** 1/(2k+1) for k = 0..15, as hi/lo pairs. */
  invOdd: Float64Array;
  /** 2^m for m = -1022..1023 at index m + 1022. */
  pow2: Float64Array;
}

let tables: Tables | undefined;

function split3(v: bigint): [number, number, number, number] {
  const [a, r1] = leading(v, 33);
  const [b, r2] = leading(r1, 33);
  const [c, d] = dd(r2);
  return [a, b, c, d];
}

function buildTables(): Tables {
  const ln2 = 2n * atanhFix(ONE / 3n);
  const [l1, r1] = leading(ln2, 33);
  const [l2, l3] = dd(r1);
  const pi = (BigInt(PI_DIGITS) << F) / 10n ** BigInt(PI_DIGITS.length - 1);
  const exp2j = new Float64Array(128);
  const root = expFix(ln2 / 64n); // 2^(1/64)
  for (let j = 0, power = ONE; j < 64; j++, power = (power * root) >> F) {
    const [h, l] = dd(power);
    exp2j[2 * j] = h;
    exp2j[2 * j + 1] = l;
  }
  const logc = new Float64Array(98);
  for (let j = -16; j <= 32; j++) {
    // ln(1 + j/64) = 2 atanh(j / (128 + j))
    const [h, l] = dd(2n * atanhFix((BigInt(j) << F) / BigInt(128 + j)));
    logc[2 * (j + 16)] = h;
    logc[2 * (j + 16) + 1] = l;
  }
  const invFact = new Float64Array(62);
  let fact = 1n;
  for (let n = 0; n <= 30; n++) {
    if (n > 0) fact *= BigInt(n);
    const [h, l] = dd(ONE / fact);
    invFact[2 * n] = h;
    invFact[2 * n + 1] = l;
  }
  const invOdd = new Float64Array(32);
  for (let k = 0; k < 16; k++) {
    const [h, l] = dd(ONE / BigInt(2 * k + 1));
    invOdd[2 * k] = h;
    invOdd[2 * k + 1] = l;
  }
  const pow2 = new Float64Array(2046);
  pow2[1022] = 1;
  for (let m = 1; m <= 1023; m++) pow2[1022 + m] = (pow2[1021 + m] ?? 0) * 2;
  for (let m = 1; m <= 1022; m++) pow2[1022 - m] = (pow2[1023 - m] ?? 0) / 2;
  return {
    ln2: [l1, l2, l3],
    ln2by64: split3(ln2 / 64n),
    halfPi: split3(pi / 2n),
    exp2j,
    logc,
    invFact,
    invOdd,
    pow2,
  };
}

function T(): Tables {
  tables ??= buildTables();
  return tables;
}

let atanTable: Float64Array | undefined;

/** atan(j/64), j = 0..64, as hi/lo pairs (built on first use). */
function atanj(): Float64Array {
  if (atanTable === undefined) {
    atanTable = new Float64Array(130);
    for (let j = 0; j <= 64; j++) {
      const [h, l] = dd(atanFix((BigInt(j) << F) / 64n));
      atanTable[2 * j] = h;
      atanTable[2 * j + 1] = l;
    }
  }
  return atanTable;
}

function at(a: Float64Array, i: number): number {
  return a[i] as number;
}

// ---------------------------------------------------------------------------------------------
// exp

/** e^(xh + xl) as a double-double (LO) without the 2^m scaling, which is returned in EXP_M. */
let EXP_M = 0;

function expCore(xh: number, xl: number, t: Tables): number {
  const k = Math.round(xh * 92.33248261689366); // 64 / ln 2
  const j = k & 63;
  EXP_M = (k - j) / 64;
  const [c1, c2, c3, c4] = t.ln2by64;
  // r = x - k ln2/64: k c1 and k c2 are exact products (k < 2^17, 33-bit constants)
  let rh = twoSum(xh, -k * c1);
  let rl = LO;
  rh = ddAdd(rh, rl, -k * c2, xl);
  rl = LO;
  const ph = twoProd(k, c3);
  const pl = LO + k * c4;
  rh = ddAdd(rh, rl, -ph, -pl);
  rl = LO;
  // e^r = Σ r^n/n!, |r| <= ln2/128: terms from r^7 on (< 2^-65) in plain doubles
  const f = t.invFact;
  const tail =
    rh *
    (at(f, 14) +
      rh * (at(f, 16) + rh * (at(f, 18) + rh * (at(f, 20) + rh * (at(f, 22) + rh * at(f, 24))))));
  let sh = ddAdd(at(f, 12), at(f, 13), tail, 0);
  let sl = LO;
  for (let n = 5; n >= 0; n--) {
    sh = ddMul(sh, sl, rh, rl);
    sl = LO;
    sh = ddAdd(sh, sl, at(f, 2 * n), at(f, 2 * n + 1));
    sl = LO;
  }
  return ddMul(sh, sl, at(t.exp2j, 2 * j), at(t.exp2j, 2 * j + 1));
}

/** Correctly rounded e^x, or NaN when undecided or outside the normal range. */
export function fastExp(x: number): number {
  if (!(x > -708 && x < 709.7)) return NaN;
  if (Math.abs(x) < 2 ** -60) return 1; // within a quarter ulp of 1
  const t = T();
  const h = expCore(x, 0, t);
  return decide(h, LO, h * 2 ** -98, at(t.pow2, EXP_M + 1022));
}

// ---------------------------------------------------------------------------------------------
// log

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** ln x as a double-double (result and LO) for finite x > 0 (subnormals included). */
function logCore(x: number, t: Tables): number {
  let e = 0;
  let v = x;
  if (v < 2 ** -1022) {
    v *= 2 ** 54;
    e = -54;
  }
  F64[0] = v;
  const hw = U32[HI] as number;
  e += (hw >>> 20) - 1023;
  U32[HI] = (hw & 0x000fffff) | 0x3ff00000;
  let m = F64[0] as number; // [1, 2)
  if (m >= 1.5) {
    m /= 2;
    e += 1;
  }
  const j = Math.round((m - 1) * 64);
  const c = 1 + j / 64;
  const d = m - c; // exact
  // u = d / c as a double-double
  const q = d / c;
  const p = twoProd(q, c);
  const ql = (d - p - LO) / c;
  // ln(1 + u) = 2 atanh(s), s = u / (2 + u), |s| < 2^-7.5
  const dh = twoSum(2, q);
  const sh = ddDiv(q, ql, dh, LO + ql);
  const sl = LO;
  const zh = ddMul(sh, sl, sh, sl);
  const zl = LO;
  const o = t.invOdd;
  const tail = at(o, 8) + zh * (at(o, 10) + zh * (at(o, 12) + zh * at(o, 14)));
  let ah = ddAdd(at(o, 6), at(o, 7), zh * tail, 0);
  let al = LO;
  for (let k = 2; k >= 0; k--) {
    ah = ddMul(ah, al, zh, zl);
    al = LO;
    ah = ddAdd(ah, al, at(o, 2 * k), at(o, 2 * k + 1));
    al = LO;
  }
  ah = ddMul(ah, al, 2 * sh, 2 * sl);
  al = LO;
  // + ln c + e ln 2
  ah = ddAdd(ah, al, at(t.logc, 2 * (j + 16)), at(t.logc, 2 * (j + 16) + 1));
  al = LO;
  if (e === 0) {
    LO = al;
    return ah;
  }
  const [l1, l2, l3] = t.ln2;
  const bh = twoProd(e, l2);
  const bl = LO + e * l3;
  ah = ddAdd(ah, al, bh, bl);
  al = LO;
  return ddAdd(ah, al, e * l1, 0);
}

/** Correctly rounded ln x for finite x > 0, or NaN when undecided. */
export function fastLog(x: number): number {
  if (!(x > 0 && x < Infinity)) return NaN;
  const h = logCore(x, T());
  return decide(h, LO, Math.abs(h) * 2 ** -98);
}

/** Correctly rounded log2 x for finite x > 0, or NaN when undecided. */
export function fastLog2(x: number): number {
  if (!(x > 0 && x < Infinity)) return NaN;
  const t = T();
  const h = logCore(x, t);
  const l = LO;
  const [l1, l2, l3] = t.ln2;
  const nh = twoSum(l1, l2);
  const q = ddDiv(h, l, nh, LO + l3);
  return decide(q, LO, Math.abs(q) * 2 ** -97);
}

/** Correctly rounded x^y for finite x > 0 and finite y, or NaN (undecided, out of range). */
export function fastPow(x: number, y: number): number {
  if (!(x > 0 && x < Infinity) || !(Math.abs(y) < 2 ** 900)) return NaN;
  const t = T();
  const lh = logCore(x, t);
  const ll = LO;
  const wh = ddMulD(lh, ll, y);
  const wl = LO;
  if (!(wh > -708 && wh < 709.7)) return NaN;
  if (Math.abs(wh) < 2 ** -60) return 1;
  const h = expCore(wh, wl, t);
  return decide(h, LO, h * 2 ** -100 * (16 + 4 * Math.abs(wh)), at(t.pow2, EXP_M + 1022));
}

// ---------------------------------------------------------------------------------------------
// sin, cos, tan

let SIN_H = 0;
let SIN_L = 0;
let COS_H = 0;
let COS_L = 0;

/** sin and cos of a reduced |r| <= pi/4 + tiny (into SIN_* and COS_*). */
function sinCos(rh: number, rl: number, t: Tables): void {
  const f = t.invFact;
  const zh = ddMul(rh, rl, rh, rl);
  const zl = LO;
  // sin r = r Σ (-1)^k z^k/(2k+1)!, cos r = Σ (-1)^k z^k/(2k)!; terms below 2^-54 in doubles
  let tail = 0;
  for (let k = 14; k >= 8; k--) tail = (k % 2 ? -at(f, 4 * k + 2) : at(f, 4 * k + 2)) + zh * tail;
  let sh = ddAdd(-at(f, 30), -at(f, 31), zh * tail, 0); // k = 7
  let sl = LO;
  for (let k = 6; k >= 0; k--) {
    sh = ddMul(sh, sl, zh, zl);
    sl = LO;
    const ch = at(f, 4 * k + 2);
    const cl = at(f, 4 * k + 3);
    sh = k % 2 ? ddAdd(sh, sl, -ch, -cl) : ddAdd(sh, sl, ch, cl);
    sl = LO;
  }
  SIN_H = ddMul(sh, sl, rh, rl);
  SIN_L = LO;
  tail = 0;
  for (let k = 15; k >= 9; k--) tail = (k % 2 ? -at(f, 4 * k) : at(f, 4 * k)) + zh * tail;
  let ch2 = ddAdd(at(f, 32), at(f, 33), zh * tail, 0); // k = 8
  let cl2 = LO;
  for (let k = 7; k >= 0; k--) {
    ch2 = ddMul(ch2, cl2, zh, zl);
    cl2 = LO;
    const ch = at(f, 4 * k);
    const cl = at(f, 4 * k + 1);
    ch2 = k % 2 ? ddAdd(ch2, cl2, -ch, -cl) : ddAdd(ch2, cl2, ch, cl);
    cl2 = LO;
  }
  COS_H = ch2;
  COS_L = cl2;
}

// Arguments beyond 1.6e6 are reduced exactly with a 1400-bit 2/pi (Payne and Hanek's method on
// BigInts): every double is a 53-bit integer times 2^e with e <= 971.
const W = 1432;
let twoOverPi: bigint | undefined;
let halfPiFix: bigint | undefined;

/** Σ (-1)^k / ((2k+1) n^(2k+1)) = atan(1/n) in fixed point with `bits` fraction bits. */
function atanInverse(n: bigint, bits: bigint): bigint {
  let power = (1n << bits) / n;
  const n2 = n * n;
  let sum = 0n;
  for (let k = 1n, sign = 1n; power !== 0n; k += 2n, sign = -sign) {
    sum += (sign * power) / k;
    power /= n2;
  }
  return sum;
}

/** k mod 4 in Q and r = |x| - k pi/2 into R_H, R_L, for |x| >= 2^20. */
let Q = 0;
let R_H = 0;
let R_L = 0;

function reduceHuge(ax: number): void {
  if (twoOverPi === undefined || halfPiFix === undefined) {
    const w = BigInt(W);
    const pi = 16n * atanInverse(5n, w) - 4n * atanInverse(239n, w); // Machin
    twoOverPi = (2n << (2n * w)) / pi;
    halfPiFix = pi >> (w - F + 1n);
  }
  F64[0] = ax;
  const hw = U32[HI] as number;
  const m = (BigInt((hw & 0x000fffff) | 0x00100000) << 32n) | BigInt(U32[1 - HI] as number);
  const e = (hw >>> 20) - 1075; // |x| = m 2^e (normal: |x| >= 2^20)
  const s = BigInt(W - e);
  const prod = m * twoOverPi; // |x| 2/pi = prod 2^-s
  let k = prod >> s;
  let f = prod - (k << s);
  if (f >= 1n << (s - 1n)) {
    k += 1n;
    f -= 1n << s;
  }
  Q = Number(k & 3n);
  const r = ((f >> (s - F)) * halfPiFix) >> F;
  [R_H, R_L] = dd(r);
}

/** Correctly rounded sin, cos or tan of a finite x, or NaN when undecided. */
export function fastTrig(name: 'sin' | 'cos' | 'tan', x: number): number {
  const ax = Math.abs(x);
  if (!(ax < Infinity)) return NaN;
  if (ax < 2 ** -300) return name === 'cos' ? 1 : x;
  const t = T();
  let rh: number;
  let rl: number;
  let q: number;
  let abs: number; // absolute error of r
  let flip = false;
  if (ax < 1.6e6) {
    const k = Math.round(x * 0.6366197723675814); // 2 / pi
    const [p1, p2, p3, p4] = t.halfPi;
    // r = x - k pi/2; k p1 and k p2 are exact products (|k| < 2^20, 33-bit constants)
    rh = twoSum(x, -k * p1);
    rl = LO;
    rh = ddAdd(rh, rl, -k * p2, 0);
    rl = LO;
    const ph = twoProd(k, p3);
    const pl = LO + k * p4;
    rh = ddAdd(rh, rl, -ph, -pl);
    rl = LO;
    q = k & 3;
    abs = Math.abs(k) * 2 ** -128;
  } else {
    reduceHuge(ax);
    rh = R_H;
    rl = R_L;
    q = Q;
    abs = Math.abs(rh) * 2 ** -104 + 2 ** -200;
    flip = x < 0 && name !== 'cos';
  }
  sinCos(rh, rl, t);
  let h: number;
  let l: number;
  if (name === 'tan') {
    h = q & 1 ? ddDiv(-COS_H, -COS_L, SIN_H, SIN_L) : ddDiv(SIN_H, SIN_L, COS_H, COS_L);
    l = LO;
    // tan' = 1 + tan^2 magnifies the error of r
    const r = decide(h, l, Math.abs(h) * 2 ** -96 + abs * (1 + h * h));
    return flip ? -r : r;
  }
  const useSin = (name === 'sin') === ((q & 1) === 0);
  h = useSin ? SIN_H : COS_H;
  l = useSin ? SIN_L : COS_L;
  const negate = name === 'sin' ? q >= 2 : q === 1 || q === 2;
  if (negate !== flip) {
    h = -h;
    l = -l;
  }
  return decide(h, l, Math.abs(h) * 2 ** -97 + abs);
}

// ---------------------------------------------------------------------------------------------
// atan, asin, acos, atan2

/** atan(n / d) for 0 <= n <= d (double-doubles, d > 0), as a double-double (result and LO). */
function atanRatio(nh: number, nl: number, dh: number, dl: number, t: Tables): number {
  const qh = ddDiv(nh, nl, dh, dl);
  const ql = LO;
  const j = Math.round(qh * 64);
  const c = j / 64;
  // u = (q - c) / (1 + q c), |u| <= 1/128
  const uh0 = twoSum(qh, -c);
  const uh1 = ddAdd(uh0, LO, ql, 0);
  const ul1 = LO;
  const ph = twoProd(qh, c);
  const pl = LO + ql * c;
  const vh = ddAdd(1, 0, ph, pl);
  const uh = ddDiv(uh1, ul1, vh, LO);
  const ul = LO;
  const zh = ddMul(uh, ul, uh, ul);
  const zl = LO;
  const o = t.invOdd;
  // atan u = u Σ (-1)^k z^k/(2k+1); from k = 4 on (< 2^-56) in doubles
  const tail = at(o, 8) - zh * (at(o, 10) - zh * (at(o, 12) - zh * at(o, 14)));
  let ah = ddAdd(-at(o, 6), -at(o, 7), zh * tail, 0);
  let al = LO;
  for (let k = 2; k >= 0; k--) {
    ah = ddMul(ah, al, zh, zl);
    al = LO;
    ah =
      k % 2
        ? ddAdd(ah, al, -at(o, 2 * k), -at(o, 2 * k + 1))
        : ddAdd(ah, al, at(o, 2 * k), at(o, 2 * k + 1));
    al = LO;
  }
  ah = ddMul(ah, al, uh, ul);
  al = LO;
  const table = atanj();
  return ddAdd(ah, al, at(table, 2 * j), at(table, 2 * j + 1));
}

/** atan(n / d) for n, d >= 0 (double-doubles), in [0, pi/2]: result and LO. */
function atanQuadrant(nh: number, nl: number, dh: number, dl: number, t: Tables): number {
  if (nh <= dh) return atanRatio(nh, nl, dh, dl, t);
  const ah = atanRatio(dh, dl, nh, nl, t);
  const al = LO;
  const [p1, p2, p3, p4] = t.halfPi;
  const bh = twoSum(p1, p2);
  const bl = LO + p3 + p4;
  return ddAdd(bh, bl, -ah, -al);
}

function piDD(t: Tables): number {
  const [p1, p2, p3, p4] = t.halfPi;
  const h = twoSum(2 * p1, 2 * p2);
  LO += 2 * p3 + 2 * p4;
  const r = h + LO;
  LO = LO - (r - h);
  return r;
}

/** Correctly rounded atan x for finite x, or NaN when undecided. */
export function fastAtan(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < 2 ** 900)) return NaN;
  if (ax < 2 ** -300) return x;
  const h = atanQuadrant(ax, 0, 1, 0, T());
  const r = decide(h, LO, h * 2 ** -97);
  return x < 0 ? -r : r;
}

/** sqrt(1 - x^2) for |x| <= 1 as a double-double (result and LO). */
function cosOfSin(x: number): number {
  const p = twoProd(x, x);
  const pl = LO;
  const wh = twoSum(1, -p);
  const w = ddAdd(wh, LO, -pl, 0);
  return ddSqrt(w, LO);
}

/** Correctly rounded asin or acos of x in (-1, 1), or NaN when undecided. */
export function fastAsinAcos(name: 'asin' | 'acos', x: number): number {
  const ax = Math.abs(x);
  if (!(ax < 1) || ax < 2 ** -300) return NaN;
  const t = T();
  const ch = cosOfSin(ax);
  const cl = LO;
  if (name === 'asin') {
    const h = atanQuadrant(ax, 0, ch, cl, t);
    const r = decide(h, LO, h * 2 ** -96);
    return x < 0 ? -r : r;
  }
  let h = atanQuadrant(ch, cl, ax, 0, t);
  let l = LO;
  if (x < 0) {
    const ph = piDD(t);
    h = ddAdd(ph, LO, -h, -l);
    l = LO;
  }
  return decide(h, l, h * 2 ** -96);
}

/** Correctly rounded atan2(y, x) for finite non-zero y and x, or NaN when undecided. */
export function fastAtan2(y: number, x: number): number {
  const ay = Math.abs(y);
  const ax = Math.abs(x);
  if (!(ay > 2 ** -900 && ay < 2 ** 900 && ax > 2 ** -900 && ax < 2 ** 900)) return NaN;
  const ratio = ay / ax;
  if (!(ratio > 2 ** -900 && ratio < 2 ** 900)) return NaN;
  const t = T();
  let h = atanQuadrant(ay, 0, ax, 0, t);
  let l = LO;
  if (x < 0) {
    const ph = piDD(t);
    h = ddAdd(ph, LO, -h, -l);
    l = LO;
  }
  const r = decide(h, l, h * 2 ** -96);
  return y < 0 ? -r : r;
}

// ---------------------------------------------------------------------------------------------
// hypot

/** Correctly rounded sqrt(Σ v²) of finite doubles, or NaN when undecided or out of range. */
export function fastHypot(values: readonly number[]): number {
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  if (max === 0) return 0;
  if (!(max > 2 ** -900 && max < 2 ** 900)) return NaN;
  // scale by a power of two so that the largest value is near 1 (exact)
  F64[0] = max;
  const e = ((U32[HI] as number) >>> 20) - 1023;
  const t = T();
  const down = at(t.pow2, 1022 - e);
  let sh = 0;
  let sl = 0;
  for (const v of values) {
    const w = v * down;
    const p = twoProd(w, w);
    sh = ddAdd(sh, sl, p, LO);
    sl = LO;
  }
  const h = ddSqrt(sh, sl);
  return decide(h, LO, h * 2 ** -104 * (values.length + 4), at(t.pow2, 1022 + e));
}
