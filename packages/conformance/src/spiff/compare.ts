/**
 * Compares what the engine did after a step with what a scenario expects, by the rules of the
 * corpus README: only keys present in the expectation count; `ready`, `waiting`, `failed` are
 * sorted lists with repeats; `ready_order`, `events` and `matched` keep their order; the other
 * lists are compared as sorted; ints equal floats only where the expectation is a float;
 * `$repr` values compare by type name.
 */
import type {
  Expectation,
  ExpectedError,
  Observation,
  TaskData,
  TaskLane,
  TaskStateData,
} from './scenario.js';
import {
  PyDecimal,
  PyFloat,
  PyRepr,
  PySet,
  PyTemporal,
  PyTimedelta,
  PyTuple,
  canonicalKey,
  compareKeys,
  formatValue,
  type SpiffDict,
  type SpiffValue,
} from './values.js';

/** The first place where an observation differs from its expectation. */
export interface Difference {
  /** Where, e.g. `data.order.items[2]` or `ready`; indexes of sorted lists count after sorting. */
  readonly path: string;
  readonly expected: string;
  readonly actual: string;
}

/** Shown for a value that is not there. */
export const MISSING = '(missing)';

/** One line for a report: `data.x: expected 1, got 2`. */
export function formatDifference(difference: Difference): string {
  return `${difference.path}: expected ${difference.expected}, got ${difference.actual}`;
}

type Check = (expected: never, actual: never, path: string) => Difference | undefined;

const sortedStrings = (list: readonly string[]): string[] => [...list].sort(compareKeys);

function byKey<T>(key: (item: T) => string): (list: readonly T[]) => T[] {
  return (list) => [...list].sort((a, b) => compareKeys(key(a), key(b)));
}

const asValue = (item: unknown): SpiffValue => item as SpiffDict;

/** Expectation key → how it compares. Keys in the order the README lists them. */
const CHECKS: { readonly [K in keyof Required<Expectation>]: Check } = {
  ready: stringList(true),
  waiting: stringList(true),
  failed: stringList(true),
  completed: plain,
  error: compareError,
  data: compareValues,
  ready_data: valueList(byKey((t: TaskData) => `${t.task}\u0000${canonicalKey(t.data)}`)),
  waiting_events: valueList(byKey((e) => canonicalKey(asValue(e)))),
  events: valueList((list) => [...list]),
  ready_order: stringList(false),
  task_data: valueList(
    byKey((t: TaskStateData) => `${t.task}\u0000${t.state}\u0000${canonicalKey(t.data)}`),
  ),
  correlations: compareValues,
  waiting_correlations: valueList(byKey((w) => canonicalKey(asValue(w)))),
  ready_lanes: valueList(byKey((l: TaskLane) => `${l.task}\u0000${l.lane ?? ''}`)),
  same_state: plain,
  value: compareValues,
  result: compareValues,
  matched: (
    expected: readonly string[] | null,
    actual: readonly string[] | null | undefined,
    path,
  ) =>
    expected === null || actual === null || actual === undefined
      ? plain(expected, actual, path)
      : stringList(false)(expected as never, actual as never, path),
};

/**
 * Returns the first difference between `expected` and `actual`, or `undefined` when every key of
 * `expected` matches. Keys are checked in the README's order.
 *
 * @example
 * ```ts
 * const diff = compareObservation(step.expect, observation);
 * if (diff) lines.push(`${scenario.id} step ${i}: ${formatDifference(diff)}`);
 * ```
 */
export function compareObservation(
  expected: Expectation,
  actual: Observation,
): Difference | undefined {
  for (const key of Object.keys(CHECKS) as (keyof Expectation)[]) {
    if (!(key in expected) || expected[key] === undefined) continue;
    const check = CHECKS[key] as (e: unknown, a: unknown, p: string) => Difference | undefined;
    const difference = check(expected[key], actual[key], key);
    if (difference !== undefined) return difference;
  }
  return undefined;
}

function show(value: unknown): string {
  if (value === undefined) return MISSING;
  return formatValue(value as SpiffValue);
}

function plain(expected: unknown, actual: unknown, path: string): Difference | undefined {
  return expected === actual ? undefined : { path, expected: show(expected), actual: show(actual) };
}

/** Id lists are short: a difference shows both whole lists. */
function stringList(sort: boolean) {
  return (expected: readonly string[], actual: readonly string[] | undefined, path: string) => {
    if (actual === undefined) return { path, expected: show(expected), actual: MISSING };
    const e = sort ? sortedStrings(expected) : expected;
    const a = sort ? sortedStrings(actual) : actual;
    const same = e.length === a.length && e.every((id, i) => id === a[i]);
    return same ? undefined : { path, expected: show(e), actual: show(a) };
  };
}

function valueList<T>(order: (list: readonly T[]) => T[]) {
  return (expected: readonly T[], actual: readonly T[] | undefined, path: string) => {
    if (actual === undefined) return { path, expected: show(expected), actual: MISSING };
    return compareValues(order(expected) as SpiffValue, order(actual) as SpiffValue, path);
  };
}

function compareError(
  expected: ExpectedError | null,
  actual: ExpectedError | null | undefined,
  path: string,
): Difference | undefined {
  if (expected === null || actual === null || actual === undefined) {
    if (expected === actual) return undefined;
    return {
      path,
      expected: showError(expected),
      actual: actual === undefined ? MISSING : showError(actual),
    };
  }
  for (const key of ['kind', 'task'] as const) {
    if (expected[key] !== undefined && expected[key] !== actual[key]) {
      return { path: `${path}.${key}`, expected: show(expected[key]), actual: show(actual[key]) };
    }
  }
  if (expected.did_you_mean !== undefined) {
    return stringList(false)(expected.did_you_mean, actual.did_you_mean, `${path}.did_you_mean`);
  }
  return undefined;
}

function showError(error: ExpectedError | null): string {
  return error === null ? 'null' : formatValue(error as unknown as SpiffDict);
}

function isDict(value: SpiffValue): value is SpiffDict {
  return (
    value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype
  );
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)
    ? `${path}.${key}`
    : `${path}[${JSON.stringify(key)}]`;
}

function isInt(value: SpiffValue): value is number | bigint {
  return typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value));
}

/**
 * Compares two decoded values exactly. An expected float matches an int or float of the same
 * value (NaN matches NaN); an expected int matches only an int. Sets compare regardless of order.
 */
export function compareValues(
  expected: SpiffValue,
  actual: SpiffValue | undefined,
  path: string,
): Difference | undefined {
  const differ = (): Difference => ({ path, expected: show(expected), actual: show(actual) });
  if (actual === undefined) return differ();
  if (expected instanceof PyFloat) {
    const value =
      actual instanceof PyFloat ? actual.value : isInt(actual) ? Number(actual) : undefined;
    if (value === undefined) return differ();
    const same = value === expected.value || (Number.isNaN(value) && Number.isNaN(expected.value));
    return same ? undefined : differ();
  }
  if (isInt(expected)) {
    return isInt(actual) && BigInt(expected) === BigInt(actual) ? undefined : differ();
  }
  if (expected === null || typeof expected !== 'object')
    return expected === actual ? undefined : differ();
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return differ();
    const a = actual as readonly SpiffValue[];
    for (let i = 0; i < Math.max(expected.length, a.length); i += 1) {
      const p = `${path}[${i}]`;
      if (i >= expected.length) return { path: p, expected: MISSING, actual: show(a[i]) };
      const difference = compareValues(expected[i] as SpiffValue, a[i], p);
      if (difference !== undefined) return difference;
    }
    return undefined;
  }
  if (expected instanceof PyTuple) {
    return actual instanceof PyTuple ? compareValues(expected.items, actual.items, path) : differ();
  }
  if (expected instanceof PySet) {
    if (!(actual instanceof PySet)) return differ();
    const sort = byKey<SpiffValue>(canonicalKey);
    return compareValues(sort(expected.items), sort(actual.items), path);
  }
  if (expected instanceof PyTemporal) {
    return actual instanceof PyTemporal &&
      actual.kind === expected.kind &&
      actual.iso === expected.iso
      ? undefined
      : differ();
  }
  if (expected instanceof PyTimedelta) {
    return actual instanceof PyTimedelta && actual.seconds === expected.seconds
      ? undefined
      : differ();
  }
  if (expected instanceof PyDecimal) {
    return actual instanceof PyDecimal && actual.text === expected.text ? undefined : differ();
  }
  if (expected instanceof PyRepr) {
    return actual instanceof PyRepr && actual.typeName === expected.typeName ? undefined : differ();
  }
  if (!isDict(expected) || !isDict(actual)) return differ();
  for (const key of Object.keys(expected)) {
    const difference = compareValues(
      expected[key] as SpiffValue,
      Object.hasOwn(actual, key) ? actual[key] : undefined,
      childPath(path, key),
    );
    if (difference !== undefined) return difference;
  }
  for (const key of Object.keys(actual)) {
    if (!Object.hasOwn(expected, key)) {
      return { path: childPath(path, key), expected: MISSING, actual: show(actual[key]) };
    }
  }
  return undefined;
}
