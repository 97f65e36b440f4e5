/**
 * `erf` and `erfc` as glibc computes them: fdlibm's rational approximations (with glibc's split
 * polynomial evaluation) on top of a correctly rounded `exp`, so results equal CPython's on Linux.
 *
 * The approximation and its coefficients come from fdlibm's s_erf.c:
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 * Developed at SunPro, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this software is freely granted, provided that
 * this notice is preserved.
 * @internal
 */
import { crExp } from './bigmath.js';

const erx = 8.45062911510467529297e-1,
  efx = 1.28379167095512586316e-1,
  efx8 = 1.02703333676410069053;
const pp0 = 1.28379167095512558561e-1,
  pp1 = -3.2504210724700149937e-1,
  pp2 = -2.84817495755985104766e-2,
  pp3 = -5.77027029648944159157e-3,
  pp4 = -2.37630166566501626084e-5;
const qq1 = 3.97917223959155352819e-1,
  qq2 = 6.50222499887672944485e-2,
  qq3 = 5.08130628187576562776e-3,
  qq4 = 1.32494738004321644526e-4,
  qq5 = -3.9602282787753681232e-6;
const pa0 = -2.36211856075265944077e-3,
  pa1 = 4.14856118683748331666e-1,
  pa2 = -3.72207876035701323847e-1,
  pa3 = 3.18346619901161753674e-1,
  pa4 = -1.10894694282396677476e-1,
  pa5 = 3.54783043256182359371e-2,
  pa6 = -2.166375594868790843e-3;
const qa1 = 1.06420880400844228286e-1,
  qa2 = 5.40397917702171048937e-1,
  qa3 = 7.18286544141962662868e-2,
  qa4 = 1.26171219808761642112e-1,
  qa5 = 1.36370839120290507362e-2,
  qa6 = 1.1984499846799107417e-2;
const ra0 = -9.86494403484714822705e-3,
  ra1 = -6.93858572707181764372e-1,
  ra2 = -1.05586262253232909814e1,
  ra3 = -6.23753324503260060396e1,
  ra4 = -1.62396669462573470355e2,
  ra5 = -1.84605092906711035994e2,
  ra6 = -8.12874355063065934246e1,
  ra7 = -9.81432934416914548592;
const sa1 = 1.96512716674392571292e1,
  sa2 = 1.376577541435190426e2,
  sa3 = 4.34565877475229228821e2,
  sa4 = 6.45387271733267880336e2,
  sa5 = 4.29008140027567833386e2,
  sa6 = 1.08635005541779435134e2,
  sa7 = 6.57024977031928170135,
  sa8 = -6.04244152148580987438e-2;
const rb0 = -9.86494292470009928597e-3,
  rb1 = -7.99283237680523006574e-1,
  rb2 = -1.77579549177547519889e1,
  rb3 = -1.60636384855821916062e2,
  rb4 = -6.37566443368389627722e2,
  rb5 = -1.02509513161107724954e3,
  rb6 = -4.83519191608651397019e2;
const sb1 = 3.03380607434824582924e1,
  sb2 = 3.25792512996573918826e2,
  sb3 = 1.53672958608443695994e3,
  sb4 = 3.19985821950859553908e3,
  sb5 = 2.55305040643316442583e3,
  sb6 = 4.74528541206955367215e2,
  sb7 = -2.24409524465858183362e1;
const tiny = 1e-300;
const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
/** High 32-bit word of a double (signed). */
function highWord(x: number): number {
  F64[0] = x;
  return I32[HI] as number;
}
function clearLow(x: number): number {
  F64[0] = x;
  I32[1 - HI] = 0;
  return F64[0] as number;
}
/** r/s of the |x| < 0.84375 approximation, for z = x². */
function small(z: number): number {
  const r1 = pp0 + z * pp1,
    z2 = z * z,
    r2 = pp2 + z * pp3,
    z4 = z2 * z2;
  const s1 = 1 + z * qq1,
    s2 = qq2 + z * qq3,
    s3 = qq4 + z * qq5;
  const r = r1 + z2 * r2 + z4 * pp4,
    s = s1 + z2 * s2 + z4 * s3;
  return r / s;
}
function pq(s: number): [number, number] {
  const s2 = s * s,
    s4 = s2 * s2,
    s6 = s4 * s2;
  const P1 = pa0 + s * pa1,
    P2 = pa2 + s * pa3,
    P3 = pa4 + s * pa5,
    Q1 = 1 + s * qa1,
    Q2 = qa2 + s * qa3,
    Q3 = qa4 + s * qa5;
  return [P1 + s2 * P2 + s4 * P3 + s6 * pa6, Q1 + s2 * Q2 + s4 * Q3 + s6 * qa6];
}
function rsA(s: number): [number, number] {
  const s2 = s * s,
    s4 = s2 * s2,
    s6 = s4 * s2,
    s8 = s4 * s4;
  const R1 = ra0 + s * ra1,
    R2 = ra2 + s * ra3,
    R3 = ra4 + s * ra5,
    R4 = ra6 + s * ra7;
  const S1 = 1 + s * sa1,
    S2 = sa2 + s * sa3,
    S3 = sa4 + s * sa5,
    S4 = sa6 + s * sa7;
  return [R1 + s2 * R2 + s4 * R3 + s6 * R4, S1 + s2 * S2 + s4 * S3 + s6 * S4 + s8 * sa8];
}
function rsB(s: number): [number, number] {
  const s2 = s * s,
    s4 = s2 * s2,
    s6 = s4 * s2;
  const R1 = rb0 + s * rb1,
    R2 = rb2 + s * rb3,
    R3 = rb4 + s * rb5;
  const S1 = 1 + s * sb1,
    S2 = sb2 + s * sb3,
    S3 = sb4 + s * sb5,
    S4 = sb6 + s * sb7;
  return [R1 + s2 * R2 + s4 * R3 + s6 * rb6, S1 + s2 * S2 + s4 * S3 + s6 * S4];
}
/** The error function. */
export function erf(x: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x7ff00000) {
    const i = (hx >>> 31) << 1;
    return 1 - i + 1 / x;
  }
  if (ix < 0x3feb0000) {
    if (ix < 0x3e300000) {
      if (ix < 0x00800000) return 0.125 * (8.0 * x + efx8 * x);
      return x + efx * x;
    }
    return x + x * small(x * x);
  }
  if (ix < 0x3ff40000) {
    const [P, Q] = pq(Math.abs(x) - 1);
    return hx >= 0 ? erx + P / Q : -erx - P / Q;
  }
  if (ix >= 0x40180000) return hx >= 0 ? 1 - tiny : tiny - 1;
  const ax = Math.abs(x);
  const s = 1 / (ax * ax);
  const [R, S] = ix < 0x4006db6e ? rsA(s) : rsB(s);
  const z = clearLow(ax);
  const r = crExp(-z * z - 0.5625) * crExp((z - ax) * (z + ax) + R / S);
  return hx >= 0 ? 1 - r / ax : r / ax - 1;
}
/** The complementary error function, 1 - erf(x) without cancellation. */
export function erfc(x: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x7ff00000) return ((hx >>> 31) << 1) + 1 / x;
  if (ix < 0x3feb0000) {
    if (ix < 0x3c700000) return 1 - x;
    const y = small(x * x);
    if (hx < 0x3fd00000) return 1 - (x + x * y);
    let r = x * y;
    r += x - 0.5;
    return 0.5 - r;
  }
  if (ix < 0x3ff40000) {
    const [P, Q] = pq(Math.abs(x) - 1);
    if (hx >= 0) return 1 - erx - P / Q;
    return 1 + (erx + P / Q);
  }
  if (ix < 0x403c0000) {
    const ax = Math.abs(x);
    const s = 1 / (ax * ax);
    let R: number, S: number;
    if (ix < 0x4006db6d) [R, S] = rsA(s);
    else {
      if (hx < 0 && ix >= 0x40180000) return 2 - tiny;
      [R, S] = rsB(s);
    }
    const z = clearLow(ax);
    const r = crExp(-z * z - 0.5625) * crExp((z - ax) * (z + ax) + R / S);
    return hx > 0 ? r / ax : 2 - r / ax;
  }
  return hx > 0 ? tiny * tiny : 2 - tiny;
}
