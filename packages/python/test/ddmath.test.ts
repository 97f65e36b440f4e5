import { describe, expect, it } from 'vitest';
import { exactPaths } from '../src/modules/bigmath.js';
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
  traceDecisions,
} from '../src/modules/ddmath.js';

/** A small seeded generator (xorshift32), so the arguments are the same on every run. */
function generator(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

const rnd = generator(20261121);
const uniform = (a: number, b: number): number => a + (b - a) * rnd();
const logUniform = (lo: number, hi: number): number => 2 ** uniform(lo, hi) * uniform(1, 2);
const signed = (x: number): number => (rnd() < 0.5 ? -x : x);

interface Case {
  name: string;
  args: () => number[];
  fast: (a: number[]) => number;
  exact: (a: number[]) => number;
}

const n = (a: number[], i: number): number => a[i] ?? 0;

const CASES: Case[] = [
  {
    name: 'exp',
    args: () => [rnd() < 0.5 ? uniform(-700, 700) : signed(logUniform(-40, 3))],
    fast: (a) => fastExp(n(a, 0)),
    exact: (a) => exactPaths.exp(n(a, 0)),
  },
  {
    name: 'log',
    args: () => [rnd() < 0.5 ? logUniform(-1070, 1020) : 1 + uniform(-1, 1) * 2 ** -uniform(1, 50)],
    fast: (a) => fastLog(n(a, 0)),
    exact: (a) => exactPaths.log(n(a, 0)),
  },
  {
    name: 'log2',
    args: () => [logUniform(-1070, 1020)],
    fast: (a) => fastLog2(n(a, 0)),
    exact: (a) => exactPaths.log2(n(a, 0)),
  },
  {
    name: 'pow',
    args: () => [logUniform(-15, 15), uniform(-30, 30)],
    fast: (a) => fastPow(n(a, 0), n(a, 1)),
    exact: (a) => exactPaths.pow(n(a, 0), n(a, 1)),
  },
  ...(['sin', 'cos', 'tan'] as const).map((name): Case => ({
    name,
    args: () => {
      const r = rnd();
      if (r < 0.4) return [uniform(-10, 10)];
      if (r < 0.6) return [signed(logUniform(-40, 0))];
      if (r < 0.8) return [Math.round(uniform(1, 1e5)) * (Math.PI / 2)];
      return [signed(logUniform(0, 48))];
    },
    fast: (a) => fastTrig(name, n(a, 0)),
    exact: (a) => exactPaths.trig(name, n(a, 0)),
  })),
  {
    name: 'atan',
    args: () => [signed(logUniform(-40, 40))],
    fast: (a) => fastAtan(n(a, 0)),
    exact: (a) => exactPaths.inverseTrig('atan', n(a, 0)),
  },
  ...(['asin', 'acos'] as const).map((name): Case => ({
    name,
    args: () => [rnd() < 0.7 ? uniform(-1, 1) : signed(1 - 2 ** -uniform(1, 52))],
    fast: (a) => fastAsinAcos(name, n(a, 0)),
    exact: (a) => exactPaths.inverseTrig(name, n(a, 0)),
  })),
  {
    name: 'atan2',
    args: () => [signed(logUniform(-60, 60)), signed(logUniform(-60, 60))],
    fast: (a) => fastAtan2(n(a, 0), n(a, 1)),
    exact: (a) => exactPaths.atan2(n(a, 0), n(a, 1)),
  },
  {
    name: 'hypot',
    args: () => [signed(logUniform(-300, 300)), signed(logUniform(-300, 300))],
    fast: (a) => fastHypot(a),
    exact: (a) => exactPaths.hypot(a),
  },
];

describe('double-double fast paths agree with the BigInt evaluation', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const wrong: string[] = [];
    let undecided = 0;
    for (let i = 0; i < 60; i++) {
      const a = c.args();
      const fast = c.fast(a);
      if (Number.isNaN(fast)) {
        undecided++;
        continue;
      }
      const exact = c.exact(a);
      if (!Object.is(fast, exact)) wrong.push(`${a.join(', ')}: ${fast} != ${exact}`);
    }
    expect(wrong).toEqual([]);
    expect(undecided).toBeLessThanOrEqual(2);
  });

  it('leaves hard cases to the BigInt path', () => {
    // ln(1 - 2^-52) lies within 2^-106 (relative) of a rounding boundary
    expect(fastLog(1 - 2 ** -52)).toBeNaN();
    // 94906267^2 = 9007199515875289 has 54 significant bits: exactly halfway between two doubles
    expect(fastPow(94906267, 2)).toBeNaN();
    expect(exactPaths.pow(94906267, 2)).toBe(9007199515875288);
    // exact results are decided
    expect(fastPow(2, 0.5)).toBe(Math.SQRT2);
    expect(fastPow(4, 0.5)).toBe(2);
    expect(fastPow(10, 3)).toBe(1000);
  });

  it('reports its decisions for bound checks', () => {
    const trace = traceDecisions(() => fastExp(1));
    expect(trace).toHaveLength(3);
    const [hi, lo, err] = trace as [number, number, number];
    expect(hi).toBe(Math.E);
    expect(Math.abs(lo)).toBeLessThan(2 ** -52);
    expect(err).toBeLessThan(2 ** -90);
  });
});
