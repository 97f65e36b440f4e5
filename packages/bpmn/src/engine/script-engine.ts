import { WorkflowTaskError, type Task } from '@spiff-ts/core';
import {
  PyCallable,
  PyDict,
  PyModule,
  builtin,
  evaluate,
  execute,
  fromPython,
  importModule,
  toPython,
  type JsonLike,
  type PyValue,
  type RunOptions,
} from '@spiff-ts/python';

/** Host hooks of the interpreter: the clock (epoch ms) and a random source. */
export interface ScriptHost {
  readonly now: () => number;
  readonly random?: () => number;
}

/** Options of a {@link PythonScriptEngine}. */
export interface PythonScriptEngineOptions {
  /** Extra global names (functions, modules, constants) scripts can use. */
  readonly globals?: Readonly<Record<string, PyValue>>;
  /** Python source run once to define more globals (helper functions). */
  readonly prelude?: string;
  /** Clock and random source for `datetime.now()`, `time.time()`, `random` (default: epoch 0). */
  readonly host?: ScriptHost;
}

/**
 * Evaluates conditions and runs scripts with `@spiff-ts/python` (SpiffWorkflow's
 * `PythonScriptEngine` with a `TaskDataEnvironment`): task data are the variables, and after a
 * script every global and function is removed again, so only data stays in the task.
 * `datetime` and `timedelta` are always available.
 *
 * @example
 * ```ts
 * const engine = new PythonScriptEngine({ globals: { tax: myTaxFunction } });
 * const workflow = new BpmnWorkflow(spec, subprocesses, { scriptEngine: engine });
 * ```
 */
export class PythonScriptEngine {
  /** The engine whose call is in progress: the shared host hooks read its clock and random source. */
  static #active: PythonScriptEngine | undefined;
  /**
   * Host hooks shared by every engine, so the stdlib modules (`datetime` above all) are built once
   * per process instead of once per engine; they ask the engine of the call in progress.
   */
  static readonly #host = {
    now: (): number => {
      const engine = PythonScriptEngine.#active;
      return engine ? engine.#hostNow() : 0;
    },
    random: (): number => {
      const engine = PythonScriptEngine.#active;
      return engine ? engine.#random() : 0;
    },
  };
  /** `vars()`, `globals()` and `locals()`: the globals and the context of the call in progress. */
  static readonly #namespace = (): PyValue => {
    const dict = new PyDict();
    const engine = PythonScriptEngine.#active;
    if (engine === undefined) return dict;
    for (const [k, v] of engine.#globals) dict.set(k, v);
    for (const [k, v] of engine.#current ?? []) dict.set(k, v);
    return dict;
  };
  static #namespaceBuiltins: readonly (readonly [string, PyValue])[] | undefined;

  readonly #globals = new Map<string, PyValue>();
  readonly #options: RunOptions;
  /** For scripts: their context falls back to the globals itself (see {@link ScriptContext}). */
  readonly #scriptOptions: RunOptions = { host: PythonScriptEngine.#host };
  #hostNow: () => number;
  readonly #random: () => number;

  constructor(options: PythonScriptEngineOptions = {}) {
    const host = options.host ?? { now: () => 0 };
    this.#hostNow = host.now;
    this.#random = host.random ?? seededRandom();
    this.#options = { host: PythonScriptEngine.#host, globals: this.#globals };
    const datetime = importModule('datetime', PythonScriptEngine.#host as never);
    this.#globals.set('datetime', datetime.attrs.get('datetime') as PyValue);
    this.#globals.set('timedelta', datetime.attrs.get('timedelta') as PyValue);
    for (const [k, v] of Object.entries(options.globals ?? {})) this.#globals.set(k, v);
    if (options.prelude !== undefined) this.addPrelude(options.prelude);
  }

  /** The context of the call in progress, read by `vars()`, `globals()` and `locals()`. */
  #current: Map<string, PyValue> | undefined;
  #withNamespace = false;

  /**
   * Runs `body` as this engine's call on `context`: the shared host hooks answer for this engine
   * and (with `namespace`) the globals include `vars()` and friends.
   */
  #call<R>(context: Map<string, PyValue> | undefined, body: () => R, namespace = true): R {
    if (namespace) this.#withNamespaceBuiltins();
    const previous = PythonScriptEngine.#active;
    const previousContext = this.#current;
    PythonScriptEngine.#active = this;
    this.#current = context;
    try {
      return body();
    } finally {
      PythonScriptEngine.#active = previous;
      this.#current = previousContext;
    }
  }

  /** Adds `vars()`, `globals()` and `locals()` to the globals, once, unless defined already. */
  #withNamespaceBuiltins(): void {
    if (this.#withNamespace) return;
    this.#withNamespace = true;
    PythonScriptEngine.#namespaceBuiltins ??= ['vars', 'globals', 'locals'].map(
      (name) => [name, builtin(name, PythonScriptEngine.#namespace)] as const,
    );
    for (const [name, fn] of PythonScriptEngine.#namespaceBuiltins) {
      if (!this.#globals.has(name)) this.#globals.set(name, fn);
    }
  }

  /** Sets the clock scripts see (the workflow's injected clock). */
  setClock(now: () => number): void {
    this.#hostNow = now;
  }

  /** Runs Python source once and keeps every name it defines as a global. */
  addPrelude(source: string): void {
    // A script loses its functions when it ends; collect the top-level names in a dict first.
    const names = new Set<string>();
    for (const m of source.matchAll(
      /^(?:def|class)\s+([A-Za-z_]\w*)|^([A-Za-z_]\w*)\s*(?:=|:)/gm,
    )) {
      names.add(m[1] ?? m[2] ?? '');
    }
    for (const m of source.matchAll(/^(?:import\s+([A-Za-z_]\w*)|from\s+\S+\s+import\s+(.+))$/gm)) {
      if (m[1]) names.add(m[1]);
      for (const part of (m[2] ?? '').split(',')) {
        const alias = /(?:as\s+)?([A-Za-z_]\w*)\s*$/.exec(part.trim())?.[1];
        if (alias) names.add(alias);
      }
    }
    names.delete('');
    const exports = [...names].map((n) => `'${n}': ${n}`).join(', ');
    const scope = new Map<string, PyValue>(this.#globals);
    const options = { ...this.#options, globals: undefined };
    this.#call(
      undefined,
      () => execute(`${source}\n__prelude_exports__ = {${exports}}\n`, scope, options),
      false,
    );
    const collected = scope.get('__prelude_exports__');
    if (collected instanceof PyDict) {
      for (const { key, value } of collected.entries()) this.#globals.set(String(key), value);
    }
    for (const [k, v] of scope) if (k !== '__prelude_exports__') this.#globals.set(k, v);
  }

  /** Adds or replaces one global name. */
  setGlobal(name: string, value: PyValue): void {
    this.#globals.set(name, value);
  }

  /** Whether a name is a global of this engine. */
  isGlobal(name: string): boolean {
    return this.#globals.has(name);
  }

  /** Evaluates an expression with plain data as its variables. */
  evaluateWith(expression: string, data: Readonly<Record<string, unknown>>): PyValue {
    const context = toContext(data);
    return this.#call(context, () => evaluate(expression, context, this.#options));
  }

  /**
   * Evaluates an expression against a task's data (plus `external`, e.g. data objects).
   * @throws {@link WorkflowTaskError} naming the task when the expression fails
   */
  evaluate(task: Task, expression: string, external?: Readonly<Record<string, unknown>>): PyValue {
    this.#withNamespaceBuiltins();
    const previous = PythonScriptEngine.#active;
    const previousContext = this.#current;
    const context = this.#spareContext ?? new DataContext();
    this.#spareContext = undefined;
    let reusable = false;
    try {
      context.open(task.peekData(), external);
      PythonScriptEngine.#active = this;
      this.#current = context;
      const result = evaluate(expression, context, this.#options);
      // Only a lambda made by the expression can hold on to the call's namespace (and then be
      // kept anywhere, e.g. in a global dict): without one, the context can serve the next call.
      reusable = (result === null || typeof result !== 'object') && !expression.includes('lambda');
      return result;
    } catch (cause) {
      throw taskError(task, `Error evaluating expression '${expression}'`, cause);
    } finally {
      PythonScriptEngine.#active = previous;
      this.#current = previousContext;
      if (reusable) this.#spareContext = context.close();
    }
  }

  /** A context of an earlier {@link PythonScriptEngine.evaluate} call, free to reuse. */
  #spareContext: DataContext | undefined;

  /** {@link PythonScriptEngine.evaluate}, converted to JSON-like data. */
  evaluateToData(task: Task, expression: string, external?: Readonly<Record<string, unknown>>) {
    return toData(this.evaluate(task, expression, external));
  }

  /**
   * Runs a script: task data are its variables and what it leaves (except functions and
   * globals) becomes the task's data.
   * @throws {@link WorkflowTaskError} naming the task when the script fails
   */
  execute(task: Task, script: string, external?: Readonly<Record<string, unknown>>): void {
    // The script works on Python copies and its result replaces the data: no private copy of
    // the (possibly shared) data is needed to read it.
    const data = task.peekData();
    let overwrites: string[] | undefined;
    for (const k in data) {
      if (!Object.hasOwn(data, k)) continue;
      if (this.#globals.has(k) && k !== 'datetime' && k !== 'timedelta')
        (overwrites ??= []).push(k);
    }
    if (overwrites !== undefined) {
      throw taskError(
        task,
        'Error executing script',
        new Error(
          `You have task data that overwrites a predefined function(s). Please change the following variable or field name(s) to something else: ${overwrites.join(', ')}`,
        ),
      );
    }
    const context = new ScriptContext(this.#globals);
    fillContext(context, data, external);
    let failure: unknown;
    this.#withNamespaceBuiltins();
    const previous = PythonScriptEngine.#active;
    const previousContext = this.#current;
    PythonScriptEngine.#active = this;
    this.#current = context;
    try {
      execute(script, context, this.#scriptOptions);
    } catch (cause) {
      failure = cause;
    } finally {
      PythonScriptEngine.#active = previous;
      this.#current = previousContext;
    }
    // As in SpiffWorkflow, what the script assigned before failing stays in the task data.
    const out: Record<string, unknown> = {};
    const globals = this.#globals;
    context.forEach((v, k) => {
      if (v instanceof PyCallable || v instanceof PyModule || globals.has(k)) return;
      if (external && Object.hasOwn(external, k)) return;
      try {
        out[k] = toData(v);
      } catch {
        // Values that are not data (e.g. objects of host types) are dropped.
      }
    });
    task.data = out;
    if (failure !== undefined) throw taskError(task, 'Error executing script', failure);
  }
}

/** The data of a {@link DataContext} between calls. */
const NO_DATA: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * The context of an expression: `external`'s names, then the task data's (which win), each
 * converted to Python when first read. A condition reads a name or two of the data, so most
 * values are never converted, and the engine reuses one context for its calls (see
 * {@link PythonScriptEngine.evaluate}): deciding a gateway allocates no map. Anything but a
 * lookup (iterating, writing, `size`) first fills the map with every name, in the order of
 * {@link fillContext}, keeping the values already converted.
 */
class DataContext extends Map<string, PyValue> {
  #data: Readonly<Record<string, unknown>> = NO_DATA;
  #external: Readonly<Record<string, unknown>> | undefined;
  /** Whether the map itself holds the names (after anything but a lookup). */
  #filled = false;
  /** The names converted so far, with their values (the first `#count` slots). */
  readonly #names: string[] = [];
  readonly #values: PyValue[] = [];
  #count = 0;

  open(
    data: Readonly<Record<string, unknown>>,
    external: Readonly<Record<string, unknown>> | undefined,
  ): void {
    this.#data = data;
    this.#external = external;
  }

  /** Forgets the call's data; returns the context, ready for the next call. */
  close(): DataContext {
    this.#data = NO_DATA;
    this.#external = undefined;
    if (this.#filled) {
      this.#filled = false;
      super.clear();
    }
    for (let i = 0; i < this.#count; i++) this.#values[i] = null;
    this.#count = 0;
    return this;
  }

  override get(name: string): PyValue | undefined {
    if (this.#filled) return super.get(name);
    const names = this.#names;
    for (let i = 0; i < this.#count; i++) if (names[i] === name) return this.#values[i];
    let source: Readonly<Record<string, unknown>>;
    if (Object.hasOwn(this.#data, name)) source = this.#data;
    else if (this.#external !== undefined && Object.hasOwn(this.#external, name)) {
      source = this.#external;
    } else return undefined;
    const value = toPython(source[name] as JsonLike);
    names[this.#count] = name;
    this.#values[this.#count++] = value;
    return value;
  }

  override has(name: string): boolean {
    if (this.#filled) return super.has(name);
    return (
      Object.hasOwn(this.#data, name) ||
      (this.#external !== undefined && Object.hasOwn(this.#external, name))
    );
  }

  #fill(): this {
    if (this.#filled) return this;
    const converted = new Map<string, PyValue>();
    for (let i = 0; i < this.#count; i++) {
      converted.set(this.#names[i] as string, this.#values[i] as PyValue);
    }
    this.#filled = true;
    fillContext(this, this.#data, this.#external, converted);
    return this;
  }

  override set(name: string, value: PyValue): this {
    this.#fill();
    return super.set(name, value);
  }

  override delete(name: string): boolean {
    this.#fill();
    return super.delete(name);
  }

  override clear(): void {
    this.#fill();
    super.clear();
  }

  override get size(): number {
    this.#fill();
    return super.size;
  }

  override forEach(
    fn: (value: PyValue, key: string, map: Map<string, PyValue>) => void,
    thisArg?: unknown,
  ): void {
    this.#fill();
    super.forEach(fn, thisArg);
  }

  override keys(): MapIterator<string> {
    this.#fill();
    return super.keys();
  }

  override values(): MapIterator<PyValue> {
    this.#fill();
    return super.values();
  }

  override entries(): MapIterator<[string, PyValue]> {
    this.#fill();
    return super.entries();
  }

  override [Symbol.iterator](): MapIterator<[string, PyValue]> {
    this.#fill();
    return super.entries();
  }
}

/** Sets `external`'s names, then the task data's (which win); `converted` has values already made. */
function fillContext(
  context: Map<string, PyValue>,
  data: Readonly<Record<string, unknown>>,
  external: Readonly<Record<string, unknown>> | undefined,
  converted?: ReadonlyMap<string, PyValue>,
): Map<string, PyValue> {
  const source = external !== undefined && hasKeys(external) ? { ...external, ...data } : data;
  for (const k in source) {
    if (!Object.hasOwn(source, k)) continue;
    const known = converted?.get(k);
    context.set(k, known !== undefined ? known : toPython(source[k] as JsonLike));
  }
  return context;
}

function hasKeys(value: object): boolean {
  for (const _ in value) return true;
  return false;
}

/**
 * A script's variables: the task data, then the engine's globals. A script sees, shadows and
 * deletes the globals as if they were copied in beside the data (SpiffWorkflow's environment
 * puts them into the script's globals), without copying them in and out on every call.
 */
class ScriptContext extends Map<string, PyValue> {
  readonly #globals: ReadonlyMap<string, PyValue>;
  /** Globals the script deleted (`del name`): no longer visible. */
  #hidden: Set<string> | undefined;

  constructor(globals: ReadonlyMap<string, PyValue>) {
    super();
    this.#globals = globals;
  }

  override get(name: string): PyValue | undefined {
    const value = super.get(name);
    if (value !== undefined || this.#hidden?.has(name) === true) return value;
    return this.#globals.get(name);
  }

  override set(name: string, value: PyValue): this {
    this.#hidden?.delete(name);
    return super.set(name, value);
  }

  override delete(name: string): boolean {
    const own = super.delete(name);
    if (this.#globals.has(name) && this.#hidden?.has(name) !== true) {
      (this.#hidden ??= new Set()).add(name);
      return true;
    }
    return own;
  }
}

/** A deterministic random source (a linear congruential generator), one per engine. */
function seededRandom(): () => number {
  let seed = 12345;
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

/** Converts JSON-like task data (with tagged values) into an interpreter context. */
export function toContext(data: Readonly<Record<string, unknown>>): Map<string, PyValue> {
  const context = new Map<string, PyValue>();
  for (const k of Object.keys(data)) context.set(k, toPython(data[k] as JsonLike));
  return context;
}

/** Converts a Python value into JSON-like task data (integral floats stay tagged floats). */
export function toData(value: PyValue): JsonLike {
  // Scalars directly, as `fromPython` converts them (it sets up cycle tracking for every call).
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'bigint':
      if (value >= -MAX_SAFE && value <= MAX_SAFE) return Number(value);
      break;
  }
  if (value === null) return null;
  return fromPython(value, EXACT_FLOATS);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const EXACT_FLOATS = { exactFloats: true } as const;

function taskError(task: Task, message: string, cause: unknown): WorkflowTaskError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  const pyType = (cause as { pyType?: string } | null)?.pyType;
  return new WorkflowTaskError(
    `${message}: ${pyType ? `${pyType}: ` : ''}${detail}`,
    task.id,
    task.trace(),
    { cause, specName: task.taskSpec.name },
  );
}
