/**
 * FEEL built-ins feelin lacks or gets wrong, added to the scope of expressions that mention
 * them: the range relations of DMN 1.4's table 78 (`during`, `starts`, `started by`,
 * `finishes`, `finished by`, `coincides`, `overlaps before`, `overlaps after`; feelin throws
 * "not implemented"), `range(from)`, `list replace` (negative and fractional positions), and
 * `time` / `date and time` from strings (feelin accepts offsets beyond ±18:00).
 */
import {
  FeelDate,
  FeelDateTime,
  FeelDuration,
  FeelFunction,
  FeelRange,
  FeelTime,
  evaluate,
} from 'feelin';
import { reportWarning } from './warnings.js';

function cmp(a: unknown, b: unknown): number | null {
  if (a === null || b === null || a === undefined || b === undefined) return null;
  if (
    (typeof a === 'number' && typeof b === 'number') ||
    (typeof a === 'string' && typeof b === 'string')
  ) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const r = evaluate('if a < b then -1 else if a > b then 1 else if a = b then 0 else null', {
    a,
    b,
  });
  return typeof r.value === 'number' ? r.value : null;
}

interface Bounds {
  readonly s: unknown;
  readonly e: unknown;
  readonly si: boolean;
  readonly ei: boolean;
}

function bounds(r: FeelRange): Bounds {
  return { s: r.start, e: r.end, si: r['start included'], ei: r['end included'] };
}

const isRange = (v: unknown): v is FeelRange => v instanceof FeelRange;

const eq = (a: unknown, b: unknown): boolean | null => {
  const c = cmp(a, b);
  return c === null ? null : c === 0;
};
const lt = (a: unknown, b: unknown): boolean | null => {
  const c = cmp(a, b);
  return c === null ? null : c < 0;
};

/** Three-valued and/or over possibly-null booleans. */
function and(...xs: (boolean | null)[]): boolean | null {
  if (xs.includes(false)) return false;
  return xs.includes(null) ? null : true;
}
function or(...xs: (boolean | null)[]): boolean | null {
  if (xs.includes(true)) return true;
  return xs.includes(null) ? null : false;
}

function duringPoint(p: unknown, r: Bounds): boolean | null {
  return or(and(lt(r.s, p), lt(p, r.e)), and(eq(r.s, p), r.si), and(eq(r.e, p), r.ei));
}
function duringRange(a: Bounds, b: Bounds): boolean | null {
  return and(
    or(lt(b.s, a.s), and(eq(b.s, a.s), b.si || !a.si)),
    or(lt(a.e, b.e), and(eq(a.e, b.e), b.ei || !a.ei)),
  );
}
function startsRange(a: Bounds, b: Bounds): boolean | null {
  return and(eq(a.s, b.s), a.si === b.si, or(lt(a.e, b.e), and(eq(a.e, b.e), !a.ei || b.ei)));
}
function finishesRange(a: Bounds, b: Bounds): boolean | null {
  return and(a.ei === b.ei, eq(a.e, b.e), or(lt(b.s, a.s), and(eq(a.s, b.s), !a.si || b.si)));
}
function overlapsBefore(a: Bounds, b: Bounds): boolean | null {
  return and(
    or(lt(a.s, b.s), and(eq(a.s, b.s), a.si && !b.si)),
    or(lt(b.s, a.e), and(eq(a.e, b.s), a.ei && b.si)),
    or(lt(a.e, b.e), and(eq(a.e, b.e), !a.ei || b.ei)),
  );
}

type Impl = (a: unknown, b: unknown) => boolean | null;

/** A two-argument function that accepts either of the spec's parameter namings. */
class RangeFunction extends FeelFunction {
  readonly #names: readonly (readonly [string, string])[];
  constructor(impl: Impl, names: readonly (readonly [string, string])[]) {
    super((a: unknown, b: unknown) => impl(a ?? null, b ?? null), [...(names[0] ?? ['a', 'b'])]);
    this.#names = names;
  }
  override invoke(contextOrArgs: unknown): unknown {
    if (Array.isArray(contextOrArgs)) {
      return contextOrArgs.length === 2 ? this.fn(contextOrArgs[0], contextOrArgs[1]) : null;
    }
    const args = contextOrArgs as Record<string, unknown>;
    const keys = Object.keys(args);
    for (const [x, y] of this.#names) {
      if (keys.length === 2 && keys.includes(x) && keys.includes(y))
        return this.fn(args[x], args[y]);
    }
    return null;
  }
}

const fn = (impl: Impl, ...names: (readonly [string, string])[]): RangeFunction =>
  new RangeFunction(impl, names);

/** A three-argument function accepting either of two parameter namings. */
class Function3 extends FeelFunction {
  readonly #names: readonly (readonly [string, string, string])[];
  constructor(
    impl: (a: unknown, b: unknown, c: unknown) => unknown,
    names: readonly (readonly [string, string, string])[],
  ) {
    super(
      (a: unknown, b: unknown, c: unknown) => impl(a ?? null, b ?? null, c ?? null),
      [...(names[0] ?? ['a', 'b', 'c'])],
    );
    this.#names = names;
  }
  override invoke(contextOrArgs: unknown): unknown {
    if (Array.isArray(contextOrArgs)) {
      return contextOrArgs.length === 3
        ? this.fn(contextOrArgs[0], contextOrArgs[1], contextOrArgs[2])
        : null;
    }
    const args = contextOrArgs as Record<string, unknown>;
    const keys = Object.keys(args);
    for (const names of this.#names) {
      if (keys.length === 3 && names.every((n) => keys.includes(n))) {
        return this.fn(...names.map((n) => args[n]));
      }
    }
    return null;
  }
}

/** `list replace(list, position, newItem)` and `list replace(list, match, newItem)`. */
function listReplace(given: unknown, where: unknown, newItem: unknown): unknown {
  if (given === null) return null;
  // A single value stands for a list of it; a position is truncated to an integer.
  const list: unknown[] = Array.isArray(given) ? (given as unknown[]) : [given];
  if (typeof where === 'number') {
    where = Math.trunc(where);
    if (where === 0 || Math.abs(where as number) > list.length) return null;
    const position = where as number;
    const index = position > 0 ? position - 1 : list.length + position;
    return list.map((item, i) => (i === index ? newItem : item));
  }
  if (where instanceof FeelFunction) {
    if (where.parameterNames.length !== 2) return null;
    const out: unknown[] = [];
    for (const item of list) {
      const hit: unknown = where.invoke([item, newItem]);
      if (typeof hit !== 'boolean' && hit !== null) return null;
      out.push(hit === true ? newItem : item);
    }
    return out;
  }
  return null;
}

const ENDPOINT =
  /^(?:-?\d+(?:\.\d+)?|"(?:[^"\\]|\\.)*"|@"[^"]*"|(?:date and time|date|time|duration)\s*\(\s*"[^"]*"\s*\))$/;

function endpoint(text: string): { ok: boolean; value: unknown } {
  const t = text.trim();
  if (t === '') return { ok: true, value: null };
  if (!ENDPOINT.test(t)) return { ok: false, value: null };
  const value = evaluate(t, {}).value;
  return { ok: value !== null && value !== undefined, value };
}

function kindOf(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'string') return typeof v;
  if (v instanceof FeelDate) return 'date';
  if (v instanceof FeelDateTime) return 'date time';
  if (v instanceof FeelTime) return 'time';
  if (v instanceof FeelDuration) return v.yearsMonths ? 'ym' : 'dt';
  return 'other';
}

/** `range(from)`: a range from its literal text (DMN 1.5, 10.3.4.13). */
function rangeFromString(from: unknown): FeelRange | null {
  if (typeof from !== 'string') return null;
  const text = from.trim();
  let start: { ok: boolean; value: unknown };
  let end: { ok: boolean; value: unknown };
  let startIncluded: boolean;
  let endIncluded: boolean;
  const interval = /^([[\](])([\s\S]*?)\.\.([\s\S]*)([\])[])$/.exec(text);
  if (interval !== null) {
    start = endpoint(interval[2] ?? '');
    end = endpoint(interval[3] ?? '');
    startIncluded = interval[1] === '[';
    endIncluded = interval[4] === ']';
    if (start.value === null || end.value === null) return null;
  } else {
    const comparison = /^(<=|>=|<|>|=)\s*([\s\S]+)$/.exec(text);
    if (comparison === null) return null;
    const bound = endpoint(comparison[2] ?? '');
    if (bound.value === null) return null;
    const op = comparison[1];
    start = op === '<' || op === '<=' ? { ok: true, value: null } : bound;
    end = op === '>' || op === '>=' ? { ok: true, value: null } : bound;
    startIncluded = op === '>=' || op === '=';
    endIncluded = op === '<=' || op === '=';
  }
  if (!start.ok || !end.ok) return null;
  const kinds = [start.value, end.value].filter((v) => v !== null).map(kindOf);
  if (kinds.includes('other') || new Set(kinds).size > 1) return null;
  if (start.value !== null && end.value !== null) {
    const c = cmp(start.value, end.value);
    if (c === null || c > 0) return null;
  }
  return new FeelRange({
    start: start.value,
    end: end.value,
    'start included': startIncluded,
    'end included': endIncluded,
    valueType: kinds[0] ?? null,
  });
}

/**
 * `time(from)` and `date and time(from)` that reject what feelin accepts but FEEL does not: an
 * offset beyond ±18:00, or an offset and a zone id together. Every other call goes to feelin's
 * own built-in.
 */
class CheckedTemporal extends FeelFunction {
  readonly #name: string;
  constructor(name: string, parameter: string) {
    super(() => null, [parameter]);
    this.#name = name;
  }
  override invoke(contextOrArgs: unknown): unknown {
    const args = Array.isArray(contextOrArgs)
      ? (contextOrArgs as unknown[])
      : Object.values(contextOrArgs as Record<string, unknown>);
    const [only] = args;
    if (args.length === 1 && typeof only === 'string' && !validZone(only)) {
      reportWarning(`Invalid ${this.#name} '${only}'`);
      return null;
    }
    // Delegate to feelin's built-in: the scope of this call has no override of the name.
    const scope: Record<string, unknown> = {};
    let call: string;
    if (Array.isArray(contextOrArgs)) {
      args.forEach((a, i) => (scope[`__a${i}`] = a));
      call = args.map((_, i) => `__a${i}`).join(', ');
    } else {
      const named = Object.entries(contextOrArgs as Record<string, unknown>);
      named.forEach(([, a], i) => (scope[`__a${i}`] = a));
      call = named.map(([k], i) => `${k}: __a${i}`).join(', ');
    }
    const result = evaluate(`${this.#name}(${call})`, scope);
    for (const w of result.warnings) reportWarning(w.message);
    return result.value ?? null;
  }
}

function validZone(text: string): boolean {
  const offset = /([+-])(\d{2}):(\d{2})(?:@|$)/.exec(text);
  if (offset !== null && Number(offset[2]) * 60 + Number(offset[3]) > 18 * 60) return false;
  return !(offset !== null && text.includes('@'));
}

/** The added functions, by FEEL name. */
export const EXTRA_BUILTINS: Readonly<Record<string, FeelFunction>> = {
  range: new FeelFunction((from: unknown) => rangeFromString(from ?? null), ['from']),
  time: new CheckedTemporal('time', 'from'),
  'date and time': new CheckedTemporal('date and time', 'from'),
  'list replace': new Function3(listReplace, [
    ['list', 'position', 'newItem'],
    ['list', 'match', 'newItem'],
  ]),
  during: fn(
    (a, b) =>
      isRange(b)
        ? isRange(a)
          ? duringRange(bounds(a), bounds(b))
          : duringPoint(a, bounds(b))
        : null,
    ['point', 'range'],
    ['range1', 'range2'],
  ),
  starts: fn(
    (a, b) => {
      if (!isRange(b)) return null;
      const r = bounds(b);
      return isRange(a) ? startsRange(bounds(a), r) : and(eq(r.s, a), r.si);
    },
    ['point', 'range'],
    ['range1', 'range2'],
  ),
  'started by': fn(
    (a, b) => {
      if (!isRange(a)) return null;
      const r = bounds(a);
      return isRange(b) ? startsRange(bounds(b), r) : and(eq(r.s, b), r.si);
    },
    ['range', 'point'],
    ['range1', 'range2'],
  ),
  finishes: fn(
    (a, b) => {
      if (!isRange(b)) return null;
      const r = bounds(b);
      return isRange(a) ? finishesRange(bounds(a), r) : and(eq(r.e, a), r.ei);
    },
    ['point', 'range'],
    ['range1', 'range2'],
  ),
  'finished by': fn(
    (a, b) => {
      if (!isRange(a)) return null;
      const r = bounds(a);
      return isRange(b) ? finishesRange(bounds(b), r) : and(eq(r.e, b), r.ei);
    },
    ['range', 'point'],
    ['range1', 'range2'],
  ),
  coincides: fn(
    (a, b) => {
      if (isRange(a) && isRange(b)) {
        const x = bounds(a);
        const y = bounds(b);
        return and(eq(x.s, y.s), x.si === y.si, eq(x.e, y.e), x.ei === y.ei);
      }
      if (isRange(a) || isRange(b)) return null;
      return eq(a, b);
    },
    ['point1', 'point2'],
    ['range1', 'range2'],
  ),
  'overlaps before': fn(
    (a, b) => (isRange(a) && isRange(b) ? overlapsBefore(bounds(a), bounds(b)) : null),
    ['range1', 'range2'],
  ),
  'overlaps after': fn(
    (a, b) => (isRange(a) && isRange(b) ? overlapsBefore(bounds(b), bounds(a)) : null),
    ['range1', 'range2'],
  ),
};

const MENTIONS =
  /during|starts|started by|finishes|finished by|coincides|overlaps (?:before|after)|range|list replace/;

// The checked temporal constructors replace feelin's where one is called with a string. Both
// are added together (a scope name `time` alone would hide `date and time`), and not when the
// text breaks `date and time` over lines: a name in the scope must match the text exactly.
const TEMPORAL_CALL = /\btime\s*\(\s*"/;
const SPLIT_NAME = /date\s+and\s+time/;

/** `scope`, plus the added built-ins when `text` mentions one of them. */
export function withBuiltins(
  text: string,
  scope: Record<string, unknown>,
): Record<string, unknown> {
  const { time, 'date and time': dateAndTime, ...others } = EXTRA_BUILTINS;
  const mentions = MENTIONS.test(text);
  const temporal =
    TEMPORAL_CALL.test(text) &&
    [...text.matchAll(new RegExp(SPLIT_NAME, 'g'))].every((m) => m[0] === 'date and time');
  if (!mentions && !temporal) return scope;
  return {
    ...(mentions ? others : {}),
    ...(temporal ? { time, 'date and time': dateAndTime } : {}),
    ...scope,
  };
}
