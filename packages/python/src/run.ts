/** Public entry points: `evaluate`, `execute`, `parse`, with a parse cache and resource limits. */
import type { Stmt } from './ast.js';
import { BUILTINS } from './builtins.js';
import {
  Frame,
  builtinsFor,
  compileExpression,
  compileModule,
  swapRuntime,
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

/**
 * A bounded cache kept as two generations: hits are read from the young map (or moved there from
 * the old one), and when the young map is full it becomes the old one, dropping the previous old
 * generation. Roughly least-recently-used, with no reordering (and so no allocation) on a hit.
 */
class Lru<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  /** Size of one generation: the cache holds between this and twice this many entries. */
  private readonly generation: number;
  constructor(capacity: number) {
    this.generation = Math.max(1, Math.ceil(capacity / 2));
  }
  get(key: string): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) {
      this.old.delete(key);
      this.set(key, o);
    }
    return o;
  }
  set(key: string, v: V): void {
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, v);
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

// The compiling happens in functions of their own: a closure over `source` in the lookups would
// make every call allocate a context for it, cache hit or not.
function compiledExpression(source: string): CompiledExpr {
  const c = exprCache.get(source) ?? compileOnce(exprCache, source, compileExpressionSource);
  if (c instanceof PyException) throw c;
  return c;
}

function compiledModule(source: string): CompiledModule {
  const c = moduleCache.get(source) ?? compileOnce(moduleCache, source, compileModuleSource);
  if (c instanceof PyException) throw c;
  return c;
}

const compileExpressionSource = (source: string): CompiledExpr =>
  compileExpression(parseExpression(source));
const compileModuleSource = (source: string): CompiledModule => compileModule(parseModule(source));

/** Compiles `source` on a cache miss; a syntax error is cached (and thrown by the caller) too. */
function compileOnce<T>(
  cache: Lru<T | PyException>,
  source: string,
  compile: (source: string) => T,
): T | PyException {
  let c: T | PyException;
  try {
    c = guardCompile(() => compile(source));
  } catch (e) {
    if (!(e instanceof PyException)) throw e;
    c = e;
  }
  cache.set(source, c);
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

/** The globals of a call: a Map serves as it is (no wrapper per call), a record is wrapped. */
function globalsOf(context: Context): Globals {
  return context instanceof Map ? context : new RecordGlobals(context);
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

function hooksOf(options: RunOptions | undefined): HostHooks {
  if (!options?.host) return DEFAULT_HOST;
  let hooks = hostCache.get(options.host);
  if (hooks === undefined) {
    hooks = resolveHost(options.host);
    hostCache.set(options.host, hooks);
  }
  return hooks;
}

/**
 * The runtime and saved limits of one `evaluate`/`execute` call. Calls nest (a host function may
 * evaluate again), so there is one per nesting level, reused by the next call at that level with
 * every field set afresh: a call allocates no runtime, importer or limits objects of its own.
 */
class CallState implements Runtime {
  steps = 0;
  maxSteps = 0;
  depth = 0;
  maxDepth = 0;
  hooks: HostHooks = DEFAULT_HOST;
  builtins: ReadonlyMap<string, PyValue> = BUILTINS;
  readonly handling: PyException[] = [];
  allowed: readonly string[] = DEFAULT_MODULES;
  trusted = false;
  /** `limits.maxSize` and `limits.bulk` of the enclosing call, restored when this one ends. */
  savedMaxSize = 0;
  savedBulk = 0;

  importModule(name: string): PyModule {
    if (this.trusted) {
      const mod = TRUSTED_MODULES.get(name);
      if (mod !== undefined) return mod;
    }
    return importModule(name, this.hooks, this.allowed);
  }
}

const callStates: CallState[] = [];
let callLevel = 0;

/** Starts a call: applies its size limit and a fresh allocation budget. Pair with `endCall`. */
function beginCall(options: RunOptions | undefined): CallState {
  let state = callStates[callLevel];
  if (state === undefined) {
    state = new CallState();
    callStates[callLevel] = state;
  }
  callLevel++;
  state.savedMaxSize = limits.maxSize;
  state.savedBulk = limits.bulk;
  if (options?.maxSize !== undefined) limits.maxSize = options.maxSize;
  limits.bulk = 0;
  return state;
}

function endCall(state: CallState): void {
  limits.maxSize = state.savedMaxSize;
  limits.bulk = state.savedBulk;
  callLevel--;
}

/** Resets the call's runtime (step budget, depth, services) before its code runs. */
function runtimeOf(state: CallState, options: RunOptions | undefined, trusted: boolean): Runtime {
  state.steps = 0;
  state.maxSteps = options?.maxSteps ?? 10_000_000;
  state.depth = 0;
  state.maxDepth = options?.maxDepth ?? 200;
  state.hooks = hooksOf(options);
  state.builtins = trusted ? TRUSTED_BUILTINS : BUILTINS;
  state.handling.length = 0;
  state.allowed = options?.allowedModules ?? DEFAULT_MODULES;
  state.trusted = trusted;
  return state;
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
  const state = beginCall(options);
  try {
    const code = compiledExpression(expression);
    const g = new EvalGlobals(globalsOf(context), toMap(options?.globals));
    const frame = new Frame(0, null, g, builtinsFor(g, undefined));
    const prev = swapRuntime(runtimeOf(state, options, false));
    try {
      return code(frame);
    } finally {
      swapRuntime(prev);
    }
  } catch (e) {
    throw normalizeError(e);
  } finally {
    endCall(state);
  }
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
  const state = beginCall(options);
  try {
    const code = compiledModule(script);
    const g = globalsOf(context);
    const extra = toMap(options?.globals);
    // the task data wins over the extra globals (they never collide in practice)
    if (extra) for (const [k, v] of extra) if (g.get(k) === undefined) g.set(k, v);
    try {
      const frame = new Frame(0, null, g, builtinsFor(g, undefined));
      const prev = swapRuntime(runtimeOf(state, options, false));
      try {
        code(frame);
      } finally {
        swapRuntime(prev);
      }
    } finally {
      // a Map is swept while iterated (allowed for Maps), without a copy of its keys
      for (const k of context instanceof Map ? context.keys() : Object.keys(context)) {
        const v = g.get(k);
        if (v instanceof PyCallable || (extra && extra.has(k)) || k === '__builtins__') g.delete(k);
      }
    }
  } catch (e) {
    throw normalizeError(e);
  } finally {
    endCall(state);
  }
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
  // the options' extra globals, if any slipped in, are not read: only limits and host services
  const state = beginCall(options);
  try {
    const code = compiledModule(source);
    const g = globalsOf(namespace);
    const frame = new Frame(0, null, g, builtinsFor(g, undefined));
    const prev = swapRuntime(runtimeOf(state, options, true));
    try {
      code(frame);
    } finally {
      swapRuntime(prev);
    }
  } catch (e) {
    throw normalizeError(e);
  } finally {
    endCall(state);
  }
}
