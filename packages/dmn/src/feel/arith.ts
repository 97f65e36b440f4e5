/**
 * FEEL arithmetic where feelin falls short: durations times and divided by numbers, temporal
 * differences across time zones, dates plus days-and-time durations, ... feelin's operators are
 * internal to its interpreter, so expressions with arithmetic are rewritten before they are
 * evaluated: `a * b` becomes `__mul(a, b)`, and these functions implement DMN 1.5's rules
 * (section 10.3.2.3 and the TCK's 0100-arithmetic cases) on feelin's own value classes.
 */
import { Big, MC, RoundingMode } from 'bigdecimal.js';
import { reportWarning } from './warnings.js';
import {
  FeelDate,
  FeelDateTime,
  FeelDuration,
  FeelFunction,
  FeelTime,
  duration,
  parseExpression,
} from 'feelin';

type SyntaxNode = ReturnType<typeof parseExpression>['topNode'];

const OPS: Readonly<Record<string, string>> = {
  '+': '__add',
  '-': '__sub',
  '*': '__mul',
  '/': '__div',
  '**': '__pow',
};

function rewriteNode(node: SyntaxNode, text: string): string {
  const children: SyntaxNode[] = [];
  for (let c = node.firstChild; c !== null; c = c.nextSibling) children.push(c);
  if (node.name === 'ArithmeticExpression') {
    const [a, b, c] = children;
    if (children.length === 3 && a !== undefined && b !== undefined && c !== undefined) {
      const fn = OPS[text.slice(b.from, b.to)];
      if (fn !== undefined) return `${fn}(${rewriteNode(a, text)}, ${rewriteNode(c, text)})`;
    }
    if (children.length === 2 && a !== undefined && b !== undefined) {
      if (text.slice(a.from, a.to) === '-') return `__neg(${rewriteNode(b, text)})`;
    }
  }
  if (children.length === 0) return text.slice(node.from, node.to);
  let out = '';
  let at = node.from;
  for (const child of children) {
    out += text.slice(at, child.from) + rewriteNode(child, text);
    at = child.to;
  }
  return out + text.slice(at, node.to);
}

const MAY_HAVE_ARITHMETIC = /[-+*/]/;

/**
 * `text` with its arithmetic turned into calls of {@link ARITHMETIC}, or `text` unchanged
 * when it has none (or does not parse: feelin will report that).
 */
export function rewriteArithmetic(text: string, scope: Record<string, unknown>): string {
  if (!MAY_HAVE_ARITHMETIC.test(text)) return text;
  let tree: ReturnType<typeof parseExpression>;
  try {
    tree = parseExpression(text, scope, undefined);
  } catch {
    return text;
  }
  let hasError = false;
  let hasArithmetic = false;
  tree.iterate({
    enter(n) {
      if (n.type.isError) hasError = true;
      if (n.name === 'ArithmeticExpression') hasArithmetic = true;
    },
  });
  return hasError || !hasArithmetic ? text : rewriteNode(tree.topNode, text);
}

// ---------------------------------------------------------------------------------------------
// Values

const isNum = (v: unknown): v is number => typeof v === 'number';

// FEEL numbers are decimals. Values stay JavaScript numbers, but + - * / are computed in
// decimal (34 digits, as decimal128) on each operand's shortest decimal form, so 0.1 + 0.2 is
// 0.3 and 1.1 * 3 is 3.3, as a decimal engine gives.
const DECIMAL128 = MC(34, RoundingMode.HALF_EVEN);

type DecimalOp = 'add' | 'sub' | 'mul' | 'div';

function decimal(op: DecimalOp, a: number, b: number): number {
  const plain = (): number => {
    switch (op) {
      case 'add':
        return a + b;
      case 'sub':
        return a - b;
      case 'mul':
        return a * b;
      case 'div':
        return a / b;
    }
  };
  if (!Number.isFinite(a) || !Number.isFinite(b)) return plain();
  if (Number.isInteger(a) && Number.isInteger(b) && op !== 'div') {
    const r = plain();
    if (Number.isSafeInteger(r)) return r;
  }
  try {
    const x = Big(String(a));
    const y = Big(String(b));
    const r =
      op === 'add'
        ? x.add(y)
        : op === 'sub'
          ? x.subtract(y)
          : op === 'mul'
            ? x.multiply(y)
            : x.divideWithMathContext(y, DECIMAL128);
    return Number(r.toString());
  } catch {
    return plain();
  }
}
const isYm = (v: unknown): v is FeelDuration => v instanceof FeelDuration && v.yearsMonths;
const isDt = (v: unknown): v is FeelDuration => v instanceof FeelDuration && !v.yearsMonths;

function months(d: FeelDuration): number {
  return d.value.years * 12 + d.value.months;
}

function seconds(d: FeelDuration): number {
  const v = d.value;
  return (
    v.days * 86400 +
    v.hours * 3600 +
    v.minutes * 60 +
    v.seconds +
    v.milliseconds / 1e3 +
    v.microseconds / 1e6 +
    v.nanoseconds / 1e9
  );
}

function ymDuration(total: number): FeelDuration | null {
  const m = Math.trunc(total);
  if (!Number.isFinite(m)) return null;
  const abs = Math.abs(m);
  return duration(`${m < 0 ? '-' : ''}P${Math.floor(abs / 12)}Y${abs % 12}M`);
}

function dtDuration(total: number): FeelDuration | null {
  if (!Number.isFinite(total)) return null;
  const negative = total < 0;
  let rest = Math.round(Math.abs(total) * 1e9) / 1e9;
  const days = Math.floor(rest / 86400);
  rest -= days * 86400;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  rest -= minutes * 60;
  const secs = Number(rest.toFixed(9));
  return duration(`${negative ? '-' : ''}P${days}DT${hours}H${minutes}M${secs}S`);
}

function zoneId(zone: string): string {
  return zone === 'Z' ? 'UTC' : zone;
}

/** Epoch seconds of a zoned date and time; wall-clock seconds (as UTC) of a local one. */
function instant(v: FeelDateTime): number {
  const pdt = v.value;
  if (v.zone === null) {
    return Number(pdt.toZonedDateTime('UTC').epochNanoseconds) / 1e9;
  }
  return Number(pdt.toZonedDateTime(zoneId(v.zone)).epochNanoseconds) / 1e9;
}

/** A date as a date and time: midnight UTC (DMN 1.5, 10.3.2.3.6). */
function dateAsDateTime(d: FeelDate): FeelDateTime {
  return new FeelDateTime(d.value.toPlainDateTime(), 'UTC');
}

function addToDateTime(v: FeelDateTime, d: FeelDuration, sign: number): FeelDateTime | null {
  if (d.yearsMonths) {
    return new FeelDateTime(v.value.add({ months: sign * months(d) }), v.zone);
  }
  const secs = sign * seconds(d);
  const whole = Math.trunc(secs);
  const nanos = Math.round((secs - whole) * 1e9);
  if (v.zone === null) {
    return new FeelDateTime(v.value.add({ seconds: whole, nanoseconds: nanos }), null);
  }
  const zoned = v.value.toZonedDateTime(zoneId(v.zone)).add({ seconds: whole, nanoseconds: nanos });
  return new FeelDateTime(zoned.toPlainDateTime(), v.zone);
}

function addToTemporal(t: unknown, d: FeelDuration, sign: number): unknown {
  if (t instanceof FeelDateTime) return addToDateTime(t, d, sign);
  if (t instanceof FeelDate) {
    if (d.yearsMonths) return new FeelDate(t.value.add({ months: sign * months(d) }));
    const moved = addToDateTime(dateAsDateTime(t), d, sign);
    return moved === null ? null : new FeelDate(moved.value.toPlainDate());
  }
  if (t instanceof FeelTime) {
    if (d.yearsMonths) return null;
    const secs = sign * seconds(d);
    const whole = Math.trunc(secs);
    const nanos = Math.round((secs - whole) * 1e9);
    return new FeelTime(t.value.add({ seconds: whole, nanoseconds: nanos }), t.zone);
  }
  return null;
}

function subtractTemporal(a: unknown, b: unknown): unknown {
  if (a instanceof FeelTime && b instanceof FeelTime) {
    if ((a.zone === null) !== (b.zone === null)) return null;
    const secs = (t: FeelTime): number => {
      const base = t.value.hour * 3600 + t.value.minute * 60 + t.value.second;
      const frac = t.value.millisecond / 1e3 + t.value.microsecond / 1e6 + t.value.nanosecond / 1e9;
      return base + frac - offsetSeconds(t.zone);
    };
    return dtDuration(secs(a) - secs(b));
  }
  const asDateTime = (v: unknown): FeelDateTime | undefined =>
    v instanceof FeelDateTime ? v : v instanceof FeelDate ? dateAsDateTime(v) : undefined;
  const x = asDateTime(a);
  const y = asDateTime(b);
  if (x === undefined || y === undefined) return null;
  if (a instanceof FeelDate && b instanceof FeelDate) {
    return dtDuration(instant(x) - instant(y));
  }
  if ((x.zone === null) !== (y.zone === null)) return null;
  return dtDuration(instant(x) - instant(y));
}

function offsetSeconds(zone: string | null): number {
  if (zone === null || zone === 'UTC' || zone === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})(?::?(\d{2}))?$/.exec(zone);
  if (m === null) return 0;
  const s = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0);
  return m[1] === '-' ? -s : s;
}

const isTemporal = (v: unknown): boolean =>
  v instanceof FeelDate || v instanceof FeelDateTime || v instanceof FeelTime;

function add(a: unknown, b: unknown): unknown {
  if (a === null || b === null || a === undefined || b === undefined) return null;
  if (isNum(a) && isNum(b)) return decimal('add', a, b);
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (a instanceof FeelDuration && b instanceof FeelDuration) {
    if (a.yearsMonths !== b.yearsMonths) return null;
    return a.yearsMonths ? ymDuration(months(a) + months(b)) : dtDuration(seconds(a) + seconds(b));
  }
  if (isTemporal(a) && b instanceof FeelDuration) return addToTemporal(a, b, 1);
  if (a instanceof FeelDuration && isTemporal(b)) return addToTemporal(b, a, 1);
  return null;
}

function sub(a: unknown, b: unknown): unknown {
  if (a === null || b === null || a === undefined || b === undefined) return null;
  if (isNum(a) && isNum(b)) return decimal('sub', a, b);
  if (a instanceof FeelDuration && b instanceof FeelDuration) {
    if (a.yearsMonths !== b.yearsMonths) return null;
    return a.yearsMonths ? ymDuration(months(a) - months(b)) : dtDuration(seconds(a) - seconds(b));
  }
  if (isTemporal(a) && b instanceof FeelDuration) return addToTemporal(a, b, -1);
  if (isTemporal(a) && isTemporal(b)) return subtractTemporal(a, b);
  return null;
}

function mul(a: unknown, b: unknown): unknown {
  if (a === null || b === null || a === undefined || b === undefined) return null;
  if (isNum(a) && isNum(b)) return decimal('mul', a, b);
  const [d, n] = isNum(a) ? [b, a] : [a, b];
  if (!isNum(n)) return null;
  if (isYm(d)) return ymDuration(months(d) * n);
  if (isDt(d)) return dtDuration(seconds(d) * n);
  return null;
}

function div(a: unknown, b: unknown): unknown {
  if (a === null || b === null || a === undefined || b === undefined) return null;
  if (isNum(a) && isNum(b)) return b === 0 ? null : decimal('div', a, b);
  if (isNum(b)) {
    if (b === 0) return null;
    if (isYm(a)) return ymDuration(months(a) / b);
    if (isDt(a)) return dtDuration(seconds(a) / b);
    return null;
  }
  if (isYm(a) && isYm(b)) return months(b) === 0 ? null : months(a) / months(b);
  if (isDt(a) && isDt(b)) return seconds(b) === 0 ? null : seconds(a) / seconds(b);
  return null;
}

function pow(a: unknown, b: unknown): unknown {
  if (!isNum(a) || !isNum(b)) return null;
  const r = a ** b;
  return Number.isFinite(r) ? r : null;
}

function neg(a: unknown): unknown {
  if (isNum(a)) return -a;
  if (isYm(a)) return ymDuration(-months(a));
  if (isDt(a)) return dtDuration(-seconds(a));
  return null;
}

/**
 * Guards against feelin/Temporal throwing (out-of-range dates, ...): FEEL's answer is null. A
 * null from non-null operands is a FEEL error, reported as a warning.
 */
function safe<A extends unknown[]>(
  name: string,
  f: (...args: A) => unknown,
): (...args: A) => unknown {
  return (...args: A) => {
    let result: unknown;
    try {
      result = f(...args);
    } catch {
      result = null;
    }
    if (result === null && args.every((a) => a !== null && a !== undefined)) {
      reportWarning(`Cannot apply '${name}' to these operands`);
    }
    return result;
  };
}

/** The functions rewritten expressions call. */
export const ARITHMETIC: Readonly<Record<string, FeelFunction>> = {
  __add: new FeelFunction(safe('+', add), ['a', 'b']),
  __sub: new FeelFunction(safe('-', sub), ['a', 'b']),
  __mul: new FeelFunction(safe('*', mul), ['a', 'b']),
  __div: new FeelFunction(safe('/', div), ['a', 'b']),
  __pow: new FeelFunction(safe('**', pow), ['a', 'b']),
  __neg: new FeelFunction(safe('-', neg), ['a']),
};
