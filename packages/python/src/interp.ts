/**
 * Compiles the syntax tree into JS closures and runs them. Names are resolved at compile time to
 * frame slots (locals, closures) or global lookups, so running does no scope searching.
 */
import type { Comprehension, Expr, FStringPart, Params, Stmt } from './ast.js';
import { callMethod, getAttribute } from './attrs.js';
import {
  differenceUpdate,
  setIntersection,
  symmetricDifferenceUpdate,
  updateWith,
} from './set-ops.js';
import { formatValue, asciiEscape } from './format.js';
import {
  PySlice,
  binaryOp,
  inplaceBinaryOp,
  allocate,
  checkSize,
  compare,
  contains,
  delItem,
  getItem,
  setItem,
  unaryOp,
} from './ops.js';
import {
  PyCallable,
  PyDict,
  PyException,
  PyExceptionType,
  PyIterator,
  PyList,
  PyModule,
  PySet,
  PyTuple,
  PyType,
  defaultHostHooks,
  hashKey,
  isPyObject,
  iterate,
  makeException,
  pyEquals,
  pyRepr,
  pyStr,
  raise,
  setTickHook,
  toArray,
  truthy,
  typeName,
  type BinOp,
  type HostHooks,
  type PyKwargs,
  type PyValue,
} from './values.js';

// ---------------------------------------------------------------------------------------------
// Runtime state

/** Global variable storage of a running program (the task data). */
export interface Globals {
  get(name: string): PyValue | undefined;
  set(name: string, value: PyValue): void;
  delete(name: string): boolean;
  /** The names (iterated without changing the globals). */
  keys(): Iterable<string>;
}

/** Runtime limits and services of the current call (one evaluate/execute at a time per stack). */
export interface Runtime {
  steps: number;
  maxSteps: number;
  depth: number;
  maxDepth: number;
  hooks: HostHooks;
  builtins: ReadonlyMap<string, PyValue>;
  importModule: (name: string) => PyModule;
  /** Exceptions currently being handled (innermost last), for bare `raise`. */
  handling: PyException[];
}

/** The runtime of the innermost active call; builtins read the hooks and step budget from here. */
export let rt: Runtime = {
  steps: 0,
  maxSteps: Infinity,
  depth: 0,
  maxDepth: 200,
  hooks: defaultHostHooks(),
  builtins: new Map(),
  importModule: (name) => raise('ImportError', `Import not allowed: ${name}`),
  handling: [],
};

/**
 * Makes `next` the current runtime and returns the one it replaces, which the caller restores
 * (in a `finally`) when its call ends: calls nest, each restoring the one it interrupted.
 */
export function swapRuntime(next: Runtime): Runtime {
  const prev = rt;
  rt = next;
  return prev;
}

/** Counts one step against the budget; called by loops, statements and calls. */
export function tick(): void {
  if (++rt.steps > rt.maxSteps) stepLimit();
}

setTickHook(tick);

function stepLimit(): never {
  const e = makeException('TimeoutError', `step limit exceeded (${rt.maxSteps} steps)`);
  e.uncatchable = true;
  throw e;
}

/**
 * A function activation: local slots, the enclosing frame (closures), the globals and the
 * builtins. `builtins` is the `__builtins__` value the code runs with, fixed when the frame is made
 * (CPython's `f_builtins`): `undefined` means the runtime's own ({@link Runtime.builtins} and
 * {@link Runtime.importModule}), anything else was found as `__builtins__` in the globals (see
 * {@link builtinsFor}).
 */
export class Frame {
  readonly vars: (PyValue | undefined)[];
  readonly parent: Frame | null;
  readonly globals: Globals;
  readonly builtins: PyValue | undefined;
  ret: PyValue = null;
  /** Values a generator function's body yielded (generators run to completion eagerly). */
  yielded: PyValue[] | null = null;
  constructor(
    size: number,
    parent: Frame | null,
    globals: Globals,
    builtins: PyValue | undefined = undefined,
  ) {
    this.vars = size === 0 ? EMPTY_VARS : new Array<PyValue | undefined>(size);
    this.parent = parent;
    this.globals = globals;
    this.builtins = builtins;
  }
}

/**
 * The builtins of code starting in `globals` (a module run, a function being defined): the
 * `__builtins__` entry of the globals when there is one, else `inherited` (the defining frame's),
 * as CPython's `_PyEval_BuiltinsFromGlobals` does. Whatever code assigns there is a value it
 * could already reach, so honouring it gives untrusted code nothing new.
 */
export function builtinsFor(globals: Globals, inherited: PyValue | undefined): PyValue | undefined {
  const b = globals.get('__builtins__');
  return b === undefined ? inherited : b;
}

/** Looks a name up in a frame's builtins (`undefined` when missing). */
function lookupBuiltin(builtins: PyValue | undefined, name: string): PyValue | undefined {
  if (builtins === undefined) return rt.builtins.get(name);
  if (builtins instanceof PyDict) return builtins.get(name);
  if (builtins instanceof PyModule) return builtins.attrs.get(name);
  // CPython subscripts any other object; a missing key is a NameError
  try {
    return getItem(builtins, name);
  } catch (e) {
    if (e instanceof PyException && !e.uncatchable && e.pyType === 'KeyError') return undefined;
    throw e;
  }
}

/**
 * `import` as the frame's builtins do it: the runtime's importer unless the frame runs with a
 * `__builtins__` whose `__import__` is another callable, which is then called as CPython calls it,
 * `__import__(name, globals, locals, fromlist, 0)` (`globals` a snapshot dict).
 */
function importFor(f: Frame, name: string, fromlist: PyValue, moduleLevel: boolean): PyValue {
  if (f.builtins === undefined) return rt.importModule(name);
  const imp = lookupBuiltin(f.builtins, '__import__');
  if (imp === undefined) return raise('ImportError', '__import__ not found');
  if (imp === rt.builtins.get('__import__')) return rt.importModule(name);
  const globals = new PyDict();
  for (const k of f.globals.keys()) {
    const v = f.globals.get(k);
    if (v !== undefined) globals.set(k, v);
  }
  return callAny(imp, [name, globals, moduleLevel ? globals : null, fromlist, 0n], undefined);
}

/** `from mod import names` with the value a custom `__import__` returned. */
function importFromCustom(
  f: Frame,
  m: PyValue,
  mod: string,
  names: readonly { name: string; store: Assign | null }[],
): void {
  for (const n of names) {
    if (n.store === null) {
      if (!(m instanceof PyModule)) raise('ImportError', `cannot import * from '${mod}'`);
      for (const [k, v] of m.attrs) if (!k.startsWith('_')) f.globals.set(k, v);
      continue;
    }
    let v: PyValue;
    try {
      v = getAttribute(m, n.name);
    } catch (e) {
      if (!(e instanceof PyException) || e.pyType !== 'AttributeError') throw e;
      return raise('ImportError', `cannot import name '${n.name}' from '${mod}'`);
    }
    n.store(f, v);
  }
}

/**
 * A module object made by host code (`types.ModuleType(name)` in trusted mode): unlike the
 * shared stdlib modules, its attributes can be assigned and deleted.
 */
export class PyHostModule extends PyModule {}
const EMPTY_VARS: (PyValue | undefined)[] = [];

type Ev = (f: Frame) => PyValue;
/** Statement result: 0 normal, 1 break, 2 continue, 3 return. */
type Ex = (f: Frame) => number;
type Assign = (f: Frame, v: PyValue) => void;

const NORMAL = 0;
const BREAK = 1;
const CONTINUE = 2;
const RETURN = 3;

// ---------------------------------------------------------------------------------------------
// Scopes

class Scope {
  readonly slots = new Map<string, number>();
  readonly globalNames = new Set<string>();
  readonly nonlocalNames = new Set<string>();
  readonly kind: 'module' | 'function' | 'comp';
  readonly parent: Scope | null;
  constructor(kind: 'module' | 'function' | 'comp', parent: Scope | null) {
    this.kind = kind;
    this.parent = parent;
  }
  declare(name: string): number {
    let s = this.slots.get(name);
    if (s === undefined) {
      s = this.slots.size;
      this.slots.set(name, s);
    }
    return s;
  }
  /** The nearest enclosing function or module scope (walrus targets in comprehensions bind there). */
  get owner(): Scope {
    return this.kind === 'comp' && this.parent ? this.parent.owner : this;
  }
}

type Resolved =
  | { kind: 'local'; slot: number }
  | { kind: 'free'; depth: number; slot: number }
  | { kind: 'global' };

function resolve(scope: Scope, name: string): Resolved {
  if (scope.kind === 'module' || scope.globalNames.has(name)) return { kind: 'global' };
  if (!scope.nonlocalNames.has(name)) {
    const slot = scope.slots.get(name);
    if (slot !== undefined) return { kind: 'local', slot };
  }
  let depth = 1;
  for (let s = scope.parent; s && s.kind !== 'module'; s = s.parent, depth++) {
    if (s.globalNames.has(name)) return { kind: 'global' };
    if (!s.nonlocalNames.has(name)) {
      const slot = s.slots.get(name);
      if (slot !== undefined) return { kind: 'free', depth, slot };
    }
  }
  return { kind: 'global' };
}

/** Collects the names a function body binds (its locals), and its global/nonlocal declarations. */
function collectBindings(body: readonly Stmt[], scope: Scope): void {
  const bindTarget = (e: Expr): void => {
    switch (e.kind) {
      case 'name':
        scope.declare(e.id);
        break;
      case 'tuple':
      case 'list':
        e.elts.forEach(bindTarget);
        break;
      case 'starred':
        bindTarget(e.value);
        break;
      default:
        walkExpr(e);
    }
  };
  const walkExpr = (e: Expr | null): void => {
    if (!e) return;
    switch (e.kind) {
      case 'walrus':
        scope.declare(e.target);
        walkExpr(e.value);
        return;
      case 'lambda':
        e.params.positional.forEach((p) => walkExpr(p.default));
        e.params.kwonly.forEach((p) => walkExpr(p.default));
        return;
      case 'comp':
        // walrus inside a comprehension binds in the enclosing function
        walkExpr(e.elt);
        walkExpr(e.value);
        for (const g of e.generators) {
          walkExpr(g.iter);
          g.ifs.forEach(walkExpr);
        }
        return;
      case 'binop':
        walkExpr(e.left);
        walkExpr(e.right);
        return;
      case 'unary':
        walkExpr(e.operand);
        return;
      case 'boolop':
        e.values.forEach(walkExpr);
        return;
      case 'compare':
        walkExpr(e.left);
        e.comparators.forEach(walkExpr);
        return;
      case 'ifexp':
        walkExpr(e.test);
        walkExpr(e.body);
        walkExpr(e.orelse);
        return;
      case 'call':
        walkExpr(e.func);
        e.args.forEach(walkExpr);
        e.keywords.forEach((k) => walkExpr(k.value));
        return;
      case 'attr':
        walkExpr(e.value);
        return;
      case 'subscript':
        walkExpr(e.value);
        walkExpr(e.index);
        return;
      case 'slice':
        walkExpr(e.lower);
        walkExpr(e.upper);
        walkExpr(e.step);
        return;
      case 'list':
      case 'tuple':
      case 'set':
        e.elts.forEach(walkExpr);
        return;
      case 'dict':
        e.keys.forEach(walkExpr);
        e.values.forEach(walkExpr);
        return;
      case 'starred':
        walkExpr(e.value);
        return;
      case 'fstring':
        for (const p of e.parts) {
          if (typeof p !== 'string') {
            walkExpr(p.expr);
            p.spec?.forEach((s) => typeof s !== 'string' && walkExpr(s.expr));
          }
        }
        return;
      default:
        return;
    }
  };
  const walk = (stmts: readonly Stmt[]): void => {
    for (const s of stmts) {
      switch (s.kind) {
        case 'assign':
          s.targets.forEach(bindTarget);
          walkExpr(s.value);
          break;
        case 'augassign':
        case 'annassign':
          bindTarget(s.target);
          if (s.value) walkExpr(s.value);
          break;
        case 'del':
          s.targets.forEach(bindTarget);
          break;
        case 'for':
          bindTarget(s.target);
          walkExpr(s.iter);
          walk(s.body);
          walk(s.orelse);
          break;
        case 'while':
          walkExpr(s.test);
          walk(s.body);
          walk(s.orelse);
          break;
        case 'if':
          walkExpr(s.test);
          walk(s.body);
          walk(s.orelse);
          break;
        case 'def':
          scope.declare(s.name);
          s.params.positional.forEach((p) => walkExpr(p.default));
          s.params.kwonly.forEach((p) => walkExpr(p.default));
          break;
        case 'class':
          scope.declare(s.name);
          break;
        case 'try':
          walk(s.body);
          for (const h of s.handlers) {
            if (h.name) scope.declare(h.name);
            walkExpr(h.type);
            walk(h.body);
          }
          walk(s.orelse);
          walk(s.finalbody);
          break;
        case 'import':
          for (const n of s.names) scope.declare(n.asname ?? (n.name.split('.')[0] as string));
          break;
        case 'importfrom':
          for (const n of s.names) if (n.name !== '*') scope.declare(n.asname ?? n.name);
          break;
        case 'global':
          for (const n of s.names) scope.globalNames.add(n);
          break;
        case 'nonlocal':
          for (const n of s.names) scope.nonlocalNames.add(n);
          break;
        case 'expr':
        case 'return':
          if (s.value) walkExpr(s.value);
          break;
        case 'raise':
          walkExpr(s.exc);
          walkExpr(s.cause);
          break;
        case 'assert':
          walkExpr(s.test);
          walkExpr(s.msg);
          break;
        default:
          break;
      }
    }
  };
  walk(body);
  for (const n of scope.globalNames) {
    if (scope.slots.has(n) && scope.kind !== 'module') {
      // a name declared global is not local (slot stays unused)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Errors with positions

function locate(e: unknown, line: number, col: number): unknown {
  if (e instanceof PyException) {
    if (!e.span) e.span = { line, column: col };
    return e;
  }
  if (e instanceof RangeError) {
    const exc = /call stack/i.test(e.message)
      ? makeException('RecursionError', 'maximum recursion depth exceeded')
      : makeException('MemoryError', e.message);
    exc.span = { line, column: col };
    return exc;
  }
  return e;
}

function nameError(name: string): never {
  return raise('NameError', `name '${name}' is not defined`);
}

// ---------------------------------------------------------------------------------------------
// Functions

interface FunctionCode {
  readonly name: string;
  readonly params: Params;
  readonly nslots: number;
  readonly paramSlots: readonly number[];
  readonly kwonlySlots: readonly number[];
  readonly varargsSlot: number;
  readonly varkwSlot: number;
  readonly body: Ex;
  /** The body contains `yield`: calling the function returns a generator. */
  readonly generator: boolean;
}

/** A user-defined function or lambda. */
export class PyFunction extends PyCallable {
  readonly name: string;
  readonly code: FunctionCode;
  readonly defaults: readonly PyValue[];
  readonly kwDefaults: ReadonlyMap<string, PyValue>;
  readonly closure: Frame;
  /** The builtins the function runs with, fixed when it was defined (CPython's `func_builtins`). */
  readonly builtins: PyValue | undefined;
  constructor(
    code: FunctionCode,
    defaults: readonly PyValue[],
    kwDefaults: ReadonlyMap<string, PyValue>,
    closure: Frame,
  ) {
    super();
    this.name = code.name;
    this.code = code;
    this.defaults = defaults;
    this.kwDefaults = kwDefaults;
    this.closure = closure;
    this.builtins = builtinsFor(closure.globals, closure.builtins);
  }

  call(args: PyValue[], kwargs: PyKwargs): PyValue {
    const code = this.code;
    const f = new Frame(code.nslots, this.closure, this.closure.globals, this.builtins);
    this.bind(f, args, kwargs);
    if (code.generator) return this.generator(f);
    return this.run(f);
  }

  /**
   * A generator object. Deliberate simplification: the body runs to completion on the first
   * `next()` and the yielded values are replayed (infinite generators hit the step budget).
   */
  private generator(f: Frame): PyIterator {
    let buffer: PyValue[] | null = null;
    let i = 0;
    return new PyIterator('generator', () => {
      if (buffer === null) {
        f.yielded = [];
        buffer = f.yielded;
        this.run(f);
      }
      return i < buffer.length ? buffer[i++] : undefined;
    });
  }

  private run(f: Frame): PyValue {
    const code = this.code;
    if (++rt.depth > rt.maxDepth) {
      rt.depth--;
      raise('RecursionError', 'maximum recursion depth exceeded');
    }
    tick();
    try {
      code.body(f);
      return f.ret;
    } catch (e) {
      if (e instanceof RangeError && /call stack/i.test(e.message)) {
        raise('RecursionError', 'maximum recursion depth exceeded');
      }
      throw e;
    } finally {
      rt.depth--;
    }
  }

  private bind(f: Frame, args: PyValue[], kwargs: PyKwargs): void {
    const code = this.code;
    const params = code.params.positional;
    const np = params.length;
    const vars = f.vars;
    const nargs = args.length;
    if (nargs > np && code.varargsSlot < 0) this.tooMany(nargs, kwargs);
    const n = Math.min(nargs, np);
    for (let i = 0; i < n; i++) vars[code.paramSlots[i] as number] = args[i];
    if (code.varargsSlot >= 0)
      vars[code.varargsSlot] = nargs > np ? new PyTuple(args.slice(np)) : PyTuple.EMPTY;
    let extra: PyDict | null = null;
    if (code.varkwSlot >= 0) {
      extra = new PyDict();
      vars[code.varkwSlot] = extra;
    }
    if (kwargs) {
      for (const [k, v] of kwargs) {
        let slot = -1;
        for (let i = 0; i < np; i++) {
          if ((params[i] as { name: string }).name === k) {
            slot = code.paramSlots[i] as number;
            break;
          }
        }
        if (slot < 0) {
          const kwonly = code.params.kwonly;
          for (let i = 0; i < kwonly.length; i++) {
            if ((kwonly[i] as { name: string }).name === k) {
              slot = code.kwonlySlots[i] as number;
              break;
            }
          }
        }
        if (slot < 0) {
          if (extra) {
            extra.set(k, v);
            continue;
          }
          raise('TypeError', `${this.name}() got an unexpected keyword argument '${k}'`);
        }
        if (vars[slot] !== undefined)
          raise('TypeError', `${this.name}() got multiple values for argument '${k}'`);
        vars[slot] = v;
      }
    }
    // defaults and missing arguments
    if (nargs < np || kwargs) {
      const firstDefault = np - this.defaults.length;
      const missing: string[] = [];
      for (let i = nargs; i < np; i++) {
        const slot = code.paramSlots[i] as number;
        if (vars[slot] === undefined) {
          if (i >= firstDefault) vars[slot] = this.defaults[i - firstDefault] as PyValue;
          else missing.push((params[i] as { name: string }).name);
        }
      }
      if (missing.length) this.missing(missing, 'positional');
    }
    const kwonly = code.params.kwonly;
    if (kwonly.length) {
      const missing: string[] = [];
      for (let i = 0; i < kwonly.length; i++) {
        const slot = code.kwonlySlots[i] as number;
        if (vars[slot] === undefined) {
          const name = (kwonly[i] as { name: string }).name;
          const d = this.kwDefaults.get(name);
          if (d !== undefined) vars[slot] = d;
          else missing.push(name);
        }
      }
      if (missing.length) this.missing(missing, 'keyword-only');
    }
  }

  private tooMany(nargs: number, kwargs: PyKwargs): never {
    const np = this.code.params.positional.length;
    const nd = this.defaults.length;
    const takes = nd > 0 ? `from ${np - nd} to ${np}` : String(np);
    const plural = nd > 0 || np !== 1 ? 'arguments' : 'argument';
    let kwGiven = 0;
    if (kwargs)
      for (const k of kwargs.keys())
        if (this.code.params.kwonly.some((p) => p.name === k)) kwGiven++;
    const given = kwGiven
      ? `${nargs} positional argument${nargs === 1 ? '' : 's'} (and ${kwGiven} keyword-only argument${kwGiven === 1 ? '' : 's'}) were given`
      : `${nargs} ${nargs === 1 ? 'was' : 'were'} given`;
    return raise('TypeError', `${this.name}() takes ${takes} positional ${plural} but ${given}`);
  }

  private missing(names: string[], kind: string): never {
    const quoted = names.map((n) => `'${n}'`);
    const list =
      quoted.length === 1
        ? quoted[0]
        : quoted.length === 2
          ? `${quoted[0]} and ${quoted[1]}`
          : `${quoted.slice(0, -1).join(', ')}, and ${quoted[quoted.length - 1]}`;
    return raise(
      'TypeError',
      `${this.name}() missing ${names.length} required ${kind} argument${names.length === 1 ? '' : 's'}: ${list}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Compiler

/** Compiles a module body. */
export function compileModule(body: readonly Stmt[]): (f: Frame) => void {
  const c = new Compiler();
  const scope = new Scope('module', null);
  const code = c.block(body, scope);
  return (f) => {
    code(f);
  };
}

/** Compiles an expression for `eval`. */
export function compileExpression(e: Expr): Ev {
  return new Compiler().expr(e, new Scope('module', null));
}

class Compiler {
  block(stmts: readonly Stmt[], scope: Scope): Ex {
    const compiled = stmts.map((s) => this.stmt(s, scope));
    const n = compiled.length;
    if (n === 0) return () => NORMAL;
    if (n === 1) return compiled[0] as Ex;
    return (f) => {
      for (let i = 0; i < n; i++) {
        const sig = (compiled[i] as Ex)(f);
        if (sig !== NORMAL) return sig;
      }
      return NORMAL;
    };
  }

  stmt(s: Stmt, scope: Scope): Ex {
    const inner = this.stmtInner(s, scope);
    const { line, col } = s;
    return (f) => {
      if (++rt.steps > rt.maxSteps) stepLimit();
      try {
        return inner(f);
      } catch (e) {
        throw locate(e, line, col);
      }
    };
  }

  private stmtInner(s: Stmt, scope: Scope): Ex {
    switch (s.kind) {
      case 'expr': {
        const v = this.expr(s.value, scope);
        return (f) => {
          v(f);
          return NORMAL;
        };
      }
      case 'assign': {
        const value = this.expr(s.value, scope);
        const targets = s.targets.map((t) => this.target(t, scope));
        if (targets.length === 1) {
          const t = targets[0] as Assign;
          return (f) => {
            t(f, value(f));
            return NORMAL;
          };
        }
        return (f) => {
          const v = value(f);
          for (const t of targets) t(f, v);
          return NORMAL;
        };
      }
      case 'annassign': {
        if (!s.value) return () => NORMAL;
        const value = this.expr(s.value, scope);
        const t = this.target(s.target, scope);
        return (f) => {
          t(f, value(f));
          return NORMAL;
        };
      }
      case 'augassign':
        return this.augAssign(s.target, s.op as BinOp, this.expr(s.value, scope), scope);
      case 'del': {
        const dels = s.targets.map((t) => this.delTarget(t, scope));
        return (f) => {
          for (const d of dels) d(f);
          return NORMAL;
        };
      }
      case 'pass':
        return () => NORMAL;
      case 'break':
        return () => BREAK;
      case 'continue':
        return () => CONTINUE;
      case 'return': {
        const v = s.value ? this.expr(s.value, scope) : null;
        return (f) => {
          f.ret = v ? v(f) : null;
          return RETURN;
        };
      }
      case 'if': {
        const test = this.cond(s.test, scope);
        const body = this.block(s.body, scope);
        const orelse = s.orelse.length ? this.block(s.orelse, scope) : null;
        return (f) => (test(f) ? body(f) : orelse ? orelse(f) : NORMAL);
      }
      case 'while': {
        const test = this.cond(s.test, scope);
        const body = this.block(s.body, scope);
        const orelse = s.orelse.length ? this.block(s.orelse, scope) : null;
        return (f) => {
          while (test(f)) {
            if (++rt.steps > rt.maxSteps) stepLimit();
            const sig = body(f);
            if (sig === BREAK) return NORMAL;
            if (sig === RETURN) return RETURN;
          }
          return orelse ? orelse(f) : NORMAL;
        };
      }
      case 'for': {
        const iter = this.expr(s.iter, scope);
        const target = this.target(s.target, scope);
        const body = this.block(s.body, scope);
        const orelse = s.orelse.length ? this.block(s.orelse, scope) : null;
        return (f) => {
          const it = iterate(iter(f));
          for (let v = it.next(); v !== undefined; v = it.next()) {
            if (++rt.steps > rt.maxSteps) stepLimit();
            target(f, v);
            const sig = body(f);
            if (sig === BREAK) return NORMAL;
            if (sig === RETURN) return RETURN;
          }
          return orelse ? orelse(f) : NORMAL;
        };
      }
      case 'def': {
        const make = this.func(s.name, s.params, s.body, null, scope);
        const decorators = s.decorators.map((d) => this.expr(d, scope));
        const store = this.storeName(s.name, scope);
        return (f) => {
          const decs = decorators.map((d) => d(f));
          let fn: PyValue = make(f);
          for (let i = decs.length - 1; i >= 0; i--)
            fn = callAny(decs[i] as PyValue, [fn], undefined);
          store(f, fn);
          return NORMAL;
        };
      }
      case 'class':
        return () => raise('NameError', '__build_class__ not found');
      case 'try':
        return this.tryStmt(s, scope);
      case 'raise': {
        const exc = s.exc ? this.expr(s.exc, scope) : null;
        const cause = s.cause ? this.expr(s.cause, scope) : null;
        return (f) => {
          if (!exc) {
            const cur = rt.handling[rt.handling.length - 1];
            if (!cur) raise('RuntimeError', 'No active exception to reraise');
            throw cur;
          }
          const e = toException(exc(f));
          if (cause) {
            const c = cause(f);
            if (c !== null) toException(c);
          }
          const cur = rt.handling[rt.handling.length - 1];
          if (cur && cur !== e) e.context = cur;
          e.span = undefined;
          throw e;
        };
      }
      case 'assert': {
        const test = this.cond(s.test, scope);
        const msg = s.msg ? this.expr(s.msg, scope) : null;
        return (f) => {
          if (!test(f)) {
            if (msg) raise('AssertionError', msg(f));
            raise('AssertionError');
          }
          return NORMAL;
        };
      }
      case 'import': {
        const moduleLevel = scope.kind === 'module';
        const steps = s.names.map((n) => {
          const parts = n.name.split('.');
          const top = parts[0] as string;
          const store = this.storeName(n.asname ?? top, scope);
          const full = n.name;
          return (f: Frame): void => {
            if (f.builtins === undefined) {
              const mod = rt.importModule(full);
              store(f, n.asname ? mod : rt.importModule(top));
              return;
            }
            // a `__builtins__` with its own `__import__`: it returns the top-level package
            let mod = importFor(f, full, null, moduleLevel);
            if (n.asname) for (const part of parts.slice(1)) mod = getAttribute(mod, part);
            store(f, mod);
          };
        });
        return (f) => {
          for (const st of steps) st(f);
          return NORMAL;
        };
      }
      case 'importfrom': {
        const mod = s.module;
        const names = s.names.map((n) => ({
          name: n.name,
          store: n.name === '*' ? null : this.storeName(n.asname ?? n.name, scope),
        }));
        const moduleLevel = scope.kind === 'module';
        const fromlist = new PyTuple(s.names.map((n) => n.name));
        return (f) => {
          if (mod.startsWith('.'))
            raise('ImportError', 'attempted relative import with no known parent package');
          if (f.builtins !== undefined) {
            importFromCustom(f, importFor(f, mod, fromlist, moduleLevel), mod, names);
            return NORMAL;
          }
          const m = rt.importModule(mod);
          for (const n of names) {
            if (n.store === null) {
              for (const [k, v] of m.attrs) if (!k.startsWith('_')) f.globals.set(k, v);
              continue;
            }
            let v = m.attrs.get(n.name);
            if (v === undefined) {
              try {
                v = rt.importModule(`${mod}.${n.name}`);
              } catch {
                raise('ImportError', `cannot import name '${n.name}' from '${mod}'`);
              }
            }
            n.store(f, v);
          }
          return NORMAL;
        };
      }
      case 'global':
        return () => NORMAL;
      case 'nonlocal':
        for (const n of s.names) {
          let found = false;
          for (let p = scope.parent; p && p.kind !== 'module'; p = p.parent) {
            if (p.slots.has(n)) found = true;
          }
          if (!found || scope.kind === 'module') {
            throw makeSyntax(
              scope.kind === 'module'
                ? 'nonlocal declaration not allowed at module level'
                : `no binding for nonlocal '${n}' found`,
              s.line,
              s.col,
            );
          }
        }
        return () => NORMAL;
    }
  }

  private tryStmt(s: Extract<Stmt, { kind: 'try' }>, scope: Scope): Ex {
    const body = this.block(s.body, scope);
    const handlers = s.handlers.map((h) => ({
      type: h.type ? this.expr(h.type, scope) : null,
      store: h.name ? this.storeName(h.name, scope) : null,
      unbind: h.name ? this.delName(h.name, scope, true) : null,
      body: this.block(h.body, scope),
    }));
    const orelse = s.orelse.length ? this.block(s.orelse, scope) : null;
    const finalbody = s.finalbody.length ? this.block(s.finalbody, scope) : null;
    const tryExcept: Ex = (f) => {
      let sig: number;
      try {
        sig = body(f);
      } catch (err) {
        if (handlers.length === 0) throw err;
        const exc = locate(err, s.line, s.col);
        if (!(exc instanceof PyException) || exc.uncatchable) throw exc;
        for (const h of handlers) {
          if (h.type && !exceptionMatches(exc, h.type(f))) continue;
          if (h.store) h.store(f, exc);
          rt.handling.push(exc);
          try {
            return h.body(f);
          } finally {
            rt.handling.pop();
            if (h.unbind) h.unbind(f);
          }
        }
        throw exc;
      }
      if (orelse && sig === NORMAL) return orelse(f);
      return sig;
    };
    if (!finalbody) return tryExcept;
    return (f) => {
      let sig = NORMAL;
      let failed = false;
      let error: unknown;
      try {
        sig = tryExcept(f);
      } catch (e) {
        failed = true;
        error = e;
      }
      if (failed && error instanceof PyException && error.uncatchable) throw error;
      const fsig = finalbody(f);
      if (fsig !== NORMAL) return fsig;
      if (failed) throw error;
      return sig;
    };
  }

  private func(
    name: string,
    params: Params,
    body: readonly Stmt[] | null,
    lambdaBody: Expr | null,
    scope: Scope,
  ): (f: Frame) => PyFunction {
    const fscope = new Scope('function', scope);
    const paramSlots = params.positional.map((p) => fscope.declare(p.name));
    const varargsSlot = params.varargs ? fscope.declare(params.varargs) : -1;
    const kwonlySlots = params.kwonly.map((p) => fscope.declare(p.name));
    const varkwSlot = params.varkw ? fscope.declare(params.varkw) : -1;
    let code: Ex;
    if (body) {
      collectBindings(body, fscope);
      for (const n of fscope.globalNames) {
        if (params.positional.some((p) => p.name === n)) {
          throw makeSyntax(`name '${n}' is parameter and global`, 0, 0);
        }
      }
      code = this.block(body, fscope);
    } else {
      const expr = lambdaBody as Expr;
      collectBindings([{ kind: 'expr', value: expr, line: expr.line, col: expr.col }], fscope);
      const ev = this.expr(expr, fscope);
      code = (f) => {
        f.ret = ev(f);
        return RETURN;
      };
    }
    const fc: FunctionCode = {
      generator: body !== null && containsYield(body),
      name,
      params,
      nslots: fscope.slots.size,
      paramSlots,
      kwonlySlots,
      varargsSlot,
      varkwSlot,
      body: code,
    };
    const defaults = params.positional
      .filter((p) => p.default !== null)
      .map((p) => this.expr(p.default as Expr, scope));
    const kwDefaults = params.kwonly
      .filter((p) => p.default !== null)
      .map((p) => [p.name, this.expr(p.default as Expr, scope)] as const);
    return (f) => {
      const dv = defaults.map((d) => d(f));
      const kv = new Map<string, PyValue>();
      for (const [k, d] of kwDefaults) kv.set(k, d(f));
      return new PyFunction(fc, dv, kv, f);
    };
  }

  // ------------------------------------------------------------------ names and targets

  private loadName(name: string, scope: Scope): Ev {
    const r = resolve(scope, name);
    switch (r.kind) {
      case 'local': {
        const slot = r.slot;
        return (f) => {
          const v = f.vars[slot];
          if (v === undefined) {
            raise(
              'UnboundLocalError',
              `cannot access local variable '${name}' where it is not associated with a value`,
            );
          }
          return v;
        };
      }
      case 'free': {
        const { depth, slot } = r;
        return (f) => {
          let fr = f;
          for (let i = 0; i < depth; i++) fr = fr.parent as Frame;
          const v = fr.vars[slot];
          if (v === undefined) {
            raise(
              'NameError',
              `cannot access free variable '${name}' where it is not associated with a value in enclosing scope`,
            );
          }
          return v;
        };
      }
      case 'global':
        return (f) => {
          const v = f.globals.get(name);
          if (v !== undefined) return v;
          const b =
            f.builtins === undefined ? rt.builtins.get(name) : lookupBuiltin(f.builtins, name);
          if (b !== undefined) return b;
          return nameError(name);
        };
    }
  }

  private storeName(name: string, scope: Scope): Assign {
    const r = resolve(scope, name);
    switch (r.kind) {
      case 'local': {
        const slot = r.slot;
        return (f, v) => {
          f.vars[slot] = v;
        };
      }
      case 'free': {
        const { depth, slot } = r;
        return (f, v) => {
          let fr = f;
          for (let i = 0; i < depth; i++) fr = fr.parent as Frame;
          fr.vars[slot] = v;
        };
      }
      case 'global':
        return (f, v) => {
          f.globals.set(name, v);
        };
    }
  }

  private delName(name: string, scope: Scope, quiet = false): (f: Frame) => void {
    const r = resolve(scope, name);
    switch (r.kind) {
      case 'local': {
        const slot = r.slot;
        return (f) => {
          if (f.vars[slot] === undefined && !quiet) {
            raise(
              'UnboundLocalError',
              `cannot access local variable '${name}' where it is not associated with a value`,
            );
          }
          f.vars[slot] = undefined;
        };
      }
      case 'free': {
        const { depth, slot } = r;
        return (f) => {
          let fr = f;
          for (let i = 0; i < depth; i++) fr = fr.parent as Frame;
          fr.vars[slot] = undefined;
        };
      }
      case 'global':
        return (f) => {
          if (!f.globals.delete(name) && !quiet) nameError(name);
        };
    }
  }

  private target(t: Expr, scope: Scope): Assign {
    switch (t.kind) {
      case 'name':
        return this.storeName(t.id, scope);
      case 'subscript': {
        const obj = this.expr(t.value, scope);
        const index = this.expr(t.index, scope);
        return (f, v) => {
          setItem(obj(f), index(f), v);
        };
      }
      case 'attr': {
        const obj = this.expr(t.value, scope);
        const attr = t.attr;
        return (f, v) => {
          const o = obj(f);
          if (attr.startsWith('__') && attr.endsWith('__')) {
            raise('AttributeError', `'${typeName(o)}' object attribute '${attr}' is read-only`);
          }
          // stdlib objects with settable attributes (decimal.Context.prec)
          if (isPyObject(o) && o.setAttr) return o.setAttr(attr, v);
          if (o instanceof PyHostModule) return void o.attrs.set(attr, v);
          raise('AttributeError', `'${typeName(o)}' object has no attribute '${attr}'`);
        };
      }
      case 'tuple':
      case 'list': {
        const starIndex = t.elts.findIndex((e) => e.kind === 'starred');
        const subs = t.elts.map((e) => this.target(e.kind === 'starred' ? e.value : e, scope));
        const n = subs.length;
        return (f, v) => {
          if (!isIterableValue(v))
            raise('TypeError', `cannot unpack non-iterable ${typeName(v)} object`);
          const items = v instanceof PyTuple || v instanceof PyList ? v.items.slice() : toArray(v);
          if (starIndex < 0) {
            if (items.length < n)
              raise(
                'ValueError',
                `not enough values to unpack (expected ${n}, got ${items.length})`,
              );
            if (items.length > n) raise('ValueError', `too many values to unpack (expected ${n})`);
            for (let i = 0; i < n; i++) (subs[i] as Assign)(f, items[i] as PyValue);
            return;
          }
          if (items.length < n - 1) {
            raise(
              'ValueError',
              `not enough values to unpack (expected at least ${n - 1}, got ${items.length})`,
            );
          }
          const after = n - 1 - starIndex;
          for (let i = 0; i < starIndex; i++) (subs[i] as Assign)(f, items[i] as PyValue);
          (subs[starIndex] as Assign)(f, new PyList(items.slice(starIndex, items.length - after)));
          for (let i = 0; i < after; i++)
            (subs[starIndex + 1 + i] as Assign)(f, items[items.length - after + i] as PyValue);
        };
      }
      default:
        throw makeSyntax('cannot assign to expression', t.line, t.col);
    }
  }

  private delTarget(t: Expr, scope: Scope): (f: Frame) => void {
    switch (t.kind) {
      case 'name':
        return this.delName(t.id, scope);
      case 'subscript': {
        const obj = this.expr(t.value, scope);
        const index = this.expr(t.index, scope);
        return (f) => delItem(obj(f), index(f));
      }
      case 'attr': {
        const obj = this.expr(t.value, scope);
        return (f) => {
          const o = obj(f);
          const dunder = t.attr.startsWith('__') && t.attr.endsWith('__');
          if (o instanceof PyHostModule && !dunder) {
            if (!o.attrs.delete(t.attr))
              raise('AttributeError', `'module' object has no attribute '${t.attr}'`);
            return;
          }
          raise('AttributeError', `'${typeName(o)}' object has no attribute '${t.attr}'`);
        };
      }
      case 'tuple':
      case 'list': {
        const subs = t.elts.map((e) => this.delTarget(e, scope));
        return (f) => {
          for (const d of subs) d(f);
        };
      }
      default:
        throw makeSyntax('cannot delete expression', t.line, t.col);
    }
  }

  private augAssign(t: Expr, op: BinOp, value: Ev, scope: Scope): Ex {
    switch (t.kind) {
      case 'name': {
        const load = this.loadName(t.id, scope);
        const store = this.storeName(t.id, scope);
        return (f) => {
          store(f, inplaceOp(op, load(f), value(f)));
          return NORMAL;
        };
      }
      case 'subscript': {
        const obj = this.expr(t.value, scope);
        const index = this.expr(t.index, scope);
        return (f) => {
          const o = obj(f);
          const i = index(f);
          setItem(o, i, inplaceOp(op, getItem(o, i), value(f)));
          return NORMAL;
        };
      }
      case 'attr': {
        const obj = this.expr(t.value, scope);
        return (f) => {
          const o = obj(f);
          const old = getAttribute(o, t.attr);
          if (o instanceof PyHostModule) {
            o.attrs.set(t.attr, inplaceOp(op, old, value(f)));
            return NORMAL;
          }
          raise('AttributeError', `'${typeName(o)}' object attribute '${t.attr}' is read-only`);
        };
      }
      default:
        throw makeSyntax('illegal expression for augmented assignment', t.line, t.col);
    }
  }

  // ------------------------------------------------------------------ expressions

  /** Compiles an expression used as a condition, returning a JS boolean. */
  cond(e: Expr, scope: Scope): (f: Frame) => boolean {
    if (e.kind === 'compare' && e.ops.length === 1) {
      const op = e.ops[0] as string;
      const l = this.expr(e.left, scope);
      const r = this.expr(e.comparators[0] as Expr, scope);
      const cmp = compareFn(op);
      const { line, col } = e;
      return (f) => {
        const a = l(f);
        const b = r(f);
        try {
          return cmp(a, b);
        } catch (err) {
          throw locate(err, line, col);
        }
      };
    }
    if (e.kind === 'unary' && e.op === 'not') {
      const inner = this.cond(e.operand, scope);
      return (f) => !inner(f);
    }
    if (e.kind === 'boolop') {
      const parts = e.values.map((v) => this.cond(v, scope));
      if (e.op === 'and') return (f) => parts.every((p) => p(f));
      return (f) => parts.some((p) => p(f));
    }
    const v = this.expr(e, scope);
    return (f) => {
      const x = v(f);
      return typeof x === 'boolean' ? x : truthy(x);
    };
  }

  expr(e: Expr, scope: Scope): Ev {
    switch (e.kind) {
      case 'const': {
        const v = e.value;
        return () => v;
      }
      case 'name':
        return this.loadName(e.id, scope);
      case 'binop': {
        const l = this.expr(e.left, scope);
        const r = this.expr(e.right, scope);
        const op = e.op as BinOp;
        const { line, col } = e;
        if (op === '+') {
          return (f) => {
            const a = l(f);
            const b = r(f);
            if (typeof a === 'bigint' && typeof b === 'bigint') return a + b;
            if (typeof a === 'number' && typeof b === 'number') return a + b;
            try {
              return binaryOp(op, a, b);
            } catch (err) {
              throw locate(err, line, col);
            }
          };
        }
        return (f) => {
          const a = l(f);
          const b = r(f);
          try {
            return binaryOp(op, a, b);
          } catch (err) {
            throw locate(err, line, col);
          }
        };
      }
      case 'unary': {
        if (e.op === 'not') {
          const c = this.cond(e.operand, scope);
          return (f) => !c(f);
        }
        const v = this.expr(e.operand, scope);
        const op = e.op;
        return (f) => unaryOp(op, v(f));
      }
      case 'boolop': {
        const parts = e.values.map((v) => this.expr(v, scope));
        const n = parts.length;
        if (e.op === 'and') {
          return (f) => {
            let v: PyValue = null;
            for (let i = 0; i < n; i++) {
              v = (parts[i] as Ev)(f);
              if (!truthy(v)) return v;
            }
            return v;
          };
        }
        return (f) => {
          let v: PyValue = null;
          for (let i = 0; i < n; i++) {
            v = (parts[i] as Ev)(f);
            if (truthy(v)) return v;
          }
          return v;
        };
      }
      case 'compare': {
        const c = this.compareChain(e, scope);
        return c;
      }
      case 'ifexp': {
        const test = this.cond(e.test, scope);
        const body = this.expr(e.body, scope);
        const orelse = this.expr(e.orelse, scope);
        return (f) => (test(f) ? body(f) : orelse(f));
      }
      case 'lambda': {
        const make = this.func('<lambda>', e.params, null, e.body, scope);
        return make;
      }
      case 'call':
        return this.call(e, scope);
      case 'attr': {
        const obj = this.expr(e.value, scope);
        const name = e.attr;
        const { line, col } = e;
        return (f) => {
          const o = obj(f);
          try {
            return getAttribute(o, name);
          } catch (err) {
            throw locate(err, line, col);
          }
        };
      }
      case 'subscript': {
        const obj = this.expr(e.value, scope);
        const index = this.expr(e.index, scope);
        const { line, col } = e;
        return (f) => {
          const o = obj(f);
          const i = index(f);
          try {
            return getItem(o, i);
          } catch (err) {
            throw locate(err, line, col);
          }
        };
      }
      case 'slice': {
        const lo = e.lower ? this.expr(e.lower, scope) : null;
        const hi = e.upper ? this.expr(e.upper, scope) : null;
        const st = e.step ? this.expr(e.step, scope) : null;
        return (f) =>
          new PySlice(
            lo ? lo(f) : null,
            hi ? hi(f) : null,
            st ? st(f) : null,
          ) as unknown as PyValue;
      }
      case 'list': {
        const items = this.sequence(e.elts, scope);
        return (f) => new PyList(items(f));
      }
      case 'tuple': {
        if (e.elts.length === 0) return () => PyTuple.EMPTY;
        const items = this.sequence(e.elts, scope);
        return (f) => new PyTuple(items(f));
      }
      case 'set': {
        const constant = constantSetDisplay(e.elts);
        if (constant) return () => PySet.copyOf(constant, false);
        const items = this.sequence(e.elts, scope);
        return (f) => new PySet(items(f));
      }
      case 'dict': {
        const keys = e.keys.map((k) => (k ? this.expr(k, scope) : null));
        const values = e.values.map((v) => this.expr(v, scope));
        return (f) => {
          const d = new PyDict();
          for (let i = 0; i < keys.length; i++) {
            const k = keys[i];
            if (k) {
              const kv = k(f);
              d.set(kv, (values[i] as Ev)(f));
            } else {
              const m = (values[i] as Ev)(f);
              mergeMapping(d, m);
            }
          }
          return d;
        };
      }
      case 'comp':
        return this.comprehension(e, scope);
      case 'starred':
        throw makeSyntax("can't use starred expression here", e.line, e.col);
      case 'walrus': {
        const v = this.expr(e.value, scope);
        const store = this.storeName(e.target, scope.kind === 'comp' ? scope.owner : scope);
        const owner = scope.owner;
        if (scope.kind === 'comp' && owner.kind === 'function') {
          // stored into the enclosing function's frame: resolve relative to the comprehension
          const r = resolve(scope, e.target);
          if (r.kind === 'free' || r.kind === 'local') {
            const st = this.storeName(e.target, scope);
            return (f) => {
              const x = v(f);
              st(f, x);
              return x;
            };
          }
        }
        return (f) => {
          const x = v(f);
          store(f, x);
          return x;
        };
      }
      case 'fstring':
        return this.fstring(e.parts, scope);
      case 'yield': {
        const v = e.value ? this.expr(e.value, scope) : null;
        const from = e.from;
        return (f) => {
          const out = f.yielded;
          if (!out) return raise('SyntaxError', "'yield' outside function");
          const x = v ? v(f) : null;
          if (from) for (const item of toArray(x)) out.push(item);
          else out.push(x);
          checkSize(out.length);
          return null;
        };
      }
    }
  }

  private fstring(parts: readonly FStringPart[], scope: Scope): Ev {
    const compiled = parts.map((p) => {
      if (typeof p === 'string') return p;
      const v = this.expr(p.expr, scope);
      const spec = p.spec ? this.fstring(p.spec, scope) : null;
      const conv = p.conversion;
      const debug = p.debugText;
      return (f: Frame): string => {
        let x = v(f);
        if (conv === 'r') x = pyRepr(x);
        else if (conv === 's') x = pyStr(x);
        else if (conv === 'a') x = asciiEscape(pyRepr(x));
        const sp = spec ? (spec(f) as string) : '';
        const out = typeof x === 'string' && sp === '' ? x : formatValue(x, sp);
        return debug === null ? out : debug + out;
      };
    });
    return (f) => {
      let s = '';
      for (const c of compiled) s += typeof c === 'string' ? c : c(f);
      checkSize(s.length);
      return s;
    };
  }

  private compareChain(e: Extract<Expr, { kind: 'compare' }>, scope: Scope): Ev {
    const left = this.expr(e.left, scope);
    const rights = e.comparators.map((c) => this.expr(c, scope));
    const fns = e.ops.map(compareFn);
    const { line, col } = e;
    if (fns.length === 1) {
      const r = rights[0] as Ev;
      const fn = fns[0] as (a: PyValue, b: PyValue) => boolean;
      return (f) => {
        const a = left(f);
        const b = r(f);
        try {
          return fn(a, b);
        } catch (err) {
          throw locate(err, line, col);
        }
      };
    }
    return (f) => {
      let a = left(f);
      for (let i = 0; i < fns.length; i++) {
        const b = (rights[i] as Ev)(f);
        let ok: boolean;
        try {
          ok = (fns[i] as (a: PyValue, b: PyValue) => boolean)(a, b);
        } catch (err) {
          throw locate(err, line, col);
        }
        if (!ok) return false;
        a = b;
      }
      return true;
    };
  }

  /** Elements of a display, expanding `*iterable`. */
  private sequence(elts: readonly Expr[], scope: Scope, forCall = false): (f: Frame) => PyValue[] {
    const hasStar = elts.some((x) => x.kind === 'starred');
    if (!hasStar) {
      const items = elts.map((x) => this.expr(x, scope));
      const n = items.length;
      return (f) => {
        const out = new Array<PyValue>(n);
        for (let i = 0; i < n; i++) out[i] = (items[i] as Ev)(f);
        return out;
      };
    }
    const parts = elts.map((x) => ({
      star: x.kind === 'starred',
      ev: this.expr(x.kind === 'starred' ? x.value : x, scope),
    }));
    return (f) => {
      const out: PyValue[] = [];
      for (const p of parts) {
        const v = p.ev(f);
        if (p.star) {
          if (!isIterableValue(v)) {
            if (forCall)
              throw calleeError(`argument after * must be an iterable, not ${typeName(v)}`);
            raise('TypeError', `Value after * must be an iterable, not ${typeName(v)}`);
          }
          for (const x of toArray(v)) out.push(x);
          checkSize(out.length);
        } else {
          out.push(v);
        }
      }
      return out;
    };
  }

  private call(e: Extract<Expr, { kind: 'call' }>, scope: Scope): Ev {
    const args = this.sequence(e.args, scope, true);
    const simpleKw = e.keywords.every((k) => k.name !== null);
    const kwNames = e.keywords.map((k) => k.name);
    const kwValues = e.keywords.map((k) => this.expr(k.value, scope));
    const kwargs = (f: Frame): PyKwargs => {
      if (kwValues.length === 0) return undefined;
      const m = new Map<string, PyValue>();
      for (let i = 0; i < kwValues.length; i++) {
        const name = kwNames[i];
        const v = (kwValues[i] as Ev)(f);
        if (name !== null && name !== undefined) {
          m.set(name, v);
        } else {
          if (!(v instanceof PyDict)) {
            throw calleeError(`argument after ** must be a mapping, not ${typeName(v)}`);
          }
          for (const entry of v.entries()) {
            if (typeof entry.key !== 'string') raise('TypeError', 'keywords must be strings');
            if (m.has(entry.key))
              raise('TypeError', `got multiple values for keyword argument '${entry.key}'`);
            m.set(entry.key, entry.value);
          }
        }
      }
      return m;
    };
    void simpleKw;
    const { line, col } = e;
    if (e.func.kind === 'attr') {
      const obj = this.expr(e.func.value, scope);
      const name = e.func.attr;
      return (f) => {
        const o = obj(f);
        let a: PyValue[];
        let k: PyKwargs;
        try {
          a = args(f);
          k = kwargs(f);
        } catch (err) {
          throw locate(
            nameCallee(err, () => `${typeName(o)}.${name}`),
            line,
            col,
          );
        }
        try {
          return callMethod(o, name, a, k);
        } catch (err) {
          throw locate(err, line, col);
        }
      };
    }
    const func = this.expr(e.func, scope);
    const localsOf = this.localsSnapshot(scope);
    return (f) => {
      const fn = func(f);
      let a: PyValue[];
      let k: PyKwargs;
      try {
        a = args(f);
        k = kwargs(f);
      } catch (err) {
        throw locate(
          nameCallee(err, () => calleeName(fn)),
          line,
          col,
        );
      }
      try {
        if (fn === LOCALS_BUILTIN) {
          if (a.length || k) raise('TypeError', `locals() takes no arguments (${a.length} given)`);
          return localsOf(f);
        }
        if (fn === VARS_BUILTIN && a.length === 0 && !k) return localsOf(f);
        return callAny(fn, a, k);
      } catch (err) {
        throw locate(err, line, col);
      }
    };
  }

  private localsSnapshot(scope: Scope): (f: Frame) => PyDict {
    if (scope.kind === 'module') {
      return (f) => {
        const d = new PyDict();
        for (const k of f.globals.keys()) {
          const v = f.globals.get(k);
          if (v !== undefined) d.set(k, v);
        }
        return d;
      };
    }
    const names = [...scope.slots.entries()];
    return (f) => {
      const d = new PyDict();
      for (const [name, slot] of names) {
        const v = f.vars[slot];
        if (v !== undefined) d.set(name, v);
      }
      return d;
    };
  }

  private comprehension(e: Extract<Expr, { kind: 'comp' }>, scope: Scope): Ev {
    const cscope = new Scope('comp', scope);
    const gens = e.generators;
    const firstIter = this.expr((gens[0] as Comprehension).iter, scope);
    // declare targets first so nested references resolve to the comprehension's slots
    const declareTarget = (t: Expr): void => {
      if (t.kind === 'name') cscope.declare(t.id);
      else if (t.kind === 'tuple' || t.kind === 'list') t.elts.forEach(declareTarget);
      else if (t.kind === 'starred') declareTarget(t.value);
    };
    gens.forEach((g) => declareTarget(g.target));
    const levels = gens.map((g, i) => ({
      target: this.target(g.target, cscope),
      iter: i === 0 ? null : this.expr(g.iter, cscope),
      ifs: g.ifs.map((c) => this.cond(c, cscope)),
    }));
    const elt = this.expr(e.elt, cscope);
    const value = e.value ? this.expr(e.value, cscope) : null;
    const nslots = cscope.slots.size;
    const depth = levels.length;

    const drive = (f: Frame, emit: (cf: Frame) => void): void => {
      const cf = new Frame(nslots, f, f.globals, builtinsFor(f.globals, f.builtins));
      const it0 = iterate(firstIter(f));
      const run = (level: number, it: PyIterator): void => {
        const L = levels[level] as (typeof levels)[number];
        for (let v = it.next(); v !== undefined; v = it.next()) {
          if (++rt.steps > rt.maxSteps) stepLimit();
          L.target(cf, v);
          let ok = true;
          for (const c of L.ifs) {
            if (!c(cf)) {
              ok = false;
              break;
            }
          }
          if (!ok) continue;
          if (level === depth - 1) emit(cf);
          else run(level + 1, iterate((levels[level + 1] as (typeof levels)[number]).iter!(cf)));
        }
      };
      run(0, it0);
    };

    switch (e.type) {
      case 'list':
        return (f) => {
          const out: PyValue[] = [];
          drive(f, (cf) => {
            out.push(elt(cf));
            if (out.length > 1_000_000) checkSize(out.length);
          });
          return new PyList(out);
        };
      case 'set':
        return (f) => {
          const out = new PySet();
          drive(f, (cf) => out.add(elt(cf)));
          return out;
        };
      case 'dict':
        return (f) => {
          const out = new PyDict();
          drive(f, (cf) => {
            const k = elt(cf);
            out.set(k, (value as Ev)(cf));
          });
          return out;
        };
      case 'gen':
        return (f) => {
          const cf = new Frame(nslots, f, f.globals, builtinsFor(f.globals, f.builtins));
          const iters: PyIterator[] = new Array<PyIterator>(depth);
          iters[0] = iterate(firstIter(f));
          let level = 0;
          let done = false;
          return new PyIterator('generator', () => {
            if (done) return undefined;
            for (;;) {
              if (level < 0) {
                done = true;
                return undefined;
              }
              const v = (iters[level] as PyIterator).next();
              if (v === undefined) {
                level--;
                continue;
              }
              if (++rt.steps > rt.maxSteps) stepLimit();
              const L = levels[level] as (typeof levels)[number];
              L.target(cf, v);
              let ok = true;
              for (const c of L.ifs) {
                if (!c(cf)) {
                  ok = false;
                  break;
                }
              }
              if (!ok) continue;
              if (level === depth - 1) return elt(cf);
              level++;
              iters[level] = iterate((levels[level] as (typeof levels)[number]).iter!(cf));
            }
          });
        };
    }
  }
}

/** Whether a function body (not nested functions) yields. */
function containsYield(body: readonly Stmt[]): boolean {
  for (const s of body) {
    switch (s.kind) {
      case 'expr':
      case 'assign':
        if (s.value.kind === 'yield') return true;
        break;
      case 'if':
      case 'while':
        if (containsYield(s.body) || containsYield(s.orelse)) return true;
        break;
      case 'for':
        if (containsYield(s.body) || containsYield(s.orelse)) return true;
        break;
      case 'try':
        if (containsYield(s.body) || containsYield(s.orelse) || containsYield(s.finalbody))
          return true;
        if (s.handlers.some((h) => containsYield(h.body))) return true;
        break;
      default:
        break;
    }
  }
  return false;
}

const CALLEE = Symbol('callee');

/** A TypeError whose message still needs the callee's name in front ("f() argument after *..."). */
function calleeError(msg: string): PyException {
  const e = makeException('TypeError', msg);
  (e as unknown as Record<symbol, boolean>)[CALLEE] = true;
  return e;
}

function nameCallee(err: unknown, name: () => string): unknown {
  if (err instanceof PyException && (err as unknown as Record<symbol, boolean>)[CALLEE]) {
    return makeException('TypeError', `${name()}() ${pyStr(err.args[0] ?? '')}`);
  }
  return err;
}

function calleeName(fn: PyValue): string {
  if (fn instanceof PyCallable) {
    const self = (fn as { self?: PyValue }).self;
    return self !== undefined ? `${typeName(self)}.${fn.name}` : fn.name;
  }
  return typeName(fn);
}

function constantValue(e: Expr): PyValue | undefined {
  if (e.kind === 'const') return e.value;
  if (e.kind === 'tuple') {
    const items: PyValue[] = [];
    for (const x of e.elts) {
      const v = constantValue(x);
      if (v === undefined) return undefined;
      items.push(v);
    }
    return new PyTuple(items);
  }
  return undefined;
}

/**
 * A set display of more than two constants, built as CPython does: the compiler folds it into a
 * frozenset constant (made twice: once when folding, again when merging constants) that
 * `SET_UPDATE` copies into a new set. Undefined for other displays.
 */
function constantSetDisplay(elts: readonly Expr[]): PySet | undefined {
  if (elts.length <= 2) return undefined;
  const values: PyValue[] = [];
  for (const e of elts) {
    const v = constantValue(e);
    if (v === undefined || (typeof v === 'object' && v !== null && !(v instanceof PyTuple)))
      return undefined;
    values.push(v);
  }
  try {
    const folded = new PySet(values, true);
    return new PySet(folded.values(), true);
  } catch {
    return undefined; // unhashable: raise at run time
  }
}

function makeSyntax(msg: string, line: number, col: number): PyException {
  const e = makeException('SyntaxError', msg);
  e.span = { line, column: col };
  return e;
}

function compareFn(op: string): (a: PyValue, b: PyValue) => boolean {
  switch (op) {
    case '==':
      return (a, b) => (a === b ? typeof a !== 'number' || a === a : pyEquals(a, b));
    case '!=':
      return (a, b) => !(a === b ? typeof a !== 'number' || a === a : pyEquals(a, b));
    case '<':
      return (a, b) =>
        (typeof a === 'bigint' && typeof b === 'bigint') ||
        (typeof a === 'number' && typeof b === 'number')
          ? a < b
          : compare('<', a, b);
    case '<=':
      return (a, b) =>
        (typeof a === 'bigint' && typeof b === 'bigint') ||
        (typeof a === 'number' && typeof b === 'number')
          ? a <= b
          : compare('<=', a, b);
    case '>':
      return (a, b) =>
        (typeof a === 'bigint' && typeof b === 'bigint') ||
        (typeof a === 'number' && typeof b === 'number')
          ? a > b
          : compare('>', a, b);
    case '>=':
      return (a, b) =>
        (typeof a === 'bigint' && typeof b === 'bigint') ||
        (typeof a === 'number' && typeof b === 'number')
          ? a >= b
          : compare('>=', a, b);
    case 'in':
      return (a, b) => contains(b, a);
    case 'not in':
      return (a, b) => !contains(b, a);
    case 'is':
      return (a, b) => Object.is(a, b);
    case 'is not':
      return (a, b) => !Object.is(a, b);
    default:
      throw new Error(`unknown comparison ${op}`);
  }
}

/** `a op= b`: lists, sets and dicts update in place; everything else rebinds. */
function inplaceOp(op: BinOp, a: PyValue, b: PyValue): PyValue {
  if (a instanceof PyList) {
    if (op === '+') {
      if (!isIterableValue(b)) raise('TypeError', `'${typeName(b)}' object is not iterable`);
      const items = b === a ? a.items.slice() : toArray(b);
      allocate(a.items.length + items.length);
      for (const x of items) a.items.push(x);
      return a;
    }
    if (op === '*') {
      const r = binaryOp('*', a, b) as PyList;
      a.items = r.items;
      return a;
    }
  }
  if (
    a instanceof PySet &&
    !a.frozen &&
    b instanceof PySet &&
    (op === '|' || op === '&' || op === '-' || op === '^')
  ) {
    if (op === '|') updateWith(a, b);
    else if (op === '-') differenceUpdate(a, b);
    else if (op === '^') symmetricDifferenceUpdate(a, b);
    else a.replaceWith(setIntersection(a, b));
    return a;
  }
  if (a instanceof PyDict && op === '|') {
    if (b instanceof PyDict) {
      for (const e of b.entries()) a.set(e.key, e.value);
      return a;
    }
    const tmp = new PyDict();
    mergePairs(tmp, b);
    for (const e of tmp.entries()) a.set(e.key, e.value);
    return a;
  }
  return inplaceBinaryOp(op, a, b);
}

function mergePairs(d: PyDict, src: PyValue): void {
  for (const item of toArray(src)) {
    const pair = toArray(item);
    if (pair.length !== 2)
      raise('ValueError', 'dictionary update sequence element has wrong length');
    d.set(pair[0] as PyValue, pair[1] as PyValue);
  }
}

function mergeMapping(d: PyDict, m: PyValue): void {
  if (m instanceof PyDict) {
    for (const e of m.entries()) d.set(e.key, e.value);
    return;
  }
  raise('TypeError', `'${typeName(m)}' object is not a mapping`);
}

function isIterableValue(v: PyValue): boolean {
  if (typeof v === 'string') return true;
  if (v === null || typeof v !== 'object') return false;
  if (v instanceof PyCallable || v instanceof PyModule || v instanceof PyException) return false;
  if (isPyObject(v)) return v.iter !== undefined;
  return true;
}

/** The value standing for the `locals` builtin. */
export const LOCALS_BUILTIN: PyValue = new (class extends PyCallable {
  readonly name = 'locals';
  call(): PyValue {
    return new PyDict();
  }
})();

/**
 * `vars` (trusted host code only, see `trusted.ts`): `vars(module)` is a new dict of the module's
 * readable attributes (dunder names left out, as attribute access refuses them, except the
 * `__import__` of the `builtins` module); `vars()` is `locals()`.
 * Any other argument raises TypeError: classes, functions and objects expose no `__dict__`.
 */
export const VARS_BUILTIN: PyValue = new (class extends PyCallable {
  readonly name = 'vars';
  call(args: PyValue[], kwargs: PyKwargs): PyValue {
    if (kwargs && kwargs.size > 0) raise('TypeError', 'vars() takes no keyword arguments');
    if (args.length > 1) raise('TypeError', `vars expected at most 1 argument, got ${args.length}`);
    const m = args[0];
    if (m === undefined) return new PyDict();
    if (!(m instanceof PyModule)) {
      return raise('TypeError', 'vars() argument must have __dict__ attribute');
    }
    const d = new PyDict();
    for (const [k, v] of m.attrs) {
      if (k === '__import__' || !(k.startsWith('__') && k.endsWith('__'))) d.set(k, v);
    }
    return d;
  }
})();

/** Calls any callable value. */
export function callAny(fn: PyValue, args: PyValue[], kwargs: PyKwargs): PyValue {
  if (fn instanceof PyCallable) return fn.call(args, kwargs);
  return raise('TypeError', `'${typeName(fn)}' object is not callable`);
}

function exceptionMatches(exc: PyException, type: PyValue): boolean {
  if (type instanceof PyExceptionType) return exc.excType.isSubclassOf(type);
  if (type instanceof PyTuple) {
    for (const t of type.items) if (exceptionMatches(exc, t)) return true;
    return false;
  }
  return raise(
    'TypeError',
    'catching classes that do not inherit from BaseException is not allowed',
  );
}

function toException(v: PyValue): PyException {
  if (v instanceof PyException) return v;
  if (v instanceof PyExceptionType) return v.call([], undefined) as PyException;
  if (v instanceof PyType) return raise('TypeError', 'exceptions must derive from BaseException');
  return raise('TypeError', 'exceptions must derive from BaseException');
}

export { hashKey };
