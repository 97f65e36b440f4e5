/**
 * Python's `random` module over an injected source: `HostHooks.random()` by default, or a seeded
 * xoshiro128** generator after `random.seed(x)`. Sequences are deterministic for a given host
 * source or seed, but do not reproduce CPython's Mersenne Twister streams.
 */
import {
  PyDict,
  PyList,
  PyRange,
  PySet,
  PyTuple,
  PyType,
  asInt,
  fakeAddress,
  makeModule,
  pyRepr,
  raise,
  toArray,
  toFloat,
  toIndex,
  typeName,
  type HostHooks,
  type PyModule,
  type PyObject,
  type PyValue,
} from '../values.js';
import { args, fn } from './support.js';

/** A small seedable PRNG (xoshiro128**), returning floats in [0, 1) with 53 random bits. */
export class SeededRandom {
  #s = new Uint32Array(4);
  constructor(seed: string) {
    // splitmix32 over the seed text to fill the state
    let h = 0x9e3779b9;
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x85ebca6b) >>> 0;
    for (let i = 0; i < 4; i++) {
      h = (h + 0x9e3779b9) >>> 0;
      let z = h;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.#s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.#s.every((x) => x === 0)) this.#s[0] = 1;
  }
  #next32(): number {
    const s = this.#s;
    const s0 = s[0] ?? 0;
    const s1 = s[1] ?? 0;
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s[2] = (s[2] ?? 0) ^ s0;
    s[3] = (s[3] ?? 0) ^ s1;
    s[1] = s1 ^ (s[2] ?? 0);
    s[0] = s0 ^ (s[3] ?? 0);
    s[2] = (s[2] ?? 0) ^ t;
    s[3] = rotl(s[3] ?? 0, 11);
    return result;
  }
  random(): number {
    const hi = this.#next32() >>> 5; // 27 bits
    const lo = this.#next32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The `random` module; `seed()` switches this module instance to a seeded generator. */
export function createRandomModule(host: HostHooks): PyModule {
  const functions = randomFunctions(host.random);
  const randomType: PyType = new PyType('Random', {
    module: 'random',
    call: (a) => {
      const seed = a[0];
      // Without a seed, a generator seeded from the host source (deterministic per host).
      const text =
        seed === undefined || seed === null
          ? `host:${String(host.random())}`
          : `${typeName(seed)}:${pyRepr(seed)}`;
      const own = new SeededRandom(text);
      return new PyRandom(
        randomFunctions(() => own.random(), own),
        randomType,
      );
    },
    isInstance: (v) => v instanceof PyRandom,
  });
  return makeModule('random', { ...functions, Random: randomType });
}

/** A `random.Random` instance: the module's functions bound to its own generator. */
class PyRandom implements PyObject {
  readonly pyTypeName = 'random.Random';
  readonly #functions: Readonly<Record<string, PyValue>>;
  readonly #type: PyType;
  constructor(functions: Readonly<Record<string, PyValue>>, type: PyType) {
    this.#functions = functions;
    this.#type = type;
  }
  pyType(): PyType {
    return this.#type;
  }
  getAttr(name: string): PyValue | undefined {
    return Object.hasOwn(this.#functions, name) ? this.#functions[name] : undefined;
  }
  repr(): string {
    return `<random.Random object at ${fakeAddress(this)}>`;
  }
}

/**
 * The `random` API over a base source. `seed(x)` switches to a seeded generator (or, for a
 * `Random` instance, reseeds its own); `seed()` returns to the base source.
 */
function randomFunctions(base: () => number, initial?: SeededRandom): Record<string, PyValue> {
  let seeded: SeededRandom | undefined = initial;
  const random = (): number => (seeded ? seeded.random() : base());

  /** Uniform int in [0, n) for a positive bigint n of any size. */
  const randbelow = (n: bigint): bigint => {
    if (n <= 0n) return 0n;
    if (n <= 2n ** 52n) return BigInt(Math.floor(random() * Number(n)));
    // Draw 48-bit chunks until the value is unbiased enough.
    const bits = n.toString(2).length + 16;
    let r = 0n;
    for (let got = 0; got < bits; got += 48) {
      r = (r << 48n) | BigInt(Math.floor(random() * 2 ** 48));
    }
    return r % n;
  };

  /** Python 3.11 still accepts integral floats here (deprecated), as CPython's randrange. */
  const index = (v: PyValue, pos: number): bigint => {
    if (typeof v === 'number') {
      if (!Number.isInteger(v))
        raise('ValueError', `non-integer arg ${String(pos)} for randrange()`);
      return BigInt(v);
    }
    return toIndex(v);
  };
  const randrange = (a: PyValue[]): bigint => {
    const [x, y, z] = a;
    const start = index(x ?? null, 1);
    if (y === undefined || y === null) {
      if (start <= 0n) raise('ValueError', 'empty range for randrange()');
      return randbelow(start);
    }
    const stop = index(y, 2);
    const step = z === undefined ? 1n : index(z, 3);
    const width = stop - start;
    if (step === 1n) {
      if (width <= 0n) {
        raise(
          'ValueError',
          `empty range for randrange() (${String(start)}, ${String(stop)}, ${String(width)})`,
        );
      }
      return start + randbelow(width);
    }
    if (step === 0n) raise('ValueError', 'zero step for randrange()');
    const n = step > 0n ? (width + step - 1n) / step : (width + step + 1n) / step;
    if (n <= 0n) raise('ValueError', 'empty range for randrange()');
    return start + step * randbelow(n);
  };

  const sequence = (v: PyValue): PyValue[] => {
    if (v instanceof PySet) {
      return raise('TypeError', `'${typeName(v)}' object is not subscriptable`);
    }
    return toArray(v);
  };

  return {
    random: fn('random', () => random()),
    seed: fn('seed', (a, kw) => {
      const { a: s } = args('seed', a, kw, ['a', 'version'], 0);
      seeded =
        s === undefined || s === null ? undefined : new SeededRandom(`${typeName(s)}:${pyRepr(s)}`);
      return null;
    }),
    uniform: fn('uniform', (a) => {
      const lo = toFloat(a[0] ?? null);
      const hi = toFloat(a[1] ?? null);
      return lo + (hi - lo) * random();
    }),
    randint: fn('randint', (a) => {
      const lo = index(a[0] ?? null, 1);
      const hi = index(a[1] ?? null, 2);
      return randrange([lo, hi + 1n]);
    }),
    randrange: fn('randrange', (a) => randrange(a)),
    getrandbits: fn('getrandbits', (a) => {
      const k = toIndex(a[0] ?? null);
      if (k < 0n) raise('ValueError', 'number of bits must be non-negative');
      return randbelow(1n << k);
    }),
    choice: fn('choice', (a) => {
      const seq = a[0] ?? null;
      if (seq instanceof PyRange) {
        // ranges are indexed directly: random.choice(range(10**12)) must not materialise it
        if (seq.length === 0n) raise('IndexError', 'Cannot choose from an empty sequence');
        return seq.at(randbelow(seq.length));
      }
      const items = sequence(seq);
      if (items.length === 0) raise('IndexError', 'Cannot choose from an empty sequence');
      const i = randbelow(BigInt(items.length));
      if (seq instanceof PyDict) {
        // CPython indexes the mapping: seq[i]
        const v = seq.get(i);
        return v === undefined ? raise('KeyError', i) : v;
      }
      return items[Number(i)] ?? null;
    }),
    choices: fn('choices', (a, kw) => {
      const b = args('choices', a, kw, ['population', 'weights', 'cum_weights', 'k'], 1);
      const population = sequence(b.population ?? null);
      const k = b.k === undefined ? 1 : Number(toIndex(b.k));
      let cum: number[] | undefined;
      if (b.weights !== undefined && b.weights !== null) {
        let total = 0;
        cum = toArray(b.weights).map((w) => (total += toFloat(w)));
      } else if (b.cum_weights !== undefined && b.cum_weights !== null) {
        cum = toArray(b.cum_weights).map((w) => toFloat(w));
      }
      if (cum && cum.length !== population.length) {
        raise('ValueError', 'The number of weights does not match the population');
      }
      if (population.length === 0) raise('IndexError', 'list index out of range');
      const out: PyValue[] = [];
      for (let i = 0; i < k; i++) {
        if (!cum) {
          out.push(population[Math.floor(random() * population.length)] ?? null);
          continue;
        }
        const total = cum[cum.length - 1] ?? 0;
        const r = random() * total;
        let lo = 0;
        let hi = cum.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (r < (cum[mid] ?? 0)) hi = mid;
          else lo = mid + 1;
        }
        out.push(population[lo] ?? null);
      }
      return new PyList(out);
    }),
    shuffle: fn('shuffle', (a) => {
      const list = a[0];
      if (!(list instanceof PyList)) {
        return raise(
          'TypeError',
          `'${typeName(list ?? null)}' object does not support item assignment`,
        );
      }
      const items = list.items;
      for (let i = items.length - 1; i > 0; i--) {
        const j = Number(randbelow(BigInt(i + 1)));
        const t = items[i] ?? null;
        items[i] = items[j] ?? null;
        items[j] = t;
      }
      return null;
    }),
    sample: fn('sample', (a, kw) => {
      const b = args('sample', a, kw, ['population', 'k', 'counts'], 2);
      const pop = b.population ?? null;
      if (!(
        pop instanceof PyList ||
        pop instanceof PyTuple ||
        typeof pop === 'string' ||
        isRange(pop)
      )) {
        raise('TypeError', 'Population must be a sequence.  For dicts or sets, use sorted(d).');
      }
      const k = asInt(b.k ?? null);
      if (pop instanceof PyRange && k !== undefined && k >= 0n && k <= pop.length) {
        // distinct random indices, without materialising the range
        const picked = new Set<bigint>();
        const out: PyValue[] = [];
        while (BigInt(out.length) < k) {
          const i = randbelow(pop.length);
          if (picked.has(i)) continue;
          picked.add(i);
          out.push(pop.at(i));
        }
        return new PyList(out);
      }
      const items = toArray(pop);
      if (k === undefined)
        return raise(
          'TypeError',
          `'${typeName(b.k ?? null)}' object cannot be interpreted as an integer`,
        );
      if (k < 0n || k > BigInt(items.length))
        raise('ValueError', 'Sample larger than population or is negative');
      const pool = items.slice();
      const out: PyValue[] = [];
      for (let i = 0; i < Number(k); i++) {
        const j = Number(randbelow(BigInt(pool.length - i))) + i;
        const t = pool[i] ?? null;
        pool[i] = pool[j] ?? null;
        pool[j] = t;
        out.push(pool[i] ?? null);
      }
      return new PyList(out);
    }),
    gauss: fn('gauss', (a) => gauss(a)),
    normalvariate: fn('normalvariate', (a) => gauss(a)),
    triangular: fn('triangular', (a) => {
      const low = a[0] === undefined ? 0 : toFloat(a[0]);
      const high = a[1] === undefined ? 1 : toFloat(a[1]);
      const mode = a[2] === undefined || a[2] === null ? (low + high) / 2 : toFloat(a[2]);
      if (high === low) return low;
      const u = random();
      const c = (mode - low) / (high - low);
      return u < c
        ? low + Math.sqrt(u * (high - low) * (mode - low))
        : high - Math.sqrt((1 - u) * (high - low) * (high - mode));
    }),
    expovariate: fn('expovariate', (a) => -Math.log(1 - random()) / toFloat(a[0] ?? 1)),
  };

  function gauss(a: PyValue[]): number {
    const mu = a[0] === undefined ? 0 : toFloat(a[0]);
    const sigma = a[1] === undefined ? 1 : toFloat(a[1]);
    const u1 = 1 - random();
    const u2 = random();
    return mu + sigma * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}

function isRange(v: PyValue): boolean {
  return v instanceof PyRange;
}
