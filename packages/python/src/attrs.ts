/** Attribute access and the methods of the built-in types (str, list, tuple, dict, set, int, float). */
import { PyBytes } from './bytes.js';
import {
  differenceUpdate,
  setDifference,
  setIntersection,
  setSymmetricDifference,
  setUnion,
  symmetricDifferenceUpdate,
  updateWith,
} from './set-ops.js';
import { formatValue, strFormat } from './format.js';
import { allocate, checkSize, codePoints, compare, contains, getItem, strLen } from './ops.js';
import {
  PyBuiltin,
  PyCallable,
  PyDict,
  PyDictView,
  PyException,
  PyExceptionType,
  PyIterator,
  PyList,
  PyModule,
  PyRange,
  PySet,
  PyNamedTuple,
  PyTuple,
  PyType,
  asInt,
  bindArgs,
  callValue,
  hashKey,
  isPyObject,
  iterate,
  noKwargs,
  pyEquals,
  pyRepr,
  raise,
  toArray,
  truthy,
  typeName,
  type PyKwargs,
  type PyValue,
} from './values.js';

/** A method implementation: receives the bound object. */
export type Method = (self: never, args: PyValue[], kwargs: PyKwargs) => PyValue;
type MethodTable = ReadonlyMap<string, Method>;

function table(
  entries: Record<string, (self: never, args: PyValue[], kwargs: PyKwargs) => PyValue>,
): MethodTable {
  return new Map(Object.entries(entries));
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Python's whitespace characters (str.split(), str.strip(), str.isspace()). */
const WS =
  '\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';
const WS_SET = new Set(WS);
const LINE_BREAKS = new Set('\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029');

function argStr(v: PyValue | undefined, fname: string, what = 'argument'): string {
  if (typeof v !== 'string')
    raise('TypeError', `${fname}() ${what} must be str, not ${argTypeName(v ?? null)}`);
  return v;
}

/** Type name as CPython's argument errors show it ('None' rather than 'NoneType'). */
export function argTypeName(v: PyValue): string {
  return v === null ? 'None' : typeName(v);
}

function optInt(v: PyValue | undefined, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  const i = asInt(v);
  if (i === undefined)
    raise('TypeError', `'${typeName(v)}' object cannot be interpreted as an integer`);
  return i > 2147483647n ? 2147483647 : i < -2147483648n ? -2147483648 : Number(i);
}

/** Resolves optional start/end arguments like str.find (slice semantics). */
function range(
  len: number,
  start: PyValue | undefined,
  end: PyValue | undefined,
): [number, number] {
  let s = start === undefined || start === null ? 0 : sliceIndex(start);
  let e = end === undefined || end === null ? len : sliceIndex(end);
  if (s < 0) s = Math.max(0, s + len);
  if (e < 0) e = Math.max(0, e + len);
  if (e > len) e = len;
  return [s, e];
}

function sliceIndex(v: PyValue): number {
  const i = asInt(v);
  if (i === undefined)
    raise('TypeError', 'slice indices must be integers or None or have an __index__ method');
  return i > 9007199254740991n
    ? Number.MAX_SAFE_INTEGER
    : i < -9007199254740991n
      ? -Number.MAX_SAFE_INTEGER
      : Number(i);
}

function isCased(c: string): boolean {
  return c.toLowerCase() !== c.toUpperCase() || /\p{Lt}/u.test(c);
}
function isLower(c: string): boolean {
  return /\p{Ll}/u.test(c) || (c !== c.toUpperCase() && c === c.toLowerCase());
}
function isUpper(c: string): boolean {
  return /\p{Lu}/u.test(c) || (c !== c.toLowerCase() && c === c.toUpperCase());
}

const DIGIT_EXTRA =
  /[\u00b2\u00b3\u00b9\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468\u2474-\u247c\u2488-\u2490\u24f5-\u24fd\u2776-\u277e\u2780-\u2788\u278a-\u2792]/u;

function splitWhitespace(s: string, maxsplit: number): string[] {
  const out: string[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    while (i < n && WS_SET.has(s[i] as string)) i++;
    if (i >= n) break;
    if (maxsplit >= 0 && out.length >= maxsplit) {
      out.push(s.slice(i));
      return out;
    }
    let j = i;
    while (j < n && !WS_SET.has(s[j] as string)) j++;
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

function rsplitWhitespace(s: string, maxsplit: number): string[] {
  const out: string[] = [];
  let i = s.length;
  while (i > 0) {
    while (i > 0 && WS_SET.has(s[i - 1] as string)) i--;
    if (i <= 0) break;
    if (maxsplit >= 0 && out.length >= maxsplit) {
      out.push(s.slice(0, i));
      break;
    }
    let j = i;
    while (j > 0 && !WS_SET.has(s[j - 1] as string)) j--;
    out.push(s.slice(j, i));
    i = j;
  }
  return out.reverse();
}

function stripChars(
  s: string,
  chars: PyValue | undefined,
  left: boolean,
  right: boolean,
  fname: string,
): string {
  let set: Set<string>;
  if (chars === undefined || chars === null) set = WS_SET;
  else if (typeof chars !== 'string') raise('TypeError', `${fname} arg must be None or str`);
  else set = new Set(chars);
  const cps = Array.from(s);
  let a = 0;
  let b = cps.length;
  if (left) while (a < b && set.has(cps[a] as string)) a++;
  if (right) while (b > a && set.has(cps[b - 1] as string)) b--;
  return a === 0 && b === cps.length ? s : cps.slice(a, b).join('');
}

function padStr(
  s: string,
  width: PyValue | undefined,
  fill: PyValue | undefined,
  fname: string,
  mode: 'l' | 'r' | 'c',
): string {
  const w = optInt(width, 0);
  let f = ' ';
  if (fill !== undefined) {
    if (typeof fill !== 'string')
      raise('TypeError', `${fname}() argument 2 must be str, not ${typeName(fill)}`);
    if (strLen(fill) !== 1)
      raise('TypeError', 'The fill character must be exactly one character long');
    f = fill;
  }
  const len = strLen(s);
  if (w <= len) return s;
  allocate(w);
  const marg = w - len;
  if (mode === 'l') return s + f.repeat(marg);
  if (mode === 'r') return f.repeat(marg) + s;
  const left = Math.floor(marg / 2) + (marg & w & 1);
  return f.repeat(left) + s + f.repeat(marg - left);
}

function titleCase(s: string): string {
  let out = '';
  let prevCased = false;
  for (const c of s) {
    if (prevCased) out += c.toLowerCase();
    else
      out +=
        TITLE_CASE[c] ??
        (c.toUpperCase().length === 1 || !/\p{Ll}/u.test(c) ? c.toUpperCase() : titleChar(c));
    prevCased = isCased(c);
  }
  return out;
}

const TITLE_CASE: Record<string, string> = {
  Ǆ: 'ǅ',
  ǅ: 'ǅ',
  ǆ: 'ǅ',
  Ǉ: 'ǈ',
  ǈ: 'ǈ',
  ǉ: 'ǈ',
  Ǌ: 'ǋ',
  ǋ: 'ǋ',
  ǌ: 'ǋ',
  Ǳ: 'ǲ',
  ǲ: 'ǲ',
  ǳ: 'ǲ',
};

function titleChar(c: string): string {
  const special = TITLE_CASE[c];
  if (special) return special;
  // title case of a lowercase letter whose upper case expands (e.g. 'ß' -> 'Ss')
  const u = c.toUpperCase();
  return u[0] + u.slice(1).toLowerCase();
}

function swapCase(s: string): string {
  let out = '';
  for (const c of s) out += isUpper(c) ? c.toLowerCase() : isLower(c) ? c.toUpperCase() : c;
  return out;
}

function startsOrEnds(
  self: string,
  args: PyValue[],
  kwargs: PyKwargs,
  fname: string,
  ends: boolean,
): boolean {
  noKwargs(fname, kwargs);
  if (args.length < 1) raise('TypeError', `${fname}() takes at least 1 argument (0 given)`);
  if (args.length > 3)
    raise('TypeError', `${fname}() takes at most 3 arguments (${args.length} given)`);
  const [prefix, start, end] = args;
  const cps = codePoints(self);
  const len = cps ? cps.length : self.length;
  const [s, e] = range(len, start, end);
  const sub = cps ? cps.slice(s, e).join('') : self.slice(s, e);
  if (s > len) return false;
  const test = (p: PyValue): boolean => {
    if (typeof p !== 'string') {
      raise('TypeError', `tuple for ${fname} must only contain str, not ${typeName(p)}`);
    }
    return ends ? sub.endsWith(p) : sub.startsWith(p);
  };
  if (prefix instanceof PyTuple) return prefix.items.some(test);
  if (typeof prefix !== 'string') {
    raise(
      'TypeError',
      `${fname} first arg must be str or a tuple of str, not ${typeName(prefix ?? null)}`,
    );
  }
  return test(prefix);
}

function findImpl(self: string, args: PyValue[], fname: string, reverse: boolean): number {
  if (args.length < 1) raise('TypeError', `${fname}() takes at least 1 argument (0 given)`);
  if (args.length > 3)
    raise('TypeError', `${fname}() takes at most 3 arguments (${args.length} given)`);
  const sub = args[0];
  if (typeof sub !== 'string') raise('TypeError', `must be str, not ${typeName(sub ?? null)}`);
  const cps = codePoints(self);
  if (cps) {
    // index by code points
    const subCps = Array.from(sub);
    const [s, e] = range(cps.length, args[1], args[2]);
    const match = (i: number): boolean => subCps.every((c, k) => cps[i + k] === c);
    if (reverse) {
      for (let i = e - subCps.length; i >= s; i--) if (match(i)) return i;
    } else {
      for (let i = s; i + subCps.length <= e; i++) if (match(i)) return i;
    }
    return -1;
  }
  const [s, e] = range(self.length, args[1], args[2]);
  if (s > self.length || e - s < sub.length) return -1;
  if (reverse) {
    const i = self.lastIndexOf(sub, e - sub.length);
    return i >= s ? i : -1;
  }
  const i = self.indexOf(sub, s);
  return i >= 0 && i + sub.length <= e ? i : -1;
}

function countStr(self: string, sub: string, s: number, e: number): number {
  if (s > self.length || e < s) return 0;
  const hay = self.slice(s, e);
  if (sub === '') return strLen(hay) + 1;
  let n = 0;
  let i = hay.indexOf(sub);
  while (i >= 0) {
    n++;
    i = hay.indexOf(sub, i + sub.length);
  }
  return n;
}

function replaceStr(self: string, old: string, rep: string, count: number): string {
  if (count < 0) count = Infinity;
  if (count === 0) return self;
  if (old === '') {
    const cps = Array.from(self);
    let out = '';
    let n = 0;
    for (let i = 0; i <= cps.length; i++) {
      if (n < count) {
        out += rep;
        n++;
      }
      if (i < cps.length) out += cps[i];
    }
    allocate(out.length);
    return out;
  }
  const parts = self.split(old);
  if (parts.length - 1 > count) {
    const head = parts.slice(0, count + 1);
    const tail = parts.slice(count + 1);
    const result = head.join(rep) + old + tail.join(old);
    allocate(result.length);
    return result;
  }
  const est = self.length + (parts.length - 1) * (rep.length - old.length);
  allocate(est);
  return parts.join(rep);
}

function splitLines(s: string, keepends: boolean): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (LINE_BREAKS.has(c)) {
      let end = i + 1;
      if (c === '\r' && s[i + 1] === '\n') end++;
      out.push(s.slice(start, keepends ? end : i));
      start = end;
      i = end;
    } else {
      i++;
    }
  }
  if (start < s.length) out.push(s.slice(start));
  return out;
}

function expandTabs(s: string, tabsize: number): string {
  let out = '';
  let col = 0;
  for (const c of s) {
    if (c === '\t') {
      if (tabsize > 0) {
        const n = tabsize - (col % tabsize);
        checkSize(out.length + n);
        out += ' '.repeat(n);
        col += n;
      }
    } else {
      out += c;
      col = c === '\n' || c === '\r' ? 0 : col + 1;
    }
  }
  return out;
}

function joinStr(sep: string, iterable: PyValue): string {
  const items = toArray(iterable);
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    const v = items[i];
    if (typeof v !== 'string') {
      raise(
        'TypeError',
        `sequence item ${i}: expected str instance, ${typeName(v as PyValue)} found`,
      );
    }
    total += v.length + sep.length;
  }
  allocate(total);
  return (items as string[]).join(sep);
}

function partition(self: string, sep: PyValue | undefined, reverse: boolean): PyTuple {
  if (typeof sep !== 'string') raise('TypeError', `must be str, not ${typeName(sep ?? null)}`);
  if (sep === '') raise('ValueError', 'empty separator');
  const i = reverse ? self.lastIndexOf(sep) : self.indexOf(sep);
  if (i < 0) return reverse ? new PyTuple(['', '', self]) : new PyTuple([self, '', '']);
  return new PyTuple([self.slice(0, i), sep, self.slice(i + sep.length)]);
}

function allChars(s: string, test: (c: string) => boolean): boolean {
  if (s.length === 0) return false;
  for (const c of s) if (!test(c)) return false;
  return true;
}

const isDecimalChar = (c: string): boolean => /\p{Nd}/u.test(c);
const isDigitChar = (c: string): boolean => /\p{Nd}/u.test(c) || DIGIT_EXTRA.test(c);
const isNumericChar = (c: string): boolean =>
  /\p{N}/u.test(c) ||
  /[\u3007\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d\u5341\u767e\u5343\u4e07\u5104\u5146\u96f6]/u.test(
    c,
  );
const isAlphaChar = (c: string): boolean => /\p{L}/u.test(c);

// ---------------------------------------------------------------------------------------------
// str

const STR_METHODS: MethodTable = table({
  upper: (s: string, a, k) => (noArgs('upper', a, k), s.toUpperCase()),
  lower: (s: string, a, k) => (noArgs('lower', a, k), s.toLowerCase()),
  casefold: (s: string, a, k) => (noArgs('casefold', a, k), s.toUpperCase().toLowerCase()),
  title: (s: string, a, k) => (noArgs('title', a, k), titleCase(s)),
  capitalize: (s: string, a, k) => {
    noArgs('capitalize', a, k);
    const cps = Array.from(s);
    if (cps.length === 0) return '';
    const first = cps[0] as string;
    return (
      (TITLE_CASE[first] ?? (/\p{Ll}/u.test(first) ? titleChar(first) : first.toUpperCase())) +
      cps.slice(1).join('').toLowerCase()
    );
  },
  swapcase: (s: string, a, k) => (noArgs('swapcase', a, k), swapCase(s)),
  strip: (s: string, a, k) => {
    const [chars] = bindArgs('strip', a, k, ['chars'], 0);
    return stripChars(s, chars, true, true, 'strip');
  },
  lstrip: (s: string, a, k) => {
    const [chars] = bindArgs('lstrip', a, k, ['chars'], 0);
    return stripChars(s, chars, true, false, 'lstrip');
  },
  rstrip: (s: string, a, k) => {
    const [chars] = bindArgs('rstrip', a, k, ['chars'], 0);
    return stripChars(s, chars, false, true, 'rstrip');
  },
  split: (s: string, a, k) => {
    const [sep, maxsplit] = bindArgs('split', a, k, ['sep', 'maxsplit'], 0);
    const max = optInt(maxsplit, -1);
    if (sep === undefined || sep === null) return new PyList(splitWhitespace(s, max));
    if (typeof sep !== 'string') raise('TypeError', `must be str or None, not ${argTypeName(sep)}`);
    const p = sep;
    if (p === '') raise('ValueError', 'empty separator');
    const parts = s.split(p);
    if (max >= 0 && parts.length > max + 1) {
      const head = parts.slice(0, max);
      head.push(parts.slice(max).join(p));
      return new PyList(head);
    }
    return new PyList(parts);
  },
  rsplit: (s: string, a, k) => {
    const [sep, maxsplit] = bindArgs('rsplit', a, k, ['sep', 'maxsplit'], 0);
    const max = optInt(maxsplit, -1);
    if (sep === undefined || sep === null) return new PyList(rsplitWhitespace(s, max));
    if (typeof sep !== 'string') raise('TypeError', `must be str or None, not ${argTypeName(sep)}`);
    const p = sep;
    if (p === '') raise('ValueError', 'empty separator');
    const parts = s.split(p);
    if (max >= 0 && parts.length > max + 1) {
      const cut = parts.length - max;
      return new PyList([parts.slice(0, cut).join(p), ...parts.slice(cut)]);
    }
    return new PyList(parts);
  },
  splitlines: (s: string, a, k) => {
    const [keepends] = bindArgs('splitlines', a, k, ['keepends'], 0);
    return new PyList(splitLines(s, keepends !== undefined && truthy(keepends)));
  },
  join: (s: string, a, k) => {
    noKwargs('join', k);
    if (a.length !== 1)
      raise('TypeError', `str.join() takes exactly one argument (${a.length} given)`);
    const arg = a[0] as PyValue;
    if (!isIterable(arg)) raise('TypeError', 'can only join an iterable');
    return joinStr(s, arg);
  },
  replace: (s: string, a, k) => {
    noKwargs('replace', k);
    if (a.length < 2) raise('TypeError', `replace expected at least 2 arguments, got ${a.length}`);
    if (a.length > 3) raise('TypeError', `replace expected at most 3 arguments, got ${a.length}`);
    const old = a[0];
    const rep = a[1];
    if (typeof old !== 'string')
      raise('TypeError', `replace() argument 1 must be str, not ${argTypeName(old as PyValue)}`);
    if (typeof rep !== 'string')
      raise('TypeError', `replace() argument 2 must be str, not ${argTypeName(rep as PyValue)}`);
    return replaceStr(s, old, rep, optInt(a[2], -1));
  },
  find: (s: string, a, k) => (noKwargs('find', k), BigInt(findImpl(s, a, 'find', false))),
  rfind: (s: string, a, k) => (noKwargs('rfind', k), BigInt(findImpl(s, a, 'rfind', true))),
  index: (s: string, a, k) => {
    noKwargs('index', k);
    const i = findImpl(s, a, 'index', false);
    if (i < 0) raise('ValueError', 'substring not found');
    return BigInt(i);
  },
  rindex: (s: string, a, k) => {
    noKwargs('rindex', k);
    const i = findImpl(s, a, 'rindex', true);
    if (i < 0) raise('ValueError', 'substring not found');
    return BigInt(i);
  },
  count: (s: string, a, k) => {
    noKwargs('count', k);
    if (a.length < 1) raise('TypeError', 'count() takes at least 1 argument (0 given)');
    const sub = a[0];
    if (typeof sub !== 'string') raise('TypeError', `must be str, not ${typeName(sub as PyValue)}`);
    const [st, e] = range(s.length, a[1], a[2]);
    return BigInt(countStr(s, sub, st, e));
  },
  startswith: (s: string, a, k) => startsOrEnds(s, a, k, 'startswith', false),
  endswith: (s: string, a, k) => startsOrEnds(s, a, k, 'endswith', true),
  center: (s: string, a, k) => (
    noKwargs('center', k),
    argCount('center', a, 1, 2),
    padStr(s, a[0], a[1], 'center', 'c')
  ),
  ljust: (s: string, a, k) => (
    noKwargs('ljust', k),
    argCount('ljust', a, 1, 2),
    padStr(s, a[0], a[1], 'ljust', 'l')
  ),
  rjust: (s: string, a, k) => (
    noKwargs('rjust', k),
    argCount('rjust', a, 1, 2),
    padStr(s, a[0], a[1], 'rjust', 'r')
  ),
  zfill: (s: string, a, k) => {
    noKwargs('zfill', k);
    argCount('zfill', a, 1, 1);
    const w = optInt(a[0], 0);
    const len = strLen(s);
    if (w <= len) return s;
    allocate(w);
    const sign = s[0] === '-' || s[0] === '+' ? (s[0] as string) : '';
    return sign + '0'.repeat(w - len) + s.slice(sign.length);
  },
  isdigit: (s: string, a, k) => (noArgs('isdigit', a, k), allChars(s, isDigitChar)),
  isdecimal: (s: string, a, k) => (noArgs('isdecimal', a, k), allChars(s, isDecimalChar)),
  isnumeric: (s: string, a, k) => (noArgs('isnumeric', a, k), allChars(s, isNumericChar)),
  isalpha: (s: string, a, k) => (noArgs('isalpha', a, k), allChars(s, isAlphaChar)),
  isalnum: (s: string, a, k) => (
    noArgs('isalnum', a, k),
    allChars(s, (c) => isAlphaChar(c) || isNumericChar(c))
  ),
  isspace: (s: string, a, k) => (noArgs('isspace', a, k), allChars(s, (c) => WS_SET.has(c))),
  isascii: (s: string, a, k) => (
    noArgs('isascii', a, k),
    [...s].every((c) => (c.codePointAt(0) as number) < 128)
  ),
  isupper: (s: string, a, k) => {
    noArgs('isupper', a, k);
    let cased = false;
    for (const c of s) {
      if (isLower(c) || /\p{Lt}/u.test(c)) return false;
      if (isUpper(c)) cased = true;
    }
    return cased;
  },
  islower: (s: string, a, k) => {
    noArgs('islower', a, k);
    let cased = false;
    for (const c of s) {
      if (isUpper(c) || /\p{Lt}/u.test(c)) return false;
      if (isLower(c)) cased = true;
    }
    return cased;
  },
  istitle: (s: string, a, k) => {
    noArgs('istitle', a, k);
    let cased = false;
    let prevCased = false;
    for (const c of s) {
      if (isUpper(c) || /\p{Lt}/u.test(c)) {
        if (prevCased) return false;
        prevCased = true;
        cased = true;
      } else if (isLower(c)) {
        if (!prevCased) return false;
        prevCased = true;
        cased = true;
      } else {
        prevCased = false;
      }
    }
    return cased;
  },
  isidentifier: (s: string, a, k) => (
    noArgs('isidentifier', a, k),
    /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}_]*$/u.test(s)
  ),
  isprintable: (s: string, a, k) => (
    noArgs('isprintable', a, k),
    !/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]|[^\P{Zs} ]/u.test(s)
  ),
  partition: (s: string, a, k) => (
    noKwargs('partition', k),
    argCount('partition', a, 1, 1),
    partition(s, a[0], false)
  ),
  rpartition: (s: string, a, k) => (
    noKwargs('rpartition', k),
    argCount('rpartition', a, 1, 1),
    partition(s, a[0], true)
  ),
  expandtabs: (s: string, a, k) => {
    const [tabsize] = bindArgs('expandtabs', a, k, ['tabsize'], 0);
    return expandTabs(s, optInt(tabsize, 8));
  },
  removeprefix: (s: string, a, k) => {
    noKwargs('removeprefix', k);
    argCount('removeprefix', a, 1, 1);
    const p = argStr(a[0], 'removeprefix', 'argument');
    return p && s.startsWith(p) ? s.slice(p.length) : s;
  },
  removesuffix: (s: string, a, k) => {
    noKwargs('removesuffix', k);
    argCount('removesuffix', a, 1, 1);
    const p = argStr(a[0], 'removesuffix', 'argument');
    return p && s.endsWith(p) ? s.slice(0, s.length - p.length) : s;
  },
  format: (s: string, a, k) => strFormat(s, a, k ?? new Map()),
  format_map: (s: string, a, k) => {
    noKwargs('format_map', k);
    argCount('format_map', a, 1, 1);
    return strFormat(s, [], new Map(), 0, a[0] as PyValue);
  },
  encode: (s: string, a, k) => {
    const [encoding] = bindArgs('encode', a, k, ['encoding', 'errors'], 0);
    return PyBytes.encode(
      s,
      encoding === undefined ? 'utf-8' : argStr(encoding, 'encode'),
    ) as unknown as PyValue;
  },
  translate: (s: string, a, k) => {
    noKwargs('translate', k);
    argCount('translate', a, 1, 1);
    const table = a[0] as PyValue;
    let out = '';
    for (const ch of s) {
      let mapped: PyValue | undefined;
      try {
        mapped = getItem(table, BigInt(ch.codePointAt(0) as number));
      } catch (e) {
        if (e instanceof PyException && (e.pyType === 'KeyError' || e.pyType === 'IndexError')) {
          out += ch;
          continue;
        }
        throw e;
      }
      if (mapped === null) continue;
      if (typeof mapped === 'string') out += mapped;
      else {
        const n = asInt(mapped);
        if (n === undefined)
          raise('TypeError', 'character mapping must return integer, None or str');
        if (n < 0n || n > 0x10ffffn)
          raise('ValueError', 'character mapping must be in range(0x110000)');
        out += String.fromCodePoint(Number(n));
      }
      checkSize(out.length);
    }
    return out;
  },
  __format__: (s: string, a) => formatValue(s, typeof a[0] === 'string' ? a[0] : ''),
});

function noArgs(fname: string, args: PyValue[], kwargs: PyKwargs): void {
  noKwargs(fname, kwargs);
  if (args.length > 0)
    raise('TypeError', `str.${fname}() takes no arguments (${args.length} given)`);
}

function argCount(fname: string, args: PyValue[], min: number, max: number): void {
  if (args.length < min || args.length > max) {
    if (min === max)
      raise('TypeError', `${fname}() takes exactly one argument (${args.length} given)`);
    raise(
      'TypeError',
      `${fname} expected ${args.length < min ? 'at least' : 'at most'} ${args.length < min ? min : max} argument${(args.length < min ? min : max) === 1 ? '' : 's'}, got ${args.length}`,
    );
  }
}

function isIterable(v: PyValue): boolean {
  return (
    typeof v === 'string' ||
    v instanceof PyList ||
    v instanceof PyTuple ||
    v instanceof PyDict ||
    v instanceof PySet ||
    v instanceof PyIterator ||
    v instanceof PyRange ||
    v instanceof PyDictView ||
    (isPyObject(v) && v.iter !== undefined)
  );
}

// ---------------------------------------------------------------------------------------------
// list and tuple

/** Sorts in place with Python semantics (stable, `<` only, key and reverse). */
export function sortList(items: PyValue[], key: PyValue | undefined, reverse: boolean): void {
  const lt = (a: PyValue, b: PyValue): boolean => compare('<', a, b);
  let keys: PyValue[] | null = null;
  if (key !== undefined && key !== null) keys = items.map((v) => callValue(key, [v]));
  const idx = items.map((_, i) => i);
  const k = keys ?? items;
  idx.sort((i, j) => {
    const a = k[i] as PyValue;
    const b = k[j] as PyValue;
    if (lt(a, b)) return reverse ? 1 : -1;
    if (lt(b, a)) return reverse ? -1 : 1;
    return 0;
  });
  // a stable descending sort keeps equal elements in their original order, as Python's reverse=True
  const sorted = idx.map((i) => items[i] as PyValue);
  for (let i = 0; i < sorted.length; i++) items[i] = sorted[i] as PyValue;
}

function indexOf(items: readonly PyValue[], args: PyValue[], what: string): bigint {
  if (args.length < 1) raise('TypeError', `index expected at least 1 argument, got 0`);
  const x = args[0] as PyValue;
  const [s, e] = range(items.length, args[1], args[2]);
  for (let i = s; i < e; i++)
    if (items[i] === x || pyEquals(items[i] as PyValue, x)) return BigInt(i);
  return raise(
    'ValueError',
    what === 'list' ? `${pyRepr(x)} is not in list` : 'tuple.index(x): x not in tuple',
  );
}

function countOf(items: readonly PyValue[], x: PyValue): bigint {
  let n = 0n;
  for (const v of items) if (v === x || pyEquals(v, x)) n++;
  return n;
}

const LIST_METHODS: MethodTable = table({
  append: (l: PyList, a, k) => {
    noKwargs('append', k);
    if (a.length !== 1)
      raise('TypeError', `list.append() takes exactly one argument (${a.length} given)`);
    checkSize(l.items.length + 1);
    l.items.push(a[0] as PyValue);
    return null;
  },
  extend: (l: PyList, a, k) => {
    noKwargs('extend', k);
    if (a.length !== 1)
      raise('TypeError', `list.extend() takes exactly one argument (${a.length} given)`);
    const src = a[0] as PyValue;
    if (!isIterable(src)) raise('TypeError', `'${typeName(src)}' object is not iterable`);
    const items = toArray(src);
    allocate(l.items.length + items.length);
    for (const v of items) l.items.push(v);
    return null;
  },
  insert: (l: PyList, a, k) => {
    noKwargs('insert', k);
    if (a.length !== 2) raise('TypeError', `insert expected 2 arguments, got ${a.length}`);
    let i = optInt(a[0], 0);
    const n = l.items.length;
    if (i < 0) i = Math.max(0, i + n);
    if (i > n) i = n;
    checkSize(n + 1);
    l.items.splice(i, 0, a[1] as PyValue);
    return null;
  },
  pop: (l: PyList, a, k) => {
    noKwargs('pop', k);
    if (a.length > 1) raise('TypeError', `pop expected at most 1 argument, got ${a.length}`);
    if (a.length && a[0] === null)
      raise('TypeError', "'NoneType' object cannot be interpreted as an integer");
    let i = a.length ? optInt(a[0], -1) : -1;
    if (l.items.length === 0) raise('IndexError', 'pop from empty list');
    if (i < 0) i += l.items.length;
    if (i < 0 || i >= l.items.length) raise('IndexError', 'pop index out of range');
    return l.items.splice(i, 1)[0] as PyValue;
  },
  remove: (l: PyList, a, k) => {
    noKwargs('remove', k);
    if (a.length !== 1)
      raise('TypeError', `list.remove() takes exactly one argument (${a.length} given)`);
    const x = a[0] as PyValue;
    for (let i = 0; i < l.items.length; i++) {
      if (l.items[i] === x || pyEquals(l.items[i] as PyValue, x)) {
        l.items.splice(i, 1);
        return null;
      }
    }
    return raise('ValueError', 'list.remove(x): x not in list');
  },
  index: (l: PyList, a, k) => (noKwargs('index', k), indexOf(l.items, a, 'list')),
  count: (l: PyList, a, k) => {
    noKwargs('count', k);
    if (a.length !== 1)
      raise('TypeError', `list.count() takes exactly one argument (${a.length} given)`);
    return countOf(l.items, a[0] as PyValue);
  },
  sort: (l: PyList, a, k) => {
    if (a.length > 0) raise('TypeError', 'sort() takes no positional arguments');
    const [key, reverse] = bindArgs('sort', [], k, ['key', 'reverse'], 0);
    const items = l.items;
    l.items = [];
    try {
      sortList(items, key, reverse !== undefined && truthy(reverse));
    } finally {
      if (l.items.length > 0) {
        l.items = items;
        raise('ValueError', 'list modified during sort');
      }
      l.items = items;
    }
    return null;
  },
  reverse: (l: PyList, a, k) => {
    noArgsGeneric('list.reverse', a, k);
    l.items.reverse();
    return null;
  },
  copy: (l: PyList, a, k) => (noArgsGeneric('list.copy', a, k), new PyList(l.items.slice())),
  clear: (l: PyList, a, k) => {
    noArgsGeneric('list.clear', a, k);
    l.items.length = 0;
    return null;
  },
});

function noArgsGeneric(fname: string, args: PyValue[], kwargs: PyKwargs): void {
  noKwargs(fname, kwargs);
  if (args.length > 0) raise('TypeError', `${fname}() takes no arguments (${args.length} given)`);
}

const TUPLE_METHODS: MethodTable = table({
  index: (t: PyTuple, a, k) => (noKwargs('index', k), indexOf(t.items, a, 'tuple')),
  count: (t: PyTuple, a, k) => {
    noKwargs('count', k);
    if (a.length !== 1)
      raise('TypeError', `tuple.count() takes exactly one argument (${a.length} given)`);
    return countOf(t.items, a[0] as PyValue);
  },
});

// ---------------------------------------------------------------------------------------------
// dict

/** `dict.update` semantics: a mapping or an iterable of pairs, then keyword arguments. */
export function dictUpdate(
  d: PyDict,
  src: PyValue | undefined,
  kwargs: PyKwargs,
  fname = 'update',
): void {
  if (src !== undefined) {
    if (src instanceof PyDict) {
      for (const e of src.entries()) d.set(e.key, e.value);
    } else if (isPyObject(src) && src.getAttr('keys') instanceof PyCallable && src.getItem) {
      for (const k of toArray(callValue(src.getAttr('keys') as PyValue, [])))
        d.set(k, src.getItem(k));
    } else {
      if (!isIterable(src)) raise('TypeError', `'${typeName(src)}' object is not iterable`);
      const it = iterate(src);
      let i = 0;
      for (let item = it.next(); item !== undefined; item = it.next(), i++) {
        if (!isIterable(item)) {
          raise(
            'TypeError',
            `cannot convert dictionary update sequence element #${i} to a sequence`,
          );
        }
        const pair = toArray(item);
        if (pair.length !== 2) {
          raise(
            'ValueError',
            `dictionary update sequence element #${i} has length ${pair.length}; 2 is required`,
          );
        }
        d.set(pair[0] as PyValue, pair[1] as PyValue);
      }
    }
  }
  if (kwargs) for (const [k, v] of kwargs) d.set(k, v);
  void fname;
}

const DICT_METHODS: MethodTable = table({
  get: (d: PyDict, a, k) => {
    noKwargs('get', k);
    if (a.length < 1 || a.length > 2)
      raise('TypeError', `get expected at least 1 argument, got ${a.length}`);
    const v = d.get(a[0] as PyValue);
    return v === undefined ? (a.length > 1 ? (a[1] as PyValue) : null) : v;
  },
  keys: (d: PyDict, a, k) => (noArgsGeneric('dict.keys', a, k), new PyDictView(d, 'keys')),
  values: (d: PyDict, a, k) => (noArgsGeneric('dict.values', a, k), new PyDictView(d, 'values')),
  items: (d: PyDict, a, k) => (noArgsGeneric('dict.items', a, k), new PyDictView(d, 'items')),
  pop: (d: PyDict, a, k) => {
    noKwargs('pop', k);
    if (a.length < 1 || a.length > 2)
      raise('TypeError', `pop expected at least 1 argument, got ${a.length}`);
    const key = a[0] as PyValue;
    // CPython does not hash the key when the dict is empty
    const e = d.size === 0 ? undefined : d.map.get(hashKey(key));
    if (e === undefined) {
      if (a.length > 1) return a[1] as PyValue;
      return raise('KeyError', key);
    }
    d.map.delete(hashKey(key));
    return e.value;
  },
  popitem: (d: PyDict, a, k) => {
    noArgsGeneric('dict.popitem', a, k);
    if (d.size === 0) raise('KeyError', 'popitem(): dictionary is empty');
    let lastKey: unknown;
    for (const key of d.map.keys()) lastKey = key;
    const e = d.map.get(lastKey) as { key: PyValue; value: PyValue };
    d.map.delete(lastKey);
    return new PyTuple([e.key, e.value]);
  },
  setdefault: (d: PyDict, a, k) => {
    noKwargs('setdefault', k);
    if (a.length < 1 || a.length > 2)
      raise('TypeError', `setdefault expected at least 1 argument, got ${a.length}`);
    const key = a[0] as PyValue;
    const v = d.get(key);
    if (v !== undefined) return v;
    const dflt = a.length > 1 ? (a[1] as PyValue) : null;
    d.set(key, dflt);
    return dflt;
  },
  update: (d: PyDict, a, k) => {
    if (a.length > 1) raise('TypeError', `update expected at most 1 argument, got ${a.length}`);
    dictUpdate(d, a[0], k);
    return null;
  },
  copy: (d: PyDict, a, k) => (noArgsGeneric('dict.copy', a, k), d.copy()),
  clear: (d: PyDict, a, k) => {
    noArgsGeneric('dict.clear', a, k);
    d.clear();
    return null;
  },
});

// ---------------------------------------------------------------------------------------------
// set / frozenset

/** Sets look up a (mutable) set argument as the equal frozenset. */
function setKey(v: PyValue): PyValue {
  return v instanceof PySet && !v.frozen ? PySet.copyOf(v, true) : v;
}

function toSet(v: PyValue): PySet {
  if (v instanceof PySet) return v;
  if (!isIterable(v)) raise('TypeError', `'${typeName(v)}' object is not iterable`);
  return new PySet(toArray(v));
}

function mutable(s: PySet, name: string): void {
  if (s.frozen) raise('AttributeError', `'frozenset' object has no attribute '${name}'`);
}

function checkIterable(v: PyValue): void {
  if (!isIterable(v)) raise('TypeError', `'${typeName(v)}' object is not iterable`);
}

const SET_METHODS: MethodTable = table({
  add: (s: PySet, a, k) => {
    mutable(s, 'add');
    noKwargs('add', k);
    if (a.length !== 1)
      raise('TypeError', `set.add() takes exactly one argument (${a.length} given)`);
    checkSize(s.size + 1);
    s.add(a[0] as PyValue);
    return null;
  },
  remove: (s: PySet, a, k) => {
    mutable(s, 'remove');
    noKwargs('remove', k);
    if (a.length !== 1)
      raise('TypeError', `set.remove() takes exactly one argument (${a.length} given)`);
    if (!s.delete(setKey(a[0] as PyValue))) raise('KeyError', a[0] as PyValue);
    return null;
  },
  discard: (s: PySet, a, k) => {
    mutable(s, 'discard');
    noKwargs('discard', k);
    if (a.length !== 1)
      raise('TypeError', `set.discard() takes exactly one argument (${a.length} given)`);
    s.delete(setKey(a[0] as PyValue));
    return null;
  },
  pop: (s: PySet, a, k) => {
    mutable(s, 'pop');
    noArgsGeneric('set.pop', a, k);
    const v = s.pop();
    return v === undefined ? raise('KeyError', 'pop from an empty set') : v;
  },
  clear: (s: PySet, a, k) => {
    mutable(s, 'clear');
    noArgsGeneric('set.clear', a, k);
    s.clear();
    return null;
  },
  copy: (s: PySet, a, k) => {
    noArgsGeneric(s.frozen ? 'frozenset.copy' : 'set.copy', a, k);
    return s.frozen ? s : PySet.copyOf(s);
  },
  union: (s: PySet, a, k) => {
    noKwargs('union', k);
    a.forEach(checkIterable);
    return setUnion(s, a);
  },
  intersection: (s: PySet, a, k) => {
    noKwargs('intersection', k);
    a.forEach(checkIterable);
    if (a.length === 0) return PySet.copyOf(s);
    let out = s;
    for (const o of a) out = setIntersection(out, o);
    return out;
  },
  difference: (s: PySet, a, k) => {
    noKwargs('difference', k);
    a.forEach(checkIterable);
    if (a.length === 0) return PySet.copyOf(s);
    const out = setDifference(s, a[0] as PyValue);
    for (const o of a.slice(1)) differenceUpdate(out, o);
    return out;
  },
  symmetric_difference: (s: PySet, a, k) => {
    noKwargs('symmetric_difference', k);
    if (a.length !== 1)
      raise('TypeError', `symmetric_difference() takes exactly one argument (${a.length} given)`);
    checkIterable(a[0] as PyValue);
    return setSymmetricDifference(s, a[0] as PyValue);
  },
  update: (s: PySet, a, k) => {
    mutable(s, 'update');
    noKwargs('update', k);
    for (const o of a) {
      checkIterable(o);
      updateWith(s, o);
    }
    return null;
  },
  intersection_update: (s: PySet, a, k) => {
    mutable(s, 'intersection_update');
    noKwargs('intersection_update', k);
    a.forEach(checkIterable);
    let out = s;
    for (const o of a) out = setIntersection(out, o);
    if (out !== s) s.replaceWith(out);
    return null;
  },
  difference_update: (s: PySet, a, k) => {
    mutable(s, 'difference_update');
    noKwargs('difference_update', k);
    for (const o of a) {
      checkIterable(o);
      differenceUpdate(s, o);
    }
    return null;
  },
  symmetric_difference_update: (s: PySet, a, k) => {
    mutable(s, 'symmetric_difference_update');
    noKwargs('symmetric_difference_update', k);
    if (a.length !== 1)
      raise(
        'TypeError',
        `symmetric_difference_update() takes exactly one argument (${a.length} given)`,
      );
    checkIterable(a[0] as PyValue);
    symmetricDifferenceUpdate(s, a[0] as PyValue);
    return null;
  },
  issubset: (s: PySet, a, k) => {
    noKwargs('issubset', k);
    const o = toSet(a[0] as PyValue);
    for (const key of s.map.keys()) if (!o.map.has(key)) return false;
    return true;
  },
  issuperset: (s: PySet, a, k) => {
    noKwargs('issuperset', k);
    const o = toSet(a[0] as PyValue);
    for (const key of o.map.keys()) if (!s.map.has(key)) return false;
    return true;
  },
  isdisjoint: (s: PySet, a, k) => {
    noKwargs('isdisjoint', k);
    const o = toSet(a[0] as PyValue);
    for (const key of o.map.keys()) if (s.map.has(key)) return false;
    return true;
  },
});

const FROZEN_ALLOWED = new Set([
  'copy',
  'union',
  'intersection',
  'difference',
  'symmetric_difference',
  'issubset',
  'issuperset',
  'isdisjoint',
]);

// ---------------------------------------------------------------------------------------------
// int / float

const INT_METHODS: MethodTable = table({
  bit_length: (n: bigint, a, k) => {
    noArgsGeneric('int.bit_length', a, k);
    const m = n < 0n ? -n : n;
    return BigInt(m === 0n ? 0 : m.toString(2).length);
  },
  bit_count: (n: bigint, a, k) => {
    noArgsGeneric('int.bit_count', a, k);
    const m = n < 0n ? -n : n;
    return BigInt([...m.toString(2)].filter((c) => c === '1').length);
  },
  conjugate: (n: bigint, a, k) => (noArgsGeneric('int.conjugate', a, k), n),
  as_integer_ratio: (n: bigint, a, k) => (
    noArgsGeneric('int.as_integer_ratio', a, k),
    new PyTuple([n, 1n])
  ),
});

const FLOAT_METHODS: MethodTable = table({
  is_integer: (x: number, a, k) => (noArgsGeneric('float.is_integer', a, k), Number.isInteger(x)),
  conjugate: (x: number, a, k) => (noArgsGeneric('float.conjugate', a, k), x),
  as_integer_ratio: (x: number, a, k) => {
    noArgsGeneric('float.as_integer_ratio', a, k);
    if (!Number.isFinite(x)) {
      raise(
        Number.isNaN(x) ? 'ValueError' : 'OverflowError',
        Number.isNaN(x)
          ? 'cannot convert NaN to integer ratio'
          : 'cannot convert Infinity to integer ratio',
      );
    }
    let num = x;
    let e = 0;
    while (!Number.isInteger(num)) {
      num *= 2;
      e++;
    }
    let den = 1n << BigInt(e);
    let n = BigInt(num);
    while (den > 1n && n % 2n === 0n) {
      n /= 2n;
      den /= 2n;
    }
    return new PyTuple([n, den]);
  },
});

// ---------------------------------------------------------------------------------------------
// Dispatch

function methodTableOf(v: PyValue): MethodTable | undefined {
  switch (typeof v) {
    case 'string':
      return STR_METHODS;
    case 'bigint':
    case 'boolean':
      return INT_METHODS;
    case 'number':
      return FLOAT_METHODS;
  }
  if (v instanceof PyList) return LIST_METHODS;
  if (v instanceof PyDict) return DICT_METHODS;
  if (v instanceof PyTuple) return TUPLE_METHODS;
  if (v instanceof PySet) return SET_METHODS;
  return undefined;
}

/** Looks up a built-in method implementation for `v.name`, or undefined. */
export function findMethod(v: PyValue, name: string): Method | undefined {
  const t = methodTableOf(v);
  if (!t) return undefined;
  const m = t.get(name);
  if (m && v instanceof PySet && v.frozen && !FROZEN_ALLOWED.has(name)) return undefined;
  if (name === '__format__') return undefined;
  return m;
}

/** Unbound method for a built-in type (`str.upper`, `dict.get`), checking the receiver type. */
export function unboundMethod(
  typeName_: string,
  name: string,
  check: (v: PyValue) => boolean,
): PyBuiltin | undefined {
  const tables: Record<string, MethodTable> = {
    str: STR_METHODS,
    list: LIST_METHODS,
    dict: DICT_METHODS,
    tuple: TUPLE_METHODS,
    set: SET_METHODS,
    frozenset: SET_METHODS,
    int: INT_METHODS,
    float: FLOAT_METHODS,
  };
  const t = tables[typeName_];
  const m = t?.get(name);
  if (!m || name.startsWith('_')) return undefined;
  if (typeName_ === 'frozenset' && !FROZEN_ALLOWED.has(name)) return undefined;
  return new PyBuiltin(name, (args, kwargs) => {
    if (args.length === 0)
      raise('TypeError', `unbound method ${typeName_}.${name}() needs an argument`);
    const self = args[0] as PyValue;
    if (!check(self)) {
      raise(
        'TypeError',
        `descriptor '${name}' for '${typeName_}' objects doesn't apply to a '${typeName(self)}' object`,
      );
    }
    return (m as (s: PyValue, a: PyValue[], k: PyKwargs) => PyValue)(self, args.slice(1), kwargs);
  });
}

/** Attribute names that may be read even though they are dunders. */
const SAFE_DUNDERS = new Set(['__name__']);

let typeOfHook: ((v: PyValue) => PyType) | undefined;

/** Lets attribute lookup find class attributes through instances (`d.fromkeys`). @internal */
export function setTypeOfHook(fn: (v: PyValue) => PyType): void {
  typeOfHook = fn;
}

const INSTANCE_CLASS_ATTRS = new Set(['fromkeys', 'maketrans']);

function noAttr(v: PyValue, name: string): never {
  if (v instanceof PyModule)
    return raise('AttributeError', `module '${v.name}' has no attribute '${name}'`);
  if (v instanceof PyType)
    return raise('AttributeError', `type object '${v.qualName}' has no attribute '${name}'`);
  return raise('AttributeError', `'${typeName(v)}' object has no attribute '${name}'`);
}

/**
 * Python `v.name`. Dunder attributes are refused (AttributeError) so sandboxed code cannot reach
 * interpreter internals; only `__name__` of classes and functions is readable.
 */
export function getAttribute(v: PyValue, name: string): PyValue {
  if (name.startsWith('__') && name.endsWith('__')) {
    if (SAFE_DUNDERS.has(name) && v instanceof PyCallable) return v.name;
    // `builtins.__import__` (the `builtins` module exists only for trusted host code)
    if (name === '__import__' && v instanceof PyModule) {
      const a = v.attrs.get(name);
      if (a !== undefined) return a;
    }
    return noAttr(v, name);
  }
  const m = findMethod(v, name);
  if (m) {
    return new PyBuiltin(
      name,
      (args, kwargs) => (m as (s: PyValue, a: PyValue[], k: PyKwargs) => PyValue)(v, args, kwargs),
      v,
    );
  }
  if (v instanceof PyNamedTuple) {
    const field = v.field(name);
    if (field !== undefined) return field;
  }
  if (v instanceof PyModule) {
    const a = v.attrs.get(name);
    if (a === undefined) noAttr(v, name);
    return a;
  }
  if (v instanceof PyType) {
    const a = v.getAttr(name);
    if (a === undefined) noAttr(v, name);
    return a;
  }
  if (v instanceof PyException) {
    if (name === 'args') return new PyTuple(v.args);
    const extra = v.attrs?.get(name);
    if (extra !== undefined) return extra;
    return noAttr(v, name);
  }
  switch (typeof v) {
    case 'bigint':
    case 'boolean':
      if (name === 'real' || name === 'numerator') return asInt(v) as bigint;
      if (name === 'imag') return 0n;
      if (name === 'denominator') return 1n;
      break;
    case 'number':
      if (name === 'real') return v;
      if (name === 'imag') return 0;
      break;
  }
  if (v instanceof PyRange) {
    if (name === 'start') return v.start;
    if (name === 'stop') return v.stop;
    if (name === 'step') return v.step;
    if (name === 'index' || name === 'count') {
      return new PyBuiltin(
        name,
        (args) => {
          const x = args[0] as PyValue;
          if (name === 'count') return contains(v, x) ? 1n : 0n;
          if (!contains(v, x)) {
            raise(
              'ValueError',
              asInt(x) === undefined
                ? 'sequence.index(x): x not in sequence'
                : `${pyRepr(x)} is not in range`,
            );
          }
          return ((asInt(x) as bigint) - v.start) / v.step;
        },
        v,
      );
    }
  }
  if (v instanceof PyDictView && name === 'mapping') return noAttr(v, name);
  if (
    INSTANCE_CLASS_ATTRS.has(name) &&
    typeOfHook &&
    (v instanceof PyDict || typeof v === 'string')
  ) {
    const a = typeOfHook(v).getAttr(name);
    if (a !== undefined) return a;
  }
  if (isPyObject(v)) {
    const a = v.getAttr(name);
    if (a === undefined) noAttr(v, name);
    return a;
  }
  return noAttr(v, name);
}

/** Python `obj.name(*args, **kwargs)` without allocating a bound method for built-in types. */
export function callMethod(v: PyValue, name: string, args: PyValue[], kwargs: PyKwargs): PyValue {
  if (!name.startsWith('__')) {
    const m = findMethod(v, name);
    if (m) return (m as (s: PyValue, a: PyValue[], k: PyKwargs) => PyValue)(v, args, kwargs);
  }
  return callValue(getAttribute(v, name), args, kwargs);
}

/** Re-exported for the builtins module. */
export { getItem, PyExceptionType };
