/**
 * The one place where values cross between JSON-like host data and Python values.
 *
 * | JSON-like (host) | Python |
 * | --- | --- |
 * | `null`, `true`/`false`, string | `None`, `bool`, `str` |
 * | number: integral → `int`, otherwise `float` | `int` (bigint), `float` |
 * | bigint | `int` |
 * | array | `list` |
 * | plain object | `dict` (string keys, in order) |
 * | `{ typename: 'datetime' \| 'date' \| 'time', value: isoString }` | `datetime.datetime` / `date` / `time` |
 * | `{ typename: 'timedelta', value: { days, seconds, microseconds } }` | `datetime.timedelta` |
 * | `{ typename: 'Decimal', value: '1.10' }` | `decimal.Decimal` |
 * | `{ typename: 'tuple' \| 'set' \| 'frozenset', value: [...] }` | `tuple` / `set` / `frozenset` |
 * | `{ typename: 'float', value: '3.0' }` | `float` (keeps integral floats, inf and nan) |
 * | `{ typename: 'int', value: '123…' }` | `int` beyond ±2^53 |
 * | `{ typename: 'dict', value: [[key, value], ...] }` | `dict` with non-string keys |
 */
import {
  PyDecimal,
  PyDate,
  PyDateTime,
  PyTime,
  PyTimedelta,
  dateFromIso,
  datetimeFromIso,
  decimalFromString,
  timeFromIso,
  timedeltaFromFields,
} from './modules/index.js';
import {
  PyCallable,
  PyDict,
  PyList,
  PyModule,
  PySet,
  PyTuple,
  asInt,
  callValue,
  floatRepr,
  isPyObject,
  pyStr,
  raise,
  typeName,
  type PyValue,
} from './values.js';

/** JSON-like data exchanged with the host. */
export type JsonLike =
  null | boolean | number | bigint | string | JsonLike[] | { [key: string]: JsonLike };

/** A tagged value for Python types JSON lacks. */
export interface TaggedValue {
  readonly typename: string;
  readonly value: JsonLike;
}

const TAGS = new Set([
  'datetime',
  'date',
  'time',
  'timedelta',
  'Decimal',
  'tuple',
  'set',
  'frozenset',
  'float',
  'int',
  'dict',
]);

function isTagged(o: { [key: string]: JsonLike }): boolean {
  const keys = Object.keys(o);
  return (
    keys.length === 2 && typeof o.typename === 'string' && 'value' in o && TAGS.has(o.typename)
  );
}

function ownValue(o: { [key: string]: JsonLike }, k: string): JsonLike {
  return Object.prototype.hasOwnProperty.call(o, k) ? (o[k] as JsonLike) : null;
}

/**
 * Converts JSON-like host data to a Python value (see the module table).
 * @throws {@link PyException} `TypeError` for values that are not JSON-like.
 */
export function toPython(v: JsonLike | undefined): PyValue {
  switch (typeof v) {
    case 'undefined':
      return null;
    case 'string':
    case 'boolean':
      return v;
    case 'bigint':
      return v;
    case 'number':
      return Number.isInteger(v) ? BigInt(v) : v;
    case 'object': {
      if (v === null) return null;
      if (Array.isArray(v)) return new PyList(v.map(toPython));
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        raise(
          'TypeError',
          `cannot convert host value of type ${(v as object).constructor?.name ?? 'object'}`,
        );
      }
      if (isTagged(v)) return fromTagged(ownValue(v, 'typename') as string, ownValue(v, 'value'));
      const d = new PyDict();
      for (const k of Object.keys(v)) d.set(k, toPython(ownValue(v, k)));
      return d;
    }
    default:
      return raise('TypeError', `cannot convert host value of type ${typeof v}`);
  }
}

function fromTagged(typename: string, value: JsonLike): PyValue {
  const arr = (): JsonLike[] =>
    Array.isArray(value) ? value : raise('TypeError', `${typename} value must be an array`);
  switch (typename) {
    case 'datetime':
      return datetimeFromIso(String(value));
    case 'date':
      return dateFromIso(String(value));
    case 'time':
      return timeFromIso(String(value));
    case 'timedelta': {
      const o = (value ?? {}) as { [key: string]: JsonLike };
      return timedeltaFromFields(
        Number(ownValue(o, 'days') ?? 0),
        Number(ownValue(o, 'seconds') ?? 0),
        Number(ownValue(o, 'microseconds') ?? 0),
      );
    }
    case 'Decimal':
      return decimalFromString(String(value));
    case 'tuple':
      return new PyTuple(arr().map(toPython));
    case 'set':
      return new PySet(arr().map(toPython));
    case 'frozenset':
      return new PySet(arr().map(toPython), true);
    case 'float':
      return String(value) === 'nan'
        ? NaN
        : String(value) === 'inf'
          ? Infinity
          : String(value) === '-inf'
            ? -Infinity
            : Number(value);
    case 'int':
      return BigInt(String(value));
    case 'dict': {
      const d = new PyDict();
      for (const pair of arr()) {
        if (!Array.isArray(pair) || pair.length !== 2)
          raise('TypeError', 'dict value must be [key, value] pairs');
        d.set(toPython(pair[0]), toPython(pair[1]));
      }
      return d;
    }
    default:
      return raise('TypeError', `unknown typename ${typename}`);
  }
}

function isIdentifierKey(k: PyValue): k is string {
  return typeof k === 'string';
}

/**
 * Converts a Python value to JSON-like data (see the module table). Integral floats stay plain
 * numbers (as JSON would write them) unless `exactFloats` is set.
 * @throws {@link PyException} `TypeError` for functions, modules and other values data cannot hold.
 */
export function fromPython(v: PyValue, options: { exactFloats?: boolean } = {}): JsonLike {
  const seen = new Set<object>();
  const conv = (x: PyValue): JsonLike => {
    switch (typeof x) {
      case 'string':
      case 'boolean':
        return x;
      case 'bigint':
        return x >= -9007199254740991n && x <= 9007199254740991n
          ? Number(x)
          : { typename: 'int', value: x.toString() };
      case 'number':
        if (!Number.isFinite(x) || (options.exactFloats && Number.isInteger(x)))
          return { typename: 'float', value: floatRepr(x) };
        return x;
    }
    if (x === null) return null;
    if (seen.has(x)) raise('ValueError', 'Circular reference detected');
    seen.add(x);
    try {
      if (x instanceof PyList) return x.items.map(conv);
      if (x instanceof PyTuple) return { typename: 'tuple', value: x.items.map(conv) };
      if (x instanceof PySet)
        return { typename: x.frozen ? 'frozenset' : 'set', value: x.values().map(conv) };
      if (x instanceof PyDict) {
        const keys = [...x.entries()].map((e) => e.key);
        if (keys.every(isIdentifierKey) && !keys.some((k) => k === 'typename')) {
          const o: { [key: string]: JsonLike } = {};
          for (const e of x.entries()) {
            Object.defineProperty(o, e.key as string, {
              value: conv(e.value),
              enumerable: true,
              writable: true,
              configurable: true,
            });
          }
          return o;
        }
        return {
          typename: 'dict',
          value: [...x.entries()].map((e) => [conv(e.key), conv(e.value)]),
        };
      }
      if (x instanceof PyDateTime) return { typename: 'datetime', value: isoOf(x) };
      if (x instanceof PyDate) return { typename: 'date', value: isoOf(x) };
      if (x instanceof PyTime) return { typename: 'time', value: isoOf(x) };
      if (x instanceof PyTimedelta) {
        return {
          typename: 'timedelta',
          value: {
            days: Number(asInt(x.getAttr('days') ?? 0n) ?? 0n),
            seconds: Number(asInt(x.getAttr('seconds') ?? 0n) ?? 0n),
            microseconds: Number(asInt(x.getAttr('microseconds') ?? 0n) ?? 0n),
          },
        };
      }
      if (x instanceof PyDecimal) return { typename: 'Decimal', value: pyStr(x) };
      if (x instanceof PyCallable || x instanceof PyModule || isPyObject(x)) {
        return raise('TypeError', `Object of type ${typeName(x)} is not JSON serializable`);
      }
      return raise('TypeError', `Object of type ${typeName(x)} is not JSON serializable`);
    } finally {
      seen.delete(x);
    }
  };
  return conv(v);
}

function isoOf(x: PyDate | PyTime): string {
  const m = x.getAttr('isoformat');
  return pyStr(callValue(m ?? null, []));
}
