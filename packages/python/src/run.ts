/** Public entry points: `evaluate`, `execute`, `parse`, with a parse cache and resource limits. */
import type { Stmt } from './ast.js';
import { BUILTINS } from './builtins.js';
import {
  Frame,
  builtinsFor,
  compileExpression,
  compileModule,
  withRuntime,
  type Globals,
  type Runtime,
} from './interp.js';
import { stdlibModules } from './modules/index.js';
import { limits } from './ops.js';
import { parseExpression, parseModule } from './parser.js';
import { TRUSTED_BUILTINS, TRUSTED_MODULES } from './trusted.js';
import {
  PyCallable,
  PyException,
  PyModule,
  sharedDefaultHostHooks,
  makeException,
  raise,
  type HostHooks,
  type PyValue,
} from './values.js';

/** Task data: variable name → Python value. A Map keeps insertion order for any key. */
export type Context = Record<string, PyValue> | Map<string, PyValue>;

/** Options of {@link evaluate} and {@link execute}. */
export interface RunOptions {
  /** Step budget (statements, loop iterations, calls); default 10 million. */
  readonly maxSteps?: number;
  /** Maximum Python call depth before RecursionError; default 200. */
  readonly maxDepth?: number;
  /** Maximum length of one str/list/tuple; default 10 million. */
  readonly maxSize?: number;
  /** Clock, random source and print sink; defaults: epoch clock, seeded PRNG, print discarded. */
  readonly host?: Partial<HostHooks>;
  /**
   * Extra global names (host functions, modules, classes) visible to the code. After
   * {@link execute} they are removed from the context again, as SpiffWorkflow does with its
   * script-engine globals.
   */
  readonly globals?: Readonly<Record<string, PyValue>> | ReadonlyMap<string, PyValue>;
  /** Module names `import` may load; default `datetime decimal json math re time random`. */
  readonly allowedModules?: readonly string[];
}

const DEFAULT_MODULES = ['datetime', 'decimal', 'json', 'math', 're', 'time', 'random'];
const DEFAULT_HOST = sharedDefaultHostHooks();

// ---------------------------------------------------------------------------------------------
// Parse cache

type CompiledExpr = (f: Frame) => PyValue;
type CompiledModule = (f: Frame) => void;

class Lru<V> {
  private readonly map = new Map<string, V>();
  private readonly capacity: number;
  constructor(capacity: number) {
    this.capacity = capacity;
  }
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V): void {
    this.map.set(key, v);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
  }
}

const exprCache = new Lru<CompiledExpr | PyException>(2000);
const moduleCache = new Lru<CompiledModule | PyException>(500);

function guardCompile<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeError) {
      const exc = makeException(
        'RecursionError',
        'maximum recursion depth exceeded during compilation',
      );
      throw exc;
    }
    throw e;
  }
}

function compiledExpression(source: string): CompiledExpr {
  let c = exprCache.get(source);
  if (c === undefined) {
    try {
      c = guardCompile(() => compileExpression(parseExpression(source)));
    } catch (e) {
      if (!(e instanceof PyException)) throw e;
      c = e;
    }
    exprCache.set(source, c);
  }
  if (c instanceof PyException) throw c;
  return c;
}

function compiledModule(source: string): CompiledModule {
  let c = moduleCache.get(source);
  if (c === undefined) {
    try {
      c = guardCompile(() => compileModule(parseModule(source)));
    } catch (e) {
      if (!(e instanceof PyException)) throw e;
      c = e;
    }
    moduleCache.set(source, c);
  }
  if (c instanceof PyException) throw c;
  return c;
}

/**
 * Parses a script (or, with `mode: 'eval'`, one expression) and returns its syntax tree.
 * @throws {@link PyException} `SyntaxError` naming the line when the source does not parse.
 */
export function parse(source: string, mode: 'exec' | 'eval' = 'exec'): readonly Stmt[] {
  if (mode === 'eval') {
    const e = parseExpression(source);
    return [{ kind: 'expr', value: e, line: e.line, col: e.col }];
  }
  return parseModule(source);
}

// ---------------------------------------------------------------------------------------------
// Globals

function hasOwn(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

class MapGlobals implements Globals {
  private readonly map: Map<string, PyValue>;
  constructor(map: Map<string, PyValue>) {
    this.map = map;
  }
  get(name: string): PyValue | undefined {
    return this.map.get(name);
  }
  set(name: string, v: PyValue): void {
    this.map.set(name, v);
  }
  delete(name: string): boolean {
    return this.map.delete(name);
  }
  keys(): string[] {
    return [...this.map.keys()];
  }
}

class RecordGlobals implements Globals {
  private readonly rec: Record<string, PyValue>;
  constructor(rec: Record<string, PyValue>) {
    this.rec = rec;
  }
  get(name: string): PyValue | undefined {
    return hasOwn(this.rec, name) ? this.rec[name] : undefined;
  }
  set(name: string, v: PyValue): void {
    if (name === '__proto__' || !hasOwn(this.rec, name)) {
      Object.defineProperty(this.rec, name, {
        value: v,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    } else {
      this.rec[name] = v;
    }
  }
  delete(name: string): boolean {
    if (!hasOwn(this.rec, name)) return false;
    return delete this.rec[name];
  }
  keys(): string[] {
    return Object.keys(this.rec);
  }
}

/** Read-through globals for `evaluate`: the context, then the extra globals; writes stay local. */
class EvalGlobals implements Globals {
  private overlay: Map<string, PyValue> | null = null;
  private readonly ctx: Globals;
  private readonly extra: ReadonlyMap<string, PyValue> | null;
  constructor(ctx: Globals, extra: ReadonlyMap<string, PyValue> | null) {
    this.ctx = ctx;
    this.extra = extra;
  }
  get(name: string): PyValue | undefined {
    if (this.overlay) {
      const v = this.overlay.get(name);
      if (v !== undefined || this.overlay.has(name)) return v;
    }
    const v = this.ctx.get(name);
    if (v !== undefined) return v;
    return this.extra?.get(name);
  }
  set(name: string, v: PyValue): void {
    (this.overlay ??= new Map()).set(name, v);
  }
  delete(name: string): boolean {
    return this.overlay?.delete(name) ?? false;
  }
  keys(): string[] {
    const out = new Set<string>(this.extra ? this.extra.keys() : []);
    for (const k of this.ctx.keys()) out.add(k);
    if (this.overlay) for (const k of this.overlay.keys()) out.add(k);
    return [...out];
  }
}

function globalsOf(context: Context): Globals {
  return context instanceof Map ? new MapGlobals(context) : new RecordGlobals(context);
}

function toMap(g: RunOptions['globals']): ReadonlyMap<string, PyValue> | null {
  if (!g) return null;
  if (g instanceof Map) return g;
  const m = new Map<string, PyValue>();
  for (const k of Object.keys(g)) m.set(k, (g as Record<string, PyValue>)[k] as PyValue);
  return m;
}

// ---------------------------------------------------------------------------------------------
// Modules

const moduleCacheByHost = new WeakMap<HostHooks, Map<string, PyModule>>();

/**
 * Returns the stdlib module `name` for the given host hooks (cached per hooks object).
 * @throws {@link PyException} `ImportError` for modules outside the allowed set.
 */
export function importModule(
  name: string,
  host: HostHooks = DEFAULT_HOST,
  allowed: readonly string[] = DEFAULT_MODULES,
): PyModule {
  const top = name.split('.')[0] as string;
  const factory = hasOwn(stdlibModules, top) ? stdlibModules[top] : undefined;
  if (!allowed.includes(top) || !factory) raise('ImportError', `Import not allowed: ${name}`);
  let cache = moduleCacheByHost.get(host);
  if (!cache) {
    cache = new Map();
    moduleCacheByHost.set(host, cache);
  }
  let mod = cache.get(top);
  if (!mod) {
    mod = factory(host);
    cache.set(top, mod);
  }
  if (name === top) return mod;
  // `import datetime.datetime` is not a module path: CPython raises ModuleNotFoundError
  return raise('ImportError', `No module named '${name}'; '${top}' is not a package`);
}

function resolveHost(host: Partial<HostHooks> | undefined): HostHooks {
  if (!host) return DEFAULT_HOST;
  if (host.now && host.random) return host as HostHooks;
  return { ...DEFAULT_HOST, ...host } as HostHooks;
}

const hostCache = new WeakMap<object, HostHooks>();

function makeRuntime(options: RunOptions | undefined, trusted = false): Runtime {
  let hooks = DEFAULT_HOST;
  if (options?.host) {
    hooks = hostCache.get(options.host) ?? resolveHost(options.host);
    hostCache.set(options.host, hooks);
  }
  const allowed = options?.allowedModules ?? DEFAULT_MODULES;
  return {
    steps: 0,
    maxSteps: options?.maxSteps ?? 10_000_000,
    depth: 0,
    maxDepth: options?.maxDepth ?? 200,
    hooks,
    builtins: trusted ? TRUSTED_BUILTINS : BUILTINS,
    importModule: trusted
      ? (name) => TRUSTED_MODULES.get(name) ?? importModule(name, hooks, allowed)
      : (name) => importModule(name, hooks, allowed),
    handling: [],
  };
}

function withLimits<T>(options: RunOptions | undefined, fn: () => T): T {
  const prevSize = limits.maxSize;
  const prevBulk = limits.bulk;
  if (options?.maxSize !== undefined) limits.maxSize = options.maxSize;
  limits.bulk = 0;
  try {
    return fn();
  } catch (e) {
    throw normalizeError(e);
  } finally {
    limits.maxSize = prevSize;
    limits.bulk = prevBulk;
  }
}

function normalizeError(e: unknown): unknown {
  if (e instanceof RangeError) {
    return /call stack/i.test(e.message)
      ? makeException('RecursionError', 'maximum recursion depth exceeded')
      : makeException('MemoryError', e.message);
  }
  return e;
}

/**
 * Evaluates one Python expression against the task data (read only: the context is not changed).
 * @throws {@link PyException} for Python errors (`NameError`, `TypeError`, `SyntaxError`...), with
 * `span` giving the line and column.
 * @example
 * evaluate('amount > 100 and approved', { amount: 150n, approved: true }); // true
 */
export function evaluate(expression: string, context: Context = {}, options?: RunOptions): PyValue {
  return withLimits(options, () => {
    const code = compiledExpression(expression);
    const g = new EvalGlobals(globalsOf(context), toMap(options?.globals));
    return withRuntime(makeRuntime(options), () =>
      code(new Frame(0, null, g, builtinsFor(g, undefined))),
    );
  });
}

/**
 * Runs a script whose globals are the task data, mutating `context` like SpiffWorkflow's
 * TaskDataEnvironment: afterwards every callable value, every name from `options.globals` and
 * `__builtins__` are removed (modules stay).
 * @throws {@link PyException} for Python errors; the clean-up runs in any case.
 * @example
 * const data = { items: [] }; execute('total = 1 + 2', data); // data.total === 3n
 */
export function execute(script: string, context: Context = {}, options?: RunOptions): void {
  withLimits(options, () => {
    const code = compiledModule(script);
    const g = globalsOf(context);
    const extra = toMap(options?.globals);
    // the task data wins over the extra globals (they never collide in practice)
    if (extra) for (const [k, v] of extra) if (g.get(k) === undefined) g.set(k, v);
    try {
      withRuntime(makeRuntime(options), () =>
        code(new Frame(0, null, g, builtinsFor(g, undefined))),
      );
    } finally {
      for (const k of g.keys()) {
        const v = g.get(k);
        if (v instanceof PyCallable || (extra && extra.has(k)) || k === '__builtins__') g.delete(k);
      }
    }
  });
}

/** Options of {@link executeHostCode}: those of {@link execute} except the extra globals. */
export type HostCodeOptions = Omit<RunOptions, 'globals'>;

/**
 * Runs **trusted, host-supplied** Python (a script-engine prelude) in `namespace`, the way
 * SpiffWorkflow runs setup code with `exec(source, globals)`: every name it binds, functions
 * included, stays in `namespace`, and functions keep `namespace` as their globals.
 *
 * Only the host's own source may run here, never model content. On top of the sandbox it offers
 * `import builtins` (a read-only module of exactly the sandbox's builtins), `import types`
 * (`types.ModuleType(name)`, a module whose attributes can be assigned) and `vars(module)`; a
 * `__builtins__` dict it leaves in `namespace` is honoured, as by CPython, by the code defined
 * there and by scripts later run with that namespace's names as globals. Everything else is the
 * sandbox: no JS objects, no host access, the same resource limits.
 * @throws {@link PyException} for Python errors; names bound before the failure stay.
 * @example
 * const ns = new Map();
 * executeHostCode("def shout(s):
    return s.upper()", ns);
 * execute('x = shout("hi")', data, { globals: ns }); // data.x === 'HI'
 */
export function executeHostCode(
  source: string,
  namespace: Context,
  options?: HostCodeOptions,
): void {
  const opts: RunOptions | undefined = options && { ...options, globals: undefined };
  withLimits(opts, () => {
    const code = compiledModule(source);
    const g = globalsOf(namespace);
    withRuntime(makeRuntime(opts, true), () =>
      code(new Frame(0, null, g, builtinsFor(g, undefined))),
    );
  });
}
