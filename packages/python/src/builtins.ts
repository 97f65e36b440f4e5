/** The builtin namespace available to sandboxed code (the corpus README's list, nothing more). */
import { dictUpdate, getAttribute, setTypeOfHook, sortList, unboundMethod } from './attrs.js';
import { PyBytes } from './bytes.js';
import { updateWith } from './set-ops.js';
import { formatValue, roundFloat, roundInt } from './format.js';
import { LOCALS_BUILTIN, rt, tick } from './interp.js';
import {
  allocate,
  codePoints,
  compare,
  divmod,
  binaryOp,
  intToFloat,
  modPow,
  strLen,
  PySlice,
  PyUnion,
} from './ops.js';
import {
  PyBuiltin,
  PyCallable,
  PyDict,
  PyDictView,
  PyException,
  PyExceptionType,
  PyIterator,
  PyList,
  PyModule,
  PyRange,
  PySet,
  PyTuple,
  PyType,
  asInt,
  bindArgs,
  callValue,
  exceptionType,
  intStr,
  isPyObject,
  iterate,
  noKwargs,
  pyRepr,
  pyStr,
  raise,
  toArray,
  toIndex,
  truthy,
  typeName,
  INT_MAX_STR_DIGITS,
  type NativeFn,
  type PyKwargs,
  type PyValue,
} from './values.js';

function fn(name: string, impl: NativeFn): PyBuiltin {
  return new PyBuiltin(name, impl);
}

function exactArgs(name: string, args: PyValue[], kwargs: PyKwargs, n: number): void {
  noKwargs(name, kwargs);
  if (args.length !== n) {
    raise(
      'TypeError',
      `${name}() takes exactly ${n === 1 ? 'one argument' : `${n} arguments`} (${args.length} given)`,
    );
  }
}

function dunder(v: PyValue, name: string): PyCallable | undefined {
  if (!isPyObject(v)) return undefined;
  const m = v.getAttr(name);
  return m instanceof PyCallable ? m : undefined;
}

// ---------------------------------------------------------------------------------------------
// Conversions

// Python's whitespace includes the information separators U+001C..U+001F and NEL
const PY_SPACE = '[\\s\\u001c-\\u001f\\u0085]';
const EDGE_SPACE = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, 'g');

/** Parses an int literal string with the given base (0 = from prefix), as `int(s, base)`. */
export function parseIntString(text: string, base: number): bigint {
  const fail = (): never =>
    raise('ValueError', `invalid literal for int() with base ${base}: ${pyRepr(text)}`);
  let s = asciiDigits(text).trim().replace(EDGE_SPACE, '');
  let sign = 1n;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1n;
    s = s.slice(1);
  }
  if (s === '' || s.startsWith('_') || s.endsWith('_') || s.includes('__')) fail();
  const lower = s.toLowerCase();
  let b = base;
  if (b === 0) {
    if (lower.startsWith('0x')) b = 16;
    else if (lower.startsWith('0o')) b = 8;
    else if (lower.startsWith('0b')) b = 2;
    else {
      b = 10;
      if (/^0+[1-9]/.test(lower.replace(/_/g, ''))) fail();
    }
  }
  if (
    (b === 16 && lower.startsWith('0x')) ||
    (b === 8 && lower.startsWith('0o')) ||
    (b === 2 && lower.startsWith('0b'))
  ) {
    s = s.slice(2);
    if (s.startsWith('_')) s = s.slice(1);
  }
  if (s === '' || s.startsWith('_') || s.endsWith('_') || s.includes('__')) fail();
  s = s.replace(/_/g, '');
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, b);
  let n = 0n;
  const bb = BigInt(b);
  if (b === 10 && s.length > INT_MAX_STR_DIGITS) {
    raise(
      'ValueError',
      `Exceeds the limit (${INT_MAX_STR_DIGITS} digits) for integer string conversion: value has ${s.length} digits; use sys.set_int_max_str_digits() to increase the limit`,
    );
  }
  if (b === 10 && /^\d+$/.test(s)) return sign * BigInt(s);
  for (const ch of s.toLowerCase()) {
    const d = digits.indexOf(ch);
    if (d < 0) fail();
    n = n * bb + BigInt(d);
  }
  return sign * n;
}

/** Replaces Unicode decimal digits by ASCII ones (int() and float() accept them). */
function asciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (d) => {
    const cp = d.codePointAt(0) as number;
    if (cp < 128) return d;
    const zero = findDigitZero(cp);
    return zero === undefined ? d : String(cp - zero);
  });
}

function findDigitZero(cp: number): number | undefined {
  // walk back to the code point whose digit value is 0 (Nd digits come in runs of ten)
  for (let z = cp; z > cp - 10; z--) {
    const ch = String.fromCodePoint(z);
    if (!/\p{Nd}/u.test(ch)) return z + 1;
    if (z === cp - 9) return z;
  }
  return undefined;
}

const FLOAT_RE =
  /^[+-]?(?:(?:\d(?:_?\d)*)?\.?\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|\d(?:_?\d)*\.(?:[eE][+-]?\d(?:_?\d)*)?)$/;

/** Parses a float string as `float(s)` does. */
export function parseFloatString(text: string): number {
  const s = asciiDigits(text).replace(EDGE_SPACE, '');
  const lower = s.toLowerCase();
  const m = /^([+-]?)(inf|infinity|nan)$/.exec(lower);
  if (m) {
    if (m[2] === 'nan') return NaN;
    return m[1] === '-' ? -Infinity : Infinity;
  }
  if (!FLOAT_RE.test(s)) raise('ValueError', `could not convert string to float: ${pyRepr(text)}`);
  return Number(s.replace(/_/g, ''));
}

function toInt(args: PyValue[], kwargs: PyKwargs): PyValue {
  const [x, base] = bindArgs('int', args, kwargs, ['x', 'base'], 0);
  if (x === undefined) return 0n;
  if (base !== undefined) {
    const b = toIndex(base);
    if (!(b === 0n || (b >= 2n && b <= 36n)))
      raise('ValueError', 'int() base must be >= 2 and <= 36, or 0');
    if (typeof x !== 'string' && !(x instanceof PyBytes)) {
      raise('TypeError', "int() can't convert non-string with explicit base");
    }
    return parseIntString(typeof x === 'string' ? x : x.decode('latin-1'), Number(b));
  }
  switch (typeof x) {
    case 'bigint':
      return x;
    case 'boolean':
      return x ? 1n : 0n;
    case 'number':
      if (Number.isNaN(x)) raise('ValueError', 'cannot convert float NaN to integer');
      if (!Number.isFinite(x)) raise('OverflowError', 'cannot convert float infinity to integer');
      return BigInt(Math.trunc(x));
    case 'string':
      return parseIntString(x, 10);
  }
  if (x instanceof PyBytes) return parseIntString(x.decode('latin-1'), 10);
  const m = dunder(x, '__int__') ?? dunder(x, '__trunc__');
  if (m) return m.call([], undefined);
  return raise(
    'TypeError',
    `int() argument must be a string, a bytes-like object or a real number, not '${typeName(x)}'`,
  );
}

function toFloatValue(args: PyValue[], kwargs: PyKwargs): PyValue {
  noKwargs('float', kwargs);
  if (args.length > 1) raise('TypeError', `float expected at most 1 argument, got ${args.length}`);
  const x = args[0];
  if (x === undefined) return 0;
  switch (typeof x) {
    case 'number':
      return x;
    case 'bigint':
      return intToFloat(x);
    case 'boolean':
      return x ? 1 : 0;
    case 'string':
      return parseFloatString(x);
  }
  const m = dunder(x, '__float__');
  if (m) return m.call([], undefined);
  return raise(
    'TypeError',
    `float() argument must be a string or a real number, not '${typeName(x)}'`,
  );
}

function toStr(args: PyValue[], kwargs: PyKwargs): PyValue {
  if (args.length === 0 && !kwargs) return '';
  const [obj, encoding] = bindArgs('str', args, kwargs, ['object', 'encoding', 'errors'], 0);
  if (encoding !== undefined) {
    if (typeof encoding !== 'string') {
      raise(
        'TypeError',
        `str() argument 'encoding' must be str, not ${encoding === null ? 'None' : typeName(encoding)}`,
      );
    }
    if (typeof obj === 'string') raise('TypeError', 'decoding str is not supported');
    if (!(obj instanceof PyBytes))
      raise(
        'TypeError',
        `decoding to str: need a bytes-like object, ${typeName(obj ?? null)} found`,
      );
    return obj.decode(pyStr(encoding));
  }
  return obj === undefined ? '' : pyStr(obj);
}

function toDict(args: PyValue[], kwargs: PyKwargs): PyValue {
  if (args.length > 1) raise('TypeError', `dict expected at most 1 argument, got ${args.length}`);
  const d = new PyDict();
  dictUpdate(d, args[0], kwargs, 'dict');
  return d;
}

function iterableArg(v: PyValue): PyValue[] {
  return toArray(v);
}

// ---------------------------------------------------------------------------------------------
// Type objects

const attrs = (
  typeName_: string,
  check: (v: PyValue) => boolean,
  names: string[],
  extra: Record<string, PyValue> = {},
): Map<string, PyValue> => {
  const m = new Map<string, PyValue>(Object.entries(extra));
  for (const n of names) {
    const b = unboundMethod(typeName_, n, check);
    if (b) m.set(n, b);
  }
  return m;
};

const isStr = (v: PyValue): boolean => typeof v === 'string';
const STR_NAMES = [
  'upper',
  'lower',
  'casefold',
  'title',
  'capitalize',
  'swapcase',
  'strip',
  'lstrip',
  'rstrip',
  'split',
  'rsplit',
  'splitlines',
  'join',
  'replace',
  'find',
  'rfind',
  'index',
  'rindex',
  'count',
  'startswith',
  'endswith',
  'center',
  'ljust',
  'rjust',
  'zfill',
  'isdigit',
  'isdecimal',
  'isnumeric',
  'isalpha',
  'isalnum',
  'isspace',
  'isascii',
  'isupper',
  'islower',
  'istitle',
  'isidentifier',
  'isprintable',
  'partition',
  'rpartition',
  'expandtabs',
  'removeprefix',
  'removesuffix',
  'format',
  'format_map',
  'encode',
  'translate',
];

export const INT_TYPE = new PyType('int', {
  call: toInt,
  isInstance: (v) => typeof v === 'bigint' || typeof v === 'boolean',
  attrs: attrs('int', (v) => typeof v === 'bigint' || typeof v === 'boolean', [
    'bit_length',
    'bit_count',
    'conjugate',
    'as_integer_ratio',
  ]),
});
export const BOOL_TYPE = new PyType('bool', {
  call: (args, kwargs) => {
    noKwargs('bool', kwargs);
    if (args.length > 1) raise('TypeError', `bool expected at most 1 argument, got ${args.length}`);
    return args.length ? truthy(args[0] as PyValue) : false;
  },
  isInstance: (v) => typeof v === 'boolean',
});
export const FLOAT_TYPE = new PyType('float', {
  call: toFloatValue,
  isInstance: (v) => typeof v === 'number',
  attrs: attrs('float', (v) => typeof v === 'number', [
    'is_integer',
    'conjugate',
    'as_integer_ratio',
  ]),
});
export const STR_TYPE = new PyType('str', {
  call: toStr,
  isInstance: isStr,
  attrs: attrs('str', isStr, STR_NAMES, {
    maketrans: fn('maketrans', (args, kwargs) => {
      noKwargs('maketrans', kwargs);
      const d = new PyDict();
      if (args.length === 1) {
        const m = args[0] as PyValue;
        if (!(m instanceof PyDict))
          raise('TypeError', 'if you give only one argument to maketrans it must be a dict');
        for (const e of m.entries()) {
          if (typeof e.key === 'string') {
            if (strLen(e.key) !== 1)
              raise('ValueError', 'string keys in translate table must be of length 1');
            d.set(BigInt(e.key.codePointAt(0) as number), e.value);
          } else d.set(e.key, e.value);
        }
        return d;
      }
      if (args.length < 2 || args.length > 3)
        raise('TypeError', `maketrans() takes at most 3 arguments (${args.length} given)`);
      const [x, y, z] = args;
      if (typeof x !== 'string' || typeof y !== 'string')
        raise('TypeError', 'maketrans() arguments must be str');
      const xs = Array.from(x);
      const ys = Array.from(y);
      if (xs.length !== ys.length)
        raise('ValueError', 'the first two maketrans arguments must have equal length');
      xs.forEach((c, i) =>
        d.set(
          BigInt(c.codePointAt(0) as number),
          BigInt((ys[i] as string).codePointAt(0) as number),
        ),
      );
      if (z !== undefined) {
        if (typeof z !== 'string') raise('TypeError', 'maketrans() argument 3 must be str');
        for (const c of z) d.set(BigInt(c.codePointAt(0) as number), null);
      }
      return d;
    }),
  }),
});
export const LIST_TYPE = new PyType('list', {
  call: (args, kwargs) => {
    noKwargs('list', kwargs);
    if (args.length > 1) raise('TypeError', `list expected at most 1 argument, got ${args.length}`);
    return new PyList(args.length ? sizedArray(args[0] as PyValue) : []);
  },
  isInstance: (v) => v instanceof PyList,
  attrs: attrs('list', (v) => v instanceof PyList, [
    'append',
    'extend',
    'insert',
    'pop',
    'remove',
    'index',
    'count',
    'sort',
    'reverse',
    'copy',
    'clear',
  ]),
});
export const TUPLE_TYPE = new PyType('tuple', {
  call: (args, kwargs) => {
    noKwargs('tuple', kwargs);
    if (args.length > 1)
      raise('TypeError', `tuple expected at most 1 argument, got ${args.length}`);
    const a = args[0];
    if (a instanceof PyTuple) return a;
    return new PyTuple(a === undefined ? [] : sizedArray(a));
  },
  isInstance: (v) => v instanceof PyTuple,
  attrs: attrs('tuple', (v) => v instanceof PyTuple, ['index', 'count']),
});
export const DICT_TYPE = new PyType('dict', {
  call: toDict,
  isInstance: (v) => v instanceof PyDict,
  attrs: attrs(
    'dict',
    (v) => v instanceof PyDict,
    ['get', 'keys', 'values', 'items', 'pop', 'popitem', 'setdefault', 'update', 'copy', 'clear'],
    {
      fromkeys: fn('fromkeys', (args, kwargs) => {
        noKwargs('fromkeys', kwargs);
        if (args.length < 1 || args.length > 2)
          raise('TypeError', `fromkeys expected at least 1 argument, got ${args.length}`);
        const d = new PyDict();
        const v = args.length > 1 ? (args[1] as PyValue) : null;
        for (const k of iterableArg(args[0] as PyValue)) d.set(k, v);
        return d;
      }),
    },
  ),
});
const SET_NAMES = [
  'add',
  'remove',
  'discard',
  'pop',
  'clear',
  'copy',
  'union',
  'intersection',
  'difference',
  'symmetric_difference',
  'update',
  'intersection_update',
  'difference_update',
  'symmetric_difference_update',
  'issubset',
  'issuperset',
  'isdisjoint',
];
export const SET_TYPE = new PyType('set', {
  call: (args, kwargs) => {
    noKwargs('set', kwargs);
    if (args.length > 1) raise('TypeError', `set expected at most 1 argument, got ${args.length}`);
    const a = args[0];
    const out = new PySet();
    if (a !== undefined) updateWith(out, a);
    return out;
  },
  isInstance: (v) => v instanceof PySet && !v.frozen,
  attrs: attrs('set', (v) => v instanceof PySet && !v.frozen, SET_NAMES),
});
export const FROZENSET_TYPE = new PyType('frozenset', {
  call: (args, kwargs) => {
    noKwargs('frozenset', kwargs);
    if (args.length > 1)
      raise('TypeError', `frozenset expected at most 1 argument, got ${args.length}`);
    const a = args[0];
    if (a instanceof PySet && a.frozen) return a;
    const out = new PySet([], true);
    if (a !== undefined) updateWith(out, a);
    return out;
  },
  isInstance: (v) => v instanceof PySet && v.frozen,
  attrs: attrs('frozenset', (v) => v instanceof PySet && v.frozen, SET_NAMES),
});
export const RANGE_TYPE = new PyType('range', {
  call: (args, kwargs) => {
    noKwargs('range', kwargs);
    if (args.length < 1) raise('TypeError', 'range expected at least 1 argument, got 0');
    if (args.length > 3)
      raise('TypeError', `range expected at most 3 arguments, got ${args.length}`);
    const ints = args.map((a) => toIndex(a));
    const [start, stop, step] =
      ints.length === 1
        ? [0n, ints[0] as bigint, 1n]
        : [ints[0] as bigint, ints[1] as bigint, ints[2] ?? 1n];
    if (step === 0n) raise('ValueError', 'range() arg 3 must not be zero');
    return new PyRange(start, stop, step);
  },
  isInstance: (v) => v instanceof PyRange,
});
export const NONE_TYPE = new PyType('NoneType', {
  call: (args) => {
    if (args.length) raise('TypeError', 'NoneType takes no arguments');
    return null;
  },
  isInstance: (v) => v === null,
});
export const TYPE_TYPE: PyType = new PyType('type', {
  call: (args, kwargs) => {
    noKwargs('type', kwargs);
    if (args.length === 1) return typeOf(args[0] as PyValue);
    if (args.length === 3) raise('NameError', "name '__build_class__' is not defined");
    return raise('TypeError', 'type() takes 1 or 3 arguments');
  },
  isInstance: (v) => v instanceof PyType,
});
const FUNCTION_TYPE = new PyType('function', {
  isInstance: (v) => v instanceof PyCallable && !(v instanceof PyBuiltin) && !(v instanceof PyType),
});
const BUILTIN_FUNCTION_TYPE = new PyType('builtin_function_or_method', {
  isInstance: (v) => v instanceof PyBuiltin,
});
const MODULE_TYPE = new PyType('module', { isInstance: (v) => v instanceof PyModule });
const BYTES_TYPE = new PyType('bytes', { isInstance: (v) => v instanceof PyBytes });
const SLICE_TYPE = new PyType('slice', { isInstance: (v) => v instanceof PySlice });

const otherTypes = new Map<string, PyType>();

/** Python `type(v)`. */
export function typeOf(v: PyValue): PyType {
  switch (typeof v) {
    case 'string':
      return STR_TYPE;
    case 'bigint':
      return INT_TYPE;
    case 'boolean':
      return BOOL_TYPE;
    case 'number':
      return FLOAT_TYPE;
  }
  if (v === null) return NONE_TYPE;
  if (v instanceof PyList) return LIST_TYPE;
  if (v instanceof PyTuple) return TUPLE_TYPE;
  if (v instanceof PyDict) return DICT_TYPE;
  if (v instanceof PySet) return v.frozen ? FROZENSET_TYPE : SET_TYPE;
  if (v instanceof PyRange) return RANGE_TYPE;
  if (v instanceof PyException) return v.excType;
  if (v instanceof PyType) return TYPE_TYPE;
  if (v instanceof PyBuiltin) return BUILTIN_FUNCTION_TYPE;
  if (v instanceof PyCallable) return FUNCTION_TYPE;
  if (v instanceof PyModule) return MODULE_TYPE;
  if (v instanceof PyBytes) return BYTES_TYPE;
  if (v instanceof PySlice) return SLICE_TYPE;
  if (isPyObject(v) && v.pyType) return v.pyType();
  const name = typeName(v);
  let t = otherTypes.get(name);
  if (!t) {
    t = new PyType(name, { isInstance: (x) => typeName(x) === name });
    otherTypes.set(name, t);
  }
  return t;
}

function sizedArray(v: PyValue): PyValue[] {
  if (v instanceof PyRange) allocate(v.length);
  return toArray(v);
}

// ---------------------------------------------------------------------------------------------
// Functions

function isinstance(v: PyValue, t: PyValue): boolean {
  if (t instanceof PyType) {
    if (t === INT_TYPE) return typeof v === 'bigint' || typeof v === 'boolean';
    if (t === TYPE_TYPE) return v instanceof PyType;
    return t.isInstance(v);
  }
  if (t instanceof PyTuple) return t.items.some((x) => isinstance(v, x));
  if (t instanceof PyUnion)
    return t.members.some((x) => (x === null ? v === null : isinstance(v, x)));
  return raise('TypeError', 'isinstance() arg 2 must be a type, a tuple of types, or a union');
}

function minmax(name: 'min' | 'max', args: PyValue[], kwargs: PyKwargs): PyValue {
  let key: PyValue | undefined;
  let dflt: PyValue | undefined;
  if (kwargs) {
    for (const [k, v] of kwargs) {
      if (k === 'key') key = v;
      else if (k === 'default') dflt = v;
      else raise('TypeError', `${name}() got an unexpected keyword argument '${k}'`);
    }
  }
  let items: PyValue[];
  if (args.length === 0) raise('TypeError', `${name} expected at least 1 argument, got 0`);
  if (args.length === 1) {
    items = toArray(args[0] as PyValue);
  } else {
    if (dflt !== undefined)
      raise(
        'TypeError',
        `Cannot specify a default for ${name}() with multiple positional arguments`,
      );
    items = args;
  }
  if (items.length === 0) {
    if (dflt !== undefined) return dflt;
    raise('ValueError', `${name}() arg is an empty sequence`);
  }
  const op = name === 'max' ? '>' : '<';
  const useKey = key !== undefined && key !== null;
  let best = items[0] as PyValue;
  let bestKey = useKey ? callValue(key as PyValue, [best]) : best;
  for (let i = 1; i < items.length; i++) {
    const v = items[i] as PyValue;
    const k = useKey ? callValue(key as PyValue, [v]) : v;
    if (compare(op, k, bestKey)) {
      best = v;
      bestKey = k;
    }
  }
  return best;
}

function sum(args: PyValue[], kwargs: PyKwargs): PyValue {
  const [iterable, startArg] = bindArgs('sum', args, kwargs, ['iterable', 'start'], 1);
  let acc: PyValue = startArg ?? 0n;
  const it = iterate(iterable as PyValue);
  if (typeof acc === 'string')
    raise('TypeError', "sum() can't sum strings [use ''.join(seq) instead]");
  if (acc instanceof PyBytes)
    raise('TypeError', "sum() can't sum bytes [use b''.join(seq) instead]");
  for (let v = it.next(); v !== undefined; v = it.next()) {
    if (typeof acc === 'bigint' && typeof v === 'bigint') acc = acc + v;
    else if (typeof acc === 'number' && typeof v === 'number') acc = acc + v;
    else acc = binaryOp('+', acc, v);
  }
  return acc;
}

function roundBuiltin(args: PyValue[], kwargs: PyKwargs): PyValue {
  const [x, nd] = bindArgs('round', args, kwargs, ['number', 'ndigits'], 1);
  const v = x as PyValue;
  if (typeof v !== 'number' && asInt(v) === undefined && !dunder(v, '__round__')) {
    raise('TypeError', `type ${typeName(v)} doesn't define __round__ method`);
  }
  const ndigits = nd === undefined || nd === null ? null : toIndex(nd);
  if (typeof v === 'number') {
    if (ndigits === null) {
      if (Number.isNaN(v)) raise('ValueError', 'cannot convert float NaN to integer');
      if (!Number.isFinite(v)) raise('OverflowError', 'cannot convert float infinity to integer');
      const fl = Math.floor(v);
      const diff = v - fl;
      let r = fl;
      if (diff > 0.5 || (diff === 0.5 && fl % 2 !== 0)) r = fl + 1;
      return BigInt(r);
    }
    const n = ndigits > 400n ? 400 : ndigits < -400n ? -400 : Number(ndigits);
    return roundFloat(v, n);
  }
  const i = asInt(v);
  if (i !== undefined) return ndigits === null ? i : roundInt(i, ndigits);
  const m = dunder(v, '__round__');
  if (m) return m.call(ndigits === null ? [] : [ndigits], undefined);
  return raise('TypeError', `type ${typeName(v)} doesn't define __round__ method`);
}

function absBuiltin(args: PyValue[], kwargs: PyKwargs): PyValue {
  exactArgs('abs', args, kwargs, 1);
  const v = args[0] as PyValue;
  switch (typeof v) {
    case 'bigint':
      return v < 0n ? -v : v;
    case 'boolean':
      return v ? 1n : 0n;
    case 'number':
      return Math.abs(v);
  }
  const m = dunder(v, '__abs__');
  if (m) return m.call([], undefined);
  return raise('TypeError', `bad operand type for abs(): '${typeName(v)}'`);
}

function lenBuiltin(args: PyValue[], kwargs: PyKwargs): PyValue {
  exactArgs('len', args, kwargs, 1);
  const v = args[0] as PyValue;
  if (typeof v === 'string') return BigInt(strLen(v));
  if (v instanceof PyList || v instanceof PyTuple) return BigInt(v.items.length);
  if (v instanceof PyDict || v instanceof PySet) return BigInt(v.size);
  if (v instanceof PyDictView) return BigInt(v.dict.size);
  if (v instanceof PyRange) return v.length;
  if (isPyObject(v) && v.len) return BigInt(v.len());
  return raise('TypeError', `object of type '${typeName(v)}' has no len()`);
}

function intBase(name: string, prefix: string, radix: number): NativeFn {
  return (args, kwargs) => {
    exactArgs(name, args, kwargs, 1);
    const v = args[0] as PyValue;
    const n = asInt(v);
    if (n === undefined)
      raise('TypeError', `'${typeName(v)}' object cannot be interpreted as an integer`);
    return n < 0n ? `-${prefix}${(-n).toString(radix)}` : `${prefix}${n.toString(radix)}`;
  };
}

function reversedBuiltin(args: PyValue[], kwargs: PyKwargs): PyValue {
  exactArgs('reversed', args, kwargs, 1);
  const v = args[0] as PyValue;
  if (v instanceof PyList) {
    let i = v.items.length - 1;
    return new PyIterator('list_reverseiterator', () => {
      if (i >= v.items.length) i = -1;
      return i >= 0 ? v.items[i--] : undefined;
    });
  }
  if (
    v instanceof PyTuple ||
    typeof v === 'string' ||
    v instanceof PyDict ||
    v instanceof PyDictView
  ) {
    const items = typeof v === 'string' ? (codePoints(v) ?? v.split('')) : toArray(v);
    let i = items.length - 1;
    const name =
      v instanceof PyTuple
        ? 'reversed'
        : typeof v === 'string'
          ? 'reversed'
          : 'dict_reversekeyiterator';
    if (v instanceof PyDictView && v.kind !== 'keys') {
      return PyIterator.ofArray(
        items.reverse(),
        v.kind === 'values' ? 'dict_reversevalueiterator' : 'dict_reverseitemiterator',
      );
    }
    return new PyIterator(name, () => (i >= 0 ? items[i--] : undefined));
  }
  if (v instanceof PyRange) {
    const n = v.length;
    let i = n - 1n;
    return new PyIterator('range_iterator', () => {
      if (i < 0n) return undefined;
      tick();
      return v.at(i--);
    });
  }
  if (isPyObject(v) && v.len && v.getItem) {
    let i = v.len() - 1;
    return new PyIterator('reversed', () =>
      i >= 0 ? (v.getItem as (k: PyValue) => PyValue)(BigInt(i--)) : undefined,
    );
  }
  return raise('TypeError', `'${typeName(v)}' object is not reversible`);
}

function zipBuiltin(args: PyValue[], kwargs: PyKwargs): PyValue {
  let strict = false;
  if (kwargs) {
    for (const [k, v] of kwargs) {
      if (k !== 'strict') raise('TypeError', `zip() got an unexpected keyword argument '${k}'`);
      strict = truthy(v);
    }
  }
  const its = args.map((a) => iterate(a));
  if (its.length === 0) return new PyIterator('zip', () => undefined);
  let done = false;
  return new PyIterator('zip', () => {
    if (done) return undefined;
    const out: PyValue[] = [];
    for (let i = 0; i < its.length; i++) {
      const v = (its[i] as PyIterator).next();
      if (v === undefined) {
        done = true;
        if (strict) {
          if (i > 0)
            raise(
              'ValueError',
              `zip() argument ${i + 1} is shorter than argument${i === 1 ? '' : 's'} 1${i > 1 ? `-${i}` : ''}`,
            );
          for (let j = 1; j < its.length; j++) {
            if ((its[j] as PyIterator).next() !== undefined) {
              raise(
                'ValueError',
                `zip() argument ${j + 1} is longer than argument${j === 1 ? '' : 's'} 1${j > 1 ? `-${j}` : ''}`,
              );
            }
          }
        }
        return undefined;
      }
      out.push(v);
    }
    return new PyTuple(out);
  });
}

function mapBuiltin(args: PyValue[], kwargs: PyKwargs): PyValue {
  noKwargs('map', kwargs);
  if (args.length < 2) raise('TypeError', 'map() must have at least two arguments.');
  const f = args[0] as PyValue;
  const its = args.slice(1).map((a) => iterate(a));
  return new PyIterator('map', () => {
    const vals: PyValue[] = [];
    for (const it of its) {
      const v = it.next();
      if (v === undefined) return undefined;
      vals.push(v);
    }
    return callValue(f, vals);
  });
}

function filterBuiltin(args: PyValue[], kwargs: PyKwargs): PyValue {
  noKwargs('filter', kwargs);
  if (args.length !== 2) raise('TypeError', `filter expected 2 arguments, got ${args.length}`);
  const f = args[0] as PyValue;
  const it = iterate(args[1] as PyValue);
  return new PyIterator('filter', () => {
    for (let v = it.next(); v !== undefined; v = it.next()) {
      if (f === null ? truthy(v) : truthy(callValue(f, [v]))) return v;
    }
    return undefined;
  });
}

function enumerateBuiltin(args: PyValue[], kwargs: PyKwargs): PyValue {
  const [iterable, start] = bindArgs('enumerate', args, kwargs, ['iterable', 'start'], 1);
  const it = iterate(iterable as PyValue);
  let i = start === undefined ? 0n : toIndex(start);
  return new PyIterator('enumerate', () => {
    const v = it.next();
    if (v === undefined) return undefined;
    return new PyTuple([i++, v]);
  });
}

function nextBuiltin(args: PyValue[], kwargs: PyKwargs): PyValue {
  noKwargs('next', kwargs);
  if (args.length < 1 || args.length > 2)
    raise('TypeError', `next expected at least 1 argument, got ${args.length}`);
  const it = args[0] as PyValue;
  if (!(it instanceof PyIterator))
    raise('TypeError', `'${typeName(it)}' object is not an iterator`);
  const v = it.next();
  if (v === undefined) {
    if (args.length > 1) return args[1] as PyValue;
    raise('StopIteration');
  }
  return v;
}

function printBuiltin(args: PyValue[], kwargs: PyKwargs): PyValue {
  let sep = ' ';
  let end = '\n';
  if (kwargs) {
    for (const [k, v] of kwargs) {
      if (k === 'sep')
        sep =
          v === null
            ? ' '
            : typeof v === 'string'
              ? v
              : raise('TypeError', `sep must be None or a string, not ${typeName(v)}`);
      else if (k === 'end')
        end =
          v === null
            ? '\n'
            : typeof v === 'string'
              ? v
              : raise('TypeError', `end must be None or a string, not ${typeName(v)}`);
      else if (k === 'flush') continue;
      else if (k === 'file') raise('TypeError', 'print() file argument is not supported');
      else raise('TypeError', `'${k}' is an invalid keyword argument for print()`);
    }
  }
  const text = args.map(pyStr).join(sep);
  const out = rt.hooks.print;
  if (out) out(end === '\n' ? text : text + end);
  return null;
}

function sortedBuiltin(args: PyValue[], kwargs: PyKwargs): PyValue {
  if (args.length !== 1) raise('TypeError', `sorted expected 1 argument, got ${args.length}`);
  const [key, reverse] = bindArgs('sorted', [], kwargs, ['key', 'reverse'], 0);
  const items = sizedArray(args[0] as PyValue);
  sortList(items, key, reverse !== undefined && truthy(reverse));
  return new PyList(items);
}

function powBuiltin(args: PyValue[], kwargs: PyKwargs): PyValue {
  const [base, exp, mod] = bindArgs('pow', args, kwargs, ['base', 'exp', 'mod'], 2);
  if (mod !== undefined && mod !== null) {
    const b = asInt(base as PyValue);
    const e = asInt(exp as PyValue);
    const m = asInt(mod);
    if (b === undefined || e === undefined || m === undefined) {
      raise('TypeError', 'pow() 3rd argument not allowed unless all arguments are integers');
    }
    return modPow(b, e, m);
  }
  return binaryOp('**', base as PyValue, exp as PyValue);
}

function chrBuiltin(args: PyValue[], kwargs: PyKwargs): PyValue {
  exactArgs('chr', args, kwargs, 1);
  const v = args[0] as PyValue;
  const n = asInt(v);
  if (n === undefined)
    raise('TypeError', `'${typeName(v)}' object cannot be interpreted as an integer`);
  if (n < 0n || n > 0x10ffffn) raise('ValueError', 'chr() arg not in range(0x110000)');
  return String.fromCodePoint(Number(n));
}

function ordBuiltin(args: PyValue[], kwargs: PyKwargs): PyValue {
  exactArgs('ord', args, kwargs, 1);
  const v = args[0] as PyValue;
  if (typeof v === 'string') {
    const n = strLen(v);
    if (n !== 1) raise('TypeError', `ord() expected a character, but string of length ${n} found`);
    return BigInt(v.codePointAt(0) as number);
  }
  if (v instanceof PyBytes) {
    if (v.data.length !== 1)
      raise('TypeError', `ord() expected a character, but string of length ${v.data.length} found`);
    return BigInt(v.data[0] as number);
  }
  return raise('TypeError', `ord() expected string of length 1, but ${typeName(v)} found`);
}

function iterBuiltin(args: PyValue[], kwargs: PyKwargs): PyValue {
  noKwargs('iter', kwargs);
  if (args.length !== 1) raise('TypeError', `iter expected 1 argument, got ${args.length}`);
  return iterate(args[0] as PyValue);
}

function allAny(name: 'all' | 'any'): NativeFn {
  return (args, kwargs) => {
    exactArgs(name, args, kwargs, 1);
    const it = iterate(args[0] as PyValue);
    for (let v = it.next(); v !== undefined; v = it.next()) {
      if (truthy(v) === (name === 'any')) return name === 'any';
    }
    return name === 'all';
  };
}

function formatBuiltin(args: PyValue[], kwargs: PyKwargs): PyValue {
  const [v, spec] = bindArgs('format', args, kwargs, ['value', 'format_spec'], 1);
  if (spec !== undefined && typeof spec !== 'string') {
    raise(
      'TypeError',
      `format() argument 2 must be str, not ${spec === null ? 'None' : typeName(spec)}`,
    );
  }
  return formatValue(v as PyValue, spec ?? '');
}

const BUILTIN_EXCEPTIONS = [
  'BaseException',
  'Exception',
  'ArithmeticError',
  'AssertionError',
  'AttributeError',
  'ImportError',
  'IndexError',
  'KeyError',
  'LookupError',
  'NameError',
  'NotImplementedError',
  'OverflowError',
  'RecursionError',
  'RuntimeError',
  'StopIteration',
  'TypeError',
  'UnboundLocalError',
  'ValueError',
  'ZeroDivisionError',
];

/** Creates the builtin namespace. */
export function makeBuiltins(): Map<string, PyValue> {
  const b = new Map<string, PyValue>([
    ['abs', fn('abs', absBuiltin)],
    [
      '__import__',
      fn('__import__', (args) => {
        const name = args[0];
        if (typeof name !== 'string')
          raise('TypeError', `__import__() argument 1 must be str, not ${typeName(name ?? null)}`);
        return rt.importModule(name);
      }),
    ],
    ['all', fn('all', allAny('all'))],
    ['any', fn('any', allAny('any'))],
    ['bin', fn('bin', intBase('bin', '0b', 2))],
    ['bool', BOOL_TYPE],
    [
      'callable',
      fn(
        'callable',
        (args, kwargs) => (exactArgs('callable', args, kwargs, 1), args[0] instanceof PyCallable),
      ),
    ],
    ['chr', fn('chr', chrBuiltin)],
    ['dict', DICT_TYPE],
    [
      'divmod',
      fn(
        'divmod',
        (args, kwargs) => (
          exactArgs('divmod', args, kwargs, 2),
          divmod(args[0] as PyValue, args[1] as PyValue)
        ),
      ),
    ],
    ['enumerate', fn('enumerate', enumerateBuiltin)],
    ['filter', fn('filter', filterBuiltin)],
    ['float', FLOAT_TYPE],
    ['format', fn('format', formatBuiltin)],
    ['frozenset', FROZENSET_TYPE],
    ['hex', fn('hex', intBase('hex', '0x', 16))],
    ['int', INT_TYPE],
    [
      'isinstance',
      fn(
        'isinstance',
        (args, kwargs) => (
          exactArgs('isinstance', args, kwargs, 2),
          isinstance(args[0] as PyValue, args[1] as PyValue)
        ),
      ),
    ],
    ['iter', fn('iter', iterBuiltin)],
    ['len', fn('len', lenBuiltin)],
    ['list', LIST_TYPE],
    ['locals', LOCALS_BUILTIN],
    ['map', fn('map', mapBuiltin)],
    ['max', fn('max', (args, kwargs) => minmax('max', args, kwargs))],
    ['min', fn('min', (args, kwargs) => minmax('min', args, kwargs))],
    ['next', fn('next', nextBuiltin)],
    ['oct', fn('oct', intBase('oct', '0o', 8))],
    ['ord', fn('ord', ordBuiltin)],
    ['pow', fn('pow', powBuiltin)],
    ['print', fn('print', printBuiltin)],
    ['range', RANGE_TYPE],
    [
      'repr',
      fn(
        'repr',
        (args, kwargs) => (exactArgs('repr', args, kwargs, 1), pyRepr(args[0] as PyValue)),
      ),
    ],
    ['reversed', fn('reversed', reversedBuiltin)],
    ['round', fn('round', roundBuiltin)],
    ['set', SET_TYPE],
    ['sorted', fn('sorted', sortedBuiltin)],
    ['str', STR_TYPE],
    ['sum', fn('sum', sum)],
    ['tuple', TUPLE_TYPE],
    ['type', TYPE_TYPE],
    ['zip', fn('zip', zipBuiltin)],
  ]);
  for (const name of BUILTIN_EXCEPTIONS) b.set(name, exceptionType(name));
  return b;
}

setTypeOfHook(typeOf);

/** Shared builtin namespace (immutable from Python: assignments go to globals). */
export const BUILTINS: ReadonlyMap<string, PyValue> = makeBuiltins();

export { getAttribute, intStr, PyExceptionType };
