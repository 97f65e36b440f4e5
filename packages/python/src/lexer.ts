/** Tokenizer for the Python subset: indentation, implicit line joining, strings, numbers. */
import { PyException, exceptionType } from './values.js';

/** `error` carries an indentation error the parser reports when it gets there (as CPython does). */
export type TokenType =
  'name' | 'int' | 'float' | 'str' | 'op' | 'newline' | 'indent' | 'dedent' | 'eof' | 'error';

export interface Token {
  readonly type: TokenType;
  /** Identifier, operator text, decoded string body, or number source text. */
  readonly value: string;
  readonly line: number;
  readonly col: number;
  /** For strings: prefix letters (lower case), e.g. 'f', 'rb'. */
  readonly prefix?: string;
  /** For f-strings: the raw body (escapes undecoded). */
  readonly raw?: string;
}

/** Creates a SyntaxError exception at a position. */
export function syntaxError(msg: string, line: number, col: number): PyException {
  const e = new PyException(exceptionType('SyntaxError'), [msg]);
  e.span = { line, column: col };
  return e;
}

const OPERATORS = [
  '**=',
  '//=',
  '>>=',
  '<<=',
  '...',
  '!=',
  '%=',
  '&=',
  '**',
  '*=',
  '+=',
  '-=',
  '->',
  '//',
  '/=',
  ':=',
  '<<',
  '<=',
  '==',
  '>=',
  '>>',
  '@=',
  '^=',
  '|=',
  '!',
  '%',
  '&',
  '(',
  ')',
  '*',
  '+',
  ',',
  '-',
  '.',
  '/',
  ':',
  ';',
  '<',
  '=',
  '>',
  '@',
  '[',
  ']',
  '^',
  '{',
  '|',
  '}',
  '~',
];
const OPS_BY_FIRST = new Map<string, string[]>();
for (const op of OPERATORS) {
  const list = OPS_BY_FIRST.get(op[0] as string) ?? [];
  list.push(op);
  OPS_BY_FIRST.set(op[0] as string, list);
}

const ID_START = /[\p{L}\p{Nl}_]/u;
const ID_CONTINUE = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}_]/u;

function isIdStart(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
  return ID_START.test(c);
}
function isIdContinue(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128) {
    return (
      (code >= 65 && code <= 90) ||
      (code >= 97 && code <= 122) ||
      code === 95 ||
      (code >= 48 && code <= 57)
    );
  }
  return ID_CONTINUE.test(c);
}
function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

const STRING_PREFIXES = new Set(['r', 'u', 'f', 'b', 'rf', 'fr', 'rb', 'br']);
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** Splits source text into tokens, raising SyntaxError like CPython's tokenizer. */
export function tokenize(source: string): Token[] {
  const src = source.replace(/\r\n?/g, '\n');
  const tokens: Token[] = [];
  const indents: number[] = [0];
  // the same indentation measured with tab size 1, to detect inconsistent tabs and spaces
  const altIndents: number[] = [0];
  const brackets: { ch: string; line: number; col: number }[] = [];
  let pos = 0;
  let line = 1;
  let lineStart = 0;
  let atLineStart = true;
  const n = src.length;

  const push = (
    type: TokenType,
    value: string,
    l: number,
    c: number,
    extra?: Partial<Token>,
  ): void => {
    tokens.push({ type, value, line: l, col: c, ...extra });
  };

  while (pos < n || atLineStart) {
    if (atLineStart) {
      atLineStart = false;
      // measure indentation
      let width = 0;
      let alt = 0;
      let p = pos;
      while (p < n) {
        const c = src[p];
        if (c === ' ') {
          width++;
          alt++;
        } else if (c === '\t') {
          width = (Math.floor(width / 8) + 1) * 8;
          alt++;
        } else if (c === '\f') {
          width = 0;
          alt = 0;
        } else break;
        p++;
      }
      const c = src[p];
      if (p >= n) {
        pos = p;
        break;
      }
      if (c === '\n' || c === '#' || (c === '\\' && src[p + 1] === '\n')) {
        // blank or comment-only line: no indentation change
        pos = p;
        if (c === '#') {
          while (pos < n && src[pos] !== '\n') pos++;
        }
        if (src[pos] === '\\') {
          pos += 2;
          line++;
          lineStart = pos;
          atLineStart = true;
          continue;
        }
        if (pos < n) {
          pos++;
          line++;
          lineStart = pos;
          atLineStart = true;
        }
        continue;
      }
      pos = p;
      const top = indents[indents.length - 1] as number;
      const altTop = altIndents[altIndents.length - 1] as number;
      const tabError = (): Token[] => {
        push('error', 'inconsistent use of tabs and spaces in indentation', line, width);
        push('eof', '', line, width);
        return tokens;
      };
      if (width === top && alt !== altTop) return tabError();
      if (width > top) {
        if (
          tokens.length === 0 ||
          tokens[tokens.length - 1]?.type !== 'newline' ||
          !endsBlockOpener(tokens)
        ) {
          push('error', 'unexpected indent', line, width);
          push('eof', '', line, width);
          return tokens;
        }
        if (alt <= altTop) return tabError();
        indents.push(width);
        altIndents.push(alt);
        push('indent', '', line, 0);
      } else if (width < top) {
        while (width < (indents[indents.length - 1] as number)) {
          indents.pop();
          altIndents.pop();
          push('dedent', '', line, 0);
        }
        if (width !== indents[indents.length - 1]) {
          push('error', 'unindent does not match any outer indentation level', line, width);
          push('eof', '', line, width);
          return tokens;
        }
        if (alt !== altIndents[altIndents.length - 1]) return tabError();
      }
    }
    if (pos >= n) break;
    const c = src[pos] as string;
    const col = pos - lineStart;
    if (c === '\n') {
      pos++;
      if (brackets.length === 0) {
        push('newline', '', line, col);
        atLineStart = true;
      }
      line++;
      lineStart = pos;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\f') {
      pos++;
      continue;
    }
    if (c === '#') {
      while (pos < n && src[pos] !== '\n') pos++;
      continue;
    }
    if (c === '\\') {
      if (src[pos + 1] === '\n') {
        pos += 2;
        line++;
        lineStart = pos;
        continue;
      }
      if (pos + 1 >= n) throw syntaxError('unexpected EOF while parsing', line, col);
      throw syntaxError('unexpected character after line continuation character', line, col);
    }
    // identifiers and string prefixes
    if (isIdStart(c)) {
      let p = pos + 1;
      while (p < n && isIdContinue(src[p] as string)) p++;
      // non-BMP identifier chars are rare; surrogate pairs are rejected by isIdContinue
      const word = src.slice(pos, p);
      const q = src[p];
      if ((q === '"' || q === "'") && STRING_PREFIXES.has(word.toLowerCase())) {
        pos = readString(p, word.toLowerCase(), line, col);
        continue;
      }
      push('name', word.normalize('NFKC'), line, col);
      pos = p;
      continue;
    }
    if (c === '"' || c === "'") {
      pos = readString(pos, '', line, col);
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(src[pos + 1]))) {
      pos = readNumber(pos, line, col);
      continue;
    }
    const cands = OPS_BY_FIRST.get(c);
    if (cands) {
      let op = c;
      for (const cand of cands) {
        if (cand.length > op.length && src.startsWith(cand, pos)) op = cand;
      }
      if (op === '(' || op === '[' || op === '{') {
        if (brackets.length >= 200) throw syntaxError('too many nested parentheses', line, col);
        brackets.push({ ch: op, line, col });
      } else if (op === ')' || op === ']' || op === '}') {
        const open = brackets.pop();
        if (!open) throw syntaxError(`unmatched '${op}'`, line, col);
        if (open.ch !== CLOSERS[op]) {
          throw syntaxError(
            `closing parenthesis '${op}' does not match opening parenthesis '${open.ch}'` +
              (open.line !== line ? ` on line ${open.line}` : ''),
            line,
            col,
          );
        }
      }
      if (op === '!') throw syntaxError('invalid syntax', line, col);
      push('op', op, line, col);
      pos += op.length;
      continue;
    }
    if (c === '$' || c === '?' || c === '`') throw syntaxError('invalid syntax', line, col);
    throw syntaxError(
      `invalid character '${String.fromCodePoint(src.codePointAt(pos) as number)}' (U+${(src.codePointAt(pos) as number).toString(16).toUpperCase().padStart(4, '0')})`,
      line,
      col,
    );
  }
  if (brackets.length > 0) {
    const open = brackets[brackets.length - 1] as { ch: string; line: number; col: number };
    throw syntaxError(`'${open.ch}' was never closed`, open.line, open.col);
  }
  const last = tokens[tokens.length - 1];
  if (last && last.type !== 'newline' && last.type !== 'dedent')
    push('newline', '', line, pos - lineStart);
  while (indents.length > 1) {
    indents.pop();
    push('dedent', '', line, 0);
  }
  push('eof', '', line, pos - lineStart);
  return tokens;

  function readString(start: number, prefix: string, l: number, col: number): number {
    const q = src[start] as string;
    const triple = src.startsWith(q + q + q, start);
    const delim = triple ? q + q + q : q;
    let p = start + delim.length;
    const raw = prefix.includes('r');
    const bodyStart = p;
    for (;;) {
      if (p >= n) {
        if (triple)
          throw syntaxError(
            `unterminated triple-quoted string literal (detected at line ${line})`,
            l,
            col,
          );
        throw syntaxError(`unterminated string literal (detected at line ${l})`, l, col);
      }
      const ch = src[p];
      if (ch === '\\') {
        if (src[p + 1] === '\n') {
          line++;
          lineStart = p + 2;
        }
        p += 2;
        continue;
      }
      if (ch === '\n') {
        if (!triple)
          throw syntaxError(`unterminated string literal (detected at line ${l})`, l, col);
        line++;
        lineStart = p + 1;
      }
      if (ch === q && src.startsWith(delim, p)) break;
      p++;
    }
    const body = src.slice(bodyStart, p);
    if (prefix.includes('f')) {
      push('str', body, l, col, { prefix, raw: body });
    } else {
      push('str', raw ? body : decodeEscapes(body, prefix.includes('b'), l, col), l, col, {
        prefix,
      });
    }
    return p + delim.length;
  }

  function readNumber(start: number, l: number, col: number): number {
    let p = start;
    const rest = src.slice(start, start + 2).toLowerCase();
    let isFloat = false;
    if (rest === '0x' || rest === '0o' || rest === '0b') {
      p += 2;
      const re = rest === '0x' ? /[0-9a-fA-F_]/ : rest === '0o' ? /[0-7_]/ : /[01_]/;
      while (p < n && re.test(src[p] as string)) p++;
    } else {
      while (p < n && (isDigit(src[p]) || src[p] === '_')) p++;
      if (src[p] === '.') {
        isFloat = true;
        p++;
        while (p < n && (isDigit(src[p]) || src[p] === '_')) p++;
      }
      if (src[p] === 'e' || src[p] === 'E') {
        let e = p + 1;
        if (src[e] === '+' || src[e] === '-') e++;
        if (isDigit(src[e])) {
          isFloat = true;
          p = e;
          while (p < n && (isDigit(src[p]) || src[p] === '_')) p++;
        }
      }
    }
    const text = src.slice(start, p);
    if (src[p] === 'j' || src[p] === 'J')
      throw syntaxError('complex numbers are not supported', l, col);
    // CPython still accepts a keyword glued to a number (`1if x else 2`), with a warning
    if (
      p < n &&
      isIdContinue(src[p] as string) &&
      !/^(?:and|else|for|if|in|is|not|or)\b/.test(src.slice(p, p + 5))
    ) {
      throw syntaxError('invalid decimal literal', l, col);
    }
    if (/_$|__|_\.|\._|^0[xob]$/i.test(text)) throw syntaxError('invalid decimal literal', l, col);
    if (!isFloat && /^0\d/.test(text) && /[1-9]/.test(text)) {
      throw syntaxError(
        'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers',
        l,
        col,
      );
    }
    push(isFloat ? 'float' : 'int', text.replace(/_/g, ''), l, col);
    return p;
  }
}

function endsBlockOpener(tokens: readonly Token[]): boolean {
  // an indent is only legal after a line ending with ':'
  const prev = tokens[tokens.length - 2];
  return prev !== undefined && prev.type === 'op' && prev.value === ':';
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** Decodes backslash escapes of a (non-raw) string literal body. */
export function decodeEscapes(body: string, bytes: boolean, line: number, col: number): string {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) {
      out += '\\';
      break;
    }
    if (e === '\n') {
      i++;
      continue;
    }
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    if (e >= '0' && e <= '7') {
      let j = i + 1;
      let digits = '';
      while (
        j < body.length &&
        digits.length < 3 &&
        (body[j] as string) >= '0' &&
        (body[j] as string) <= '7'
      ) {
        digits += body[j];
        j++;
      }
      out += String.fromCodePoint(parseInt(digits, 8));
      i = j - 1;
      continue;
    }
    const hexLen = e === 'x' ? 2 : !bytes && e === 'u' ? 4 : !bytes && e === 'U' ? 8 : 0;
    if (hexLen > 0) {
      const hex = body.slice(i + 2, i + 2 + hexLen);
      if (hex.length !== hexLen || !/^[0-9a-fA-F]+$/.test(hex)) {
        throw syntaxError(
          `(unicode error) 'unicodeescape' codec can't decode bytes in position ${i}-${i + 1 + hex.length}: truncated \\${e}${'X'.repeat(hexLen)} escape`,
          line,
          col,
        );
      }
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) {
        throw syntaxError(
          `(unicode error) 'unicodeescape' codec can't decode bytes: illegal Unicode character`,
          line,
          col,
        );
      }
      out += String.fromCodePoint(cp);
      i += 1 + hexLen;
      continue;
    }
    if (!bytes && e === 'N') {
      throw syntaxError(`(unicode error) \\N escapes are not supported`, line, col);
    }
    out += '\\' + e;
    i++;
  }
  return out;
}
