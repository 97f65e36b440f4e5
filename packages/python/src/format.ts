/** Formatting: `format()` specs, `%`-formatting, `str.format`, and exact float rounding. */
import { getAttribute } from './attrs.js';
import { allocate, checkSize, getItem, intToFloat, setPercentFormat } from './ops.js';
import {
  PyDict,
  PyList,
  PyRange,
  PyTuple,
  asInt,
  floatRepr,
  intStr,
  isPyObject,
  pyRepr,
  pyStr,
  raise,
  strRepr,
  typeName,
  type PyValue,
} from './values.js';

// ---------------------------------------------------------------------------------------------
// Exact decimal rounding of doubles

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/** Splits a finite positive double into an integer mantissa and a binary exponent: x = m * 2^e. */
function decompose(x: number): [bigint, number] {
  F64[0] = x;
  const lo = U32[0] as number;
  const hi = U32[1] as number;
  const bexp = (hi >>> 20) & 0x7ff;
  const mhi = hi & 0xfffff;
  let m = (BigInt(mhi) << 32n) | BigInt(lo);
  let e: number;
  if (bexp === 0) {
    e = -1074;
  } else {
    m |= 1n << 52n;
    e = bexp - 1075;
  }
  return [m, e];
}

const POW10: bigint[] = [];
function pow10(k: number): bigint {
  if (k < 400) {
    let p = POW10[k];
    if (p === undefined) {
      p = 10n ** BigInt(k);
      POW10[k] = p;
    }
    return p;
  }
  return 10n ** BigInt(k);
}

/** round_half_even(|x| * 10^k) as a bigint, computed exactly. */
function roundScaled(x: number, k: number): bigint {
  const [m, e] = decompose(x);
  let num = m;
  let den = 1n;
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  if (k >= 0) num *= pow10(k);
  else den *= pow10(-k);
  const q = num / den;
  const r2 = (num % den) * 2n;
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/** Digits of |x| in fixed notation with `p` decimals (x finite). */
export function fixedDigits(x: number, p: number): string {
  x = Math.abs(x);
  if (x === 0) return p > 0 ? '0.' + '0'.repeat(p) : '0';
  const q = roundScaled(x, p).toString();
  if (p === 0) return q;
  const s = q.padStart(p + 1, '0');
  return s.slice(0, s.length - p) + '.' + s.slice(s.length - p);
}

/** |x| rounded to `p + 1` significant digits: [digit string of length p + 1, decimal exponent]. */
function sciParts(x: number, p: number): [string, number] {
  x = Math.abs(x);
  if (x === 0) return ['0'.repeat(p + 1), 0];
  let e = Math.floor(Math.log10(x));
  let q = roundScaled(x, p - e);
  if (q >= pow10(p + 1)) {
    e += 1;
    q = roundScaled(x, p - e);
  } else if (q < pow10(p)) {
    e -= 1;
    q = roundScaled(x, p - e);
    if (q >= pow10(p + 1)) {
      e += 1;
      q = roundScaled(x, p - e);
    }
  }
  return [q.toString(), e];
}

function expSuffix(e: number, upper: boolean): string {
  const a = Math.abs(e);
  return (upper ? 'E' : 'e') + (e < 0 ? '-' : '+') + (a < 10 ? '0' + a : String(a));
}

/** Digits of |x| in exponent notation with `p` decimals. */
export function sciDigits(x: number, p: number, upper = false, alt = false): string {
  const [d, e] = sciParts(x, p);
  const mant = p > 0 ? d[0] + '.' + d.slice(1) : alt ? d + '.' : d;
  return mant + expSuffix(e, upper);
}

/** 'g' formatting of |x| with precision p (significant digits). */
function generalDigits(
  x: number,
  p: number,
  upper: boolean,
  alt: boolean,
  noneType: boolean,
): string {
  if (p === 0) p = 1;
  const ax = Math.abs(x);
  const [d, e] = sciParts(ax, p - 1);
  const limit = noneType ? p - 1 : p;
  if (e >= -4 && e < limit) {
    // fixed notation with p - 1 - e decimals, using the rounded digits
    let s: string;
    if (e >= 0) {
      const intPart = d.slice(0, e + 1).padEnd(e + 1, '0');
      const frac = d.slice(e + 1);
      s = frac.length > 0 ? intPart + '.' + frac : intPart;
    } else {
      s = '0.' + '0'.repeat(-e - 1) + d;
    }
    if (!alt) {
      if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
      if (noneType && !s.includes('.')) s += '.0';
    } else if (!s.includes('.')) {
      s += '.';
    }
    return s;
  }
  let mant = d.length > 1 ? d[0] + '.' + d.slice(1) : d;
  if (!alt) {
    if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '');
  } else if (!mant.includes('.')) {
    mant += '.';
  }
  return mant + expSuffix(e, upper);
}

/** Python `round(x, n)` for floats: exact half-even rounding of the decimal value. */
export function roundFloat(x: number, n: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  if (n > 323) return x;
  if (n < -308) return x < 0 ? -0 : 0;
  const neg = x < 0;
  let r: number;
  if (n >= 0) {
    r = Number(fixedDigits(x, n));
  } else {
    const q = roundScaled(Math.abs(x), n);
    r = Number(q * pow10(-n));
    if (!Number.isFinite(r)) raise('OverflowError', 'rounded value too large to represent');
  }
  return neg ? -r : r;
}

/** Python `round(n, k)` for ints with k < 0 (half-even). */
export function roundInt(n: bigint, k: bigint): bigint {
  if (k >= 0n) return n;
  if (k < -5000n) return 0n;
  const p = pow10(Number(-k));
  const neg = n < 0n;
  const a = neg ? -n : n;
  let q = a / p;
  const r2 = (a % p) * 2n;
  if (r2 > p || (r2 === p && (q & 1n) === 1n)) q += 1n;
  const res = q * p;
  return neg ? -res : res;
}

// ---------------------------------------------------------------------------------------------
// Format spec mini-language

interface Spec {
  fill: string;
  align: string | null;
  sign: string | null;
  z: boolean;
  alt: boolean;
  zero: boolean;
  width: number;
  grouping: string | null;
  precision: number | null;
  type: string | null;
}

const SPEC_RE = /^(?:([\s\S])?([<>=^]))?([+\- ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([\s\S])?$/u;

function parseSpec(spec: string, v: PyValue): Spec {
  const m = SPEC_RE.exec(spec);
  if (!m) {
    if (/\.(?!\d)/.test(spec) && /^[^.]*\.[a-zA-Z%]?$/.test(spec))
      raise('ValueError', 'Format specifier missing precision');
    raise('ValueError', `Invalid format specifier '${spec}' for object of type '${typeName(v)}'`);
  }
  const [, fill, align, sign, z, alt, zero, width, grouping, precision, type] = m;
  if (width !== undefined && width.length > 10)
    raise('ValueError', 'Too many decimal digits in format string');
  if (precision !== undefined && precision.length > 10)
    raise('ValueError', 'Too many decimal digits in format string');
  return {
    fill: fill ?? (zero ? '0' : ' '),
    align: align ?? null,
    sign: sign ?? null,
    z: z !== undefined,
    alt: alt !== undefined,
    zero: zero !== undefined,
    width: width === undefined ? 0 : Number(width),
    grouping: grouping ?? null,
    precision: precision === undefined ? null : Number(precision),
    type: type ?? null,
  };
}

function pad(body: string, spec: Spec, defaultAlign: string, signPrefix = ''): string {
  // the '0' flag without an explicit alignment pads numbers after the sign ('=')
  if (spec.zero && spec.align === null && defaultAlign === '>') defaultAlign = '=';
  const len = [...body].length + [...signPrefix].length;
  if (spec.width <= len) return signPrefix + body;
  allocate(spec.width);
  const n = spec.width - len;
  const fill = spec.fill;
  switch (spec.align ?? defaultAlign) {
    case '<':
      return signPrefix + body + fill.repeat(n);
    case '^': {
      const left = Math.floor(n / 2);
      return fill.repeat(left) + signPrefix + body + fill.repeat(n - left);
    }
    case '=':
      return signPrefix + fill.repeat(n) + body;
    default:
      return fill.repeat(n) + signPrefix + body;
  }
}

function group(intDigits: string, sep: string, size: number): string {
  let out = '';
  let count = 0;
  for (let i = intDigits.length - 1; i >= 0; i--) {
    out = intDigits[i] + out;
    if (++count % size === 0 && i > 0) out = sep + out;
  }
  return out;
}

/** Applies grouping and '0'-padding inside the number (so separators also appear in the padding). */
function numberBody(
  digits: string,
  spec: Spec,
  groupSize: number,
  prefixLen: number,
  isFloat = true,
): string {
  const dot = isFloat ? digits.search(/[.eE%]/) : -1;
  let intPart = dot < 0 ? digits : digits.slice(0, dot);
  const rest = dot < 0 ? '' : digits.slice(dot);
  if (!/^[0-9a-fA-F]+$/.test(intPart)) return digits; // inf/nan
  if (spec.grouping) {
    const align = spec.align ?? (spec.zero ? '=' : '>');
    if (spec.fill === '0' && align === '=' && spec.width > 0) {
      const avail = spec.width - prefixLen - rest.length;
      let g = group(intPart, spec.grouping, groupSize);
      while (g.length < avail) {
        intPart = '0' + intPart;
        g = group(intPart, spec.grouping, groupSize);
      }
      return g + rest;
    }
    return group(intPart, spec.grouping, groupSize) + rest;
  }
  return digits;
}

function formatInt(n: bigint, spec: Spec, v: PyValue): string {
  const type = spec.type ?? 'd';
  if (spec.precision !== null)
    raise('ValueError', 'Precision not allowed in integer format specifier');
  if (spec.z)
    raise('ValueError', 'Negative zero coercion (z) not allowed in integer format specifier');
  if (spec.grouping && (type === 'n' || type === 'c' || (spec.grouping === ',' && type !== 'd'))) {
    raise('ValueError', `Cannot specify '${spec.grouping}' with '${type}'.`);
  }
  if (type === 'c') {
    if (spec.sign) raise('ValueError', "Sign not allowed with integer format specifier 'c'");
    if (spec.alt)
      raise('ValueError', "Alternate form (#) not allowed with integer format specifier 'c'");
    if (n < 0n || n > 0x10ffffn) raise('OverflowError', '%c arg not in range(0x110000)');
    return pad(String.fromCodePoint(Number(n)), spec, '>');
  }
  const neg = n < 0n;
  const a = neg ? -n : n;
  let digits: string;
  let prefix = '';
  let groupSize = 3;
  switch (type) {
    case 'd':
    case 'n':
      digits = intStr(a);
      break;
    case 'b':
      digits = a.toString(2);
      prefix = spec.alt ? '0b' : '';
      groupSize = 4;
      break;
    case 'o':
      digits = a.toString(8);
      prefix = spec.alt ? '0o' : '';
      groupSize = 4;
      break;
    case 'x':
      digits = a.toString(16);
      prefix = spec.alt ? '0x' : '';
      groupSize = 4;
      break;
    case 'X':
      digits = a.toString(16).toUpperCase();
      prefix = spec.alt ? '0X' : '';
      groupSize = 4;
      break;
    default:
      return raise(
        'ValueError',
        `Unknown format code '${type}' for object of type '${typeName(v)}'`,
      );
  }
  const sign = neg ? '-' : spec.sign === '+' ? '+' : spec.sign === ' ' ? ' ' : '';
  const head = sign + prefix;
  return pad(numberBody(digits, spec, groupSize, head.length, false), spec, '>', head);
}

function formatFloat(x: number, spec: Spec, v: PyValue): string {
  let type = spec.type;
  if (type !== null && !'eEfFgG%n'.includes(type)) {
    raise('ValueError', `Unknown format code '${type}' for object of type '${typeName(v)}'`);
  }
  if (spec.grouping && type === 'n')
    raise('ValueError', `Cannot specify '${spec.grouping}' with 'n'.`);
  if (type === 'n') type = 'g';
  let neg = x < 0 || Object.is(x, -0);
  let digits: string;
  const upper = type === 'E' || type === 'F' || type === 'G';
  if (Number.isNaN(x)) {
    digits = upper ? 'NAN' : 'nan';
    if (type === '%') digits += '%';
    neg = false;
  } else if (!Number.isFinite(x)) {
    digits = upper ? 'INF' : 'inf';
    if (type === '%') digits += '%';
  } else {
    const p = spec.precision;
    switch (type) {
      case 'f':
      case 'F':
        digits = fixedDigits(x, p ?? 6);
        if (spec.alt && !digits.includes('.')) digits += '.';
        break;
      case 'e':
      case 'E':
        digits = sciDigits(x, p ?? 6, upper, spec.alt);
        break;
      case 'g':
      case 'G':
        digits = generalDigits(x, p ?? 6, upper, spec.alt, false);
        break;
      case '%':
        if (!Number.isFinite(x * 100)) {
          digits = 'inf%';
          break;
        }
        digits = fixedDigits(x * 100, p ?? 6);
        if (spec.alt && !digits.includes('.')) digits += '.';
        digits += '%';
        break;
      default:
        if (p === null) {
          digits = floatRepr(Math.abs(x));
          if (spec.alt && !digits.includes('.')) digits = digits.replace(/(e|$)/, '.$1');
        } else {
          digits = generalDigits(x, p, false, spec.alt, true);
        }
    }
    if (spec.z && neg && /^[0.]*(?:e[+-]\d+)?%?$/i.test(digits.replace(/[eE][+-]\d+/, ''))) {
      // 'z' turns negative zero (after rounding) into positive zero
      if (!/[1-9]/.test(digits.replace(/[eE][+-]\d+$/, ''))) neg = false;
    }
  }
  const sign = neg ? '-' : spec.sign === '+' ? '+' : spec.sign === ' ' ? ' ' : '';
  return pad(numberBody(digits, spec, 3, sign.length), spec, '>', sign);
}

function formatStr(s: string, spec: Spec, v: PyValue): string {
  if (spec.type !== null && spec.type !== 's') {
    raise('ValueError', `Unknown format code '${spec.type}' for object of type '${typeName(v)}'`);
  }
  if (spec.sign) raise('ValueError', 'Sign not allowed in string format specifier');
  if (spec.z)
    raise('ValueError', 'Negative zero coercion (z) not allowed in string format specifier');
  if (spec.alt) raise('ValueError', 'Alternate form (#) not allowed in string format specifier');
  if (spec.grouping) raise('ValueError', `Cannot specify '${spec.grouping}' with 's'.`);
  if (spec.align === '=')
    raise('ValueError', "'=' alignment not allowed in string format specifier");
  let body = s;
  if (spec.precision !== null) body = [...s].slice(0, spec.precision).join('');
  return pad(body, spec, '<');
}

/** Python `format(value, spec)`. */
export function formatValue(v: PyValue, spec: string): string {
  if (spec === '') {
    return pyStr(v);
  }
  if (typeof v === 'string') return formatStr(v, parseSpec(spec, v), v);
  if (typeof v === 'bigint' || typeof v === 'boolean') {
    const s = parseSpec(spec, v);
    const n = asInt(v) as bigint;
    if (s.type !== null && 'eEfFgG%'.includes(s.type)) return formatFloat(intToFloat(n), s, v);
    if (
      typeof v === 'boolean' &&
      s.type === null &&
      s.precision === null &&
      !s.grouping &&
      !s.sign
    ) {
      // bool.__format__ with a non-empty spec formats as int, except pure alignment uses str
      return formatInt(n, s, v);
    }
    return formatInt(n, s, v);
  }
  if (typeof v === 'number') return formatFloat(v, parseSpec(spec, v), v);
  if (isPyObject(v) && v.format) return v.format(spec);
  return raise('TypeError', `unsupported format string passed to ${typeName(v)}.__format__`);
}

// ---------------------------------------------------------------------------------------------
// printf-style formatting: 'fmt' % args

/** Python `fmt % args` for strings. */
export function percentFormat(fmt: string, args: PyValue): string {
  // like CPython, anything subscriptable but a tuple or str counts as a mapping here
  const mapping =
    args instanceof PyDict ||
    args instanceof PyList ||
    args instanceof PyRange ||
    (isPyObject(args) && args.getItem)
      ? args
      : null;
  const list: PyValue[] = args instanceof PyTuple ? [...args.items] : [args];
  let argIndex = 0;
  let usedMapping = false;
  const nextArg = (): PyValue => {
    if (argIndex >= list.length) raise('TypeError', 'not enough arguments for format string');
    return list[argIndex++] as PyValue;
  };
  let out = '';
  let i = 0;
  while (i < fmt.length) {
    const c = fmt[i] as string;
    if (c !== '%') {
      const next = fmt.indexOf('%', i);
      const end = next < 0 ? fmt.length : next;
      out += fmt.slice(i, end);
      i = end;
      continue;
    }
    i++;
    if (i >= fmt.length) raise('ValueError', 'incomplete format');
    if (fmt[i] === '%') {
      out += '%';
      i++;
      continue;
    }
    const specStart = i;
    let key: string | null = null;
    if (fmt[i] === '(') {
      let depth = 1;
      let j = i + 1;
      while (j < fmt.length && depth > 0) {
        if (fmt[j] === '(') depth++;
        else if (fmt[j] === ')') depth--;
        j++;
      }
      if (depth > 0) raise('ValueError', 'incomplete format key');
      key = fmt.slice(i + 1, j - 1);
      i = j;
    }
    let flags = '';
    while (i < fmt.length && '-+ #0'.includes(fmt[i] as string)) flags += fmt[i++];
    let width: number | null = null;
    if (fmt[i] === '*') {
      const w = asInt(nextArg());
      if (w === undefined) raise('TypeError', '* wants int');
      width = Number(w);
      if (width < 0) {
        flags += '-';
        width = -width;
      }
      i++;
    } else {
      let w = '';
      while (i < fmt.length && /\d/.test(fmt[i] as string)) w += fmt[i++];
      if (w) width = Number(w);
    }
    let precision: number | null = null;
    if (fmt[i] === '.') {
      i++;
      if (fmt[i] === '*') {
        const p = asInt(nextArg());
        if (p === undefined) raise('TypeError', '* wants int');
        precision = Math.max(0, Number(p));
        i++;
      } else {
        let p = '';
        while (i < fmt.length && /\d/.test(fmt[i] as string)) p += fmt[i++];
        precision = p ? Number(p) : 0;
      }
    }
    while (i < fmt.length && 'hlL'.includes(fmt[i] as string)) i++;
    if (i >= fmt.length) raise('ValueError', 'incomplete format');
    const type = fmt[i++] as string;
    void specStart;
    let arg: PyValue;
    if (key !== null) {
      if (!mapping) raise('TypeError', 'format requires a mapping');
      usedMapping = true;
      arg = getItem(mapping, key);
    } else {
      arg = nextArg();
    }
    const spec: Spec = {
      fill:
        flags.includes('0') && !flags.includes('-') && 'diuoxXeEfFgG'.includes(type) ? '0' : ' ',
      align: flags.includes('-')
        ? '<'
        : flags.includes('0') && 'diuoxXeEfFgG'.includes(type)
          ? '='
          : '>',
      sign: flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : null,
      z: false,
      alt: flags.includes('#'),
      zero: false,
      width: width ?? 0,
      grouping: null,
      precision,
      type: null,
    };
    if (spec.width > 0) checkSize(spec.width);
    switch (type) {
      case 's':
      case 'r':
      case 'a': {
        let s = type === 's' ? pyStr(arg) : pyRepr(arg);
        if (type === 'a') s = asciiEscape(s);
        if (precision !== null) s = [...s].slice(0, precision).join('');
        out += pad(s, { ...spec, align: flags.includes('-') ? '<' : '>' }, '>');
        break;
      }
      case 'd':
      case 'i':
      case 'u': {
        let n = asInt(arg);
        if (n === undefined) {
          if (typeof arg === 'number') {
            if (!Number.isFinite(arg))
              raise(
                Number.isNaN(arg) ? 'ValueError' : 'OverflowError',
                Number.isNaN(arg)
                  ? 'cannot convert float NaN to integer'
                  : 'cannot convert float infinity to integer',
              );
            n = BigInt(Math.trunc(arg));
          } else if (isPyObject(arg) && arg.getAttr('__int__')) {
            n = 0n;
          } else {
            raise('TypeError', `%${type} format: a real number is required, not ${typeName(arg)}`);
          }
        }
        out += intPercent(n, spec, precision, 'd');
        break;
      }
      case 'x':
      case 'X':
      case 'o': {
        const n = asInt(arg);
        if (n === undefined)
          raise('TypeError', `%${type} format: an integer is required, not ${typeName(arg)}`);
        out += intPercent(n, spec, precision, type);
        break;
      }
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G': {
        let x: number;
        if (typeof arg === 'number') x = arg;
        else {
          const n = asInt(arg);
          if (n === undefined) {
            if (isPyObject(arg) && arg.format) {
              out += pad(
                arg.format(`${precision === null ? '' : '.' + precision}${type}`),
                spec,
                '>',
              );
              break;
            }
            raise('TypeError', `must be real number, not ${typeName(arg)}`);
          }
          x = intToFloat(n);
        }
        out += formatFloat(x, { ...spec, type, precision: precision ?? 6 }, arg);
        break;
      }
      case 'c': {
        let ch: string;
        if (typeof arg === 'string') {
          if ([...arg].length !== 1)
            raise(
              'TypeError',
              '%c requires an int or a unicode character, not a string of length ' +
                [...arg].length,
            );
          ch = arg;
        } else {
          const n = asInt(arg);
          if (n === undefined)
            raise('TypeError', `%c requires an int or a unicode character, not ${typeName(arg)}`);
          if (n < 0n || n > 0x10ffffn) raise('OverflowError', '%c arg not in range(0x110000)');
          ch = String.fromCodePoint(Number(n));
        }
        out += pad(ch, { ...spec, fill: ' ' }, '>');
        break;
      }
      default: {
        const code = type.codePointAt(0) as number;
        raise(
          'ValueError',
          `unsupported format character '${type}' (0x${code.toString(16)}) at index ${i - 1}`,
        );
      }
    }
  }
  if (!usedMapping && argIndex < list.length && !(mapping && list.length === 1 && argIndex === 0)) {
    raise('TypeError', 'not all arguments converted during string formatting');
  }
  return out;
}

function intPercent(n: bigint, spec: Spec, precision: number | null, type: string): string {
  const neg = n < 0n;
  const a = neg ? -n : n;
  let digits =
    type === 'x'
      ? a.toString(16)
      : type === 'X'
        ? a.toString(16).toUpperCase()
        : type === 'o'
          ? a.toString(8)
          : intStr(a);
  if (precision !== null && digits.length < precision) digits = digits.padStart(precision, '0');
  const prefix = spec.alt
    ? type === 'x'
      ? '0x'
      : type === 'X'
        ? '0X'
        : type === 'o'
          ? '0o'
          : ''
    : '';
  const sign = neg ? '-' : (spec.sign ?? '');
  return pad(digits, spec, '>', sign + prefix);
}

/** `ascii()`-style escaping of non-ASCII characters in a repr. */
export function asciiEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (cp < 128) out += ch;
    else if (cp <= 0xff) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp <= 0xffff) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// str.format

/** Python `fmt.format(*args, **kwargs)`. */
export function strFormat(
  fmt: string,
  args: readonly PyValue[],
  kwargs: ReadonlyMap<string, PyValue>,
  depth = 0,
  mapping?: PyValue,
): string {
  if (depth > 2) raise('ValueError', 'Max string recursion exceeded');
  let out = '';
  let auto = 0;
  let mode: 'auto' | 'manual' | null = null;
  let i = 0;
  while (i < fmt.length) {
    const c = fmt[i] as string;
    if (c === '{') {
      if (fmt[i + 1] === '{') {
        out += '{';
        i += 2;
        continue;
      }
      // find the matching '}'
      let j = i + 1;
      let level = 1;
      while (j < fmt.length) {
        if (fmt[j] === '{') level++;
        else if (fmt[j] === '}') {
          level--;
          if (level === 0) break;
        }
        j++;
      }
      if (j >= fmt.length) raise('ValueError', "expected '}' before end of string");
      const field = fmt.slice(i + 1, j);
      i = j + 1;
      // split field into name, conversion, spec
      let nameEnd = 0;
      let bracket = false;
      while (nameEnd < field.length) {
        const ch = field[nameEnd];
        if (ch === '[') bracket = true;
        else if (ch === ']') bracket = false;
        else if (!bracket && (ch === '!' || ch === ':')) break;
        nameEnd++;
      }
      const name = field.slice(0, nameEnd);
      if (name.includes('{')) raise('ValueError', "unexpected '{' in field name");
      let conversion: string | null = null;
      let rest = field.slice(nameEnd);
      if (rest.startsWith('!')) {
        conversion = rest[1] ?? '';
        rest = rest.slice(2);
        if (rest !== '' && !rest.startsWith(':'))
          raise('ValueError', "expected ':' after conversion specifier");
        if (conversion !== 'r' && conversion !== 's' && conversion !== 'a') {
          raise('ValueError', `Unknown conversion specifier ${conversion}`);
        }
      }
      let spec = rest.startsWith(':') ? rest.slice(1) : '';
      // resolve the value
      const m = /^([^.[]*)(.*)$/s.exec(name) as RegExpExecArray;
      const first = m[1] as string;
      let value: PyValue;
      if (first === '') {
        value = positional(nextAuto());
      } else if (/^\d+$/.test(first)) {
        if ((mode as string | null) === 'auto')
          raise(
            'ValueError',
            'cannot switch from automatic field numbering to manual field specification',
          );
        mode = 'manual';
        value = positional(Number(first));
      } else {
        if (mapping !== undefined) {
          value = getItem(mapping, first);
        } else {
          const kv = kwargs.get(first);
          if (kv === undefined) raise('KeyError', first);
          value = kv;
        }
      }
      let accessors = m[2] as string;
      while (accessors) {
        const attr = /^\.([^.[]+)/.exec(accessors);
        if (attr) {
          value = getAttribute(value, attr[1] as string);
          accessors = accessors.slice(attr[0].length);
          continue;
        }
        const idx = /^\[([^\]]+)\]/.exec(accessors);
        if (idx) {
          const k = idx[1] as string;
          value = getItem(value, /^\d+$/.test(k) ? BigInt(k) : k);
          accessors = accessors.slice(idx[0].length);
          continue;
        }
        raise('ValueError', "Only '.' or '[' may follow ']' in format field specifier");
      }
      if (spec.includes('{')) {
        spec = strFormatNested(spec, args, kwargs, depth, () => nextAuto(), mapping);
      }
      if (conversion === 'r') value = pyRepr(value);
      else if (conversion === 's') value = pyStr(value);
      else if (conversion === 'a') value = asciiEscape(pyRepr(value));
      out += formatValue(value, spec);
      continue;
    }
    if (c === '}') {
      if (fmt[i + 1] === '}') {
        out += '}';
        i += 2;
        continue;
      }
      raise('ValueError', "Single '}' encountered in format string");
    }
    out += c;
    i++;
  }
  return out;

  function nextAuto(): number {
    if (mode === 'manual')
      raise(
        'ValueError',
        'cannot switch from manual field specification to automatic field numbering',
      );
    mode = 'auto';
    return auto++;
  }
  function positional(n: number): PyValue {
    if (mapping !== undefined) raise('ValueError', 'Format string contains positional fields');
    if (n >= args.length)
      raise('IndexError', `Replacement index ${n} out of range for positional args tuple`);
    return args[n] as PyValue;
  }
}

function strFormatNested(
  spec: string,
  args: readonly PyValue[],
  kwargs: ReadonlyMap<string, PyValue>,
  depth: number,
  nextAuto: () => number,
  mapping: PyValue | undefined,
): string {
  // nested replacement fields inside a format spec, e.g. '{:{width}.{prec}f}'
  return spec.replace(/\{([^{}]*)\}/g, (_, inner: string) => {
    if (inner === '') return strFormat(`{${nextAuto()}}`, args, kwargs, depth + 1, mapping);
    return strFormat(`{${inner}}`, args, kwargs, depth + 1, mapping);
  });
}

/** repr helper re-exported for f-strings. */
export { strRepr };

setPercentFormat(percentFormat);
