/**
 * Set algebra following CPython's algorithms step by step (copy, merge, walk order), so the
 * resulting hash-table layout, and with it the iteration order, matches CPython's.
 */
import { PyDict, PySet, raise, toArray, typeName, type PyValue } from './values.js';

function iterableItems(v: PyValue): PyValue[] {
  try {
    return toArray(v);
  } catch {
    return raise('TypeError', `'${typeName(v)}' object is not iterable`);
  }
}

/** set_update_internal: `s.update(other)` for any iterable. */
export function updateWith(s: PySet, other: PyValue): void {
  if (other instanceof PySet) {
    s.update(other);
    return;
  }
  const items = other instanceof PyDict ? other.keys() : iterableItems(other);
  for (const v of items) s.add(v);
}

/** `a | b`, `a.union(*others)`: a copy of `a` updated with each other. */
export function setUnion(a: PySet, others: readonly PyValue[]): PySet {
  const out = PySet.copyOf(a);
  for (const o of others) updateWith(out, o);
  return out;
}

/** set_intersection: walks the smaller set (or the iterable) and keeps what `so` contains. */
export function setIntersection(so: PySet, other: PyValue): PySet {
  const out = new PySet([], so.frozen);
  if (other instanceof PySet) {
    const [probe, walk] = other.size > so.size ? [other, so] : [so, other];
    for (const v of walk.values()) if (probe.has(v)) out.add(v);
    return out;
  }
  const items = other instanceof PyDict ? other.keys() : iterableItems(other);
  for (const v of items) if (so.has(v)) out.add(v);
  return out;
}

/** set_difference_update_internal: `s -= other`, `s.difference_update(other)`. */
export function differenceUpdate(s: PySet, other: PyValue): void {
  if (other === s) {
    s.clear();
    return;
  }
  const items =
    other instanceof PySet
      ? other.values()
      : other instanceof PyDict
        ? other.keys()
        : iterableItems(other);
  for (const v of items) s.delete(v);
}

/** set_difference: copy-and-discard for a much larger `so`, else a fresh set of survivors. */
export function setDifference(so: PySet, other: PyValue): PySet {
  if (!(other instanceof PySet) && !(other instanceof PyDict)) {
    const out = PySet.copyOf(so);
    differenceUpdate(out, other);
    return out;
  }
  if (so.size >> 2 > other.size) {
    const out = PySet.copyOf(so);
    differenceUpdate(out, other);
    return out;
  }
  const out = new PySet([], so.frozen);
  for (const v of so.values()) if (!other.has(v)) out.add(v);
  return out;
}

/** set_symmetric_difference_update: discard what is present, add what is not. */
export function symmetricDifferenceUpdate(s: PySet, other: PyValue): void {
  if (other === s) {
    s.clear();
    return;
  }
  const o =
    other instanceof PySet
      ? other
      : new PySet(other instanceof PyDict ? other.keys() : iterableItems(other));
  for (const v of o.values()) {
    if (!s.delete(v)) s.add(v);
  }
}

/** `a ^ b`, `a.symmetric_difference(b)`: CPython copies `b` and folds `a` into it. */
export function setSymmetricDifference(so: PySet, other: PyValue): PySet {
  const out = new PySet([], so.frozen);
  updateWith(out, other);
  symmetricDifferenceUpdate(out, so);
  return out;
}
