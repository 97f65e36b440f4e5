/** Python operator semantics: arithmetic, comparison, containment, subscripting and slicing. */
import { powPositive } from './float-math.js';
import { fastPow } from './modules/ddmath.js';
import { setDifference, setIntersection, setSymmetricDifference, setUnion } from './set-ops.js';
import {
  PyCallable,
  PyDict,
  PyDictView,
  PyException,
  PyIterator,
  PyList,
  PyModule,
  PyRange,
  PySet,
  PyTuple,
  asInt,
  compareIntFloat,
  hashKey,
  isPyObject,
  iterate,
  pyEquals,
  raise,
  toArray,
  typeName,
  PyType,
  type BinOp,
  type CompareOp,
  type PyObject,
  type PyValue,
} from './values.js';

/** Resource limits consulted by operations that build large values. */
export const limits = {
  /** Maximum length of a str, list, tuple built by one operation. */
  maxSize: 10_000_000,
  /** Maximum bit length of an int produced by `**`, `<<` or `*`. */
  maxIntBits: 1_000_000,
  /** Total size of the large (100k+ items) values one run may build; bounds retained memory. */
  maxBulk: 30_000_000,
  /** Running total for `maxBulk`, reset by every evaluate/execute call. */
  bulk: 0,
};

/**
 * Checks the size of a value about to be built in bulk (repeat, join, pad, list concatenation)
 * and charges large ones against the per-run budget, so that many big values cannot exhaust the
 * host's memory either.
 */
export function allocate(n: number | bigint): void {
  checkSize(n);
  if (n >= 100_000) {
    limits.bulk += Number(n);
    if (limits.bulk > limits.maxBulk) {
      raise(
        'MemoryError',
        `allocation budget exceeded (${limits.maxBulk} items of large values per run)`,
      );
    }
  }
}

/** Raises MemoryError when a sequence of `n` items would exceed the size limit. */
export function checkSize(n: number | bigint): void {
  if (n > limits.maxSize)
    raise('MemoryError', `result too large (${n} items; limit is ${limits.maxSize})`);
}

function checkIntBits(bits: number): void {
  if (bits > limits.maxIntBits)
    raise('OverflowError', `integer result too large (limit is ${limits.maxIntBits} bits)`);
}

/** Bit length of |n|. */
export function bitLength(n: bigint): number {
  if (n < 0n) n = -n;
  if (n === 0n) return 0;
  const hex = n.toString(16);
  const d = parseInt(hex[0] as string, 16);
  return (hex.length - 1) * 4 + (d >= 8 ? 4 : d >= 4 ? 3 : d >= 2 ? 2 : 1);
}

/** int (bigint) → float with Python's OverflowError. */
export function intToFloat(n: bigint): number {
  const f = Number(n);
  if (!Number.isFinite(f)) raise('OverflowError', 'int too large to convert to float');
  return f;
}

/** Exact int / int as a correctly rounded float. */
export function intTrueDiv(a: bigint, b: bigint): number {
  if (b === 0n) raise('ZeroDivisionError', 'division by zero');
  const limit = 9007199254740992n;
  if (a <= limit && a >= -limit && b <= limit && b >= -limit) return Number(a) / Number(b);
  const neg = a < 0n !== b < 0n;
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  const shift = bitLength(b) - bitLength(a) + 55;
  let q: bigint;
  let r: bigint;
  if (shift >= 0) {
    const num = a << BigInt(shift);
    q = num / b;
    r = num % b;
  } else {
    const den = b << BigInt(-shift);
    q = a / den;
    r = a % den;
  }
  if (r !== 0n) q |= 1n; // sticky bit for correct rounding
  let result = Number(q);
  // scale by 2^-shift in safe steps
  let s = -shift;
  while (s > 1000) {
    result *= 2 ** 1000;
    s -= 1000;
  }
  while (s < -1000) {
    result *= 2 ** -1000;
    s += 1000;
  }
  result *= 2 ** s;
  if (!Number.isFinite(result))
    raise('OverflowError', 'integer division result too large for a float');
  return neg ? -result : result;
}

/** Python float divmod (CPython's float_divmod). */
export function floatDivmod(vx: number, wx: number, what: string): [number, number] {
  if (wx === 0) raise('ZeroDivisionError', what);
  let mod = vx % wx;
  let div = (vx - mod) / wx;
  // C's `if (mod)` treats NaN as true
  if (mod !== 0) {
    if (wx < 0 !== mod < 0) {
      mod += wx;
      div -= 1;
    }
  } else {
    mod = wx < 0 ? -0 : 0;
  }
  let floordiv: number;
  if (div !== 0) {
    floordiv = Math.floor(div);
    if (div - floordiv > 0.5) floordiv += 1;
  } else {
    floordiv = vx / wx < 0 || Object.is(vx / wx, -0) ? -0 : 0;
  }
  return [floordiv, mod];
}

/** Floor division and modulo of ints. */
export function intFloorDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) raise('ZeroDivisionError', 'integer division or modulo by zero');
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}
export function intMod(a: bigint, b: bigint): bigint {
  if (b === 0n) raise('ZeroDivisionError', 'integer modulo by zero');
  const r = a % b;
  return r !== 0n && r < 0n !== b < 0n ? r + b : r;
}

/** Python float ** float. */
export function floatPow(x: number, y: number): number {
  if (y === 0) return 1;
  if (x === 1) return 1;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0 && y === -Infinity) return Infinity; // CPython checks infinite exponents first
  if (x === 0 && y < 0) raise('ZeroDivisionError', '0.0 cannot be raised to a negative power');
  if (x < 0 && Number.isFinite(x) && Number.isFinite(y) && !Number.isInteger(y)) {
    // CPython returns a complex number here; it overflows for huge magnitudes
    if (!Number.isFinite(Math.pow(-x, y))) raise('OverflowError', 'complex exponentiation');
    raise(
      'ValueError',
      'complex numbers are not supported (negative number raised to a fractional power)',
    );
  }
  if (x === -1 && !Number.isFinite(y)) return 1;
  const r = exactPow(x, y) ?? Math.pow(x, y);
  if (!Number.isFinite(r) && Number.isFinite(x) && Number.isFinite(y)) {
    raise('OverflowError', "(34, 'Numerical result out of range')");
  }
  return r;
}

/** Correctly rounded x ** y (finite x != 0, finite y; negative x only with integer y). */
function exactPow(x: number, y: number): number | undefined {
  if (!Number.isFinite(x) || !Number.isFinite(y) || x === 0) return undefined;
  if (x > 0) return powFast(x, y);
  if (!Number.isInteger(y)) return undefined;
  const r = powFast(-x, y);
  if (r === undefined) return undefined;
  return Math.abs(y % 2) === 1 ? -r : r;
}

/** x ** y for finite x > 0: the double-double fast path, else the exact BigInt evaluation. */
function powFast(x: number, y: number): number | undefined {
  const fast = fastPow(x, y);
  return fast === fast ? fast : powPositive(x, y);
}

function intPow(a: bigint, b: bigint): PyValue {
  if (b < 0n) {
    if (a === 0n) raise('ZeroDivisionError', '0.0 cannot be raised to a negative power');
    return floatPow(intToFloat(a), Number(b));
  }
  if (a === 0n || a === 1n) return b === 0n ? 1n : a;
  if (a === -1n) return b % 2n === 0n ? 1n : -1n;
  if (b > BigInt(limits.maxIntBits)) checkIntBits(Infinity);
  checkIntBits(bitLength(a) * Number(b));
  return a ** b;
}

/** Python `pow(base, exp, mod)` for ints. */
export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  if (mod === 0n) raise('ValueError', 'pow() 3rd argument cannot be 0');
  if (exp < 0n) {
    base = modInverse(intMod(base, mod), mod);
    exp = -exp;
  }
  let result = 1n;
  let b = intMod(base, mod);
  let e = exp;
  const m = mod < 0n ? -mod : mod;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return intMod(result, mod);
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a, m < 0n ? -m : m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n && oldR !== -1n)
    raise('ValueError', 'base is not invertible for the given modulus');
  return oldS;
}

let inplaceSuffix = '';

function unsupported(op: string, a: PyValue, b: PyValue): never {
  return raise(
    'TypeError',
    `unsupported operand type(s) for ${op}${inplaceSuffix}: '${typeName(a)}' and '${typeName(b)}'`,
  );
}

/** `a op= b` when no in-place behaviour applies: like binaryOp, with `op=` in error messages. */
export function inplaceBinaryOp(op: BinOp, a: PyValue, b: PyValue): PyValue {
  inplaceSuffix = '=';
  try {
    return binaryOp(op, a, b);
  } finally {
    inplaceSuffix = '';
  }
}

function repeatSeq(seq: PyValue, n: bigint): PyValue {
  if (n > 9223372036854775807n || n < -9223372036854775808n) {
    raise('OverflowError', "cannot fit 'int' into an index-sized integer");
  }
  const count = n < 0n ? 0 : n;
  if (typeof seq === 'string') {
    if (seq.length === 0 || count === 0) return '';
    allocate(BigInt(seq.length) * BigInt(count));
    return seq.repeat(Number(count));
  }
  const items = (seq as PyList | PyTuple).items;
  if (items.length === 0 || count === 0)
    return seq instanceof PyList ? new PyList([]) : PyTuple.EMPTY;
  allocate(BigInt(items.length) * BigInt(count));
  const out: PyValue[] = [];
  for (let i = 0; i < Number(count); i++) for (const v of items) out.push(v);
  return seq instanceof PyList ? new PyList(out) : new PyTuple(out);
}

/** Python binary operator `a op b` (non in-place). */
export function binaryOp(op: BinOp, a: PyValue, b: PyValue): PyValue {
  // fast paths
  const ta = typeof a;
  const tb = typeof b;
  if (ta === 'bigint' && tb === 'bigint') return intOp(op, a as bigint, b as bigint);
  if (
    (ta === 'number' || ta === 'bigint' || ta === 'boolean') &&
    (tb === 'number' || tb === 'bigint' || tb === 'boolean')
  ) {
    if (ta === 'boolean' && tb === 'boolean' && (op === '&' || op === '|' || op === '^')) {
      return op === '&'
        ? (a as boolean) && (b as boolean)
        : op === '|'
          ? (a as boolean) || (b as boolean)
          : a !== b;
    }
    if (ta === 'number' || tb === 'number') {
      const x =
        ta === 'number' ? (a as number) : ta === 'bigint' ? intToFloat(a as bigint) : a ? 1 : 0;
      const y =
        tb === 'number' ? (b as number) : tb === 'bigint' ? intToFloat(b as bigint) : b ? 1 : 0;
      return floatOp(op, x, y, a, b);
    }
    return intOp(op, asInt(a) as bigint, asInt(b) as bigint);
  }
  if (ta === 'string') {
    if (op === '+') {
      if (tb === 'string') {
        checkSize((a as string).length + (b as string).length);
        return (a as string) + (b as string);
      }
      if (isPyObject(b) && b.binaryOp) {
        const r = b.binaryOp(op, a, true);
        if (r !== undefined) return r;
      }
      return raise('TypeError', `can only concatenate str (not "${typeName(b)}") to str`);
    }
    if (op === '*') {
      const n = asInt(b);
      if (n !== undefined) return repeatSeq(a, n);
      return raise('TypeError', `can't multiply sequence by non-int of type '${typeName(b)}'`);
    }
    if (op === '%') return percentFormatHook(a as string, b);
  }
  if (a instanceof PyList || a instanceof PyTuple) {
    if (op === '+') {
      if (a instanceof PyList && b instanceof PyList) {
        allocate(a.items.length + b.items.length);
        return new PyList(a.items.concat(b.items));
      }
      if (a instanceof PyTuple && b instanceof PyTuple) {
        allocate(a.items.length + b.items.length);
        return new PyTuple(a.items.concat(b.items));
      }
      if (!(isPyObject(b) && b.binaryOp)) {
        const t = a instanceof PyList ? 'list' : 'tuple';
        return raise('TypeError', `can only concatenate ${t} (not "${typeName(b)}") to ${t}`);
      }
    }
    if (op === '*') {
      const n = asInt(b);
      if (n !== undefined) return repeatSeq(a, n);
      return raise('TypeError', `can't multiply sequence by non-int of type '${typeName(b)}'`);
    }
  }
  if (op === '*' && (typeof b === 'string' || b instanceof PyList || b instanceof PyTuple)) {
    const n = asInt(a);
    if (n !== undefined) return repeatSeq(b, n);
    if (!isPyObject(a))
      return raise('TypeError', `can't multiply sequence by non-int of type '${typeName(a)}'`);
  }
  if (isSetLike(a) && isSetLike(b) && (op === '|' || op === '&' || op === '-' || op === '^')) {
    return setOp(op, a, b);
  }
  if ((op === '|' || op === '&' || op === '-' || op === '^') && (isKeysView(a) || isKeysView(b))) {
    // dict views accept any iterable on either side and produce a set
    const sa = new PySet(toArray(a));
    const sb = new PySet(toArray(b));
    return setOp(op, sa, sb);
  }
  if (a instanceof PyDict && b instanceof PyDict && op === '|') {
    const d = a.copy();
    for (const e of b.entries()) d.set(e.key, e.value);
    return d;
  }
  if (op === '|' && isUnionMember(a) && isUnionMember(b) && (a !== null || b !== null)) {
    return PyUnion.of(a, b);
  }
  if (isPyObject(a) && a.binaryOp) {
    const r = a.binaryOp(op, b, false);
    if (r !== undefined) return r;
  }
  if (isPyObject(b) && b.binaryOp) {
    const r = b.binaryOp(op, a, true);
    if (r !== undefined) return r;
  }
  if (op === '**' && inplaceSuffix === '') {
    return raise(
      'TypeError',
      `unsupported operand type(s) for ** or pow(): '${typeName(a)}' and '${typeName(b)}'`,
    );
  }
  return unsupported(op, a, b);
}

/** Set by the format module: `str % args`. */
let percentFormatHook: (fmt: string, args: PyValue) => string = () => '';
export function setPercentFormat(fn: (fmt: string, args: PyValue) => string): void {
  percentFormatHook = fn;
}

function isKeysView(v: PyValue): boolean {
  return v instanceof PyDictView && v.kind !== 'values';
}

function isSetLike(v: PyValue): v is PySet | PyDictView {
  return v instanceof PySet || (v instanceof PyDictView && v.kind !== 'values');
}

function setOp(op: '|' | '&' | '-' | '^', a: PySet | PyDictView, b: PySet | PyDictView): PySet {
  const sa = a instanceof PySet ? a : new PySet(a.items());
  const sb = b instanceof PySet ? b : new PySet(b.items());
  switch (op) {
    case '|':
      return setUnion(sa, [sb]);
    case '&':
      return setIntersection(sa, sb);
    case '-':
      return setDifference(sa, sb);
    case '^':
      return setSymmetricDifference(sa, sb);
  }
}

function intOp(op: BinOp, a: bigint, b: bigint): PyValue {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      if ((a > 0xffffffffn || a < -0xffffffffn) && (b > 0xffffffffn || b < -0xffffffffn)) {
        checkIntBits(bitLength(a) + bitLength(b));
      }
      return a * b;
    case '/':
      return intTrueDiv(a, b);
    case '//':
      return intFloorDiv(a, b);
    case '%':
      return intMod(a, b);
    case '**':
      return intPow(a, b);
    case '<<':
      if (b < 0n) raise('ValueError', 'negative shift count');
      if (a === 0n) return 0n;
      if (b > 9223372036854775807n) raise('OverflowError', 'too many digits in integer');
      checkIntBits(bitLength(a) + Number(b > 100_000_000n ? 100_000_000n : b));
      return a << b;
    case '>>':
      if (b < 0n) raise('ValueError', 'negative shift count');
      return a >> b;
    case '&':
      return a & b;
    case '|':
      return a | b;
    case '^':
      return a ^ b;
    case '@':
      return unsupported('@', a, b);
  }
}

function floatOp(op: BinOp, x: number, y: number, a: PyValue, b: PyValue): PyValue {
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      if (y === 0) raise('ZeroDivisionError', 'float division by zero');
      return x / y;
    case '//':
      return floatDivmod(x, y, 'float floor division by zero')[0];
    case '%':
      return floatDivmod(x, y, 'float modulo')[1];
    case '**':
      return floatPow(x, y);
    default:
      return unsupported(op, a, b);
  }
}

/** Python `divmod(a, b)`. */
export function divmod(a: PyValue, b: PyValue): PyTuple {
  const ia = asInt(a);
  const ib = asInt(b);
  if (ia !== undefined && ib !== undefined)
    return new PyTuple([intFloorDiv(ia, ib), intMod(ia, ib)]);
  if ((ia !== undefined || typeof a === 'number') && (ib !== undefined || typeof b === 'number')) {
    const x = typeof a === 'number' ? a : intToFloat(ia as bigint);
    const y = typeof b === 'number' ? b : intToFloat(ib as bigint);
    return new PyTuple(floatDivmod(x, y, 'float divmod()'));
  }
  if ((isPyObject(a) && a.binaryOp) || (isPyObject(b) && b.binaryOp)) {
    // stdlib types (timedelta, Decimal) define divmod as (a // b, a % b)
    return new PyTuple([binaryOp('//', a, b), binaryOp('%', a, b)]);
  }
  return raise(
    'TypeError',
    `unsupported operand type(s) for divmod(): '${typeName(a)}' and '${typeName(b)}'`,
  );
}

/** Python unary operators `-x`, `+x`, `~x`. */
export function unaryOp(op: '-' | '+' | '~', v: PyValue): PyValue {
  switch (typeof v) {
    case 'bigint':
      return op === '-' ? -v : op === '+' ? v : ~v;
    case 'boolean': {
      const n = v ? 1n : 0n;
      return op === '-' ? -n : op === '+' ? n : ~n;
    }
    case 'number':
      if (op === '-') return -v;
      if (op === '+') return v;
      break;
    default:
      if (isPyObject(v) && v.unaryOp) {
        const r = v.unaryOp(op);
        if (r !== undefined) return r;
      }
  }
  return raise('TypeError', `bad operand type for unary ${op}: '${typeName(v)}'`);
}

// ---------------------------------------------------------------------------------------------
// Comparison

/** Three-way comparison for ordering; undefined when the types are not orderable. */
function order(a: PyValue, b: PyValue): number | undefined {
  const ta = typeof a;
  const tb = typeof b;
  if (ta === 'string' && tb === 'string')
    return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
  if (ta === 'bigint' && tb === 'bigint')
    return a === b ? 0 : (a as bigint) < (b as bigint) ? -1 : 1;
  const na = ta === 'number' || ta === 'bigint' || ta === 'boolean';
  const nb = tb === 'number' || tb === 'bigint' || tb === 'boolean';
  if (na && nb) {
    if (ta === 'number' && tb === 'number') {
      const x = a as number;
      const y = b as number;
      return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
    }
    if (ta === 'number') return -compareIntFloat(asInt(b) as bigint, a as number);
    if (tb === 'number') return compareIntFloat(asInt(a) as bigint, b as number);
    const x = asInt(a) as bigint;
    const y = asInt(b) as bigint;
    return x === y ? 0 : x < y ? -1 : 1;
  }
  if (
    (a instanceof PyList && b instanceof PyList) ||
    (a instanceof PyTuple && b instanceof PyTuple)
  ) {
    return undefined; // handled by sequenceCompare
  }
  return undefined;
}

function sequenceCompare(op: CompareOp, x: readonly PyValue[], y: readonly PyValue[]): boolean {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const p = x[i] as PyValue;
    const q = y[i] as PyValue;
    if (p === q || pyEquals(p, q)) continue;
    return compare(op, p, q);
  }
  const lx = x.length;
  const ly = y.length;
  switch (op) {
    case '<':
      return lx < ly;
    case '<=':
      return lx <= ly;
    case '>':
      return lx > ly;
    case '>=':
      return lx >= ly;
  }
}

function setCompare(op: CompareOp, a: PySet, b: PySet): boolean {
  const subset = (x: PySet, y: PySet): boolean => {
    if (x.size > y.size) return false;
    for (const k of x.map.keys()) if (!y.map.has(k)) return false;
    return true;
  };
  switch (op) {
    case '<=':
      return subset(a, b);
    case '<':
      return a.size < b.size && subset(a, b);
    case '>=':
      return subset(b, a);
    case '>':
      return b.size < a.size && subset(b, a);
  }
}

/** Python ordering comparison; raises TypeError for unorderable types. */
export function compare(op: CompareOp, a: PyValue, b: PyValue): boolean {
  const c = order(a, b);
  if (c !== undefined) {
    switch (op) {
      case '<':
        return c < 0;
      case '<=':
        return c <= 0;
      case '>':
        return c > 0;
      case '>=':
        return c >= 0;
    }
  }
  if (a instanceof PyList && b instanceof PyList) return sequenceCompare(op, a.items, b.items);
  if (a instanceof PyTuple && b instanceof PyTuple) return sequenceCompare(op, a.items, b.items);
  if (isSetLike(a) && isSetLike(b)) {
    return setCompare(
      op,
      a instanceof PySet ? a : new PySet(a.items()),
      b instanceof PySet ? b : new PySet(b.items()),
    );
  }
  if (isPyObject(a) && a.compare) {
    const r = a.compare(op, b);
    if (r !== undefined) return r;
  }
  if (isPyObject(b) && b.compare) {
    const swapped: CompareOp = op === '<' ? '>' : op === '<=' ? '>=' : op === '>' ? '<' : '<=';
    const r = b.compare(swapped, a);
    if (r !== undefined) return r;
  }
  return raise(
    'TypeError',
    `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`,
  );
}

/** Python `a is b`. */
export function isSame(a: PyValue, b: PyValue): boolean {
  if (a === b) return true;
  return false;
}

/** Python `item in container`. */
export function contains(container: PyValue, item: PyValue): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string') {
      raise('TypeError', `'in <string>' requires string as left operand, not ${typeName(item)}`);
    }
    return container.includes(item);
  }
  if (container instanceof PyList || container instanceof PyTuple) {
    for (const v of container.items) if (v === item || pyEquals(v, item)) return true;
    return false;
  }
  if (container instanceof PyDict) return container.map.has(hashKey(item));
  if (container instanceof PySet) {
    // a set looks up a (mutable) set argument as the equal frozenset
    if (item instanceof PySet && !item.frozen)
      return container.map.has(hashKey(PySet.copyOf(item, true)));
    return container.map.has(hashKey(item));
  }
  if (container instanceof PyDictView) {
    if (container.kind === 'keys') return container.dict.map.has(hashKey(item));
    for (const v of container.items()) if (pyEquals(v, item)) return true;
    return false;
  }
  if (container instanceof PyRange) {
    const i = asInt(item);
    let n: bigint;
    if (i !== undefined) n = i;
    else if (typeof item === 'number' && Number.isInteger(item)) n = BigInt(item);
    else if (typeof item === 'number') return false;
    else {
      const it = iterate(container);
      for (let v = it.next(); v !== undefined; v = it.next()) if (pyEquals(v, item)) return true;
      return false;
    }
    const { start, stop, step } = container;
    if (step > 0n ? n < start || n >= stop : n > start || n <= stop) return false;
    return (n - start) % step === 0n;
  }
  if (container instanceof PyIterator) {
    for (let v = container.next(); v !== undefined; v = container.next())
      if (pyEquals(v, item)) return true;
    return false;
  }
  if (isPyObject(container)) {
    if (container.contains) return container.contains(item);
    if (container.iter) {
      const it = container.iter();
      for (let v = it.next(); v !== undefined; v = it.next()) if (pyEquals(v, item)) return true;
      return false;
    }
  }
  return raise('TypeError', `argument of type '${typeName(container)}' is not iterable`);
}

// ---------------------------------------------------------------------------------------------
// Strings with astral characters: Python indexes by code point

const SURROGATE = /[\uD800-\uDFFF]/;

/** Code points of a string when it has astral characters, else undefined (index by code unit). */
export function codePoints(s: string): string[] | undefined {
  return SURROGATE.test(s) ? Array.from(s) : undefined;
}

/** Python `len(s)`. */
export function strLen(s: string): number {
  if (!SURROGATE.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Subscripts and slices

/** A Python slice object (only created by subscript syntax). */
export class PySlice {
  readonly pyTypeName = 'slice';
  readonly start: PyValue;
  readonly stop: PyValue;
  readonly step: PyValue;
  constructor(start: PyValue, stop: PyValue, step: PyValue) {
    this.start = start;
    this.stop = stop;
    this.step = step;
  }
  equals(other: PyValue): boolean {
    return other === this;
  }
  getAttr(name: string): PyValue | undefined {
    if (name === 'start') return this.start;
    if (name === 'stop') return this.stop;
    if (name === 'step') return this.step;
    return undefined;
  }
  repr(): string {
    return `slice(${[this.start, this.stop, this.step].map((v) => (v === null ? 'None' : String(v))).join(', ')})`;
  }
  /** Resolved start, stop, step and length for a sequence of `length` items. */
  indices(length: number): [number, number, number, number] {
    const idx = (v: PyValue): number | null => {
      if (v === null) return null;
      const i = asInt(v);
      if (i === undefined)
        raise('TypeError', 'slice indices must be integers or None or have an __index__ method');
      return i > 9007199254740991n
        ? Number.MAX_SAFE_INTEGER
        : i < -9007199254740991n
          ? -Number.MAX_SAFE_INTEGER
          : Number(i);
    };
    let step = idx(this.step) ?? 1;
    if (step === 0) raise('ValueError', 'slice step cannot be zero');
    if (step < -Number.MAX_SAFE_INTEGER) step = -Number.MAX_SAFE_INTEGER;
    let start = idx(this.start);
    let stop = idx(this.stop);
    if (step > 0) {
      start =
        start === null ? 0 : start < 0 ? Math.max(0, start + length) : Math.min(start, length);
      stop =
        stop === null ? length : stop < 0 ? Math.max(0, stop + length) : Math.min(stop, length);
    } else {
      start =
        start === null
          ? length - 1
          : start < 0
            ? Math.max(-1, start + length)
            : Math.min(start, length - 1);
      stop =
        stop === null ? -1 : stop < 0 ? Math.max(-1, stop + length) : Math.min(stop, length - 1);
    }
    let n = 0;
    if (step > 0 ? start < stop : start > stop) {
      n = Math.floor((Math.abs(stop - start) - 1) / Math.abs(step)) + 1;
    }
    return [start, stop, step, n];
  }
}

function sliceArray<T>(items: readonly T[], slice: PySlice): T[] {
  const [start, , step, n] = slice.indices(items.length);
  if (step === 1) return items.slice(start, start + n);
  const out: T[] = new Array<T>(n);
  for (let i = 0, j = start; i < n; i++, j += step) out[i] = items[j] as T;
  return out;
}

function normIndex(key: PyValue, length: number, what: string, container: string): number {
  const i = asInt(key);
  if (i === undefined) {
    raise('TypeError', `${container} indices must be integers or slices, not ${typeName(key)}`);
  }
  let n = Number(i);
  if (n < 0) n += length;
  if (n < 0 || n >= length) raise('IndexError', `${what} index out of range`);
  return n;
}

/** Python `container[key]`. */
export function getItem(container: PyValue, key: PyValue): PyValue {
  if (container instanceof PyDict) {
    const e = container.map.get(hashKey(key));
    if (e === undefined) raise('KeyError', key);
    return e.value;
  }
  if (container instanceof PyList || container instanceof PyTuple) {
    const what = container instanceof PyList ? 'list' : 'tuple';
    if (key instanceof PySlice) {
      const items = sliceArray(container.items, key);
      return container instanceof PyList ? new PyList(items) : new PyTuple(items);
    }
    return container.items[normIndex(key, container.items.length, what, what)] as PyValue;
  }
  if (typeof container === 'string') {
    const cps = codePoints(container);
    if (key instanceof PySlice) {
      if (cps) return sliceArray(cps, key).join('');
      const [start, , step, n] = key.indices(container.length);
      if (step === 1) return container.slice(start, start + n);
      let out = '';
      for (let i = 0, j = start; i < n; i++, j += step) out += container[j];
      return out;
    }
    if (asInt(key) === undefined)
      raise('TypeError', `string indices must be integers, not '${typeName(key)}'`);
    if (cps) return cps[normIndex(key, cps.length, 'string', 'string')] as string;
    return container[normIndex(key, container.length, 'string', 'string')] as string;
  }
  if (container instanceof PyRange) {
    const len = container.length;
    if (key instanceof PySlice) {
      const [start, , step, n] = key.indices(Number(len));
      const s = container.at(BigInt(start));
      const st = container.step * BigInt(step);
      return new PyRange(s, s + st * BigInt(n), st);
    }
    const i = asInt(key);
    if (i === undefined)
      raise('TypeError', `range indices must be integers or slices, not ${typeName(key)}`);
    const j = i < 0n ? i + len : i;
    if (j < 0n || j >= len) raise('IndexError', 'range object index out of range');
    return container.at(j);
  }
  if (isPyObject(container) && container.getItem) return container.getItem(key);
  if (container instanceof PyCallable && !(container instanceof PyModule)) {
    const name = (container as PyCallable).name;
    if (container.constructor.name === 'PyType') {
      return raise('TypeError', `type '${name}' is not subscriptable`);
    }
  }
  return raise('TypeError', `'${typeName(container)}' object is not subscriptable`);
}

/** Python `container[key] = value`. */
export function setItem(container: PyValue, key: PyValue, value: PyValue): void {
  if (container instanceof PyDict) {
    container.set(key, value);
    return;
  }
  if (container instanceof PyList) {
    if (key instanceof PySlice) {
      assignSlice(container, key, value);
      return;
    }
    container.items[normIndex(key, container.items.length, 'list assignment', 'list')] = value;
    return;
  }
  if (isPyObject(container) && 'setItem' in container && typeof container.setItem === 'function') {
    (container.setItem as (k: PyValue, v: PyValue) => void)(key, value);
    return;
  }
  raise('TypeError', `'${typeName(container)}' object does not support item assignment`);
}

function assignSlice(list: PyList, slice: PySlice, value: PyValue): void {
  const items = value === list ? list.items.slice() : toArray(value);
  const [start, stop, step, n] = slice.indices(list.items.length);
  if (step === 1) {
    const end = Math.max(start, stop);
    allocate(list.items.length - (end - start) + items.length);
    list.items.splice(start, end - start, ...items);
    return;
  }
  if (items.length !== n) {
    raise(
      'ValueError',
      `attempt to assign sequence of size ${items.length} to extended slice of size ${n}`,
    );
  }
  for (let i = 0, j = start; i < n; i++, j += step) list.items[j] = items[i] as PyValue;
}

/** Python `del container[key]`. */
export function delItem(container: PyValue, key: PyValue): void {
  if (container instanceof PyDict) {
    if (container.delete(key) === undefined && !container.has(key)) raise('KeyError', key);
    return;
  }
  if (container instanceof PyList) {
    if (key instanceof PySlice) {
      const [start, , step, n] = key.indices(container.items.length);
      if (step === 1) {
        container.items.splice(start, n);
        return;
      }
      const drop = new Set<number>();
      for (let i = 0, j = start; i < n; i++, j += step) drop.add(j);
      container.items = container.items.filter((_, i) => !drop.has(i));
      return;
    }
    container.items.splice(normIndex(key, container.items.length, 'list assignment', 'list'), 1);
    return;
  }
  const seqLike =
    typeof container === 'string' ||
    container instanceof PyTuple ||
    container instanceof PySet ||
    container instanceof PyRange ||
    container instanceof PyDictView ||
    (isPyObject(container) && container.pyTypeName === 'bytes');
  const index = asInt(key);
  if (seqLike && index !== undefined) {
    if (index > 9223372036854775807n || index < -9223372036854775808n) {
      raise('IndexError', "cannot fit 'int' into an index-sized integer");
    }
    raise('TypeError', `'${typeName(container)}' object doesn't support item deletion`);
  }
  raise('TypeError', `'${typeName(container)}' object does not support item deletion`);
}

/** Whether a value is a PyException (helper for modules). */
export function isException(v: PyValue): v is PyException {
  return v instanceof PyException;
}

function isUnionMember(v: PyValue): boolean {
  return v === null || v instanceof PyType || v instanceof PyUnion;
}

/** `int | None`: a `types.UnionType`, usable with isinstance(). */
export class PyUnion implements PyObject {
  readonly pyTypeName = 'types.UnionType';
  readonly members: readonly PyValue[];
  constructor(members: readonly PyValue[]) {
    this.members = members;
  }
  static of(a: PyValue, b: PyValue): PyUnion {
    const members: PyValue[] = [];
    for (const x of [a, b]) {
      for (const m of x instanceof PyUnion ? x.members : [x])
        if (!members.includes(m)) members.push(m);
    }
    return new PyUnion(members);
  }
  getAttr(): PyValue | undefined {
    return undefined;
  }
  equals(other: PyValue): boolean {
    return (
      other instanceof PyUnion &&
      other.members.length === this.members.length &&
      this.members.every((m) => other.members.includes(m))
    );
  }
  hash(): string {
    return 'union';
  }
  repr(): string {
    return this.members.map((m) => (m === null ? 'None' : (m as PyType).qualName)).join(' | ');
  }
}
