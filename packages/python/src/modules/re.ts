/**
 * Python's `re` module on the engine in `./regex/`: a parser of Python's syntax and a
 * backtracking matcher with CPython `sre` semantics that runs on an explicit stack and charges
 * its steps against the interpreter's budget, so a catastrophic pattern such as `(a+)+$` ends
 * with the usual `TimeoutError` instead of hanging the host. `Pattern`/`Match` objects follow
 * CPython's API (`findall`'s tuple-of-groups results, `sub` templates with `\1`/`\g<name>`,
 * `split` with groups). String positions are code points, as in Python.
 */
import {
  PyCallable,
  PyDict,
  PyException,
  PyIterator,
  PyList,
  PyTuple,
  PyType,
  asInt,
  callValue,
  chargeSteps,
  defineException,
  makeException,
  makeModule,
  pyRepr,
  raise,
  strRepr,
  typeName,
  type HostHooks,
  type PyKwargs,
  type PyModule,
  type PyObject,
  type PyValue,
} from '../values.js';
import { Regex, Subject, type MatchResult } from './regex/engine.js';
import { RE_FLAGS, RegexError, escapePattern } from './regex/parser.js';
import { args, fn } from './support.js';

/** `re.error` (named `PatternError` from Python 3.13 on). */
export const ReError = defineException('error', ['Exception'], 're');

/** A `re.error` carrying CPython's `msg`, `pattern`, `pos`, `lineno` and `colno` attributes. */
function patternError(
  message: string,
  msg: string,
  pattern: string,
  pos: number | null,
): PyException {
  const e = makeException(ReError, message);
  const before = pos === null ? '' : [...pattern].slice(0, pos).join('');
  const lineno = before.split('\n').length;
  e.attrs = new Map<string, PyValue>([
    ['msg', msg],
    ['pattern', pattern],
    ['pos', pos === null ? null : BigInt(pos)],
    ['lineno', pos === null ? null : BigInt(lineno)],
    [
      'colno',
      pos === null ? null : BigInt([...before.slice(before.lastIndexOf('\n') + 1)].length + 1),
    ],
  ]);
  return e;
}

function stringArg(v: PyValue | undefined): string {
  if (typeof v !== 'string') {
    return raise('TypeError', `expected string or bytes-like object, got '${typeName(v ?? null)}'`);
  }
  return v;
}

/** Subjects of recent calls, so that finditer/sub/split and repeated calls convert a string once. */
let lastSubject: Subject | null = null;
function subjectOf(s: string): Subject {
  if (lastSubject?.str !== s) lastSubject = new Subject(s);
  return lastSubject;
}

// ---------------------------------------------------------------------------------------------
// Pattern

/** A compiled pattern (`re.Pattern`). */
export class PyPattern implements PyObject {
  readonly pyTypeName = 're.Pattern';
  readonly pattern: string;
  readonly regex: Regex;
  readonly #types: ReTypes;

  constructor(pattern: string, flags: number, types: ReTypes) {
    try {
      this.regex = new Regex(pattern, flags, chargeSteps);
    } catch (e) {
      if (e instanceof RegexError) {
        if (e.pyType !== null) raise(e.pyType, e.msg);
        throw patternError(e.message, e.msg, pattern, e.pos);
      }
      throw e;
    }
    this.pattern = pattern;
    this.#types = types;
  }
  pyType(): PyType {
    return this.#types.pattern;
  }
  get flags(): number {
    return this.regex.flags;
  }
  get groups(): number {
    return this.regex.groups;
  }
  get groupIndex(): ReadonlyMap<string, number> {
    return this.regex.groupIndex;
  }

  /** Runs the pattern at `pos` within `string[:endpos]`; null when there is no match. */
  exec(
    kind: 'match' | 'search' | 'fullmatch',
    string: string,
    pos = 0,
    endpos = Number.MAX_SAFE_INTEGER,
  ): PyMatch | null {
    const subject = subjectOf(string);
    const [start, end] = clampRange(subject, pos, endpos);
    if (kind === 'search' && start > end) return null;
    const r = this.regex.exec(subject, start, end, kind);
    return r === null ? null : new PyMatch(this, subject, r, start, end, this.#types);
  }

  /**
   * All successive non-overlapping matches, with CPython 3.7+'s rule for empty matches: after an
   * empty match at p, the next match may start at p only if it is not empty.
   */
  *iterate(string: string, pos = 0, endpos = Number.MAX_SAFE_INTEGER): Generator<PyMatch> {
    const subject = subjectOf(string);
    const [start, end] = clampRange(subject, pos, endpos);
    let at = start;
    let mustAdvance = false;
    while (at <= end) {
      const r = this.regex.exec(subject, at, end, 'search', mustAdvance);
      if (r === null) return;
      yield new PyMatch(this, subject, r, start, end, this.#types);
      const s = r.slots[0] ?? 0;
      const e = r.slots[1] ?? 0;
      mustAdvance = s === e;
      at = e;
    }
  }

  findall(string: string, pos?: number, endpos?: number): PyList {
    const out: PyValue[] = [];
    const groups = this.groups;
    for (const m of this.iterate(string, pos, endpos)) {
      if (groups === 0) out.push(m.groupText(0) ?? '');
      else if (groups === 1) out.push(m.groupText(1) ?? '');
      else {
        const items: PyValue[] = [];
        for (let g = 1; g <= groups; g++) items.push(m.groupText(g) ?? '');
        out.push(new PyTuple(items));
      }
    }
    return new PyList(out);
  }

  sub(repl: PyValue, string: string, count: number): [string, number] {
    const template = typeof repl === 'string' ? parseTemplate(repl, this) : null;
    if (template === null && !(repl instanceof PyCallable)) {
      raise('TypeError', `expected str or callable, got '${typeName(repl)}'`);
    }
    const parts: string[] = [];
    let last = 0;
    let n = 0;
    const subject = subjectOf(string);
    for (const m of count < 0 ? [] : this.iterate(string)) {
      if (count > 0 && n >= count) break;
      const [s, e] = m.span(0);
      parts.push(subject.slice(last, s));
      if (template) parts.push(expandTemplate(template, m));
      else {
        const r = callValue(repl, [m]);
        if (typeof r !== 'string') {
          raise('TypeError', `expected str instance, ${typeName(r)} found`);
        }
        parts.push(r);
      }
      last = e;
      n++;
    }
    parts.push(subject.slice(last, subject.length));
    return [parts.join(''), n];
  }

  split(string: string, maxsplit: number): PyList {
    const out: PyValue[] = [];
    let last = 0;
    let n = 0;
    const subject = subjectOf(string);
    for (const m of maxsplit < 0 ? [] : this.iterate(string)) {
      if (maxsplit > 0 && n >= maxsplit) break;
      const [s, e] = m.span(0);
      out.push(subject.slice(last, s));
      for (let g = 1; g <= this.groups; g++) out.push(m.groupText(g));
      last = e;
      n++;
    }
    out.push(subject.slice(last, subject.length));
    return new PyList(out);
  }

  getAttr(name: string): PyValue | undefined {
    const method = (impl: (a: PyValue[], kw: PyKwargs) => PyValue): PyValue => fn(name, impl, this);
    const posArgs = (b: Partial<Record<string, PyValue>>): [number, number] => [
      b.pos === undefined ? 0 : Number(asInt(b.pos) ?? 0n),
      b.endpos === undefined ? Number.MAX_SAFE_INTEGER : Number(asInt(b.endpos) ?? 0n),
    ];
    switch (name) {
      case 'pattern':
        return this.pattern;
      case 'flags':
        return BigInt(this.flags);
      case 'groups':
        return BigInt(this.groups);
      case 'groupindex': {
        const d = new PyDict();
        for (const [k, v] of this.groupIndex) d.set(k, BigInt(v));
        return d;
      }
      case 'match':
      case 'search':
      case 'fullmatch':
        return method((a, kw) => {
          const b = args(name, a, kw, ['string', 'pos', 'endpos'], 1);
          return this.exec(name, stringArg(b.string), ...posArgs(b));
        });
      case 'findall':
        return method((a, kw) => {
          const b = args(name, a, kw, ['string', 'pos', 'endpos'], 1);
          return this.findall(stringArg(b.string), ...posArgs(b));
        });
      case 'finditer':
        return method((a, kw) => {
          const b = args(name, a, kw, ['string', 'pos', 'endpos'], 1);
          return iteratorOf([...this.iterate(stringArg(b.string), ...posArgs(b))]);
        });
      case 'sub':
      case 'subn':
        return method((a, kw) => {
          const b = args(name, a, kw, ['repl', 'string', 'count'], 2);
          const [text, n] = this.sub(b.repl ?? null, stringArg(b.string), countArg(b.count));
          return name === 'sub' ? text : new PyTuple([text, BigInt(n)]);
        });
      case 'split':
        return method((a, kw) => {
          const b = args(name, a, kw, ['string', 'maxsplit'], 1);
          return this.split(stringArg(b.string), countArg(b.maxsplit));
        });
      default:
        return undefined;
    }
  }
  repr(): string {
    const flags = this.flags & ~RE_FLAGS.UNICODE;
    let text = strRepr(this.pattern);
    if (text.length > 200) text = text.slice(0, 200);
    return flags ? `re.compile(${text}, ${flagNames(flags)})` : `re.compile(${text})`;
  }
  equals(other: PyValue): boolean {
    return (
      other instanceof PyPattern && other.pattern === this.pattern && other.flags === this.flags
    );
  }
  hash(): string {
    return `re:${String(this.flags)}:${this.pattern}`;
  }
}

/** sre's clamping of `pos`/`endpos` to the string. */
function clampRange(subject: Subject, pos: number, endpos: number): [number, number] {
  const n = subject.length;
  return [Math.max(0, Math.min(pos, n)), Math.max(0, Math.min(endpos, n))];
}

function countArg(v: PyValue | undefined): number {
  if (v === undefined) return 0;
  const n = asInt(v);
  if (n === undefined)
    return raise('TypeError', `'${typeName(v)}' object cannot be interpreted as an integer`);
  return Number(n);
}

function flagNames(flags: number): string {
  const names: string[] = [];
  const order: [string, number][] = [
    ['re.TEMPLATE', RE_FLAGS.TEMPLATE],
    ['re.IGNORECASE', RE_FLAGS.IGNORECASE],
    ['re.LOCALE', RE_FLAGS.LOCALE],
    ['re.MULTILINE', RE_FLAGS.MULTILINE],
    ['re.DOTALL', RE_FLAGS.DOTALL],
    ['re.UNICODE', RE_FLAGS.UNICODE],
    ['re.VERBOSE', RE_FLAGS.VERBOSE],
    ['re.DEBUG', RE_FLAGS.DEBUG],
    ['re.ASCII', RE_FLAGS.ASCII],
  ];
  let rest = flags;
  for (const [n, v] of order) {
    if (flags & v) {
      names.push(n);
      rest &= ~v;
    }
  }
  if (rest) names.push(`0x${rest.toString(16)}`);
  return names.join('|');
}

// ---------------------------------------------------------------------------------------------
// Match

/** A match result (`re.Match`). */
export class PyMatch implements PyObject {
  readonly pyTypeName = 're.Match';
  readonly pattern: PyPattern;
  readonly subject: Subject;
  readonly #slots: Int32Array;
  readonly #lastindex: number;
  readonly pos: number;
  readonly endpos: number;
  readonly #types: ReTypes;

  constructor(
    pattern: PyPattern,
    subject: Subject,
    result: MatchResult,
    pos: number,
    endpos: number,
    types: ReTypes,
  ) {
    this.pattern = pattern;
    this.subject = subject;
    this.#slots = result.slots;
    this.#lastindex = result.lastindex;
    this.pos = pos;
    this.endpos = endpos;
    this.#types = types;
  }
  get string(): string {
    return this.subject.str;
  }
  pyType(): PyType {
    return this.#types.match;
  }
  /** Group number for an int or name argument; IndexError "no such group" otherwise. */
  groupIndex(g: PyValue): number {
    const i = asInt(g);
    if (i !== undefined) {
      if (i < 0n || i > BigInt(this.pattern.groups)) raise('IndexError', 'no such group');
      return Number(i);
    }
    if (typeof g === 'string') {
      const n = this.pattern.groupIndex.get(g);
      if (n === undefined) raise('IndexError', 'no such group');
      return n;
    }
    return raise('IndexError', 'no such group');
  }
  groupText(g: number): string | null {
    const s = this.#slots[2 * g] ?? -1;
    const e = this.#slots[2 * g + 1] ?? -1;
    return s < 0 || e < 0 ? null : this.subject.slice(s, e);
  }
  /** Code point span of group `g`, or [-1, -1] when it did not participate. */
  span(g: number): [number, number] {
    const s = this.#slots[2 * g] ?? -1;
    const e = this.#slots[2 * g + 1] ?? -1;
    return s < 0 || e < 0 ? [-1, -1] : [s, e];
  }
  getAttr(name: string): PyValue | undefined {
    const method = (impl: (a: PyValue[], kw: PyKwargs) => PyValue): PyValue => fn(name, impl, this);
    const groups = this.pattern.groups;
    switch (name) {
      case 'string':
        return this.string;
      case 're':
        return this.pattern;
      case 'pos':
        return BigInt(this.pos);
      case 'endpos':
        return BigInt(this.endpos);
      case 'lastindex':
        return this.#lastindex < 0 ? null : BigInt(this.#lastindex);
      case 'lastgroup': {
        const li = this.getAttr('lastindex');
        if (li === null || li === undefined) return null;
        for (const [k, v] of this.pattern.groupIndex) if (BigInt(v) === li) return k;
        return null;
      }
      case 'group':
        return method((a) => {
          if (a.length === 0) return this.groupText(0);
          if (a.length === 1) return this.groupText(this.groupIndex(a[0] ?? null));
          return new PyTuple(a.map((g) => this.groupText(this.groupIndex(g))));
        });
      case 'groups':
        return method((a, kw) => {
          const { default: d } = args('groups', a, kw, ['default'], 0);
          const out: PyValue[] = [];
          for (let g = 1; g <= groups; g++) out.push(this.groupText(g) ?? d ?? null);
          return new PyTuple(out);
        });
      case 'groupdict':
        return method((a, kw) => {
          const { default: d } = args('groupdict', a, kw, ['default'], 0);
          const out = new PyDict();
          for (const [k, v] of this.pattern.groupIndex) {
            out.set(k, this.groupText(v) ?? d ?? null);
          }
          return out;
        });
      case 'start':
      case 'end':
      case 'span':
        return method((a) => {
          const g = a[0] === undefined ? 0 : this.groupIndex(a[0]);
          const [s, e] = this.span(g);
          if (name === 'start') return BigInt(s);
          if (name === 'end') return BigInt(e);
          return new PyTuple([BigInt(s), BigInt(e)]);
        });
      case 'expand':
        return method((a) => {
          const t = a[0];
          if (typeof t !== 'string')
            return raise('TypeError', `expected str instance, ${typeName(t ?? null)} found`);
          return expandTemplate(parseTemplate(t, this.pattern), this);
        });
      case 'regs': {
        const out: PyValue[] = [];
        for (let g = 0; g <= groups; g++) {
          const [s, e] = this.span(g);
          out.push(new PyTuple([BigInt(s), BigInt(e)]));
        }
        return new PyTuple(out);
      }
      default:
        return undefined;
    }
  }
  getItem(key: PyValue): PyValue {
    return this.groupText(this.groupIndex(key));
  }
  repr(): string {
    const [s, e] = this.span(0);
    return `<re.Match object; span=(${String(s)}, ${String(e)}), match=${pyRepr(this.groupText(0))}>`;
  }
  truthy(): boolean {
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Replacement templates

type TemplatePart = string | number;

/** Parses a `sub()` replacement string into literal text and group numbers. */
export function parseTemplate(template: string, pattern: PyPattern): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  const groups = pattern.groups;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i] ?? '';
    if (ch !== '\\') {
      literal += ch;
      continue;
    }
    const next = template[i + 1];
    if (next === undefined) raise(ReError, `bad escape (end of pattern) at position ${String(i)}`);
    const pushGroup = (g: number): void => {
      if (literal) parts.push(literal);
      literal = '';
      parts.push(g);
    };
    if (next === 'g') {
      const m = /^<([^>]*)>/.exec(template.slice(i + 2));
      if (!m) raise(ReError, `missing < at position ${String(i + 2)}`);
      const name = m[1] ?? '';
      let g: number;
      if (name === '') raise(ReError, `missing group name at position ${String(i + 3)}`);
      if (/^\d+$/.test(name)) {
        g = Number(name);
        if (g > groups)
          raise(ReError, `invalid group reference ${name} at position ${String(i + 3)}`);
      } else {
        const n = pattern.groupIndex.get(name);
        if (n === undefined) {
          if (!/^[\p{L}_][\p{L}\p{N}_]*$/u.test(name)) {
            raise(ReError, `bad character in group name '${name}' at position ${String(i + 3)}`);
          }
          raise('IndexError', `unknown group name '${name}'`);
        }
        g = n;
      }
      pushGroup(g);
      i += 2 + (m[0]?.length ?? 0) - 1;
      continue;
    }
    if (next === '0') {
      // octal escape \0, \0o, \0oo
      const m = /^0[0-7]{0,2}/.exec(template.slice(i + 1));
      literal += String.fromCharCode(parseInt(m?.[0] ?? '0', 8));
      i += m?.[0].length ?? 1;
      continue;
    }
    if (/[1-9]/.test(next)) {
      const m = /^[1-9][0-9]?/.exec(template.slice(i + 1));
      const digits = m?.[0] ?? next;
      const three = template.slice(i + 1, i + 4);
      if (/^[0-7]{3}$/.test(three)) {
        const code = parseInt(three, 8);
        if (code > 0o377)
          raise(
            ReError,
            `octal escape value \\${three} outside of range 0-0o377 at position ${String(i)}`,
          );
        literal += String.fromCharCode(code);
        i += 3;
        continue;
      }
      const g = Number(digits);
      if (g > groups)
        raise(ReError, `invalid group reference ${digits} at position ${String(i + 1)}`);
      pushGroup(g);
      i += digits.length;
      continue;
    }
    const simple: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      f: '\f',
      v: '\v',
      a: '\x07',
      b: '\b',
      '\\': '\\',
    };
    const s = simple[next];
    if (s !== undefined) {
      literal += s;
      i++;
      continue;
    }
    if (/[A-Za-z]/.test(next)) raise(ReError, `bad escape \\${next} at position ${String(i)}`);
    literal += `\\${next}`;
    i++;
  }
  if (literal) parts.push(literal);
  return parts;
}

function expandTemplate(parts: readonly TemplatePart[], m: PyMatch): string {
  let out = '';
  for (const p of parts) out += typeof p === 'string' ? p : (m.groupText(p) ?? '');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Module

interface ReTypes {
  pattern: PyType;
  match: PyType;
}

function iteratorOf(items: PyMatch[]): PyValue {
  return PyIterator.ofArray(items, 'callable_iterator');
}

/** The `re` module; compiled patterns are cached per module instance. */
export function createReModule(_host: HostHooks): PyModule {
  const types: ReTypes = {
    pattern: new PyType('Pattern', { module: 're', isInstance: (v) => v instanceof PyPattern }),
    match: new PyType('Match', { module: 're', isInstance: (v) => v instanceof PyMatch }),
  };
  const cache = new Map<string, PyPattern>();
  const compile = (p: PyValue | undefined, flagsValue: PyValue | undefined): PyPattern => {
    const flags =
      flagsValue === undefined
        ? 0
        : Number(
            asInt(flagsValue) ??
              raise(
                'TypeError',
                `unsupported operand type(s) for &: '${typeName(flagsValue)}' and 'int'`,
              ),
          );
    if (p instanceof PyPattern) {
      if (flags !== 0) raise('ValueError', 'cannot process flags argument with a compiled pattern');
      return p;
    }
    if (typeof p !== 'string') {
      return raise('TypeError', 'first argument must be string or compiled pattern');
    }
    const key = `${String(flags)}:${p}`;
    let compiled = cache.get(key);
    if (!compiled) {
      compiled = new PyPattern(p, flags, types);
      if (cache.size >= 512) cache.clear();
      cache.set(key, compiled);
    }
    return compiled;
  };
  const moduleFn = (
    name: 'match' | 'search' | 'fullmatch' | 'findall' | 'finditer' | 'split' | 'sub' | 'subn',
  ): PyValue =>
    fn(name, (a, kw) => {
      switch (name) {
        case 'match':
        case 'search':
        case 'fullmatch': {
          const b = args(name, a, kw, ['pattern', 'string', 'flags'], 2);
          return compile(b.pattern, b.flags).exec(name, stringArg(b.string));
        }
        case 'findall': {
          const b = args(name, a, kw, ['pattern', 'string', 'flags'], 2);
          return compile(b.pattern, b.flags).findall(stringArg(b.string));
        }
        case 'finditer': {
          const b = args(name, a, kw, ['pattern', 'string', 'flags'], 2);
          return iteratorOf([...compile(b.pattern, b.flags).iterate(stringArg(b.string))]);
        }
        case 'split': {
          const b = args(name, a, kw, ['pattern', 'string', 'maxsplit', 'flags'], 2);
          return compile(b.pattern, b.flags).split(stringArg(b.string), countArg(b.maxsplit));
        }
        case 'sub':
        case 'subn': {
          const b = args(name, a, kw, ['pattern', 'repl', 'string', 'count', 'flags'], 3);
          const [text, n] = compile(b.pattern, b.flags).sub(
            b.repl ?? null,
            stringArg(b.string),
            countArg(b.count),
          );
          return name === 'sub' ? text : new PyTuple([text, BigInt(n)]);
        }
      }
    });
  const flag = (v: number): bigint => BigInt(v);
  return makeModule('re', {
    compile: fn('compile', (a, kw) => {
      const b = args('compile', a, kw, ['pattern', 'flags'], 1);
      return compile(b.pattern, b.flags);
    }),
    match: moduleFn('match'),
    search: moduleFn('search'),
    fullmatch: moduleFn('fullmatch'),
    findall: moduleFn('findall'),
    finditer: moduleFn('finditer'),
    split: moduleFn('split'),
    sub: moduleFn('sub'),
    subn: moduleFn('subn'),
    escape: fn('escape', (a) => escapePattern(stringArg(a[0]))),
    purge: fn('purge', () => {
      cache.clear();
      return null;
    }),
    error: ReError,
    Pattern: types.pattern,
    Match: types.match,
    NOFLAG: 0n,
    I: flag(RE_FLAGS.IGNORECASE),
    IGNORECASE: flag(RE_FLAGS.IGNORECASE),
    L: flag(RE_FLAGS.LOCALE),
    LOCALE: flag(RE_FLAGS.LOCALE),
    M: flag(RE_FLAGS.MULTILINE),
    MULTILINE: flag(RE_FLAGS.MULTILINE),
    S: flag(RE_FLAGS.DOTALL),
    DOTALL: flag(RE_FLAGS.DOTALL),
    U: flag(RE_FLAGS.UNICODE),
    UNICODE: flag(RE_FLAGS.UNICODE),
    X: flag(RE_FLAGS.VERBOSE),
    VERBOSE: flag(RE_FLAGS.VERBOSE),
    A: flag(RE_FLAGS.ASCII),
    ASCII: flag(RE_FLAGS.ASCII),
    T: flag(RE_FLAGS.TEMPLATE),
    TEMPLATE: flag(RE_FLAGS.TEMPLATE),
    DEBUG: flag(RE_FLAGS.DEBUG),
  });
}
