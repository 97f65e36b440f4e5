/**
 * Parser for Python `re` pattern syntax (CPython 3.11's `sre_parse`): builds the tree the
 * compiler turns into a program, and raises {@link RegexError} with CPython's messages and
 * positions (code point offsets into the pattern).
 * @internal
 */

/** Python's `re` flag values. */
export const RE_FLAGS = {
  TEMPLATE: 1,
  IGNORECASE: 2,
  LOCALE: 4,
  MULTILINE: 8,
  DOTALL: 16,
  UNICODE: 32,
  VERBOSE: 64,
  DEBUG: 128,
  ASCII: 256,
} as const;

/** `_sre.MAXREPEAT`: an unbounded repeat. */
export const MAXREPEAT = 4294967295;

/** A pattern error, raised in Python as `re.error` with this message. */
export class RegexError extends Error {
  override readonly name = 'RegexError';
  readonly pos: number | null;
  /** The message without the position suffix (`re.error.msg`). */
  readonly msg: string;
  /** Python exception class when it is not `re.error` (`OverflowError`). */
  readonly pyType: string | null;
  constructor(message: string, pos: number | null = null, pyType: string | null = null) {
    super(pos === null ? message : `${message} at position ${String(pos)}`);
    this.pos = pos;
    this.msg = message;
    this.pyType = pyType;
  }
}

/** One member of a character class. */
export type ClassItem =
  | { readonly k: 'char'; readonly c: number }
  | { readonly k: 'range'; readonly lo: number; readonly hi: number }
  | { readonly k: 'cat'; readonly cat: 'd' | 'D' | 'w' | 'W' | 's' | 'S' };

export type Node =
  | { readonly t: 'char'; readonly c: number; readonly i: boolean; readonly a: boolean }
  | { readonly t: 'any'; readonly all: boolean }
  | {
      readonly t: 'set';
      readonly items: readonly ClassItem[];
      readonly neg: boolean;
      readonly i: boolean;
      readonly a: boolean;
    }
  | { readonly t: 'seq'; readonly items: readonly Node[] }
  | { readonly t: 'alt'; readonly alts: readonly Node[] }
  | { readonly t: 'group'; readonly n: number; readonly body: Node }
  | {
      readonly t: 'look';
      readonly behind: boolean;
      readonly neg: boolean;
      readonly body: Node;
      readonly width: number;
    }
  | { readonly t: 'atomic'; readonly body: Node }
  | {
      readonly t: 'rep';
      readonly body: Node;
      readonly min: number;
      readonly max: number;
      readonly greedy: boolean;
      readonly possessive: boolean;
    }
  | { readonly t: 'at'; readonly at: 'bol' | 'mbol' | 'eol' | 'meol' | 'A' | 'Z' }
  | { readonly t: 'wb'; readonly neg: boolean; readonly a: boolean }
  | { readonly t: 'ref'; readonly n: number; readonly i: boolean; readonly a: boolean }
  | { readonly t: 'cond'; readonly n: number; readonly yes: Node; readonly no: Node | null };

export interface ParsedPattern {
  readonly root: Node;
  /** The flags in force, including inline global flags and UNICODE (as `Pattern.flags`). */
  readonly flags: number;
  readonly groups: number;
  /** Group name → group number, in pattern order. */
  readonly groupIndex: ReadonlyMap<string, number>;
}

interface Scope {
  i: boolean;
  m: boolean;
  s: boolean;
  x: boolean;
  a: boolean;
}

const FLAG_LETTERS: Readonly<Record<string, number>> = {
  i: RE_FLAGS.IGNORECASE,
  L: RE_FLAGS.LOCALE,
  m: RE_FLAGS.MULTILINE,
  s: RE_FLAGS.DOTALL,
  x: RE_FLAGS.VERBOSE,
  a: RE_FLAGS.ASCII,
  t: RE_FLAGS.TEMPLATE,
  u: RE_FLAGS.UNICODE,
};
const TYPE_FLAGS = RE_FLAGS.ASCII | RE_FLAGS.LOCALE | RE_FLAGS.UNICODE;
const GLOBAL_FLAGS = RE_FLAGS.DEBUG | RE_FLAGS.TEMPLATE;

const IDENT_RE =
  /^[\p{L}\p{Nl}_\u2118\u212e\u309b\u309c][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}_\u00b7\u0387\u1369-\u1371\u19da\u2118\u212e\u309b\u309c]*$/u;
const DIGITS = /^[0-9]$/;
const OCT = /^[0-7]$/;
const HEX = /^[0-9a-fA-F]$/;
const WHITESPACE = new Set([' ', '\t', '\n', '\r', '\v', '\f']);
const ASCII_LETTER = /^[A-Za-z]$/;

/** Parses a `str` pattern with the given flags. */
export function parsePattern(pattern: string, flags = 0): ParsedPattern {
  if ((flags & RE_FLAGS.LOCALE) !== 0) {
    throw new RegexError('cannot use LOCALE flag with a str pattern', null, 'ValueError');
  }
  if ((flags & RE_FLAGS.ASCII) !== 0 && (flags & RE_FLAGS.UNICODE) !== 0) {
    throw new RegexError('ASCII and UNICODE flags are incompatible', null, 'ValueError');
  }
  return new Parser(pattern, flags).run();
}

class Parser {
  readonly #src: string[];
  #pos = 0;
  #flags: number;
  #groups = 1; // sre's state.groups: next group number
  readonly #groupIndex = new Map<string, number>();
  /** Width of each closed group ([min, max]); absent while open. */
  readonly #widths = new Map<number, [number, number]>();
  #lookbehindGroups: number | null = null;
  readonly #condRefs = new Map<number, number>();

  constructor(pattern: string, flags: number) {
    this.#src = [...pattern];
    this.#flags = flags;
  }

  run(): ParsedPattern {
    const scope: Scope = {
      i: (this.#flags & RE_FLAGS.IGNORECASE) !== 0,
      m: (this.#flags & RE_FLAGS.MULTILINE) !== 0,
      s: (this.#flags & RE_FLAGS.DOTALL) !== 0,
      x: (this.#flags & RE_FLAGS.VERBOSE) !== 0,
      a: (this.#flags & RE_FLAGS.ASCII) !== 0,
    };
    const root = this.#alternation(scope, 0);
    if (this.#pos < this.#src.length) throw new RegexError('unbalanced parenthesis', this.#pos);
    for (const [g, at] of this.#condRefs) {
      if (g >= this.#groups) throw new RegexError(`invalid group reference ${String(g)}`, at);
    }
    let flags = this.#flags;
    if ((flags & RE_FLAGS.ASCII) !== 0 && (flags & RE_FLAGS.UNICODE) !== 0) {
      throw new RegexError('ASCII and UNICODE flags are incompatible', null, 'ValueError');
    }
    if ((flags & RE_FLAGS.ASCII) === 0) flags |= RE_FLAGS.UNICODE;
    return { root, flags, groups: this.#groups - 1, groupIndex: this.#groupIndex };
  }

  #next(): string | undefined {
    return this.#src[this.#pos];
  }
  #get(): string | undefined {
    const c = this.#src[this.#pos];
    if (c !== undefined) this.#pos++;
    return c;
  }
  #match(ch: string): boolean {
    if (this.#src[this.#pos] === ch) {
      this.#pos++;
      return true;
    }
    return false;
  }
  #err(msg: string, offset = 0): RegexError {
    return new RegexError(msg, this.#pos - offset);
  }

  #alternation(scope: Scope, nested: number): Node {
    // sre_parse recurses per nesting level and runs out of Python stack a little before 500
    if (nested > 450) {
      throw new RegexError('maximum recursion depth exceeded', null, 'RecursionError');
    }
    const alts: Node[] = [this.#sequence(scope, nested, nested === 0)];
    while (this.#match('|')) alts.push(this.#sequence(scope, nested, false));
    return alts.length === 1 ? (alts[0] as Node) : { t: 'alt', alts };
  }

  #sequence(scope: Scope, nested: number, first: boolean): Node {
    const items: Node[] = [];
    for (;;) {
      const ch = this.#next();
      if (ch === undefined || ch === '|' || ch === ')') break;
      this.#pos++;
      if (scope.x) {
        if (WHITESPACE.has(ch)) continue;
        if (ch === '#') {
          for (;;) {
            const c = this.#get();
            if (c === undefined || c === '\n') break;
          }
          continue;
        }
      }
      const start = this.#pos - 1;
      switch (ch) {
        case '\\':
          items.push(this.#escape(scope, start));
          break;
        case '[':
          items.push(this.#charClass(scope, start));
          break;
        case '.':
          items.push({ t: 'any', all: scope.s });
          break;
        case '^':
          items.push({ t: 'at', at: scope.m ? 'mbol' : 'bol' });
          break;
        case '$':
          items.push({ t: 'at', at: scope.m ? 'meol' : 'eol' });
          break;
        case '(': {
          const g = this.#group(scope, nested, start, first && items.length === 0);
          if (g !== null) items.push(g);
          break;
        }
        case '*':
        case '+':
        case '?':
        case '{':
          this.#repeat(ch, items, scope);
          break;
        default:
          items.push(this.#literal(ch.codePointAt(0) ?? 0, scope));
      }
    }
    return items.length === 1 ? (items[0] as Node) : { t: 'seq', items };
  }

  #literal(c: number, scope: Scope): Node {
    return { t: 'char', c, i: scope.i, a: scope.a };
  }

  #repeat(ch: string, items: Node[], scope: Scope): void {
    const here = this.#pos;
    let min = 0;
    let max = MAXREPEAT;
    if (ch === '?') max = 1;
    else if (ch === '+') min = 1;
    else if (ch === '{') {
      if (this.#next() === '}') {
        items.push(this.#literal(0x7b, scope));
        return;
      }
      let lo = '';
      let hi = '';
      while (DIGITS.test(this.#next() ?? '')) lo += this.#get();
      if (this.#match(',')) {
        while (DIGITS.test(this.#next() ?? '')) hi += this.#get();
      } else hi = lo;
      if (!this.#match('}')) {
        items.push(this.#literal(0x7b, scope));
        this.#pos = here;
        return;
      }
      if (lo) {
        min = Number(lo);
        if (min >= MAXREPEAT)
          throw new RegexError('the repetition number is too large', null, 'OverflowError');
      }
      if (hi) {
        max = Number(hi);
        if (max >= MAXREPEAT)
          throw new RegexError('the repetition number is too large', null, 'OverflowError');
        if (max < min) throw new RegexError('min repeat greater than max repeat', here);
      }
    }
    const item = items[items.length - 1];
    if (item === undefined || item.t === 'at' || item.t === 'wb') {
      throw new RegexError('nothing to repeat', here - 1);
    }
    if (item.t === 'rep') throw new RegexError('multiple repeat', here - 1);
    let greedy = true;
    let possessive = false;
    if (this.#match('?')) greedy = false;
    else if (this.#match('+')) possessive = true;
    items[items.length - 1] = { t: 'rep', body: item, min, max, greedy, possessive };
  }

  #group(scope: Scope, nested: number, start: number, first: boolean): Node | null {
    if (!this.#match('?')) {
      const n = this.#openGroup(null);
      return this.#groupBody(scope, nested, start, n);
    }
    const ch = this.#get();
    if (ch === undefined) throw this.#err('unexpected end of pattern');
    switch (ch) {
      case 'P': {
        const c = this.#get();
        if (c === '<') {
          const name = this.#name('>');
          if (this.#groupIndex.has(name)) {
            throw new RegexError(
              `redefinition of group name '${name}' as group ${String(this.#groups)}; was group ${String(this.#groupIndex.get(name))}`,
              this.#pos - [...name].length - 1,
            );
          }
          const n = this.#openGroup(name);
          return this.#groupBody(scope, nested, start, n);
        }
        if (c === '=') {
          const name = this.#name(')');
          const n = this.#groupIndex.get(name);
          if (n === undefined)
            throw this.#err(`unknown group name '${name}'`, [...name].length + 1);
          if (!this.#widths.has(n))
            throw this.#err('cannot refer to an open group', [...name].length + 1);
          this.#checkLookbehindGroup(n);
          return { t: 'ref', n, i: scope.i, a: scope.a };
        }
        if (c === undefined) throw this.#err('unexpected end of pattern');
        throw this.#err(`unknown extension ?P${c}`, 3);
      }
      case ':':
        return this.#groupBody(scope, nested, start, null);
      case '#':
        for (;;) {
          if (this.#next() === undefined)
            throw new RegexError('missing ), unterminated comment', start);
          if (this.#get() === ')') break;
        }
        return null;
      case '=':
      case '!':
      case '<': {
        let kind = ch;
        let behind = false;
        const prevLookbehind = this.#lookbehindGroups;
        if (ch === '<') {
          const c = this.#get();
          if (c === undefined) throw this.#err('unexpected end of pattern');
          if (c !== '=' && c !== '!') throw this.#err(`unknown extension ?<${c}`, 3);
          kind = c;
          behind = true;
          if (prevLookbehind === null) this.#lookbehindGroups = this.#groups;
        }
        const body = this.#alternation(scope, nested + 1);
        if (behind && prevLookbehind === null) this.#lookbehindGroups = null;
        if (!this.#match(')')) throw new RegexError('missing ), unterminated subpattern', start);
        let width = 0;
        if (behind) {
          const [lo, hi] = this.#width(body);
          if (lo !== hi) throw new RegexError('look-behind requires fixed-width pattern');
          width = lo;
        }
        return { t: 'look', behind, neg: kind === '!', body, width };
      }
      case '(': {
        const nameStart = this.#pos;
        const name = this.#untilName(')');
        let n: number;
        if (IDENT_RE.test(name)) {
          const g = this.#groupIndex.get(name);
          if (g === undefined) throw new RegexError(`unknown group name '${name}'`, nameStart);
          n = g;
        } else {
          if (!/^[0-9]+$/.test(name))
            throw new RegexError(`bad character in group name '${name}'`, nameStart);
          n = Number(name);
          if (n === 0) throw new RegexError('bad group number', nameStart);
          if (!this.#condRefs.has(n)) this.#condRefs.set(n, nameStart);
        }
        this.#checkLookbehindGroup(n);
        const yes = this.#sequence(scope, nested + 1, false);
        let no: Node | null = null;
        if (this.#match('|')) {
          no = this.#sequence(scope, nested + 1, false);
          if (this.#next() === '|')
            throw this.#err('conditional backref with more than two branches');
        }
        if (!this.#match(')')) throw new RegexError('missing ), unterminated subpattern', start);
        return { t: 'cond', n, yes, no };
      }
      case '>': {
        const body = this.#alternation(scope, nested + 1);
        if (!this.#match(')')) throw new RegexError('missing ), unterminated subpattern', start);
        return { t: 'atomic', body };
      }
      default:
        if (ch in FLAG_LETTERS || ch === '-') {
          const r = this.#flagsGroup(ch);
          if (r === null) {
            // global flags
            if (!first) {
              throw new RegexError('global flags not at the start of the expression', start);
            }
            const f = this.#flags;
            scope.i = (f & RE_FLAGS.IGNORECASE) !== 0;
            scope.m = (f & RE_FLAGS.MULTILINE) !== 0;
            scope.s = (f & RE_FLAGS.DOTALL) !== 0;
            scope.x = (f & RE_FLAGS.VERBOSE) !== 0;
            scope.a = (f & RE_FLAGS.ASCII) !== 0;
            return null;
          }
          const inner: Scope = { ...scope };
          const apply = (mask: number, on: boolean): void => {
            if (mask & RE_FLAGS.IGNORECASE) inner.i = on;
            if (mask & RE_FLAGS.MULTILINE) inner.m = on;
            if (mask & RE_FLAGS.DOTALL) inner.s = on;
            if (mask & RE_FLAGS.VERBOSE) inner.x = on;
            if (mask & RE_FLAGS.ASCII) inner.a = on;
            if (mask & RE_FLAGS.UNICODE) inner.a = false;
          };
          apply(r[0], true);
          apply(r[1], false);
          return this.#groupBody(inner, nested, start, null);
        }
        throw this.#err(`unknown extension ?${ch}`, 2);
    }
  }

  /** sre_parse's `_parse_flags`: null for global flags, else [add, delete]. */
  #flagsGroup(first: string): [number, number] | null {
    let ch: string | undefined = first;
    let add = 0;
    let del = 0;
    if (ch !== '-') {
      for (;;) {
        const flag = FLAG_LETTERS[ch] ?? 0;
        if (ch === 'L') throw this.#err("bad inline flags: cannot use 'L' flag with a str pattern");
        add |= flag;
        if (flag & TYPE_FLAGS && (add & TYPE_FLAGS) !== flag) {
          throw this.#err("bad inline flags: flags 'a', 'u' and 'L' are incompatible");
        }
        ch = this.#get();
        if (ch === undefined) throw this.#err('missing -, : or )');
        if (ch === ')' || ch === '-' || ch === ':') break;
        if (!(ch in FLAG_LETTERS)) {
          throw this.#err(/\p{L}/u.test(ch) ? 'unknown flag' : 'missing -, : or )', 1);
        }
      }
    }
    if (ch === ')') {
      this.#flags |= add;
      return null;
    }
    if (add & GLOBAL_FLAGS) throw this.#err('bad inline flags: cannot turn on global flag', 1);
    if (ch === '-') {
      ch = this.#get();
      if (ch === undefined) throw this.#err('missing flag');
      if (!(ch in FLAG_LETTERS)) {
        throw this.#err(/\p{L}/u.test(ch) ? 'unknown flag' : 'missing flag', 1);
      }
      for (;;) {
        const flag = FLAG_LETTERS[ch] ?? 0;
        if (flag & TYPE_FLAGS) {
          throw this.#err("bad inline flags: cannot turn off flags 'a', 'u' and 'L'");
        }
        del |= flag;
        ch = this.#get();
        if (ch === undefined) throw this.#err('missing :');
        if (ch === ':') break;
        if (!(ch in FLAG_LETTERS)) {
          throw this.#err(/\p{L}/u.test(ch) ? 'unknown flag' : 'missing :', 1);
        }
      }
    }
    if (del & GLOBAL_FLAGS) throw this.#err('bad inline flags: cannot turn off global flag', 1);
    if (add & del) throw this.#err('bad inline flags: flag turned on and off', 1);
    return [add, del];
  }

  #openGroup(name: string | null): number {
    const n = this.#groups++;
    if (name !== null) this.#groupIndex.set(name, n);
    return n;
  }

  #groupBody(scope: Scope, nested: number, start: number, n: number | null): Node {
    const body = this.#alternation(scope, nested + 1);
    if (!this.#match(')')) throw new RegexError('missing ), unterminated subpattern', start);
    // a sequence, so that a quantifier after `(?:x*)` is not a "multiple repeat"
    if (n === null) return { t: 'seq', items: [body] };
    this.#widths.set(n, this.#width(body));
    return { t: 'group', n, body };
  }

  #checkLookbehindGroup(n: number): void {
    if (this.#lookbehindGroups === null) return;
    if (!this.#widths.has(n)) throw this.#err('cannot refer to an open group');
    if (n >= this.#lookbehindGroups) {
      throw this.#err('cannot refer to group defined in the same lookbehind subpattern');
    }
  }

  #untilName(terminator: string): string {
    const start = this.#pos;
    let name = '';
    for (;;) {
      const c = this.#get();
      if (c === undefined) {
        if (name === '') throw new RegexError('missing group name', start);
        throw new RegexError(`missing ${terminator}, unterminated name`, start);
      }
      if (c === terminator) {
        if (name === '') throw new RegexError('missing group name', start);
        return name;
      }
      name += c;
    }
  }

  #name(terminator: string): string {
    const start = this.#pos;
    const name = this.#untilName(terminator);
    if (!IDENT_RE.test(name)) throw new RegexError(`bad character in group name '${name}'`, start);
    return name;
  }

  /** sre_parse's getwidth: [min, max] characters a subpattern can match. */
  #width(node: Node): [number, number] {
    const cap = (v: number): number => Math.min(v, MAXREPEAT - 1);
    switch (node.t) {
      case 'char':
      case 'any':
      case 'set':
        return [1, 1];
      case 'seq': {
        let lo = 0;
        let hi = 0;
        for (const item of node.items) {
          const [l, h] = this.#width(item);
          lo = cap(lo + l);
          hi = cap(hi + h);
        }
        return [lo, hi];
      }
      case 'alt': {
        let lo = Infinity;
        let hi = 0;
        for (const alt of node.alts) {
          const [l, h] = this.#width(alt);
          lo = Math.min(lo, l);
          hi = Math.max(hi, h);
        }
        return [lo, hi];
      }
      case 'group':
      case 'atomic':
        return this.#width(node.body);
      case 'rep': {
        const [l, h] = this.#width(node.body);
        return [cap(l * node.min), cap(h * node.max)];
      }
      case 'ref':
        return this.#widths.get(node.n) ?? [0, MAXREPEAT - 1];
      case 'cond': {
        const [l, h] = this.#width(node.yes);
        if (node.no === null) return [0, h];
        const [l2, h2] = this.#width(node.no);
        return [Math.min(l, l2), Math.max(h, h2)];
      }
      default:
        return [0, 0];
    }
  }

  #escape(scope: Scope, start: number): Node {
    const c = this.#get();
    if (c === undefined) throw new RegexError('bad escape (end of pattern)', start);
    switch (c) {
      case 'A':
        return { t: 'at', at: 'A' };
      case 'Z':
        return { t: 'at', at: 'Z' };
      case 'b':
        return { t: 'wb', neg: false, a: scope.a };
      case 'B':
        return { t: 'wb', neg: true, a: scope.a };
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 's':
      case 'S':
        return { t: 'set', items: [{ k: 'cat', cat: c }], neg: false, i: false, a: scope.a };
      default:
        break;
    }
    if (c === '0') {
      let digits = '';
      while (digits.length < 2 && OCT.test(this.#next() ?? '')) digits += this.#get();
      return this.#literal(parseInt(digits || '0', 8), scope);
    }
    if (DIGITS.test(c)) {
      let escape = `\\${c}`;
      if (DIGITS.test(this.#next() ?? '')) {
        escape += this.#get();
        if (
          OCT.test(escape[1] ?? '') &&
          OCT.test(escape[2] ?? '') &&
          OCT.test(this.#next() ?? '')
        ) {
          escape += this.#get();
          const code = parseInt(escape.slice(1), 8);
          if (code > 0o377) {
            throw this.#err(`octal escape value ${escape} outside of range 0-0o377`, escape.length);
          }
          return this.#literal(code, scope);
        }
      }
      const n = Number(escape.slice(1));
      if (n < this.#groups) {
        if (!this.#widths.has(n)) throw this.#err('cannot refer to an open group', escape.length);
        this.#checkLookbehindGroup(n);
        return { t: 'ref', n, i: scope.i, a: scope.a };
      }
      throw this.#err(`invalid group reference ${String(n)}`, escape.length - 1);
    }
    const code = this.#codeEscape(c, false);
    return this.#literal(code, scope);
  }

  /** Escapes standing for one code point; `\` and the letter are consumed. */
  #codeEscape(c: string, inClass: boolean): number {
    const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };
    const known = simple[c];
    if (known !== undefined) return known;
    if (inClass && c === 'b') return 8;
    if (c === 'x' || c === 'u' || c === 'U') {
      const len = c === 'x' ? 2 : c === 'u' ? 4 : 8;
      let hex = '';
      while (hex.length < len && HEX.test(this.#next() ?? '')) hex += this.#get();
      const escape = `\\${c}${hex}`;
      if (hex.length !== len) throw this.#err(`incomplete escape ${escape}`, escape.length);
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) throw this.#err(`bad escape ${escape}`, escape.length);
      return code;
    }
    if (c === 'N') {
      if (!this.#match('{')) throw this.#err('missing {');
      const name = this.#untilName('}');
      throw this.#err(`undefined character name '${name}'`, [...name].length + 4);
    }
    if (ASCII_LETTER.test(c) || DIGITS.test(c)) throw this.#err(`bad escape \\${c}`, 2);
    return c.codePointAt(0) ?? 0;
  }

  #classEscape(): ClassItem {
    const c = this.#get();
    if (c === undefined) throw this.#err('bad escape (end of pattern)', 1);
    if ('dDwWsS'.includes(c)) return { k: 'cat', cat: c as 'd' };
    if (OCT.test(c)) {
      let escape = `\\${c}`;
      while (escape.length < 4 && OCT.test(this.#next() ?? '')) escape += this.#get();
      const code = parseInt(escape.slice(1), 8);
      if (code > 0o377) {
        throw this.#err(`octal escape value ${escape} outside of range 0-0o377`, escape.length);
      }
      return { k: 'char', c: code };
    }
    return { k: 'char', c: this.#codeEscape(c, true) };
  }

  #charClass(scope: Scope, start: number): Node {
    const items: ClassItem[] = [];
    const neg = this.#match('^');
    for (;;) {
      const tokStart = this.#pos;
      const ch = this.#get();
      if (ch === undefined) throw new RegexError('unterminated character set', start);
      if (ch === ']' && items.length > 0) break;
      const lo: ClassItem =
        ch === '\\' ? this.#classEscape() : { k: 'char', c: ch.codePointAt(0) ?? 0 };
      const thisTok = this.#src.slice(tokStart, ch === '\\' ? tokStart + 2 : this.#pos).join('');
      if (this.#match('-')) {
        const thatStart = this.#pos;
        const that = this.#get();
        if (that === undefined) throw new RegexError('unterminated character set', start);
        if (that === ']') {
          items.push(lo, { k: 'char', c: 0x2d });
          break;
        }
        const hi: ClassItem =
          that === '\\' ? this.#classEscape() : { k: 'char', c: that.codePointAt(0) ?? 0 };
        const thatTok = this.#src
          .slice(thatStart, that === '\\' ? thatStart + 2 : this.#pos)
          .join('');
        if (lo.k !== 'char' || hi.k !== 'char' || hi.c < lo.c) {
          throw this.#err(
            `bad character range ${thisTok}-${thatTok}`,
            [...thisTok].length + 1 + [...thatTok].length,
          );
        }
        items.push({ k: 'range', lo: lo.c, hi: hi.c });
      } else items.push(lo);
    }
    return { t: 'set', items, neg, i: scope.i, a: scope.a };
  }
}

/** `re.escape`: backslash before every character that is special in a pattern. */
export function escapePattern(text: string): string {
  return text.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => `\\${c}`);
}
