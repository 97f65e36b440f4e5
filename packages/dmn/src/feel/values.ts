/**
 * FEEL values as feelin represents them (numbers, strings, booleans, null, arrays, plain objects
 * for contexts, its temporal classes, ranges and functions), with the type checks DMN's
 * `typeRef`s need.
 */
import {
  FeelDate,
  FeelDateTime,
  FeelDuration,
  FeelFunction,
  FeelRange,
  FeelTime,
  evaluate as feelEvaluate,
} from 'feelin';

/** Any value a FEEL expression can produce. */
export type FeelValue = unknown;

/** A FEEL context: a plain object. */
export function isContext(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The FEEL type name of a value: `number`, `string`, `date and time`, `context`, ... */
export function feelTypeOf(value: unknown): string {
  if (value === null || value === undefined) return 'Null';
  switch (typeof value) {
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'function':
      return 'function';
  }
  if (Array.isArray(value)) return 'list';
  if (value instanceof FeelDate) return 'date';
  if (value instanceof FeelDateTime) return 'date and time';
  if (value instanceof FeelTime) return 'time';
  if (value instanceof FeelDuration) {
    return value.yearsMonths ? 'years and months duration' : 'days and time duration';
  }
  if (value instanceof FeelRange) return 'range';
  if (value instanceof FeelFunction) return 'function';
  return 'context';
}

const BUILTIN_ALIASES: Readonly<Record<string, string>> = {
  number: 'number',
  string: 'string',
  boolean: 'boolean',
  date: 'date',
  time: 'time',
  'date and time': 'date and time',
  datetime: 'date and time',
  'days and time duration': 'days and time duration',
  daytimeduration: 'days and time duration',
  'years and months duration': 'years and months duration',
  yearmonthduration: 'years and months duration',
  duration: 'duration',
  context: 'context',
  list: 'list',
  range: 'range',
  function: 'function',
  any: 'Any',
  null: 'Null',
  // XML Schema names some older models use
  decimal: 'number',
  double: 'number',
  integer: 'number',
  int: 'number',
  long: 'number',
};

/** The FEEL built-in type a `typeRef` names (`feel:` prefix and case ignored), if any. */
export function builtinType(typeRef: string): string | undefined {
  const name = typeRef.replace(/^(feel|FEEL|xsd|xs):/, '').trim();
  return BUILTIN_ALIASES[name.toLowerCase()] ?? BUILTIN_ALIASES[name];
}

/** Whether `value` is an instance of the built-in FEEL type `type` (null is of every type). */
export function conformsToBuiltin(value: unknown, type: string): boolean {
  if (value === null || value === undefined || type === 'Any') return true;
  const actual = feelTypeOf(value);
  if (type === 'duration') return actual.endsWith('duration');
  if (type === 'function') return actual === 'function' || value instanceof FeelFunction;
  return actual === type;
}

/** FEEL equality for the values a decision table compares (outputs of ANY, output orders). */
export function feelEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => feelEquals(x, b[i]));
  }
  if (isContext(a) && isContext(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => k in b && feelEquals(a[k], b[k]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const r = feelEvaluate('a = b', { a, b });
    return r.value === true;
  }
  return false;
}
