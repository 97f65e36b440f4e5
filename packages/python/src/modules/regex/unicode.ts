/**
 * Character predicates and case folding with CPython's `sre` meaning for `str` patterns:
 * `\d` is `str.isdecimal()` (category Nd), `\w` is `str.isalnum()` or `_` (letters and numbers),
 * `\s` is `str.isspace()`; IGNORECASE compares simple lowercase mappings, with the characters
 * that share one (`s`, `S`, `ſ`; `k`, `K`, `K`) treated as equal.
 * @internal
 */

const WORD_RE = /[\p{L}\p{N}_]/u;
const DIGIT_RE = /\p{Nd}/u;

// Cache for the BMP: bit 0 computed, bit 1 word, bit 2 digit, bit 3 space.
const BMP_INFO = new Uint8Array(0x10000);

function info(c: number): number {
  if (c < 0x10000) {
    const cached = BMP_INFO[c] ?? 0;
    if (cached !== 0) return cached;
  }
  const ch = String.fromCodePoint(c);
  let v = 1;
  if (WORD_RE.test(ch)) v |= 2;
  if (DIGIT_RE.test(ch)) v |= 4;
  if (isUnicodeSpace(c)) v |= 8;
  if (c < 0x10000) BMP_INFO[c] = v;
  return v;
}

function isUnicodeSpace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    (c >= 0x1c && c <= 0x20) ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

export function isAsciiWord(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f
  );
}

export function isWord(c: number, ascii: boolean): boolean {
  if (c < 128 || ascii) return isAsciiWord(c);
  return (info(c) & 2) !== 0;
}

export function isDigit(c: number, ascii: boolean): boolean {
  if (c < 128 || ascii) return c >= 0x30 && c <= 0x39;
  return (info(c) & 4) !== 0;
}

export function isSpace(c: number, ascii: boolean): boolean {
  if (ascii) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 128) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  return (info(c) & 8) !== 0;
}

const LOWER = new Map<number, number>();
const UPPER = new Map<number, number>();

/** Simple lowercase mapping (one code point). */
export function lower(c: number): number {
  if (c < 128) return c >= 0x41 && c <= 0x5a ? c + 32 : c;
  let v = LOWER.get(c);
  if (v === undefined) {
    const s = String.fromCodePoint(c).toLowerCase();
    v =
      c === 0x130
        ? 0x69
        : s.length === 1 || (s.length === 2 && s.codePointAt(0)! > 0xffff)
          ? s.codePointAt(0)!
          : c;
    LOWER.set(c, v);
  }
  return v;
}

/** Simple uppercase mapping (one code point). */
export function upper(c: number): number {
  if (c < 128) return c >= 0x61 && c <= 0x7a ? c - 32 : c;
  let v = UPPER.get(c);
  if (v === undefined) {
    const s = String.fromCodePoint(c).toUpperCase();
    v = s.length === 1 || (s.length === 2 && s.codePointAt(0)! > 0xffff) ? s.codePointAt(0)! : c;
    UPPER.set(c, v);
  }
  return v;
}

/** The key two characters share when they are equal ignoring case (ASCII only under `re.ASCII`). */
export function fold(c: number, ascii: boolean): number {
  if (c < 128) return c >= 0x41 && c <= 0x5a ? c + 32 : c;
  if (ascii) return c;
  return lower(upper(lower(c)));
}
