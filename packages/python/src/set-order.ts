/**
 * CPython's iteration order for sets whose elements have run-independent hashes (ints, floats,
 * bools, tuples of those): CPython orders a set by its hash table, so `list({3, 1, 2})` is
 * `[1, 2, 3]`. Strings hash randomly per process, so sets holding them keep insertion order.
 */

const MASK64 = (1n << 64n) - 1n;
const MODULUS = (1n << 61n) - 1n; // _PyHASH_MODULUS
const XXPRIME_1 = 11400714785074694791n;
const XXPRIME_2 = 14029467366897019727n;
const XXPRIME_5 = 2870177450012600261n;

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

function intHash(n: bigint): bigint {
  const a = n < 0n ? -n : n;
  let h = a % MODULUS;
  if (n < 0n) h = -h;
  return h === -1n ? -2n : h;
}

function floatHash(x: number): bigint | undefined {
  if (Number.isNaN(x)) return undefined; // identity-based since 3.10
  if (x === Infinity) return 314159n;
  if (x === -Infinity) return -314159n;
  if (Number.isInteger(x)) return intHash(BigInt(x));
  // x = m * 2^e exactly; 2 has order 61 modulo 2^61 - 1
  F64[0] = Math.abs(x);
  const lo = U32[0] as number;
  const hi = U32[1] as number;
  const bexp = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (bexp === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = bexp - 1075;
  }
  const shift = BigInt(((e % 61) + 61) % 61);
  let h = ((m % MODULUS) << shift) % MODULUS;
  if (x < 0) h = -h;
  return h === -1n ? -2n : h;
}

/** The CPython hash of a value when it does not depend on the process; undefined otherwise. */
export function stableHash(
  v: unknown,
  tupleItems: (v: unknown) => readonly unknown[] | undefined,
): bigint | undefined {
  switch (typeof v) {
    case 'bigint':
      return intHash(v);
    case 'boolean':
      return v ? 1n : 0n;
    case 'number':
      return floatHash(v);
  }
  const items = tupleItems(v);
  if (!items) return undefined;
  let acc = XXPRIME_5;
  for (const item of items) {
    const lane = stableHash(item, tupleItems);
    if (lane === undefined) return undefined;
    acc = (acc + BigInt.asUintN(64, lane) * XXPRIME_2) & MASK64;
    acc = ((acc << 31n) | (acc >> 33n)) & MASK64;
    acc = (acc * XXPRIME_1) & MASK64;
  }
  acc = (acc + (BigInt(items.length) ^ (XXPRIME_5 ^ 3527539n))) & MASK64;
  if (acc === MASK64) return 1546275796n;
  return BigInt.asIntN(64, acc);
}

const LINEAR_PROBES = 9n;

const EMPTY = undefined;
const DUMMY: unique symbol = Symbol('dummy');
type Slot = unknown; // EMPTY, DUMMY or the element's map key

/**
 * A model of CPython's set hash table (`setobject.c`): only the layout is kept (slot → element
 * key), so that iteration order, `pop()` and the effect of deletions match CPython.
 */
export class SetTable {
  mask = 7;
  slots: Slot[] = new Array<Slot>(8).fill(EMPTY);
  hashes: bigint[] = new Array<bigint>(8).fill(0n);
  fill = 0;
  used = 0;
  finger = 0;

  /** set_add_entry for a key known to be absent. */
  add(key: unknown, hash: bigint): void {
    const h = BigInt.asUintN(64, hash);
    const mask = BigInt(this.mask);
    let i = h & mask;
    let perturb = h;
    let freeslot = -1;
    for (;;) {
      const probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0n;
      for (let j = 0n; j <= probes; j++) {
        const idx = Number(i + j);
        const slot = this.slots[idx];
        if (slot === EMPTY) {
          if (freeslot >= 0) {
            this.slots[freeslot] = key;
            this.hashes[freeslot] = h;
            this.used++;
            return;
          }
          this.slots[idx] = key;
          this.hashes[idx] = h;
          this.fill++;
          this.used++;
          if (this.fill * 5 >= this.mask * 3)
            this.resize(this.used > 50000 ? this.used * 2 : this.used * 4);
          return;
        }
        if (slot === DUMMY && freeslot < 0) freeslot = idx;
      }
      perturb >>= 5n;
      i = (i * 5n + 1n + perturb) & mask;
    }
  }

  /** set_discard_entry for a key known to be present. */
  discard(key: unknown, hash: bigint): void {
    const h = BigInt.asUintN(64, hash);
    const mask = BigInt(this.mask);
    let i = h & mask;
    let perturb = h;
    for (;;) {
      const probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0n;
      for (let j = 0n; j <= probes; j++) {
        const idx = Number(i + j);
        const slot = this.slots[idx];
        if (slot === key) {
          this.slots[idx] = DUMMY;
          this.used--;
          return;
        }
        if (slot === EMPTY) return;
      }
      perturb >>= 5n;
      i = (i * 5n + 1n + perturb) & mask;
    }
  }

  /** set_pop: the key CPython's pop() removes (the table is updated). */
  pop(): unknown {
    if (this.used === 0) return EMPTY;
    let idx = this.finger & this.mask;
    while (this.slots[idx] === EMPTY || this.slots[idx] === DUMMY) {
      idx++;
      if (idx > this.mask) idx = 0;
    }
    const key = this.slots[idx];
    this.slots[idx] = DUMMY;
    this.used--;
    this.finger = idx + 1;
    return key;
  }

  clear(): void {
    this.mask = 7;
    this.slots = new Array<Slot>(8).fill(EMPTY);
    this.hashes = new Array<bigint>(8).fill(0n);
    this.fill = 0;
    this.used = 0;
  }

  resize(minused: number): void {
    let size = 8;
    while (size <= minused) size <<= 1;
    const oldSlots = this.slots;
    const oldHashes = this.hashes;
    this.mask = size - 1;
    this.slots = new Array<Slot>(size).fill(EMPTY);
    this.hashes = new Array<bigint>(size).fill(0n);
    for (let i = 0; i < oldSlots.length; i++) {
      const slot = oldSlots[i];
      if (slot !== EMPTY && slot !== DUMMY) this.insertClean(slot, oldHashes[i] as bigint);
    }
    this.fill = this.used;
  }

  private insertClean(key: unknown, h: bigint): void {
    const mask = BigInt(this.mask);
    let i = h & mask;
    let perturb = h;
    for (;;) {
      const probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0n;
      for (let j = 0n; j <= probes; j++) {
        const idx = Number(i + j);
        if (this.slots[idx] === EMPTY) {
          this.slots[idx] = key;
          this.hashes[idx] = h;
          return;
        }
      }
      perturb >>= 5n;
      i = (i * 5n + 1n + perturb) & mask;
    }
  }

  /** Active entries in table order. */
  entries(): [unknown, bigint][] {
    const out: [unknown, bigint][] = [];
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i];
      if (slot !== EMPTY && slot !== DUMMY) out.push([slot, this.hashes[i] as bigint]);
    }
    return out;
  }

  /** set_merge(this, other) for keys of `other` that are not in this table yet (`isNew`). */
  merge(other: SetTable, isNew: (key: unknown) => boolean): void {
    if (other.used === 0) return;
    if ((this.fill + other.used) * 5 >= this.mask * 3) this.resize((this.used + other.used) * 2);
    if (this.fill === 0 && this.mask === other.mask && other.fill === other.used) {
      this.slots = other.slots.slice();
      this.hashes = other.hashes.slice();
      this.fill = other.fill;
      this.used = other.used;
      return;
    }
    if (this.fill === 0) {
      for (const [key, h] of other.entries()) this.insertClean(key, h);
      this.fill = other.used;
      this.used = other.used;
      return;
    }
    for (const [key, h] of other.entries()) if (isNew(key)) this.add(key, h);
  }
}
