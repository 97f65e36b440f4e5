import { cloneData, type DataObject } from '../data.js';

function isPlainObject(v: unknown): v is DataObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Python's `==` on JSON-like data. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length &&
      ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]))
    );
  }
  return false;
}

/**
 * Merges `b` into `a` (SpiffWorkflow's `DeepMerge.merge`): nested objects merge, lists merge
 * element-wise and are trimmed to `b`'s length, other values are overwritten. Values taken from
 * `b` are copied, so `a` never shares objects with `b`.
 */
export function deepMerge(a: DataObject, b: Readonly<DataObject>): DataObject {
  for (const key of Object.keys(b)) {
    const bv = b[key];
    if (Object.hasOwn(a, key)) {
      const av = a[key];
      if (deepEqual(av, bv)) continue;
      if (isPlainObject(av) && isPlainObject(bv)) deepMerge(av, bv);
      else if (Array.isArray(av) && Array.isArray(bv)) mergeArray(av as unknown[], bv as unknown[]);
      else a[key] = cloneData(bv);
    } else {
      a[key] = cloneData(bv);
    }
  }
  return a;
}

function mergeArray(a: unknown[], b: readonly unknown[]): void {
  b.forEach((value, idx) => {
    if (isPlainObject(value)) {
      if (a.length > idx) {
        const target = a[idx];
        a[idx] = isPlainObject(target) ? deepMerge(target, value) : cloneData(value);
      } else {
        a.push(cloneData(value));
      }
    } else {
      // Matches SpiffWorkflow: appends every item of b not yet in a.
      for (const x of b) if (!a.some((y) => deepEqual(x, y))) a.push(cloneData(x));
    }
  });
  a.length = Math.min(a.length, b.length);
}
