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
  readonly #globals = new Map<string, PyValue>();
  #options: RunOptions;
  #hostNow: () => number;

  constructor(options: PythonScriptEngineOptions = {}) {
    const host = options.host ?? { now: () => 0 };
    this.#hostNow = host.now;
    this.#options = this.#runOptions(host);
    const datetime = importModule('datetime', this.#options.host as never);
    this.#globals.set('datetime', datetime.attrs.get('datetime') as PyValue);
    this.#globals.set('timedelta', datetime.attrs.get('timedelta') as PyValue);
    for (const [k, v] of Object.entries(options.globals ?? {})) this.#globals.set(k, v);
    if (options.prelude !== undefined) this.addPrelude(options.prelude);
  }

  #runOptions(host: ScriptHost): RunOptions {
    let seed = 12345;
    const random =
      host.random ??
      (() => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      });
    return { host: { now: () => this.#hostNow(), random }, globals: this.#globals };
  }

  /** The context of the call in progress, read by `vars()`, `globals()` and `locals()`. */
  #current: Map<string, PyValue> | undefined;
  #withNamespace = false;

  /** Run options for one call on `context` (the globals include `vars()` and friends). */
  #callOptions(context: Map<string, PyValue>): RunOptions {
    this.#current = context;
    if (!this.#withNamespace) {
      this.#withNamespace = true;
      const namespace = (): PyValue => {
        const dict = new PyDict();
        for (const [k, v] of this.#globals) dict.set(k, v);
        for (const [k, v] of this.#current ?? []) dict.set(k, v);
        return dict;
      };
      for (const name of ['vars', 'globals', 'locals']) {
        if (!this.#globals.has(name)) this.#globals.set(name, builtin(name, namespace));
      }
    }
    return this.#options;
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
    execute(`${source}\n__prelude_exports__ = {${exports}}\n`, scope, {
      ...this.#options,
      globals: undefined,
    });
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
    return evaluate(expression, context, this.#callOptions(context));
  }

  /**
   * Evaluates an expression against a task's data (plus `external`, e.g. data objects).
   * @throws {@link WorkflowTaskError} naming the task when the expression fails
   */
  evaluate(task: Task, expression: string, external?: Readonly<Record<string, unknown>>): PyValue {
    try {
      const context = toContext({ ...(external ?? {}), ...task.peekData() });
      return evaluate(expression, context, this.#callOptions(context));
    } catch (cause) {
      throw taskError(task, `Error evaluating expression '${expression}'`, cause);
    }
  }

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
    const data = task.data;
    const overwrites = Object.keys(data).filter(
      (k) => this.#globals.has(k) && k !== 'datetime' && k !== 'timedelta',
    );
    if (overwrites.length > 0) {
      throw taskError(
        task,
        'Error executing script',
        new Error(
          `You have task data that overwrites a predefined function(s). Please change the following variable or field name(s) to something else: ${overwrites.join(', ')}`,
        ),
      );
    }
    const context = toContext({ ...(external ?? {}), ...data });
    let failure: unknown;
    try {
      execute(script, context, this.#callOptions(context));
    } catch (cause) {
      failure = cause;
    }
    // As in SpiffWorkflow, what the script assigned before failing stays in the task data.
    const out: Record<string, unknown> = {};
    for (const [k, v] of context) {
      if (v instanceof PyCallable || v instanceof PyModule || this.#globals.has(k)) continue;
      if (external && Object.hasOwn(external, k)) continue;
      try {
        out[k] = toData(v);
      } catch {
        // Values that are not data (e.g. objects of host types) are dropped.
      }
    }
    task.data = out;
    if (failure !== undefined) throw taskError(task, 'Error executing script', failure);
  }
}

/** Converts JSON-like task data (with tagged values) into an interpreter context. */
export function toContext(data: Readonly<Record<string, unknown>>): Map<string, PyValue> {
  const context = new Map<string, PyValue>();
  for (const [k, v] of Object.entries(data)) context.set(k, toPython(v as JsonLike));
  return context;
}

/** Converts a Python value into JSON-like task data (integral floats stay tagged floats). */
export function toData(value: PyValue): JsonLike {
  return fromPython(value, { exactFloats: true });
}

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
