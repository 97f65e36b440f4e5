/**
 * The Python value model shared by the interpreter and the stdlib modules (see CONTRACT.md).
 *
 * | Python | TypeScript |
 * | --- | --- |
 * | `None` / `bool` / `int` / `float` / `str` | `null` / `boolean` / `bigint` / `number` / `string` |
 * | `list` / `tuple` / `dict` / `set`, `frozenset` | {@link PyList} / {@link PyTuple} / {@link PyDict} / {@link PySet} |
 * | functions, builtins, bound methods, classes | {@link PyCallable} subclasses ({@link PyBuiltin}, {@link PyType}) |
 * | modules / exceptions | {@link PyModule} / {@link PyException} |
 * | anything else (datetime, Decimal, re.Match, ...) | a class implementing {@link PyObject} |
 */

import { SetTable, stableHash } from './set-order.js';

/** Binary operators a {@link PyObject} may implement. */
export type BinOp = '+' | '-' | '*' | '/' | '//' | '%' | '**' | '<<' | '>>' | '&' | '|' | '^' | '@';
/** Ordering comparisons a {@link PyObject} may implement. */
export type CompareOp = '<' | '<=' | '>' | '>=';

/** Any Python value. */
export type PyValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | PyList
  | PyTuple
  | PyDict
  | PySet
  | PyCallable
  | PyModule
  | PyException
  | PyIterator
  | PyRange
  | PyDictView
  | PyObject;

/** Keyword arguments of a call (undefined when there are none). */
export type PyKwargs = ReadonlyMap<string, PyValue> | undefined;

/**
 * Extension point for types that are not built into the interpreter (datetime, Decimal, re.Match...).
 * Protocol methods that return `undefined` mean NotImplemented.
 */
export interface PyObject {
  /** Python type name, e.g. `'datetime'`, `'Decimal'`, `'re.Match'`. */
  readonly pyTypeName: string;
  /** Attribute or bound method; `undefined` makes the interpreter raise AttributeError. */
  getAttr(name: string): PyValue | undefined;
  /** The class object `type(x)` returns, when there is one. */
  pyType?(): PyType;
  binaryOp?(op: BinOp, other: PyValue, reflected: boolean): PyValue | undefined;
  compare?(op: CompareOp, other: PyValue): boolean | undefined;
  equals?(other: PyValue): boolean;
  /** Key used by PyDict/PySet; numbers and bigints mix with Python ints/floats of equal value. */
  hash?(): string | number | bigint;
  repr(): string;
  /** Defaults to `repr()`. */
  str?(): string;
  truthy?(): boolean;
  unaryOp?(op: '-' | '+' | '~'): PyValue | undefined;
  /** `format(x, spec)`, `f'{x:spec}'`. */
  format?(spec: string): string;
  /** Iteration support (`for x in obj`); returns a {@link PyIterator}. */
  iter?(): PyIterator;
  /** `len(obj)`. */
  len?(): number;
  /** `obj[key]`. */
  getItem?(key: PyValue): PyValue;
  /** `x in obj`. */
  contains?(item: PyValue): boolean;
  /** `obj.name = value`; absent: AttributeError. */
  setAttr?(name: string, value: PyValue): void;
}

/** Host services for the clock, randomness and print output (engine code never reads globals). */
export interface HostHooks {
  /** Current time as epoch milliseconds (may be fractional). */
  now(): number;
  /** A uniform random number in [0, 1). */
  random(): number;
  /** Local timezone offset east of UTC in minutes at the given epoch ms; UTC (0) when absent. */
  timezoneOffset?(epochMs: number): number;
  /** Receives `print()` output (one call per print, without the trailing newline). */
  print?(text: string): void;
}

let sharedDefaultHost: HostHooks | undefined;

/**
 * The one default host shared by `evaluate`/`execute` and by values made outside a script (task
 * data decoded without a host), so `type(x) is datetime.datetime` holds between them.
 */
export function sharedDefaultHostHooks(): HostHooks {
  sharedDefaultHost ??= defaultHostHooks();
  return sharedDefaultHost;
}

/** Default hooks: a frozen clock at the epoch and a deterministic PRNG; print output is dropped. */
export function defaultHostHooks(): HostHooks {
  let state = 0x2545f491;
  return {
    now: () => 0,
    random: () => {
      // xorshift32: deterministic, good enough when the host supplies nothing better
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 4294967296;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Containers

/** Python `list`. */
export class PyList {
  items: PyValue[];
  constructor(items: PyValue[] = []) {
    this.items = items;
  }
}

/** Python `tuple`. */
export class PyTuple {
  readonly items: readonly PyValue[];
  constructor(items: readonly PyValue[]) {
    this.items = items;
  }
  static readonly EMPTY = new PyTuple([]);
}

/**
 * A tuple with named fields (`time.struct_time`, `DecimalTuple`, `IsoCalendarDate`): behaves as
 * a tuple everywhere, plus attribute access to its fields and a `name(field=value, ...)` repr.
 */
export class PyNamedTuple extends PyTuple {
  /** Name shown by repr, e.g. `'time.struct_time'`. */
  readonly reprName: string;
  readonly fields: readonly string[];
  /** Attributes that are not tuple items (struct_time's `tm_zone`, `tm_gmtoff`). */
  readonly extra: ReadonlyMap<string, PyValue>;
  constructor(
    reprName: string,
    fields: readonly string[],
    items: readonly PyValue[],
    extra: ReadonlyMap<string, PyValue> = new Map(),
  ) {
    super(items);
    this.reprName = reprName;
    this.fields = fields;
    this.extra = extra;
  }
  /** The field or extra attribute `name`, or undefined. */
  field(name: string): PyValue | undefined {
    const i = this.fields.indexOf(name);
    return i >= 0 ? this.items[i] : this.extra.get(name);
  }
}

/** One `dict` entry: the original key (as first inserted) and its value. */
export interface DictEntry {
  key: PyValue;
  value: PyValue;
}

/** Python `dict`: insertion ordered, keys compared with Python equality (`1 == 1.0 == True`). */
export class PyDict {
  readonly map = new Map<unknown, DictEntry>();

  get size(): number {
    return this.map.size;
  }
  get(key: PyValue): PyValue | undefined {
    return this.map.get(hashKey(key))?.value;
  }
  has(key: PyValue): boolean {
    return this.map.has(hashKey(key));
  }
  set(key: PyValue, value: PyValue): void {
    const k = hashKey(key);
    const entry = this.map.get(k);
    if (entry) entry.value = value;
    else this.map.set(k, { key, value });
  }
  /** Removes a key; returns its value or `undefined` when absent. */
  delete(key: PyValue): PyValue | undefined {
    const k = hashKey(key);
    const entry = this.map.get(k);
    if (!entry) return undefined;
    this.map.delete(k);
    return entry.value;
  }
  clear(): void {
    this.map.clear();
  }
  keys(): PyValue[] {
    const out: PyValue[] = [];
    for (const e of this.map.values()) out.push(e.key);
    return out;
  }
  values(): PyValue[] {
    const out: PyValue[] = [];
    for (const e of this.map.values()) out.push(e.value);
    return out;
  }
  entries(): IterableIterator<DictEntry> {
    return this.map.values();
  }
  copy(): PyDict {
    const d = new PyDict();
    for (const [k, e] of this.map) d.map.set(k, { key: e.key, value: e.value });
    return d;
  }
  /** Builds a dict from string keys (in order). */
  static fromRecord(record: Readonly<Record<string, PyValue>>): PyDict {
    const d = new PyDict();
    for (const k of Object.keys(record)) d.set(k, record[k] as PyValue);
    return d;
  }
}

/** Python `set` (or `frozenset` when `frozen`). */
export class PySet {
  readonly map = new Map<unknown, PyValue>();
  readonly frozen: boolean;
  /**
   * Model of CPython's hash table, which fixes the iteration order (`list({3, 1, 2})` is
   * `[1, 2, 3]`); null once an element whose hash differs between CPython processes (str, None)
   * is added: then insertion order is used.
   */
  table: SetTable | null = new SetTable();
  constructor(items: Iterable<PyValue> = [], frozen = false) {
    this.frozen = frozen;
    for (const v of items) this.add(v);
  }
  get size(): number {
    return this.map.size;
  }
  has(v: PyValue): boolean {
    return this.map.has(hashKey(v));
  }
  add(v: PyValue): void {
    const k = hashKey(v);
    if (this.map.has(k)) return;
    this.map.set(k, v);
    if (this.table) {
      const h = stableHash(v, tupleItemsOf);
      if (h === undefined) this.table = null;
      else this.table.add(k, h);
    }
  }
  delete(v: PyValue): boolean {
    const k = hashKey(v);
    const stored = this.map.get(k);
    if (stored === undefined && !this.map.has(k)) return false;
    if (this.table) this.table.discard(k, stableHash(stored as PyValue, tupleItemsOf) as bigint);
    this.map.delete(k);
    return true;
  }
  clear(): void {
    this.map.clear();
    this.table = new SetTable();
  }
  /** Removes and returns the element CPython's `pop()` would, or undefined when empty. */
  pop(): PyValue | undefined {
    if (this.map.size === 0) return undefined;
    let k: unknown;
    if (this.table) k = this.table.pop();
    else k = this.map.keys().next().value;
    const v = this.map.get(k) as PyValue;
    this.map.delete(k);
    return v;
  }
  /** Elements in iteration order. */
  values(): PyValue[] {
    if (!this.table || this.map.size < 2) return [...this.map.values()];
    return this.table.entries().map(([k]) => this.map.get(k) as PyValue);
  }
  /** set_merge: adds every element of `other` (a copy keeps other's table layout). */
  update(other: PySet): void {
    if (other === this) return;
    if (this.table && other.table) {
      const isNew = (k: unknown): boolean => !this.map.has(k);
      this.table.merge(other.table, isNew);
      for (const [k, v] of other.map) if (!this.map.has(k)) this.map.set(k, v);
      return;
    }
    for (const v of other.values()) this.add(v);
  }
  /** Replaces this set's contents by those of `other` (set_swap_bodies). */
  replaceWith(other: PySet): void {
    this.map.clear();
    for (const [k, v] of other.map) this.map.set(k, v);
    this.table = other.table;
  }
  /** A copy with the same layout (set(s), s.copy(), frozenset(s)). */
  static copyOf(src: PySet, frozen = src.frozen): PySet {
    const out = new PySet([], frozen);
    out.update(src);
    return out;
  }
}

function tupleItemsOf(v: unknown): readonly unknown[] | undefined {
  return v instanceof PyTuple ? v.items : undefined;
}

/** A live view over a dict: `d.keys()`, `d.values()`, `d.items()`. */
export class PyDictView {
  readonly dict: PyDict;
  readonly kind: 'keys' | 'values' | 'items';
  constructor(dict: PyDict, kind: 'keys' | 'values' | 'items') {
    this.dict = dict;
    this.kind = kind;
  }
  /** Snapshot of the view's elements. */
  items(): PyValue[] {
    const out: PyValue[] = [];
    for (const e of this.dict.entries()) {
      out.push(
        this.kind === 'keys'
          ? e.key
          : this.kind === 'values'
            ? e.value
            : new PyTuple([e.key, e.value]),
      );
    }
    return out;
  }
}

/** Python `range` (ints are bigints). */
export class PyRange {
  readonly start: bigint;
  readonly stop: bigint;
  readonly step: bigint;
  constructor(start: bigint, stop: bigint, step: bigint) {
    this.start = start;
    this.stop = stop;
    this.step = step;
  }
  get length(): bigint {
    const { start, stop, step } = this;
    if (step > 0n) return stop > start ? (stop - start + step - 1n) / step : 0n;
    return start > stop ? (start - stop - step - 1n) / -step : 0n;
  }
  at(i: bigint): bigint {
    return this.start + i * this.step;
  }
}

/**
 * A Python iterator (list_iterator, generator, map, zip, ...). `next()` returns `undefined` when
 * exhausted (never throws StopIteration itself).
 */
export class PyIterator {
  readonly typeName: string;
  readonly next: () => PyValue | undefined;
  constructor(typeName: string, next: () => PyValue | undefined) {
    this.typeName = typeName;
    this.next = next;
  }
  /** Iterates over a JS array (live: later appends are seen, as with a Python list). */
  static ofArray(items: readonly PyValue[], typeName = 'list_iterator'): PyIterator {
    let i = 0;
    return new PyIterator(typeName, () => (i < items.length ? items[i++] : undefined));
  }
}

// ---------------------------------------------------------------------------------------------
// Callables, types, modules

/** Anything callable from Python: builtins, bound methods, user functions, classes. */
export abstract class PyCallable {
  abstract readonly name: string;
  abstract call(args: PyValue[], kwargs: PyKwargs): PyValue;
}

/** Native implementation of a builtin function. */
export type NativeFn = (args: PyValue[], kwargs: PyKwargs) => PyValue;

/** A builtin function or bound builtin method. */
export class PyBuiltin extends PyCallable {
  readonly name: string;
  readonly fn: NativeFn;
  /** The bound object for methods (`'abc'.upper`), used by repr. */
  readonly self: PyValue | undefined;
  constructor(name: string, fn: NativeFn, self?: PyValue) {
    super();
    this.name = name;
    this.fn = fn;
    this.self = self;
  }
  call(args: PyValue[], kwargs: PyKwargs): PyValue {
    return this.fn(args, kwargs);
  }
}

/** Shorthand for `new PyBuiltin(name, fn)`. */
export function builtin(name: string, fn: NativeFn, self?: PyValue): PyBuiltin {
  return new PyBuiltin(name, fn, self);
}

/** Options of a {@link PyType}. */
export interface PyTypeOptions {
  /** Constructor behaviour (`int('3')`, `datetime(2024, 1, 1)`); absent: not callable. */
  call?: NativeFn;
  /** Class attributes (`datetime.now`, `dict.fromkeys`, `Decimal`...). */
  attrs?: ReadonlyMap<string, PyValue>;
  /** `isinstance(v, thisType)`. */
  isInstance?: (v: PyValue) => boolean;
  /** Module name shown by repr (`<class 'datetime.datetime'>`). */
  module?: string;
}

/** A Python class object (`int`, `str`, `datetime.datetime`, ...). */
export class PyType extends PyCallable {
  readonly name: string;
  readonly options: PyTypeOptions;
  constructor(name: string, options: PyTypeOptions = {}) {
    super();
    this.name = name;
    this.options = options;
  }
  call(args: PyValue[], kwargs: PyKwargs): PyValue {
    const fn = this.options.call;
    if (!fn) raise('TypeError', `cannot create '${this.qualName}' instances`);
    return fn(args, kwargs);
  }
  get qualName(): string {
    return this.options.module ? `${this.options.module}.${this.name}` : this.name;
  }
  getAttr(name: string): PyValue | undefined {
    return this.options.attrs?.get(name);
  }
  isInstance(v: PyValue): boolean {
    return this.options.isInstance ? this.options.isInstance(v) : false;
  }
}

/** An exception class with its bases (multiple bases allowed, as decimal's `DivisionByZero`). */
export class PyExceptionType extends PyType {
  readonly bases: readonly PyExceptionType[];
  constructor(name: string, bases: readonly PyExceptionType[], module?: string) {
    super(name, {
      module,
      call: (args, kwargs) => {
        if (kwargs && kwargs.size > 0) {
          raise('TypeError', `${name}() takes no keyword arguments`);
        }
        return new PyException(this, args);
      },
      isInstance: (v) => v instanceof PyException && v.excType.isSubclassOf(this),
    });
    this.bases = bases;
  }
  isSubclassOf(other: PyExceptionType): boolean {
    if (other === this) return true;
    for (const b of this.bases) if (b.isSubclassOf(other)) return true;
    return false;
  }
}

/** A Python module: a name and its attributes. */
export class PyModule {
  readonly name: string;
  readonly attrs: Map<string, PyValue>;
  constructor(name: string, attrs: Map<string, PyValue> = new Map()) {
    this.name = name;
    this.attrs = attrs;
  }
}

// ---------------------------------------------------------------------------------------------
// Exceptions

/** Source position of a failure (1-based line, 0-based column as CPython reports offsets - 1). */
export interface SourceSpan {
  line: number;
  column: number;
}

/**
 * A Python exception instance; thrown as a JS error while Python code runs and caught by
 * `try/except`. `pyType` is the class name (`'KeyError'`), `excType` the class object.
 */
export class PyException extends Error {
  readonly excType: PyExceptionType;
  readonly args: PyValue[];
  /** Where the exception was raised in the Python source, when known. */
  span: SourceSpan | undefined;
  /** The exception being handled when this one was raised (`__context__`). */
  context: PyException | undefined;
  /** Resource-limit exceptions cannot be caught by Python `except` clauses. */
  uncatchable: boolean;
  /** Extra attributes (`JSONDecodeError.pos`, `re.error.pattern`), when the raiser sets them. */
  attrs: Map<string, PyValue> | undefined;
  constructor(excType: PyExceptionType, args: PyValue[] = []) {
    super();
    this.excType = excType;
    this.args = args;
    this.span = undefined;
    this.context = undefined;
    this.uncatchable = false;
    this.attrs = undefined;
  }
  override get name(): string {
    return this.excType.name;
  }
  get pyType(): string {
    return this.excType.name;
  }
  /** `str(exc)` as Python computes it. */
  get pyMessage(): string {
    return exceptionStr(this);
  }
  override get message(): string {
    let text: string;
    try {
      text = exceptionStr(this);
    } catch {
      text = '<unprintable>'; // e.g. an int argument beyond the 4300-digit limit
    }
    const where = this.span ? ` (line ${this.span.line})` : '';
    return text + where;
  }
  isInstance(type: PyExceptionType | string): boolean {
    const t = typeof type === 'string' ? EXCEPTIONS[type] : type;
    return t !== undefined && this.excType.isSubclassOf(t);
  }
}

function exceptionStr(e: PyException): string {
  if (e.args.length === 0) return '';
  if (e.args.length === 1) {
    const a = e.args[0] as PyValue;
    return e.excType.name === 'KeyError' ? pyRepr(a) : pyStr(a);
  }
  return pyRepr(new PyTuple(e.args));
}

const EXCEPTIONS: Record<string, PyExceptionType> = Object.create(null) as Record<
  string,
  PyExceptionType
>;

/** Defines (or returns the already defined) exception class `name` with the given bases. */
export function defineException(
  name: string,
  bases: readonly (PyExceptionType | string)[],
  module?: string,
): PyExceptionType {
  const key = module ? `${module}.${name}` : name;
  const existing = EXCEPTIONS[key];
  if (existing) return existing;
  const baseTypes = bases.map((b) => (typeof b === 'string' ? exceptionType(b) : b));
  const t = new PyExceptionType(name, baseTypes, module);
  EXCEPTIONS[key] = t;
  return t;
}

/** The exception class named `name` (builtin names, or `module.Name` for module exceptions). */
export function exceptionType(name: string): PyExceptionType {
  const t = EXCEPTIONS[name];
  if (!t) throw new Error(`Unknown Python exception type ${name}`);
  return t;
}

/** Whether `name` is a defined exception class. */
export function isExceptionName(name: string): boolean {
  return EXCEPTIONS[name] !== undefined;
}

const BUILTIN_EXCEPTION_TREE: readonly (readonly [string, ...string[]])[] = [
  ['BaseException'],
  ['Exception', 'BaseException'],
  ['SystemExit', 'BaseException'],
  ['KeyboardInterrupt', 'BaseException'],
  ['GeneratorExit', 'BaseException'],
  ['ArithmeticError', 'Exception'],
  ['ZeroDivisionError', 'ArithmeticError'],
  ['OverflowError', 'ArithmeticError'],
  ['FloatingPointError', 'ArithmeticError'],
  ['AssertionError', 'Exception'],
  ['AttributeError', 'Exception'],
  ['BufferError', 'Exception'],
  ['EOFError', 'Exception'],
  ['ImportError', 'Exception'],
  ['ModuleNotFoundError', 'ImportError'],
  ['LookupError', 'Exception'],
  ['IndexError', 'LookupError'],
  ['KeyError', 'LookupError'],
  ['MemoryError', 'Exception'],
  ['NameError', 'Exception'],
  ['UnboundLocalError', 'NameError'],
  ['OSError', 'Exception'],
  ['TimeoutError', 'OSError'],
  ['RuntimeError', 'Exception'],
  ['NotImplementedError', 'RuntimeError'],
  ['RecursionError', 'RuntimeError'],
  ['StopIteration', 'Exception'],
  ['SyntaxError', 'Exception'],
  ['IndentationError', 'SyntaxError'],
  ['TabError', 'IndentationError'],
  ['SystemError', 'Exception'],
  ['TypeError', 'Exception'],
  ['ValueError', 'Exception'],
  ['UnicodeError', 'ValueError'],
  ['UnicodeDecodeError', 'UnicodeError'],
  ['UnicodeEncodeError', 'UnicodeError'],
  ['Warning', 'Exception'],
];
for (const [name, ...bases] of BUILTIN_EXCEPTION_TREE) defineException(name, bases);

/** Creates an exception instance of the named (or given) class. */
export function makeException(type: string | PyExceptionType, ...args: PyValue[]): PyException {
  return new PyException(typeof type === 'string' ? exceptionType(type) : type, args);
}

/**
 * Throws a Python exception: `raise('TypeError', "unsupported operand")`. Extra arguments become
 * the exception's `args` (KeyError takes the missing key itself).
 */
export function raise(type: string | PyExceptionType, ...args: PyValue[]): never {
  throw makeException(type, ...args);
}

// ---------------------------------------------------------------------------------------------
// Hashing (dict keys, set members)

const COMPOSITE = '\u0000';

/**
 * The JS Map key standing for a Python value: equal Python values (`1`, `1.0`, `True`) give equal
 * keys. Raises TypeError for unhashable values (list, dict, set).
 */
export function hashKey(v: PyValue): unknown {
  switch (typeof v) {
    case 'string':
      // strings are their own key, except ones that could look like a composite key
      return v.charCodeAt(0) === 0 ? COMPOSITE + 's' + v : v;
    case 'number':
      if (Number.isInteger(v) && !Number.isSafeInteger(v)) return BigInt(v);
      return v === 0 ? 0 : v;
    case 'bigint':
      return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
    case 'boolean':
      return v ? 1 : 0;
    case 'object':
      if (v === null) return null;
      return objectHashKey(v);
    default:
      return raise('TypeError', `unhashable type: '${typeName(v)}'`);
  }
}

function objectHashKey(v: Exclude<PyValue, null | boolean | bigint | number | string>): unknown {
  if (v instanceof PyTuple) {
    let s = COMPOSITE + 't(';
    for (const item of v.items) s += keyString(hashKey(item)) + ',';
    return s + ')';
  }
  if (v instanceof PySet) {
    if (!v.frozen) raise('TypeError', "unhashable type: 'set'");
    const parts = [...v.map.keys()].map(keyString).sort();
    return COMPOSITE + 'f{' + parts.join(',') + '}';
  }
  if (
    v instanceof PyList ||
    v instanceof PyDict ||
    (v instanceof PyDictView && v.kind !== 'values')
  ) {
    return raise('TypeError', `unhashable type: '${typeName(v)}'`);
  }
  if (v instanceof PyDictView) return v; // dict_values hash by identity
  if (
    v instanceof PyCallable ||
    v instanceof PyModule ||
    v instanceof PyException ||
    v instanceof PyIterator ||
    v instanceof PyRange
  ) {
    return v; // identity
  }
  if (v.hash) {
    const h = v.hash();
    if (typeof h === 'string') return COMPOSITE + 'o' + h;
    return hashKey(h);
  }
  if (v.equals) raise('TypeError', `unhashable type: '${v.pyTypeName}'`);
  return v;
}

function keyString(k: unknown): string {
  switch (typeof k) {
    case 'string':
      return JSON.stringify(k);
    case 'number':
      return Object.is(k, -0) ? '0' : String(k);
    case 'bigint':
      return k.toString();
    default:
      if (k === null) return 'None';
      // identity-hashed objects: give each a stable serial number
      return '#' + identityId(k as object);
  }
}

const identities = new WeakMap<object, number>();
let nextIdentity = 1;
function identityId(o: object): number {
  let id = identities.get(o);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(o, id);
  }
  return id;
}

// ---------------------------------------------------------------------------------------------
// Type names, truthiness, equality

/** Python's `type(v).__name__`. */
export function typeName(v: PyValue): string {
  switch (typeof v) {
    case 'string':
      return 'str';
    case 'number':
      return 'float';
    case 'bigint':
      return 'int';
    case 'boolean':
      return 'bool';
    default:
      if (v === null) return 'NoneType';
      if (v instanceof PyList) return 'list';
      if (v instanceof PyTuple) return 'tuple';
      if (v instanceof PyDict) return 'dict';
      if (v instanceof PySet) return v.frozen ? 'frozenset' : 'set';
      if (v instanceof PyException) return v.excType.name;
      if (v instanceof PyType) return 'type';
      if (v instanceof PyBuiltin) {
        return v.self === undefined ? 'builtin_function_or_method' : 'builtin_function_or_method';
      }
      if (v instanceof PyCallable) return 'function';
      if (v instanceof PyModule) return 'module';
      if (v instanceof PyIterator) return v.typeName;
      if (v instanceof PyRange) return 'range';
      if (v instanceof PyDictView) return `dict_${v.kind}`;
      return v.pyTypeName;
  }
}

/** Whether `v` is an extension {@link PyObject} (not one of the built-in representations). */
export function isPyObject(v: PyValue): v is PyObject {
  return (
    typeof v === 'object' &&
    v !== null &&
    !(v instanceof PyList) &&
    !(v instanceof PyTuple) &&
    !(v instanceof PyDict) &&
    !(v instanceof PySet) &&
    !(v instanceof PyCallable) &&
    !(v instanceof PyModule) &&
    !(v instanceof PyException) &&
    !(v instanceof PyIterator) &&
    !(v instanceof PyRange) &&
    !(v instanceof PyDictView)
  );
}

/** Python truthiness (`bool(v)`). */
export function truthy(v: PyValue): boolean {
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'string':
      return v.length > 0;
    case 'bigint':
      return v !== 0n;
    case 'number':
      return v !== 0; // NaN is truthy in Python, and NaN !== 0
    default:
      if (v === null) return false;
      if (v instanceof PyList) return v.items.length > 0;
      if (v instanceof PyTuple) return v.items.length > 0;
      if (v instanceof PyDict) return v.size > 0;
      if (v instanceof PySet) return v.size > 0;
      if (v instanceof PyRange) return v.length > 0n;
      if (v instanceof PyDictView) return v.dict.size > 0;
      if (isPyObject(v)) {
        if (v.truthy) return v.truthy();
        if (v.len) return v.len() > 0;
      }
      return true;
  }
}

/** Numeric view of bool/int/float for mixed comparisons; undefined for non-numbers. */
function numericKind(v: PyValue): 'int' | 'float' | undefined {
  const t = typeof v;
  if (t === 'bigint' || t === 'boolean') return 'int';
  if (t === 'number') return 'float';
  return undefined;
}

/** Compares an int (bigint) with a float exactly; returns -1, 0, 1 or NaN. */
export function compareIntFloat(a: bigint, b: number): number {
  if (Number.isNaN(b)) return NaN;
  if (b === Infinity) return -1;
  if (b === -Infinity) return 1;
  const fl = Math.floor(b);
  const bi = BigInt(fl);
  if (a < bi) return -1;
  if (a > bi) return 1;
  return fl === b ? 0 : -1;
}

/** Python `==`. */
export function pyEquals(a: PyValue, b: PyValue): boolean {
  if (a === b) return typeof a !== 'number' || !Number.isNaN(a);
  const ta = typeof a;
  const tb = typeof b;
  if (ta === 'string' || tb === 'string') return false;
  const ka = numericKind(a);
  const kb = numericKind(b);
  if (ka !== undefined && kb !== undefined) {
    if (ka === 'float' && kb === 'float') return a === b;
    if (ka === 'int' && kb === 'int')
      return toBigInt(a as bigint | boolean) === toBigInt(b as bigint | boolean);
    if (ka === 'int') return compareIntFloat(toBigInt(a as bigint | boolean), b as number) === 0;
    return compareIntFloat(toBigInt(b as bigint | boolean), a as number) === 0;
  }
  if (a === null || b === null || ta !== 'object' || tb !== 'object') {
    return objectEquals(a, b);
  }
  if (a instanceof PyList) {
    return b instanceof PyList && sequenceEquals(a.items, b.items);
  }
  if (a instanceof PyTuple) {
    return b instanceof PyTuple && sequenceEquals(a.items, b.items);
  }
  if (a instanceof PyDict) {
    if (!(b instanceof PyDict) || a.size !== b.size) return false;
    for (const [k, e] of a.map) {
      const other = b.map.get(k);
      if (!other || !pyEquals(e.value, other.value)) return false;
    }
    return true;
  }
  if (a instanceof PyDictView && b instanceof PyDictView) {
    if (a.kind === 'values' || b.kind === 'values') return false;
    return pyEquals(new PySet(a.items()), new PySet(b.items()));
  }
  if (a instanceof PyDictView && a.kind !== 'values' && b instanceof PySet) {
    return pyEquals(new PySet(a.items()), b);
  }
  if (b instanceof PyDictView && b.kind !== 'values' && a instanceof PySet) {
    return pyEquals(a, new PySet(b.items()));
  }
  if (a instanceof PySet) {
    if (!(b instanceof PySet) || a.size !== b.size) return false;
    for (const k of a.map.keys()) if (!b.map.has(k)) return false;
    return true;
  }
  if (a instanceof PyRange) {
    if (!(b instanceof PyRange)) return false;
    const la = a.length;
    if (la !== b.length) return false;
    if (la === 0n) return true;
    if (a.start !== b.start) return false;
    return la === 1n || a.step === b.step;
  }
  return objectEquals(a, b);
}

function objectEquals(a: PyValue, b: PyValue): boolean {
  if (isPyObject(a) && a.equals) return a.equals(b);
  if (isPyObject(b) && b.equals) return b.equals(a);
  return a === b;
}

function sequenceEquals(a: readonly PyValue[], b: readonly PyValue[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as PyValue;
    const y = b[i] as PyValue;
    if (x !== y && !pyEquals(x, y)) return false;
  }
  return true;
}

function toBigInt(v: bigint | boolean): bigint {
  return typeof v === 'bigint' ? v : v ? 1n : 0n;
}

// ---------------------------------------------------------------------------------------------
// repr / str

/** Python `repr(x)` of a float: shortest round-trip digits, exponent outside [1e-4, 1e16). */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const exp = x.toExponential(); // shortest round-trip digits: "d.ddde+N"
  const sign = exp.startsWith('-') ? '-' : '';
  const body = sign ? exp.slice(1) : exp;
  const ePos = body.indexOf('e');
  const digits = body.slice(0, ePos).replace('.', '');
  const e = Number(body.slice(ePos + 1));
  if (e >= -5 && e < 16) {
    // Python's repr uses fixed notation for decimal exponents in [-4, 16)
    if (e < -4) return sign + formatSci(digits, e);
    if (e < 0) return sign + '0.' + '0'.repeat(-e - 1) + digits;
    if (digits.length <= e + 1) return sign + digits + '0'.repeat(e + 1 - digits.length) + '.0';
    return sign + digits.slice(0, e + 1) + '.' + digits.slice(e + 1);
  }
  return sign + formatSci(digits, e);
}

function formatSci(digits: string, e: number): string {
  const mant = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
  const es = Math.abs(e) < 10 ? '0' + Math.abs(e) : String(Math.abs(e));
  return `${mant}e${e < 0 ? '-' : '+'}${es}`;
}

// Characters Python's str.isprintable() rejects (other than the escapes handled explicitly).
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python `repr(s)` of a string. */
export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case ' ':
        out += ' ';
        continue;
    }
    if (ch === quote) {
      out += '\\' + ch;
      continue;
    }
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && NON_PRINTABLE.test(ch))) {
      if (cp <= 0xff) out += '\\x' + cp.toString(16).padStart(2, '0');
      else if (cp <= 0xffff) out += '\\u' + cp.toString(16).padStart(4, '0');
      else out += '\\U' + cp.toString(16).padStart(8, '0');
      continue;
    }
    out += ch;
  }
  return out + quote;
}

/** Maximum number of digits `str(int)` converts (CPython's default `sys.int_info.str_digits_check_threshold` limit). */
export const INT_MAX_STR_DIGITS = 4300;

/** `str(n)` for an int, applying CPython's 4300-digit limit. */
export function intStr(n: bigint): string {
  const s = n.toString();
  if (s.length - (n < 0n ? 1 : 0) > INT_MAX_STR_DIGITS) {
    raise(
      'ValueError',
      `Exceeds the limit (${INT_MAX_STR_DIGITS} digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit`,
    );
  }
  return s;
}

/** Python `repr(v)`. */
export function pyRepr(v: PyValue): string {
  return reprIn(v, new Set());
}

/** Python `str(v)`. */
export function pyStr(v: PyValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof PyException) return exceptionStr(v);
  if (isPyObject(v) && v.str) return v.str();
  return reprIn(v, new Set());
}

function reprIn(v: PyValue, seen: Set<object>): string {
  switch (typeof v) {
    case 'string':
      return strRepr(v);
    case 'number':
      return floatRepr(v);
    case 'bigint':
      return intStr(v);
    case 'boolean':
      return v ? 'True' : 'False';
  }
  if (v === null) return 'None';
  if (v instanceof PyList) {
    if (seen.has(v)) return '[...]';
    seen.add(v);
    const s = '[' + v.items.map((x) => reprIn(x, seen)).join(', ') + ']';
    seen.delete(v);
    return s;
  }
  if (v instanceof PyNamedTuple) {
    const fields = v.fields.map((f, i) => `${f}=${reprIn(v.items[i] ?? null, seen)}`);
    return `${v.reprName}(${fields.join(', ')})`;
  }
  if (v instanceof PyTuple) {
    if (v.items.length === 1) return '(' + reprIn(v.items[0] as PyValue, seen) + ',)';
    return '(' + v.items.map((x) => reprIn(x, seen)).join(', ') + ')';
  }
  if (v instanceof PyDict) {
    if (seen.has(v)) return '{...}';
    seen.add(v);
    const parts: string[] = [];
    for (const e of v.entries()) parts.push(reprIn(e.key, seen) + ': ' + reprIn(e.value, seen));
    seen.delete(v);
    return '{' + parts.join(', ') + '}';
  }
  if (v instanceof PySet) {
    const name = v.frozen ? 'frozenset' : 'set';
    if (v.size === 0) return name + '()';
    if (seen.has(v)) return `${name}(...)`;
    seen.add(v);
    const inner =
      '{' +
      v
        .values()
        .map((x) => reprIn(x, seen))
        .join(', ') +
      '}';
    seen.delete(v);
    return v.frozen ? `frozenset(${inner})` : inner;
  }
  if (v instanceof PyDictView) {
    return `dict_${v.kind}([${v
      .items()
      .map((x) => reprIn(x, seen))
      .join(', ')}])`;
  }
  if (v instanceof PyRange) {
    return v.step === 1n
      ? `range(${v.start}, ${v.stop})`
      : `range(${v.start}, ${v.stop}, ${v.step})`;
  }
  if (v instanceof PyException) {
    const args =
      v.args.length === 1
        ? reprIn(v.args[0] as PyValue, seen)
        : v.args.map((x) => reprIn(x, seen)).join(', ');
    return `${v.excType.name}(${args})`;
  }
  if (v instanceof PyType) return `<class '${v.qualName}'>`;
  if (v instanceof PyBuiltin) {
    if (v.self !== undefined) {
      return `<built-in method ${v.name} of ${typeName(v.self)} object at ${fakeAddress(v)}>`;
    }
    return `<built-in function ${v.name}>`;
  }
  if (v instanceof PyCallable) return `<function ${v.name} at ${fakeAddress(v)}>`;
  if (v instanceof PyModule) return `<module '${v.name}'>`;
  if (v instanceof PyIterator) return `<${v.typeName} object at ${fakeAddress(v)}>`;
  return v.repr();
}

/** A stable pseudo address for reprs such as `<function f at 0x7f...>`. */
export function fakeAddress(o: object): string {
  return '0x' + (0x7f0000000000 + identityId(o) * 16).toString(16);
}

// ---------------------------------------------------------------------------------------------
// Argument helpers for native functions

/**
 * Binds positional and keyword arguments of a native function to `names` (in order); the first
 * `required` are mandatory. Raises TypeError as CPython does for unknown or missing arguments.
 */
export function bindArgs(
  fname: string,
  args: readonly PyValue[],
  kwargs: PyKwargs,
  names: readonly string[],
  required = names.length,
): (PyValue | undefined)[] {
  if (args.length > names.length) {
    raise(
      'TypeError',
      `${fname}() takes ${required === names.length ? 'exactly' : 'at most'} ${names.length} argument${names.length === 1 ? '' : 's'} (${args.length} given)`,
    );
  }
  const out: (PyValue | undefined)[] = new Array<PyValue | undefined>(names.length);
  for (let i = 0; i < args.length; i++) out[i] = args[i];
  if (kwargs) {
    for (const [k, v] of kwargs) {
      const i = names.indexOf(k);
      if (i < 0) raise('TypeError', `${fname}() got an unexpected keyword argument '${k}'`);
      if (out[i] !== undefined) {
        raise(
          'TypeError',
          `argument for ${fname}() given by name ('${k}') and position (${i + 1})`,
        );
      }
      out[i] = v;
    }
  }
  for (let i = 0; i < required; i++) {
    if (out[i] === undefined) {
      raise('TypeError', `${fname}() missing required argument '${names[i]}' (pos ${i + 1})`);
    }
  }
  return out;
}

/** Raises TypeError unless no keyword arguments were passed. */
export function noKwargs(fname: string, kwargs: PyKwargs): void {
  if (kwargs && kwargs.size > 0) raise('TypeError', `${fname}() takes no keyword arguments`);
}

/** Python int (bool included) → bigint, or undefined when `v` is not an int. */
export function asInt(v: PyValue): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return undefined;
}

/** bool/int/float → JS number, or undefined for other values. */
export function asNumber(v: PyValue): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

/** An index-like argument (`__index__`: int or bool) as bigint; TypeError otherwise. */
export function toIndex(v: PyValue, what = 'integer'): bigint {
  const i = asInt(v);
  if (i === undefined) {
    raise('TypeError', `'${typeName(v)}' object cannot be interpreted as an ${what}`);
  }
  return i;
}

/** A real number argument as JS number (`float(x)` semantics for int/bool/float); TypeError otherwise. */
export function toFloat(v: PyValue, fname?: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') {
    const n = Number(v);
    if (!Number.isFinite(n)) raise('OverflowError', 'int too large to convert to float');
    return n;
  }
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (isPyObject(v)) {
    const f = v.getAttr('__float__');
    if (f instanceof PyCallable) {
      const r = f.call([], undefined);
      if (typeof r === 'number') return r;
    }
  }
  return raise(
    'TypeError',
    fname
      ? `${fname}: must be real number, not ${typeName(v)}`
      : `must be real number, not ${typeName(v)}`,
  );
}

/** Creates a module from a name and an attribute record. */
export function makeModule(name: string, attrs: Readonly<Record<string, PyValue>>): PyModule {
  return new PyModule(name, new Map(Object.entries(attrs)));
}

// ---------------------------------------------------------------------------------------------
// Iteration

let tickHook: () => void = () => undefined;

/** Installs the step counter that lazy iterators (ranges) charge per item. @internal */
export function setTickHook(fn: () => void): void {
  tickHook = fn;
}

/**
 * Charges `n` steps against the running program's budget (the regex matcher charges its
 * backtracking steps in batches); raises the interpreter's `TimeoutError` beyond it. @internal
 */
export function chargeSteps(n: number): void {
  for (let i = 0; i < n; i++) tickHook();
}

/** Python `iter(v)`: an iterator over any iterable; TypeError otherwise. */
export function iterate(v: PyValue): PyIterator {
  if (v instanceof PyIterator) return v;
  if (v instanceof PyList) {
    let i = 0;
    return new PyIterator('list_iterator', () => (i < v.items.length ? v.items[i++] : undefined));
  }
  if (v instanceof PyTuple) return PyIterator.ofArray(v.items, 'tuple_iterator');
  if (typeof v === 'string') {
    let i = 0;
    return new PyIterator('str_ascii_iterator', () => {
      if (i >= v.length) return undefined;
      const cp = v.codePointAt(i) as number;
      const ch = String.fromCodePoint(cp);
      i += ch.length;
      return ch;
    });
  }
  if (v instanceof PyDict) return dictIterator(v, 'keys');
  if (v instanceof PyDictView) return dictIterator(v.dict, v.kind);
  if (v instanceof PySet) {
    const items = v.values();
    const size = v.size;
    let i = 0;
    return new PyIterator('set_iterator', () => {
      if (v.size !== size) raise('RuntimeError', 'Set changed size during iteration');
      return i < items.length ? items[i++] : undefined;
    });
  }
  if (v instanceof PyRange) {
    const { start, step } = v;
    const n = v.length;
    let i = 0n;
    return new PyIterator('range_iterator', () => {
      if (i >= n) return undefined;
      tickHook();
      return start + step * i++;
    });
  }
  if (isPyObject(v) && v.iter) return v.iter();
  return raise('TypeError', `'${typeName(v)}' object is not iterable`);
}

function dictIterator(d: PyDict, kind: 'keys' | 'values' | 'items'): PyIterator {
  const it = d.map.values();
  const size = d.size;
  const name =
    kind === 'keys'
      ? 'dict_keyiterator'
      : kind === 'values'
        ? 'dict_valueiterator'
        : 'dict_itemiterator';
  return new PyIterator(name, () => {
    if (d.size !== size) raise('RuntimeError', 'dictionary changed size during iteration');
    const r = it.next();
    if (r.done) return undefined;
    const e = r.value;
    return kind === 'keys' ? e.key : kind === 'values' ? e.value : new PyTuple([e.key, e.value]);
  });
}

/** Collects an iterable into a JS array (a copy for lists and tuples). */
export function toArray(v: PyValue): PyValue[] {
  if (v instanceof PyList || v instanceof PyTuple) return v.items.slice();
  if (v instanceof PyDict) return v.keys();
  if (v instanceof PySet) return v.values();
  const it = iterate(v);
  const out: PyValue[] = [];
  for (let x = it.next(); x !== undefined; x = it.next()) out.push(x);
  return out;
}

/** Calls a Python callable (user function, builtin, class); TypeError when `fn` is not callable. */
export function callValue(fn: PyValue, args: PyValue[], kwargs?: PyKwargs): PyValue {
  if (fn instanceof PyCallable) return fn.call(args, kwargs);
  return raise('TypeError', `'${typeName(fn)}' object is not callable`);
}
