/**
 * Small helpers shared by the stdlib modules: building builtins, reading arguments, and
 * `time.struct_time` values (used by `time` and `datetime.timetuple()`).
 * @internal
 */
import {
  PyBuiltin,
  PyNamedTuple,
  bindArgs,
  raise,
  toIndex,
  type NativeFn,
  type PyKwargs,
  type PyValue,
} from '../values.js';
import { CalendarError } from './datetime-core.js';

/** A builtin function (or method, when `self` is given). */
export function fn(name: string, impl: NativeFn, self?: PyValue): PyBuiltin {
  return new PyBuiltin(name, impl, self);
}

/** Runs calendar code, turning {@link CalendarError} into the Python exception it names. */
export function calendar<T>(body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof CalendarError) raise(e.pyType, e.message);
    throw e;
  }
}

/** Binds arguments and returns them as a record keyed by name (missing optional ones absent). */
export function args(
  fname: string,
  positional: readonly PyValue[],
  kwargs: PyKwargs,
  names: readonly string[],
  required = names.length,
): Partial<Record<string, PyValue>> {
  const bound = bindArgs(fname, positional, kwargs, names, required);
  const out: Partial<Record<string, PyValue>> = {};
  names.forEach((n, i) => {
    const v = bound[i];
    if (v !== undefined) out[n] = v;
  });
  return out;
}

/** An int argument as a JS number (TypeError for non-ints, as CPython's `__index__` check). */
export function intArg(v: PyValue): number {
  return Number(toIndex(v));
}

/** `time.struct_time` field names. */
export const STRUCT_TIME_FIELDS = [
  'tm_year',
  'tm_mon',
  'tm_mday',
  'tm_hour',
  'tm_min',
  'tm_sec',
  'tm_wday',
  'tm_yday',
  'tm_isdst',
] as const;

/** Builds a `time.struct_time`. */
export function structTime(
  fields: readonly [number, number, number, number, number, number, number, number, number],
  zone: string | null = null,
  gmtoff: number | null = null,
): PyNamedTuple {
  return new PyNamedTuple(
    'time.struct_time',
    STRUCT_TIME_FIELDS,
    fields.map((n) => BigInt(n)),
    new Map<string, PyValue>([
      ['tm_zone', zone],
      ['tm_gmtoff', gmtoff === null ? null : BigInt(gmtoff)],
    ]),
  );
}

export { PyNamedTuple };
