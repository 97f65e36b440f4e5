/**
 * Translates Python `re` pattern syntax into a JavaScript `RegExp` source.
 *
 * The translation is explicit for everything whose meaning differs between the two engines:
 * `.`, `^`, `$`, `\A`, `\Z`, `\d`/`\w`/`\s`/`\b` (Unicode in Python), literal `{`/`}`, `[]…]`,
 * `(?P<name>…)`, `(?P=name)`, inline and scoped flags, `VERBOSE`. Constructs JavaScript cannot
 * express (atomic groups, possessive quantifiers, conditionals) raise {@link RegexError}.
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

/** A pattern error, raised in Python as `re.error` with this message. */
export class RegexError extends Error {
  override readonly name = 'RegexError';
  readonly pos: number | null;
  /** The message without the position suffix (`re.error.msg`). */
  readonly msg: string;
  constructor(message: string, pos: number | null = null) {
    super(pos === null ? message : `${message} at position ${String(pos)}`);
    this.pos = pos;
    this.msg = message;
  }
}

export interface TranslatedPattern {
  /** JavaScript source, to be compiled with {@link TranslatedPattern.jsFlags}. */
  readonly source: string;
  readonly jsFlags: string;
  /** The Python flags in force, including inline global flags (as `Pattern.flags`). */
  readonly flags: number;
  readonly groups: number;
  /** Group name → group number, in pattern order. */
  readonly groupIndex: ReadonlyMap<string, number>;
}

interface Scope {
  ignoreCase: boolean;
  multiline: boolean;
  dotAll: boolean;
  verbose: boolean;
  ascii: boolean;
}

const FLAG_LETTERS: Readonly<Record<string, number>> = {
  i: RE_FLAGS.IGNORECASE,
  L: RE_FLAGS.LOCALE,
  m: RE_FLAGS.MULTILINE,
  s: RE_FLAGS.DOTALL,
  u: RE_FLAGS.UNICODE,
  x: RE_FLAGS.VERBOSE,
  a: RE_FLAGS.ASCII,
};

const WORD_U = '[\\p{L}\\p{N}\\p{Mn}\\p{Pc}]';
// Python's str.isspace() set: JS \s minus U+FEFF, plus the C0 separators and NEL.
const SPACE_U =
  '[\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const SPACE_U_BODY = SPACE_U.slice(1, -1);

function classEscape(code: number): string {
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}

/** Translates a Python pattern with the given Python flags. */
export function translatePattern(pattern: string, flags = 0): TranslatedPattern {
  const translator = new Translator(pattern, flags);
  return translator.run();
}

class Translator {
  readonly #p: string;
  #pos = 0;
  #flags: number;
  #groups = 0;
  #hidden = 0;
  readonly #groupIndex = new Map<string, number>();
  readonly #openGroups: number[] = [];
  #globalIgnoreCase = false;

  constructor(pattern: string, flags: number) {
    this.#p = pattern;
    this.#flags = flags;
  }

  run(): TranslatedPattern {
    // Global inline flags must come first (Python 3.11 rejects them elsewhere).
    this.#readLeadingFlags();
    if ((this.#flags & RE_FLAGS.ASCII) !== 0 && (this.#flags & RE_FLAGS.UNICODE) !== 0) {
      throw new RegexError('ASCII and UNICODE flags are incompatible');
    }
    this.#globalIgnoreCase = (this.#flags & RE_FLAGS.IGNORECASE) !== 0;
    const scope: Scope = {
      ignoreCase: this.#globalIgnoreCase,
      multiline: (this.#flags & RE_FLAGS.MULTILINE) !== 0,
      dotAll: (this.#flags & RE_FLAGS.DOTALL) !== 0,
      verbose: (this.#flags & RE_FLAGS.VERBOSE) !== 0,
      ascii: (this.#flags & RE_FLAGS.ASCII) !== 0,
    };
    this.#pos = 0;
    const source = this.#alternation(scope, 0);
    if (this.#pos < this.#p.length) {
      throw new RegexError('unbalanced parenthesis', this.#pos);
    }
    const flags = scope.ascii ? this.#flags : this.#flags | RE_FLAGS.UNICODE;
    return {
      source,
      jsFlags: `v${this.#globalIgnoreCase ? 'i' : ''}`,
      flags,
      groups: this.#groups,
      groupIndex: this.#groupIndex,
    };
  }

  /** Scans for `(?aiLmsux)` groups anywhere at top level; only leading ones are legal. */
  #readLeadingFlags(): void {
    const re = /\(\?([aiLmsux]+)\)/gy;
    let at = 0;
    let verbose = (this.#flags & RE_FLAGS.VERBOSE) !== 0;
    for (;;) {
      if (verbose) {
        // leading whitespace/comments are allowed before flags in verbose mode
        const ws = /(?:\s+|#[^\n]*)*/y;
        ws.lastIndex = at;
        const m = ws.exec(this.#p);
        if (m) at += m[0].length;
      }
      re.lastIndex = at;
      const m = re.exec(this.#p);
      if (!m) break;
      for (const letter of m[1] ?? '') this.#flags |= FLAG_LETTERS[letter] ?? 0;
      verbose = (this.#flags & RE_FLAGS.VERBOSE) !== 0;
      at = re.lastIndex;
    }
  }

  #peek(offset = 0): string | undefined {
    return this.#p[this.#pos + offset];
  }

  #skipVerbose(scope: Scope): void {
    if (!scope.verbose) return;
    for (;;) {
      const ch = this.#peek();
      if (ch === undefined) return;
      if (/\s/.test(ch)) {
        this.#pos++;
      } else if (ch === '#') {
        while (this.#pos < this.#p.length && this.#p[this.#pos] !== '\n') this.#pos++;
      } else {
        return;
      }
    }
  }

  #alternation(scope: Scope, depth: number): string {
    const branches: string[] = [this.#sequence(scope, depth)];
    while (this.#peek() === '|') {
      this.#pos++;
      branches.push(this.#sequence(scope, depth));
    }
    return branches.join('|');
  }

  #sequence(scope: Scope, depth: number): string {
    let out = '';
    for (;;) {
      this.#skipVerbose(scope);
      const ch = this.#peek();
      if (ch === undefined || ch === '|') return out;
      if (ch === ')') {
        if (depth === 0) throw new RegexError('unbalanced parenthesis', this.#pos);
        return out;
      }
      const start = this.#pos;
      const atom = this.#atom(scope, depth);
      if (atom === null) continue; // comment group or flags
      const q = this.#quantifier(scope, atom.quantifiable, start);
      out += q.possessive ? this.#atomic(atom.text + q.text) : atom.text + q.text;
    }
  }

  #atomic(text: string): string {
    const key = `h${String(++this.#hidden)}`;
    return `(?=(?<${key}>${text}))\\k<${key}>`;
  }

  #quantifier(
    scope: Scope,
    quantifiable: boolean,
    atomStart: number,
  ): { text: string; possessive: boolean } {
    this.#skipVerbose(scope);
    const quant = this.#readQuantifier();
    if (quant === null) return { text: '', possessive: false };
    if (!quantifiable) throw new RegexError('nothing to repeat', atomStart);
    let out = quant;
    let possessive = false;
    this.#skipVerbose(scope);
    const next = this.#peek();
    if (next === '?') {
      this.#pos++;
      out += '?';
    } else if (next === '+') {
      this.#pos++;
      possessive = true;
    }
    this.#skipVerbose(scope);
    if (this.#readQuantifierPeek()) throw new RegexError('multiple repeat', this.#pos);
    return { text: out, possessive };
  }

  #readQuantifierPeek(): boolean {
    const ch = this.#peek();
    if (ch === '*' || ch === '+' || ch === '?') return true;
    if (ch === '{')
      return (
        /^\{(\d*)(,(\d*))?\}/.test(this.#p.slice(this.#pos)) &&
        this.#p.slice(this.#pos, this.#pos + 2) !== '{}'
      );
    return false;
  }

  #readQuantifier(): string | null {
    const ch = this.#peek();
    if (ch === '*' || ch === '+' || ch === '?') {
      this.#pos++;
      return ch;
    }
    if (ch === '{') {
      const m = /^\{(\d*)(?:(,)(\d*))?\}/.exec(this.#p.slice(this.#pos));
      if (!m || (m[1] === '' && m[2] === undefined)) return null; // literal '{'
      const lo = m[1] === '' ? '0' : (m[1] ?? '0');
      const hi = m[3] ?? '';
      if (m[2] !== undefined && hi !== '' && Number(hi) < Number(lo)) {
        throw new RegexError(
          'min repeat greater than max repeat',
          this.#pos + 1 + (m[1] ?? '').length + 1,
        );
      }
      this.#pos += m[0].length;
      return m[2] === undefined ? `{${lo}}` : `{${lo},${hi}}`;
    }
    return null;
  }

  #atom(scope: Scope, depth: number): { text: string; quantifiable: boolean } | null {
    const start = this.#pos;
    const ch = this.#p[this.#pos++] ?? '';
    switch (ch) {
      case '.':
        return { text: scope.dotAll ? '[\\s\\S]' : '[^\\n]', quantifiable: true };
      case '^':
        return { text: scope.multiline ? '(?<![^\\n])' : '(?<![\\s\\S])', quantifiable: false };
      case '$':
        return {
          text: scope.multiline ? '(?=\\n|(?![\\s\\S]))' : '(?=\\n?(?![\\s\\S]))',
          quantifiable: false,
        };
      case '[':
        return { text: this.#charClass(scope, start), quantifiable: true };
      case '(':
        return this.#group(scope, depth, start);
      case '\\':
        return this.#escape(scope, start);
      case '*':
      case '+':
      case '?':
        throw new RegexError('nothing to repeat', start);
      case '{': {
        this.#pos--;
        if (this.#readQuantifier() !== null) throw new RegexError('nothing to repeat', start);
        this.#pos++;
        return { text: '\\{', quantifiable: true };
      }
      case '}':
        return { text: '\\}', quantifiable: true };
      case ']':
        return { text: '\\]', quantifiable: true };
      default:
        return { text: this.#literal(ch.codePointAt(0) ?? 0, scope), quantifiable: true };
    }
  }

  /** A literal code point, case-expanded when only a scoped `(?i:…)` is in force. */
  #literal(code: number, scope: Scope): string {
    if (code > 0xffff) this.#pos++; // consumed the low surrogate too
    const ch = String.fromCodePoint(code);
    if (scope.ignoreCase && !this.#globalIgnoreCase) {
      const lower = ch.toLowerCase();
      const upper = ch.toUpperCase();
      if (lower !== upper && [...lower].length === 1 && [...upper].length === 1) {
        return `[${classEscape(lower.codePointAt(0) ?? 0)}${classEscape(upper.codePointAt(0) ?? 0)}]`;
      }
    }
    if (/[\\^$.*+?()[\]{}|/]/.test(ch)) return `\\${ch}`;
    if (code < 0x20 || code === 0x7f) return classEscape(code);
    return ch;
  }

  #group(
    scope: Scope,
    depth: number,
    start: number,
  ): { text: string; quantifiable: boolean } | null {
    if (this.#peek() !== '?') {
      const n = ++this.#groups;
      return this.#groupBody(scope, depth, start, `(?<${jsGroupKey(n)}>`, n);
    }
    this.#pos++;
    const kind = this.#peek();
    if (kind === ':') {
      this.#pos++;
      return this.#groupBody(scope, depth, start, '(?:', null);
    }
    if (kind === '=' || kind === '!') {
      this.#pos++;
      const body = this.#groupBody(scope, depth, start, `(?${kind}`, null);
      return { text: body.text, quantifiable: false };
    }
    if (kind === '#') {
      const end = this.#p.indexOf(')', this.#pos);
      if (end < 0) throw new RegexError('missing ), unterminated comment', start);
      this.#pos = end + 1;
      return null;
    }
    if (kind === 'P') {
      this.#pos++;
      const next = this.#peek();
      if (next === '<') {
        this.#pos++;
        const name = this.#groupName('>', start);
        if (this.#groupIndex.has(name)) {
          throw new RegexError(
            `redefinition of group name '${name}' as group ${String(this.#groups + 1)}; was group ${String(this.#groupIndex.get(name))}`,
            this.#pos - name.length - 1,
          );
        }
        const n = ++this.#groups;
        this.#groupIndex.set(name, n);
        return this.#groupBody(scope, depth, start, `(?<${jsGroupKey(n)}>`, n);
      }
      if (next === '=') {
        this.#pos++;
        const name = this.#groupName(')', start);
        const n = this.#groupIndex.get(name);
        if (n === undefined)
          throw new RegexError(`unknown group name '${name}'`, this.#pos - name.length - 1);
        if (this.#openGroups.includes(n))
          throw new RegexError('cannot refer to an open group', start);
        return { text: `\\k<${jsGroupKey(n)}>`, quantifiable: true };
      }
      throw new RegexError(`unknown extension ?P${next ?? ''}`, start + 1);
    }
    if (kind === '<') {
      this.#pos++;
      const look = this.#peek();
      if (look === '=' || look === '!') {
        this.#pos++;
        const body = this.#groupBody(scope, depth, start, `(?<${look}`, null);
        return { text: body.text, quantifiable: false };
      }
      throw new RegexError(`unknown extension ?<${look ?? ''}`, start + 1);
    }
    if (kind === '>') {
      // Atomic group: a lookahead captures what X matches, then a backreference consumes it
      // without allowing backtracking into X.
      this.#pos++;
      const body = this.#groupBody(scope, depth, start, '(?:', null);
      return { text: this.#atomic(body.text), quantifiable: true };
    }
    if (kind === '(') {
      throw new RegexError('conditional groups are not supported', start);
    }
    // Flags: (?aiLmsux) (already handled if leading) or scoped (?flags-flags:...)
    const m = /^([aiLmsux]*)(?:-([imsx]*))?([:)])/.exec(this.#p.slice(this.#pos));
    if (!m) {
      throw new RegexError(`unknown extension ?${kind ?? ''}`, start + 1);
    }
    this.#pos += m[0].length;
    if (m[3] === ')') {
      if (m[2] !== undefined) throw new RegexError('missing :', this.#pos - 1);
      if (start !== 0 && !this.#onlyFlagsBefore(start)) {
        throw new RegexError('global flags not at the start of the expression', start);
      }
      return null;
    }
    const inner: Scope = { ...scope };
    const apply = (letters: string, on: boolean): void => {
      for (const letter of letters) {
        if (letter === 'i') inner.ignoreCase = on;
        else if (letter === 'm') inner.multiline = on;
        else if (letter === 's') inner.dotAll = on;
        else if (letter === 'x') inner.verbose = on;
        else if (letter === 'a') inner.ascii = on;
      }
    };
    apply(m[1] ?? '', true);
    apply(m[2] ?? '', false);
    if (!inner.ignoreCase && this.#globalIgnoreCase) {
      throw new RegexError('turning off IGNORECASE inside a pattern is not supported', start);
    }
    return this.#groupBody(inner, depth, start, '(?:', null);
  }

  #onlyFlagsBefore(start: number): boolean {
    return /^(?:\(\?[aiLmsux]+\)|\s|#[^\n]*)*$/.test(this.#p.slice(0, start));
  }

  #groupName(terminator: string, start: number): string {
    const end = this.#p.indexOf(terminator, this.#pos);
    if (end < 0) throw new RegexError(`missing ${terminator}, unterminated name`, this.#pos);
    const name = this.#p.slice(this.#pos, end);
    if (name === '') throw new RegexError('missing group name', this.#pos);
    if (!/^[\p{L}_][\p{L}\p{N}_]*$/u.test(name)) {
      throw new RegexError(`bad character in group name '${name}'`, this.#pos);
    }
    void start;
    this.#pos = end + 1;
    return name;
  }

  #groupBody(
    scope: Scope,
    depth: number,
    start: number,
    open: string,
    groupNumber: number | null,
  ): { text: string; quantifiable: boolean } {
    if (groupNumber !== null) this.#openGroups.push(groupNumber);
    const body = this.#alternation(scope, depth + 1);
    if (this.#peek() !== ')') {
      throw new RegexError('missing ), unterminated subpattern', start);
    }
    this.#pos++;
    if (groupNumber !== null) this.#openGroups.pop();
    return { text: `${open}${body})`, quantifiable: true };
  }

  /** Escapes valid both outside and inside classes: returns JS text or a class body fragment. */
  #escape(scope: Scope, start: number): { text: string; quantifiable: boolean } {
    const ch = this.#p[this.#pos++];
    if (ch === undefined) throw new RegexError('bad escape (end of pattern)', start);
    switch (ch) {
      case 'A':
        return { text: '(?<![\\s\\S])', quantifiable: false };
      case 'Z':
        return { text: '(?![\\s\\S])', quantifiable: false };
      case 'b':
        return { text: this.#wordBoundary(scope, true), quantifiable: false };
      case 'B':
        return { text: this.#wordBoundary(scope, false), quantifiable: false };
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 's':
      case 'S': {
        const body = this.#classShorthand(ch, scope);
        return { text: body.negated ? `[^${body.body}]` : `[${body.body}]`, quantifiable: true };
      }
      default:
        break;
    }
    if (/[1-9]/.test(ch)) {
      // Backreference (up to two digits) or octal escape (three octal digits).
      let digits = ch;
      if (/[0-9]/.test(this.#peek() ?? '')) {
        const two = digits + (this.#peek() ?? '');
        if (/[0-7]{2}/.test(two) && /[0-7]/.test(this.#peek(1) ?? '') && /[0-7]/.test(ch)) {
          this.#pos += 2;
          const code = parseInt(two + (this.#p[this.#pos - 1] ?? ''), 8);
          if (code > 0o377)
            throw new RegexError(
              `octal escape value \\${two}${this.#p[this.#pos - 1] ?? ''} outside of range 0-0o377`,
              start,
            );
          return { text: this.#literal(code, scope), quantifiable: true };
        }
        digits = two;
        this.#pos++;
      }
      const n = Number(digits);
      if (n > this.#groups) throw new RegexError(`invalid group reference ${String(n)}`, start + 1);
      if (this.#openGroups.includes(n))
        throw new RegexError('cannot refer to an open group', start);
      return { text: `\\k<${jsGroupKey(n)}>`, quantifiable: true };
    }
    const code = this.#codeEscape(ch, start);
    if (code !== null) return { text: this.#literal(code, scope), quantifiable: true };
    throw new RegexError(`bad escape \\${ch}`, start);
  }

  /** Escapes that denote one code point (`\n`, `\x41`, `\.`, …), or null. */
  #codeEscape(ch: string, start: number): number | null {
    const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    const known = simple[ch];
    if (known !== undefined) return known;
    if (ch === '0') {
      let digits = '';
      while (digits.length < 2 && /[0-7]/.test(this.#peek() ?? '')) digits += this.#p[this.#pos++];
      return parseInt(digits || '0', 8);
    }
    if (ch === 'x' || ch === 'u' || ch === 'U') {
      const len = ch === 'x' ? 2 : ch === 'u' ? 4 : 8;
      const hex = this.#p.slice(this.#pos, this.#pos + len);
      if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) {
        throw new RegexError(
          `incomplete escape \\${ch}${hex.replace(/[^0-9a-fA-F].*$/, '')}`,
          start,
        );
      }
      this.#pos += len;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) throw new RegexError(`bad escape \\${ch}${hex}`, start);
      return code;
    }
    if (ch === 'N') throw new RegexError('\\N{...} escapes are not supported', start);
    if (/[A-Za-z0-9]/.test(ch)) return null;
    return ch.codePointAt(0) ?? 0;
  }

  #classShorthand(ch: string, scope: Scope): { body: string; negated: boolean } {
    const lower = ch.toLowerCase();
    const negated = ch !== lower;
    let body: string;
    if (lower === 'd') body = scope.ascii ? '0-9' : '\\p{Nd}';
    else if (lower === 'w') body = scope.ascii ? 'a-zA-Z0-9_' : WORD_U.slice(1, -1);
    else body = scope.ascii ? ' \\t\\n\\r\\f\\v' : SPACE_U_BODY;
    return { body, negated };
  }

  #wordBoundary(scope: Scope, boundary: boolean): string {
    if (scope.ascii) return boundary ? '\\b' : '\\B';
    const w = WORD_U;
    return boundary
      ? `(?:(?<=${w})(?!${w})|(?<!${w})(?=${w}))`
      : `(?:(?<=${w})(?=${w})|(?<!${w})(?!${w}))`;
  }

  #charClass(scope: Scope, start: number): string {
    let negated = false;
    if (this.#peek() === '^') {
      negated = true;
      this.#pos++;
    }
    const items: string[] = [];
    let first = true;
    for (;;) {
      const ch = this.#peek();
      if (ch === undefined) throw new RegexError('unterminated character set', start);
      if (ch === ']' && !first) {
        this.#pos++;
        break;
      }
      first = false;
      const lo = this.#classAtom(scope, start);
      if (typeof lo !== 'number') {
        items.push(lo.body);
        continue;
      }
      if (this.#peek() === '-' && this.#peek(1) !== ']' && this.#peek(1) !== undefined) {
        const dashAt = this.#pos;
        this.#pos++;
        const hi = this.#classAtom(scope, start);
        if (typeof hi !== 'number') {
          throw new RegexError(
            `bad character range ${this.#p.slice(dashAt - 1, this.#pos)}`,
            dashAt - 1,
          );
        }
        if (hi < lo) {
          throw new RegexError(
            `bad character range ${this.#p.slice(dashAt - 1, this.#pos)}`,
            dashAt - 1,
          );
        }
        items.push(`${classEscape(lo)}-${classEscape(hi)}`);
        if (scope.ignoreCase && !this.#globalIgnoreCase) items.push(caseVariantsOfRange(lo, hi));
        continue;
      }
      items.push(classEscape(lo));
      if (scope.ignoreCase && !this.#globalIgnoreCase) items.push(caseVariantsOfRange(lo, lo));
    }
    const body = items.join('');
    if (body === '') return negated ? '[\\s\\S]' : '[]';
    return `[${negated ? '^' : ''}${body}]`;
  }

  /** One member of a class: a code point, or a shorthand set's class body. */
  #classAtom(scope: Scope, start: number): number | { body: string } {
    const ch = this.#p[this.#pos++] ?? '';
    if (ch !== '\\') {
      const code = ch.codePointAt(0) ?? 0;
      if (code > 0xffff) this.#pos++;
      return code;
    }
    const esc = this.#p[this.#pos++];
    if (esc === undefined) throw new RegexError('unterminated character set', start);
    if ('dDwWsS'.includes(esc)) {
      const { body, negated } = this.#classShorthand(esc, scope);
      // The `v` flag allows nested (and negated) classes inside a class.
      return { body: negated ? `[^${body}]` : body };
    }
    if (esc === 'b') return 8;
    if (/[0-7]/.test(esc)) {
      let digits = esc;
      while (digits.length < 3 && /[0-7]/.test(this.#peek() ?? '')) digits += this.#p[this.#pos++];
      return parseInt(digits, 8);
    }
    const code = this.#codeEscape(esc, this.#pos - 2);
    if (code === null) throw new RegexError(`bad escape \\${esc}`, this.#pos - 2);
    return code;
  }
}

function caseVariantsOfRange(lo: number, hi: number): string {
  // Only letters have case variants; ranges are usually small (a-z), so list them.
  if (hi - lo > 500) return '';
  let out = '';
  for (let c = lo; c <= hi; c++) {
    const ch = String.fromCodePoint(c);
    for (const v of [ch.toLowerCase(), ch.toUpperCase()]) {
      if (v !== ch && [...v].length === 1) out += classEscape(v.codePointAt(0) ?? 0);
    }
  }
  return out;
}

/** The JavaScript group name standing for Python group `n` (every group is named in JS). */
export function jsGroupKey(n: number): string {
  return `p${String(n)}`;
}

/** `re.escape`: backslash before every character that is special in a pattern. */
export function escapePattern(text: string): string {
  return text.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => `\\${c}`);
}
