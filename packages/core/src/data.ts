/** A task's or workflow's data: a plain object of JSON-like values. */
export type DataObject = Record<string, unknown>;

/**
 * Deep-copies JSON-like data: plain objects, arrays, `Map`, `Set` and `Date` are copied; any other
 * object (class instances such as decimals) is treated as an immutable value and shared.
 * Iterative, so deeply nested data cannot overflow the stack.
 */
export function cloneData<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  const flat = flatCopy(value);
  if (flat !== undefined) return flat as T;
  const seen = new Map<object, unknown>();
  const copyShallow = (v: object): unknown => {
    if (Array.isArray(v)) return new Array<unknown>(v.length);
    if (v instanceof Map) return new Map();
    if (v instanceof Set) return new Set();
    if (v instanceof Date) return new Date(v.getTime());
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) return {};
    return v; // opaque value object: shared
  };
  const root = copyShallow(value);
  const stack: [object, unknown][] = [[value, root]];
  seen.set(value, root);
  const child = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    const known = seen.get(v);
    if (known !== undefined) return known;
    const copy = copyShallow(v);
    seen.set(v, copy);
    if (copy !== v && !(v instanceof Date)) stack.push([v, copy]);
    return copy;
  };
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [source, target] = item;
    if (target === source || source instanceof Date) continue;
    if (Array.isArray(source)) {
      const out = target as unknown[];
      for (let i = 0; i < source.length; i++) out[i] = child(source[i]);
    } else if (source instanceof Map) {
      const out = target as Map<unknown, unknown>;
      for (const [k, v] of source) out.set(k, child(v));
    } else if (source instanceof Set) {
      const out = target as Set<unknown>;
      for (const v of source) out.add(child(v));
    } else {
      const out = target as DataObject;
      for (const key of Object.keys(source)) out[key] = child((source as DataObject)[key]);
    }
  }
  return root as T;
}

/** A copy of a plain object whose values are all scalars (the usual task data), else undefined. */
function flatCopy(value: object): DataObject | undefined {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const out: DataObject = {};
  for (const key of Object.keys(value)) {
    const v = (value as DataObject)[key];
    if (typeof v === 'object' && v !== null) return undefined;
    out[key] = v;
  }
  return out;
}

/** The read-only view of a task data that is still empty; frozen, so a stray write fails loudly. @internal */
export const EMPTY_DATA: Readonly<DataObject> = Object.freeze({});
