/** A task's or workflow's data: a plain object of JSON-like values. */
export type DataObject = Record<string, unknown>;

/**
 * Deep-copies JSON-like data: plain objects, arrays, `Map`, `Set` and `Date` are copied; any other
 * object (class instances such as decimals) is treated as an immutable value and shared.
 * Iterative, so deeply nested data cannot overflow the stack.
 */
export function cloneData<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
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

/**
 * Copy-on-access storage for task data. Inheriting a parent's data shares its box instead of
 * copying it; whoever asks for a mutable view while the box is shared gets a private deep copy
 * first. Reads that cannot leak (primitive lookups) never copy. The net effect is what SpiffWorkflow
 * users observe (each task starts from a deep copy of its parent's data) at the cost of one copy
 * per task that is actually written to, not one per task.
 * @internal
 */
export class DataBox {
  value: DataObject;
  refs = 1;
  constructor(value: DataObject) {
    this.value = value;
  }
}

/** @internal */
export class CowData {
  #box: DataBox;
  constructor(initial: DataObject = {}) {
    this.#box = new DataBox(initial);
  }

  /** A view that may be shared: callers must not mutate it nor hand out nested objects. */
  peek(): Readonly<DataObject> {
    return this.#box.value;
  }

  /** The private, mutable object (copied first if shared). */
  mutable(): DataObject {
    const box = this.#box;
    if (box.refs > 1) {
      box.refs -= 1;
      this.#box = new DataBox(cloneData(box.value));
    }
    return this.#box.value;
  }

  /** Replaces the content with `value` (taken over, not copied). */
  replace(value: DataObject): void {
    this.#release();
    this.#box = new DataBox(value);
  }

  /** `Object.assign(this, deepcopy(source))`, sharing `source` when this one is empty. */
  inherit(source: CowData): void {
    if (source.#box === this.#box) return;
    if (this.#isEmpty()) {
      this.#release();
      this.#box = source.#box;
      source.#box.refs += 1;
      return;
    }
    const target = this.mutable();
    const from = source.#box.value;
    for (const key of Object.keys(from)) target[key] = cloneData(from[key]);
  }

  /** Shares `source`'s content, discarding this one's. */
  shareFrom(source: CowData): void {
    if (source.#box === this.#box) return;
    this.#release();
    this.#box = source.#box;
    source.#box.refs += 1;
  }

  #isEmpty(): boolean {
    for (const _ in this.#box.value) return false;
    return true;
  }

  #release(): void {
    if (this.#box.refs > 1) this.#box.refs -= 1;
  }
}
