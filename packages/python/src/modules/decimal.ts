/**
 * Python's `decimal` module: `Decimal` with exact coefficient and exponent (trailing zeros kept),
 * a context of precision 28 and `ROUND_HALF_EVEN`, and CPython's signals as exceptions.
 *
 * Arithmetic is delegated to `bigdecimal.js` (Java `BigDecimal` semantics on native BigInts):
 * its unscaled value + scale is exactly Python's coefficient + exponent, and its MathContext
 * operations follow the same General Decimal Arithmetic rules for ideal exponents. Signs of zero,
 * NaN and infinities, which `BigDecimal` lacks, are handled here.
 */
import { Big, MC, RoundingMode, type BigDecimal, type MathContext } from 'bigdecimal.js';
import {
  PyList,
  PyTuple,
  PyType,
  asInt,
  defineException,
  makeModule,
  pyStr,
  raise,
  typeName,
  type BinOp,
  type CompareOp,
  type HostHooks,
  type PyExceptionType,
  type PyKwargs,
  type PyModule,
  type PyObject,
  type PyValue,
} from '../values.js';
import { expDecimal, lnBig } from './bigmath.js';
import { floatToRational } from './datetime-core.js';
import { formatNumber, parseFormatSpec } from './format-spec.js';
import { PyNamedTuple, args, fn } from './support.js';

// ---------------------------------------------------------------------------------------------
// Signals

const DecimalException = defineException('DecimalException', ['ArithmeticError'], 'decimal');
const Clamped = defineException('Clamped', [DecimalException], 'decimal');
const InvalidOperation = defineException('InvalidOperation', [DecimalException], 'decimal');
const ConversionSyntax = defineException('ConversionSyntax', [InvalidOperation], 'decimal');
const DivisionByZero = defineException(
  'DivisionByZero',
  [DecimalException, 'ZeroDivisionError'],
  'decimal',
);
const DivisionImpossible = defineException('DivisionImpossible', [InvalidOperation], 'decimal');
const DivisionUndefined = defineException(
  'DivisionUndefined',
  [InvalidOperation, 'ZeroDivisionError'],
  'decimal',
);
const Inexact = defineException('Inexact', [DecimalException], 'decimal');
const InvalidContext = defineException('InvalidContext', [InvalidOperation], 'decimal');
const Rounded = defineException('Rounded', [DecimalException], 'decimal');
const Subnormal = defineException('Subnormal', [DecimalException], 'decimal');
const Overflow = defineException('Overflow', [Inexact, Rounded], 'decimal');
const Underflow = defineException('Underflow', [Inexact, Rounded, Subnormal], 'decimal');
const FloatOperation = defineException(
  'FloatOperation',
  [DecimalException, 'TypeError'],
  'decimal',
);

/** Raises `raised` with CPython's message naming the condition (`[<class 'decimal.X'>]`). */
function signal(raised: PyExceptionType, condition: PyExceptionType = raised): never {
  return raise(raised, `[<class 'decimal.${condition.name}'>]`);
}

// ---------------------------------------------------------------------------------------------
// Context

export const ROUNDING_MODES = [
  'ROUND_DOWN',
  'ROUND_HALF_UP',
  'ROUND_HALF_EVEN',
  'ROUND_CEILING',
  'ROUND_FLOOR',
  'ROUND_UP',
  'ROUND_HALF_DOWN',
  'ROUND_05UP',
] as const;
type Rounding = (typeof ROUNDING_MODES)[number];

const JAVA_MODES: Readonly<Record<Exclude<Rounding, 'ROUND_05UP'>, RoundingMode>> = {
  ROUND_DOWN: RoundingMode.DOWN,
  ROUND_HALF_UP: RoundingMode.HALF_UP,
  ROUND_HALF_EVEN: RoundingMode.HALF_EVEN,
  ROUND_CEILING: RoundingMode.CEILING,
  ROUND_FLOOR: RoundingMode.FLOOR,
  ROUND_UP: RoundingMode.UP,
  ROUND_HALF_DOWN: RoundingMode.HALF_DOWN,
};

function roundingArg(v: PyValue | undefined, fallback: Rounding): Rounding {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'string' && (ROUNDING_MODES as readonly string[]).includes(v)) {
    return v as Rounding;
  }
  return raise(
    'TypeError',
    'valid values for rounding are:\n  [ROUND_CEILING, ROUND_FLOOR, ROUND_UP, ROUND_DOWN,\n   ROUND_HALF_UP, ROUND_HALF_DOWN, ROUND_HALF_EVEN,\n   ROUND_05UP]',
  );
}

/**
 * Rounds with `mode` through a BigDecimal operation. ROUND_05UP, which Java lacks, is derived
 * from DOWN and UP: when they differ the result was inexact, and 05UP picks UP only when the
 * truncated last digit is 0 or 5.
 */
function withRounding(mode: Rounding, op: (m: RoundingMode) => BigDecimal): BigDecimal {
  if (mode !== 'ROUND_05UP') return op(JAVA_MODES[mode]);
  const down = op(RoundingMode.DOWN);
  const up = op(RoundingMode.UP);
  if (down.compareTo(up) === 0) return down;
  const last = (down.unscaledValue() < 0n ? -down.unscaledValue() : down.unscaledValue()) % 10n;
  return last === 0n || last === 5n ? up : down;
}

/** A `decimal.Context` (precision and rounding are what this port honours). */
export class DecimalContext implements PyObject {
  readonly pyTypeName = 'decimal.Context';
  prec = 28;
  rounding: Rounding = 'ROUND_HALF_EVEN';
  Emax = 999_999;
  Emin = -999_999;
  capitals = 1;
  clamp = 0;

  mc(mode: RoundingMode): MathContext {
    return new MC(this.prec, mode);
  }
  /** Runs a MathContext operation under this context's precision and rounding. */
  apply(op: (mc: MathContext) => BigDecimal): BigDecimal {
    return withRounding(this.rounding, (m) => op(this.mc(m)));
  }
  getAttr(name: string): PyValue | undefined {
    switch (name) {
      case 'prec':
        return BigInt(this.prec);
      case 'rounding':
        return this.rounding;
      case 'Emax':
        return BigInt(this.Emax);
      case 'Emin':
        return BigInt(this.Emin);
      case 'capitals':
        return BigInt(this.capitals);
      case 'clamp':
        return BigInt(this.clamp);
      case 'copy':
        return fn('copy', () => this.copy(), this);
      case 'create_decimal':
        return fn(
          'create_decimal',
          (a) => {
            const d = toDecimal(a[0] ?? '0', this, true);
            return d.special ? d : d.plus(this);
          },
          this,
        );
      default:
        return undefined;
    }
  }
  /** `ctx.prec = 10` and friends (for interpreters that support attribute assignment). */
  setAttr(name: string, value: PyValue): void {
    if (name === 'prec') {
      const n = asInt(value);
      if (n === undefined) raise('TypeError', 'an integer is required');
      if (n < 1n) raise('ValueError', 'valid range for prec is [1, MAX_PREC]');
      this.prec = Number(n);
    } else if (name === 'rounding') {
      this.rounding = roundingArg(value, this.rounding);
    } else {
      raise('AttributeError', `'decimal.Context' object attribute '${name}' is read-only`);
    }
  }
  copy(): DecimalContext {
    const c = new DecimalContext();
    c.prec = this.prec;
    c.rounding = this.rounding;
    return c;
  }
  repr(): string {
    return `Context(prec=${String(this.prec)}, rounding=${this.rounding}, Emin=${String(this.Emin)}, Emax=${String(this.Emax)}, capitals=1, clamp=0, flags=[], traps=[InvalidOperation, DivisionByZero, Overflow])`;
  }
}

/** The context used by Decimal values that were not created by a script (decoded task data). */
const defaultContext = new DecimalContext();

// ---------------------------------------------------------------------------------------------
// Decimal

type Special = 'nan' | 'snan' | 'inf' | null;

const nanIds = new WeakMap<PyDecimal, number>();
let nextNanId = 1;

/** A `decimal.Decimal`: sign, coefficient, exponent (or NaN/sNaN/Infinity). */
export class PyDecimal implements PyObject {
  readonly pyTypeName = 'decimal.Decimal';
  readonly sign: 0 | 1;
  readonly coef: bigint;
  readonly exp: number;
  readonly special: Special;
  readonly ctx: DecimalContext;
  readonly #type: PyType | undefined;

  constructor(
    sign: 0 | 1,
    coef: bigint,
    exp: number,
    special: Special = null,
    ctx: DecimalContext = defaultContext,
    type?: PyType,
  ) {
    this.sign = sign;
    this.coef = coef;
    this.exp = exp;
    this.special = special;
    this.ctx = ctx;
    this.#type = type;
  }

  static fromBig(
    b: BigDecimal,
    ctx: DecimalContext,
    negativeZero = false,
    type?: PyType,
  ): PyDecimal {
    const u = b.unscaledValue();
    const sign: 0 | 1 = u < 0n || (u === 0n && negativeZero) ? 1 : 0;
    return new PyDecimal(sign, u < 0n ? -u : u, -b.scale(), null, ctx, type);
  }

  get big(): BigDecimal {
    return Big(this.sign ? -this.coef : this.coef, -this.exp);
  }
  #new(b: BigDecimal, negativeZero = false): PyDecimal {
    return PyDecimal.fromBig(b, this.ctx, negativeZero, this.#type);
  }
  #nan(): PyDecimal {
    return new PyDecimal(0, 0n, 0, 'nan', this.ctx, this.#type);
  }
  pyType(): PyType {
    return this.#type ?? decimalType(this.ctx);
  }
  get isNaN(): boolean {
    return this.special === 'nan' || this.special === 'snan';
  }
  get digits(): string {
    return this.coef.toString();
  }
  /** `adjusted()`: exponent of the most significant digit. */
  get adjusted(): number {
    return this.special ? 0 : this.exp + this.digits.length - 1;
  }
  isInteger(): boolean {
    if (this.special) return false;
    if (this.exp >= 0 || this.coef === 0n) return true;
    return this.coef % 10n ** BigInt(-this.exp) === 0n;
  }
  /** Exact integer value (truncated toward zero). */
  toBigInt(): bigint {
    if (this.special === 'inf') raise('OverflowError', 'cannot convert Infinity to integer');
    if (this.isNaN) raise('ValueError', 'cannot convert NaN to integer');
    const v =
      this.exp >= 0 ? this.coef * 10n ** BigInt(this.exp) : this.coef / 10n ** BigInt(-this.exp);
    return this.sign ? -v : v;
  }
  toFloat(): number {
    if (this.special === 'nan' || this.special === 'snan') return this.sign ? -NaN : NaN;
    if (this.special === 'inf') return this.sign ? -Infinity : Infinity;
    return Number(`${this.sign ? '-' : ''}${this.digits}e${String(this.exp)}`);
  }
  /** `+x`: rounds to the context. */
  plus(ctx: DecimalContext = this.ctx): PyDecimal {
    if (this.special) return this;
    // +Decimal('-0') is Decimal('0') (except under ROUND_FLOOR), as in CPython.
    const negZero = this.sign === 1 && this.coef === 0n && ctx.rounding === 'ROUND_FLOOR';
    return this.#new(
      ctx.apply((mc) => this.big.plus(mc)),
      negZero,
    );
  }

  // -- text ---------------------------------------------------------------------------------
  str(): string {
    const sign = this.sign ? '-' : '';
    if (this.special === 'inf') return `${sign}Infinity`;
    if (this.special === 'nan') return `${sign}NaN${this.coef ? this.digits : ''}`;
    if (this.special === 'snan') return `${sign}sNaN${this.coef ? this.digits : ''}`;
    return sign + sciString(this.digits, this.exp);
  }
  repr(): string {
    return `Decimal('${this.str()}')`;
  }

  // -- protocol -----------------------------------------------------------------------------
  truthy(): boolean {
    return this.special !== null || this.coef !== 0n;
  }
  hash(): string | number | bigint {
    if (this.isNaN) {
      if (this.special === 'snan') raise('TypeError', 'Cannot hash a signaling NaN value.');
      let id = nanIds.get(this);
      if (id === undefined) nanIds.set(this, (id = nextNanId++));
      return `decnan:${String(id)}`; // NaNs hash by identity in CPython
    }
    if (this.special === 'inf') return this.sign ? -Infinity : Infinity;
    if (this.isInteger()) return this.toBigInt();
    const f = this.toFloat();
    if (this.#compareExact(floatDecimal(f)) === 0) return f;
    return `dec:${this.#normalizedKey()}`;
  }
  #normalizedKey(): string {
    const b = this.big.stripTrailingZeros();
    return `${String(b.unscaledValue())}e${String(-b.scale())}`;
  }
  /** Exact comparison of finite or infinite values; NaN must be excluded by the caller. */
  #compareExact(other: PyDecimal): number {
    const rank = (d: PyDecimal): number => (d.special === 'inf' ? (d.sign ? -1 : 1) : 0);
    const ra = rank(this);
    const rb = rank(other);
    if (ra !== 0 || rb !== 0) return Math.sign(ra - rb);
    return this.big.compareTo(other.big);
  }
  /** Converts an operand for arithmetic (int or Decimal), or undefined. */
  #operand(v: PyValue): PyDecimal | undefined {
    if (v instanceof PyDecimal) return v;
    const i = asInt(v);
    if (i !== undefined)
      return new PyDecimal(i < 0n ? 1 : 0, i < 0n ? -i : i, 0, null, this.ctx, this.#type);
    return undefined;
  }
  /** Operand for comparisons: int, float (exactly) or Decimal. */
  #comparand(v: PyValue): PyDecimal | undefined {
    if (typeof v === 'number') return floatDecimal(v, this.ctx);
    return this.#operand(v);
  }
  equals(other: PyValue): boolean {
    const o = this.#comparand(other);
    if (!o || this.isNaN || o.isNaN) return false;
    return this.#compareExact(o) === 0;
  }
  compare(op: CompareOp, other: PyValue): boolean | undefined {
    const o = this.#comparand(other);
    if (!o) return undefined;
    if (this.isNaN || o.isNaN) signal(InvalidOperation);
    const c = this.#compareExact(o);
    switch (op) {
      case '<':
        return c < 0;
      case '<=':
        return c <= 0;
      case '>':
        return c > 0;
      case '>=':
        return c >= 0;
    }
  }
  unaryOp(op: '-' | '+' | '~'): PyValue | undefined {
    if (op === '~') return undefined;
    if (op === '+') return this.plus();
    if (this.isNaN) return this;
    if (this.special === 'inf')
      return new PyDecimal(this.sign ? 0 : 1, 0n, 0, 'inf', this.ctx, this.#type);
    // -Decimal('0') is Decimal('0') under the default rounding, as in CPython.
    const negated = this.#new(this.ctx.apply((mc) => this.big.negate(mc)));
    return negated;
  }
  abs(): PyDecimal {
    if (this.special)
      return new PyDecimal(0, this.coef, this.exp, this.special, this.ctx, this.#type);
    return this.#new(this.ctx.apply((mc) => this.big.abs(mc)));
  }
  binaryOp(op: BinOp, other: PyValue, reflected: boolean): PyValue | undefined {
    const o = this.#operand(other);
    if (!o) return undefined;
    const [a, b] = reflected ? [o, this] : [this, o];
    return a.arith(op, b);
  }

  /** `self op other` for two Decimals. */
  arith(op: BinOp, b: PyDecimal): PyDecimal | undefined {
    switch (op) {
      case '+':
      case '-':
      case '*':
      case '/':
      case '//':
      case '%':
      case '**':
        break;
      default:
        return undefined;
    }
    if (this.special === 'snan' || b.special === 'snan') signal(InvalidOperation);
    if (this.isNaN) return this;
    if (b.isNaN) return b;
    if (this.special === 'inf' || b.special === 'inf') return this.#infinityArith(op, b);
    const ctx = this.ctx;
    const A = this.big;
    const B = b.big;
    switch (op) {
      case '+':
      case '-': {
        const bSign = op === '-' ? ((1 - b.sign) as 0 | 1) : b.sign;
        const r = ctx.apply((mc) => (op === '+' ? A.add(B, mc) : A.subtract(B, mc)));
        const negZero = r.signum() === 0 && this.sign === 1 && bSign === 1;
        return this.#new(r, negZero);
      }
      case '*': {
        const r = ctx.apply((mc) => A.multiply(B, mc));
        return this.#new(r, r.signum() === 0 && this.sign !== b.sign);
      }
      case '/': {
        if (b.coef === 0n) {
          if (this.coef === 0n) signal(InvalidOperation, DivisionUndefined);
          signal(DivisionByZero);
        }
        const r = ctx.apply((mc) => A.divideWithMathContext(B, mc));
        return this.#new(r, r.signum() === 0 && this.sign !== b.sign);
      }
      case '//':
      case '%': {
        if (b.coef === 0n) {
          if (this.coef === 0n) signal(InvalidOperation, DivisionUndefined);
          if (op === '//') signal(DivisionByZero);
          signal(InvalidOperation);
        }
        const q = A.divideToIntegralValue(B);
        if (q.precision() > ctx.prec && q.signum() !== 0) {
          signal(InvalidOperation, DivisionImpossible);
        }
        if (op === '//') return this.#new(q.setScale(0), q.signum() === 0 && this.sign !== b.sign);
        // remainder's ideal exponent is the smaller operand exponent: use an integral quotient
        const r = A.subtract(q.setScale(0).multiply(B));
        return this.#new(
          r.round(new MC(ctx.prec, RoundingMode.HALF_EVEN)),
          r.signum() === 0 && this.sign === 1,
        );
      }
      case '**':
        return this.#power(b);
      default:
        return undefined;
    }
  }

  #infinityArith(op: BinOp, b: PyDecimal): PyDecimal {
    const inf = (sign: 0 | 1): PyDecimal => new PyDecimal(sign, 0n, 0, 'inf', this.ctx, this.#type);
    const zero = (sign: 0 | 1): PyDecimal => new PyDecimal(sign, 0n, 0, null, this.ctx, this.#type);
    const aInf = this.special === 'inf';
    const bInf = b.special === 'inf';
    switch (op) {
      case '+':
      case '-': {
        const bSign = op === '-' ? ((1 - b.sign) as 0 | 1) : b.sign;
        if (aInf && bInf && this.sign !== bSign) signal(InvalidOperation);
        return aInf ? inf(this.sign) : inf(bSign);
      }
      case '*':
        if ((aInf && b.coef === 0n && !bInf) || (bInf && this.coef === 0n && !aInf)) {
          signal(InvalidOperation);
        }
        return inf((this.sign ^ b.sign) as 0 | 1);
      case '/':
      case '//':
        if (aInf && bInf) signal(InvalidOperation, DivisionUndefined);
        if (aInf) return inf((this.sign ^ b.sign) as 0 | 1);
        return zero((this.sign ^ b.sign) as 0 | 1);
      case '%':
        if (aInf) signal(InvalidOperation);
        return this;
      default:
        return signal(InvalidOperation);
    }
  }

  #power(b: PyDecimal): PyDecimal {
    const ctx = this.ctx;
    if (b.isInteger()) {
      const n = b.toBigInt();
      if (this.coef === 0n) {
        if (n === 0n) signal(InvalidOperation);
        // 0 ** n is 0 (exponent 0) or Infinity, negative only for a negative base and odd n
        const sign = this.sign && n % 2n !== 0n ? 1 : 0;
        return new PyDecimal(sign, 0n, 0, n < 0n ? 'inf' : null, ctx, this.#type);
      }
      if (n === 0n) return new PyDecimal(0, 1n, 0, null, ctx, this.#type);
      const abs = n < 0n ? -n : n;
      if (abs > 100_000n) {
        return this.#new(ctx.apply((mc) => this.big.pow(Number(n), mc)));
      }
      const exact = this.big.pow(Number(abs));
      if (n > 0n) return this.#new(ctx.apply((mc) => exact.round(mc)));
      return this.#new(ctx.apply((mc) => Big(1n).divideWithMathContext(exact, mc)));
    }
    // Non-integral exponent: exp(y * ln x), rounded to exactly `prec` digits (always inexact).
    if (this.sign === 1 && this.coef !== 0n) signal(InvalidOperation);
    if (this.coef === 0n) {
      return b.sign === 1
        ? new PyDecimal(0, 0n, 0, 'inf', ctx, this.#type)
        : new PyDecimal(0, 0n, 0, null, ctx, this.#type);
    }
    const wp = ctx.prec + 12;
    const r = expBig(lnBig(this.big, wp).multiply(b.big, new MC(wp, RoundingMode.HALF_EVEN)), wp);
    return this.#new(
      padToPrecision(
        ctx.apply((mc) => r.round(mc)),
        ctx.prec,
      ),
    );
  }

  quantize(exp: PyDecimal, rounding: Rounding): PyDecimal {
    if (this.isNaN) return this;
    if (exp.isNaN) return exp;
    if (this.special === 'inf' || exp.special === 'inf') {
      if (this.special === 'inf' && exp.special === 'inf') return this;
      signal(InvalidOperation);
    }
    const r = withRounding(rounding, (m) => this.big.setScale(-exp.exp, m));
    if (r.precision() > this.ctx.prec) signal(InvalidOperation);
    return this.#new(r, this.sign === 1 && r.signum() === 0);
  }

  toIntegral(rounding: Rounding): PyDecimal {
    if (this.special || this.exp >= 0) return this;
    const r = withRounding(rounding, (m) => this.big.setScale(0, m));
    return this.#new(r, this.sign === 1 && r.signum() === 0);
  }

  normalize(): PyDecimal {
    if (this.special) return this;
    const rounded = this.plus();
    if (rounded.coef === 0n) return new PyDecimal(this.sign, 0n, 0, null, this.ctx, this.#type);
    return this.#new(rounded.big.stripTrailingZeros());
  }

  format(spec: string): string {
    const s = parseFormatSpec(spec);
    if (s.grouping === '_') raise('ValueError', 'invalid format string');
    if (this.special) {
      const body = this.special === 'inf' ? 'Infinity' : 'NaN';
      return formatNumber(this.sign === 1, body, s, false);
    }
    const type = s.type;
    let body: string;
    // '%' formats 100 × the value: shift the exponent.
    const shift = type === '%' ? 2 : 0;
    let d = new PyDecimal(this.sign, this.coef, this.exp + shift, null, this.ctx, this.#type);
    const rounding = this.ctx.rounding;
    if (type === 'f' || type === 'F' || type === '%') {
      if (s.precision !== undefined) d = d.quantize(new PyDecimal(0, 1n, -s.precision), rounding);
      body = plainString(d.digits, d.exp);
      if (type === '%') body += '%';
    } else if (type === 'e' || type === 'E') {
      if (s.precision !== undefined) d = d.#roundSignificant(s.precision + 1, rounding);
      body = sciFixed(d.digits, d.exp, type === 'E', s.alternate);
    } else if (type === 'g' || type === 'G' || type === undefined || type === 'n') {
      if (s.precision !== undefined) {
        d = d.#roundSignificant(Math.max(s.precision, 1), rounding);
      }
      body = sciString(d.digits, d.exp);
      if (type === 'G') body = body.toUpperCase();
      if (type === 'g' || type === 'G') body = body.replace('E', type === 'g' ? 'e' : 'E');
    } else {
      return raise(
        'ValueError',
        `Unknown format code '${type}' for object of type 'decimal.Decimal'`,
      );
    }
    return formatNumber(d.sign === 1 && (d.coef !== 0n || this.sign === 1), body, s, true);
  }
  #roundSignificant(digits: number, rounding: Rounding): PyDecimal {
    const extra = this.digits.length - digits;
    if (extra <= 0) return this;
    return this.quantize(new PyDecimal(0, 1n, this.exp + extra), rounding);
  }

  asTuple(): PyNamedTuple {
    const exponent: PyValue =
      this.special === 'inf'
        ? 'F'
        : this.special === 'nan'
          ? 'n'
          : this.special === 'snan'
            ? 'N'
            : BigInt(this.exp);
    const digits =
      this.special === 'inf'
        ? [0n]
        : this.special && this.coef === 0n
          ? []
          : [...this.digits].map((c) => BigInt(c));
    return new PyNamedTuple(
      'DecimalTuple',
      ['sign', 'digits', 'exponent'],
      [BigInt(this.sign), new PyTuple(digits), exponent],
    );
  }

  getAttr(name: string): PyValue | undefined {
    const method = (impl: (a: PyValue[], kw: PyKwargs) => PyValue): PyValue => fn(name, impl, this);
    switch (name) {
      case 'real':
        return this;
      case 'imag':
        return new PyDecimal(0, 0n, 0, null, this.ctx, this.#type);
      case 'quantize':
        return method((a, kw) => {
          const b = args('quantize', a, kw, ['exp', 'rounding', 'context'], 1);
          const exp = toDecimal(b.exp ?? null, this.ctx, false);
          return this.quantize(exp, roundingArg(b.rounding, this.ctx.rounding));
        });
      case 'to_integral':
      case 'to_integral_value':
      case 'to_integral_exact':
        return method((a, kw) => {
          const b = args(name, a, kw, ['rounding', 'context'], 0);
          return this.toIntegral(roundingArg(b.rounding, this.ctx.rounding));
        });
      case 'normalize':
        return method(() => this.normalize());
      case 'as_tuple':
        return method(() => this.asTuple());
      case 'as_integer_ratio':
        return method(() => {
          if (this.special) {
            if (this.isNaN) raise('ValueError', 'cannot convert NaN to integer ratio');
            raise('OverflowError', 'cannot convert Infinity to integer ratio');
          }
          let num = this.coef;
          let den = 1n;
          if (this.exp >= 0) num *= 10n ** BigInt(this.exp);
          else den = 10n ** BigInt(-this.exp);
          const g = gcd(num, den);
          const n = num / g;
          return new PyTuple([this.sign ? -n : n, den / g]);
        });
      case 'adjusted':
        return method(() => BigInt(this.adjusted));
      case 'copy_abs':
        return method(
          () => new PyDecimal(0, this.coef, this.exp, this.special, this.ctx, this.#type),
        );
      case 'copy_negate':
        return method(
          () =>
            new PyDecimal(
              this.sign ? 0 : 1,
              this.coef,
              this.exp,
              this.special,
              this.ctx,
              this.#type,
            ),
        );
      case 'copy_sign':
        return method((a) => {
          const o = toDecimal(a[0] ?? null, this.ctx, false);
          return new PyDecimal(o.sign, this.coef, this.exp, this.special, this.ctx, this.#type);
        });
      case 'is_nan':
        return method(() => this.isNaN);
      case 'is_qnan':
        return method(() => this.special === 'nan');
      case 'is_snan':
        return method(() => this.special === 'snan');
      case 'is_infinite':
        return method(() => this.special === 'inf');
      case 'is_finite':
        return method(() => this.special === null);
      case 'is_zero':
        return method(() => this.special === null && this.coef === 0n);
      case 'is_signed':
        return method(() => this.sign === 1);
      case 'is_normal':
        return method(
          () => this.special === null && this.coef !== 0n && this.adjusted >= this.ctx.Emin,
        );
      case 'sqrt':
        return method(() => this.#sqrt());
      case 'exp':
      case 'ln':
      case 'log10':
        return method(() => this.#transcendental(name));
      case 'scaleb':
        return method((a) => {
          const n = toDecimal(a[0] ?? null, this.ctx, false);
          if (!n.isInteger()) signal(InvalidOperation);
          if (this.special) return this;
          return new PyDecimal(
            this.sign,
            this.coef,
            this.exp + Number(n.toBigInt()),
            null,
            this.ctx,
            this.#type,
          ).plus();
        });
      case 'compare':
        return method((a) => {
          const o = toDecimal(a[0] ?? null, this.ctx, false);
          if (this.isNaN || o.isNaN) return this.#nan();
          return new PyDecimal(
            this.#compareExact(o) < 0 ? 1 : 0,
            this.#compareExact(o) === 0 ? 0n : 1n,
            0,
            null,
            this.ctx,
            this.#type,
          );
        });
      case 'max':
      case 'min':
        return method((a) => {
          const o = toDecimal(a[0] ?? null, this.ctx, false);
          if (this.isNaN) return o;
          if (o.isNaN) return this;
          const c = this.#compareExact(o);
          const pick = name === 'max' ? (c >= 0 ? this : o) : c <= 0 ? this : o;
          return pick.plus();
        });
      case 'fma':
        return method((a) => {
          const m = toDecimal(a[0] ?? null, this.ctx, false);
          const c = toDecimal(a[1] ?? null, this.ctx, false);
          const product = new PyDecimal(0, 0n, 0, null, this.ctx).ctxExact(this, m);
          return product.arith('+', c) ?? this;
        });
      case 'conjugate':
        return method(() => this);
      case '__float__':
        return method(() => this.toFloat());
      case '__int__':
      case '__trunc__':
        return method(() => this.toBigInt());
      case '__floor__':
      case '__ceil__':
        return method(() => {
          if (this.special) return this.toBigInt();
          const r = this.big.setScale(
            0,
            name === '__floor__' ? RoundingMode.FLOOR : RoundingMode.CEILING,
          );
          return r.unscaledValue();
        });
      case '__abs__':
        return method(() => this.abs());
      case '__round__':
        return method((a) => {
          const n = a[0];
          if (n === undefined || n === null) {
            if (this.isNaN) raise('ValueError', 'cannot round a NaN');
            if (this.special) raise('OverflowError', 'cannot round an infinity');
            return this.toIntegral('ROUND_HALF_EVEN').toBigInt();
          }
          const digits = asInt(n);
          if (digits === undefined) {
            return raise(
              'TypeError',
              `'${typeName(n)}' object cannot be interpreted as an integer`,
            );
          }
          return this.quantize(new PyDecimal(0, 1n, -Number(digits)), 'ROUND_HALF_EVEN');
        });
      case '__format__':
        return method((a) => this.format(pyStr(a[0] ?? '')));
      default:
        return undefined;
    }
  }

  /** Exact product (used by fma, which rounds only once). */
  ctxExact(a: PyDecimal, b: PyDecimal): PyDecimal {
    if (a.special || b.special) return a.arith('*', b) ?? a;
    return PyDecimal.fromBig(a.big.multiply(b.big), a.ctx);
  }

  #sqrt(): PyDecimal {
    if (this.isNaN) return this;
    if (this.sign === 1 && !(this.coef === 0n && this.special === null)) signal(InvalidOperation);
    if (this.special === 'inf') return this;
    if (this.coef === 0n) {
      return new PyDecimal(this.sign, 0n, Math.floor(this.exp / 2), null, this.ctx, this.#type);
    }
    // Python's ideal exponent is floor(exp / 2); take the correctly rounded root, then strip
    // trailing zeros down to that exponent when the root is exact.
    const r = this.ctx.apply((mc) => this.big.sqrt(mc));
    const ideal = Math.floor(this.exp / 2);
    const exact = r.multiply(r).compareTo(this.big) === 0;
    if (!exact) return this.#new(padToPrecision(r, this.ctx.prec));
    let out = r;
    while (-out.scale() < ideal && out.unscaledValue() % 10n === 0n) {
      out = out.setScale(out.scale() - 1);
    }
    if (-out.scale() > ideal && out.precision() < this.ctx.prec) {
      const grow = Math.min(-out.scale() - ideal, this.ctx.prec - out.precision());
      out = out.setScale(out.scale() + grow);
    }
    return this.#new(out);
  }

  #transcendental(name: 'exp' | 'ln' | 'log10'): PyDecimal {
    // Correctly rounded (ROUND_HALF_EVEN) in CPython; here computed with 12 guard digits.
    if (this.isNaN) return this;
    const ctx = this.ctx;
    const even = (b: BigDecimal): BigDecimal => b.round(new MC(ctx.prec, RoundingMode.HALF_EVEN));
    if (name === 'exp') {
      if (this.special === 'inf')
        return this.sign ? new PyDecimal(0, 0n, 0, null, ctx, this.#type) : this;
      if (this.coef === 0n) return new PyDecimal(0, 1n, 0, null, ctx, this.#type);
      return this.#new(padToPrecision(even(expBig(this.big, ctx.prec + 12)), ctx.prec));
    }
    if (this.coef === 0n && this.special === null) {
      return new PyDecimal(1, 0n, 0, 'inf', ctx, this.#type);
    }
    if (this.sign === 1) signal(InvalidOperation);
    if (this.special === 'inf') return this;
    if (name === 'log10') {
      const digits = this.digits;
      if (/^10*$/.test(digits)) {
        const k = BigInt(this.exp + digits.length - 1);
        return new PyDecimal(k < 0n ? 1 : 0, k < 0n ? -k : k, 0, null, ctx, this.#type);
      }
    } else if (this.big.compareTo(Big(1n)) === 0) {
      return new PyDecimal(0, 0n, 0, null, ctx, this.#type);
    }
    const wp = ctx.prec + 12;
    let r = lnBig(this.big, wp);
    if (name === 'log10')
      r = r.divideWithMathContext(lnBig(Big(10n), wp), new MC(wp, RoundingMode.HALF_EVEN));
    return this.#new(padToPrecision(even(r), ctx.prec));
  }
}

/** Appends zeros so an inexact result shows `prec` significant digits, as CPython does. */
function padToPrecision(b: BigDecimal, prec: number): BigDecimal {
  const missing = prec - b.precision();
  return missing > 0 && b.signum() !== 0 ? b.setScale(b.scale() + missing) : b;
}

/** e^x for Decimal arithmetic: huge arguments overflow the context first. */
function expBig(x: BigDecimal, wp: number): BigDecimal {
  if (Math.abs(x.numberValue()) > 1e7) return signal(Overflow);
  return expDecimal(x, wp);
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}

/** Python's to-sci-string for a coefficient's digits and an exponent. */
export function sciString(digits: string, exp: number): string {
  const adjusted = exp + digits.length - 1;
  if (exp <= 0 && adjusted >= -6) return plainString(digits, exp);
  const mantissa = digits.length > 1 ? `${digits[0] ?? ''}.${digits.slice(1)}` : digits;
  return `${mantissa}E${adjusted >= 0 ? '+' : ''}${String(adjusted)}`;
}

/** Fixed-point text of digits × 10^exp (no exponent). */
function plainString(digits: string, exp: number): string {
  if (exp >= 0) return digits === '0' ? '0' + (exp > 0 ? '' : '') : digits + '0'.repeat(exp);
  const point = digits.length + exp;
  if (point > 0) return `${digits.slice(0, point)}.${digits.slice(point)}`;
  return `0.${'0'.repeat(-point)}${digits}`;
}

function sciFixed(digits: string, exp: number, upper: boolean, alternate: boolean): string {
  const adjusted = exp + digits.length - 1;
  let mantissa = digits.length > 1 ? `${digits[0] ?? ''}.${digits.slice(1)}` : digits;
  if (alternate && digits.length === 1) mantissa += '.';
  const e = upper ? 'E' : 'e';
  return `${mantissa}${e}${adjusted < 0 ? '-' : '+'}${String(Math.abs(adjusted))}`;
}

/** The exact Decimal value of a float (as `Decimal(0.1)`). */
export function floatDecimal(
  f: number,
  ctx: DecimalContext = defaultContext,
  type?: PyType,
): PyDecimal {
  if (Number.isNaN(f)) return new PyDecimal(0, 0n, 0, 'nan', ctx, type);
  if (!Number.isFinite(f)) return new PyDecimal(f < 0 ? 1 : 0, 0n, 0, 'inf', ctx, type);
  const sign: 0 | 1 = f < 0 || Object.is(f, -0) ? 1 : 0;
  const r = floatToRational(Math.abs(f));
  // num / 2^k = num * 5^k / 10^k
  let k = 0;
  let den = r.den;
  while (den > 1n) {
    den >>= 1n;
    k++;
  }
  return new PyDecimal(sign, r.num * 5n ** BigInt(k), -k, null, ctx, type);
}

const DECIMAL_RE =
  /^([+-])?(?:(\d+(?:_\d+)*)?(?:\.(\d+(?:_\d+)*)?)?(?:[eE]([+-]?\d+(?:_\d+)*))?|(inf(?:inity)?)|(s?nan)(\d*))$/i;

/** Parses Decimal literal text (CPython's grammar, surrounding whitespace allowed). */
export function parseDecimal(
  text: string,
  ctx: DecimalContext = defaultContext,
  type?: PyType,
): PyDecimal {
  const m = DECIMAL_RE.exec(text.trim().replace(/(?<=\d)_+(?=\d)/g, '_'));
  const intPart = m?.[2];
  const fracPart = m?.[3];
  if (
    !m ||
    (m[5] === undefined && m[6] === undefined && intPart === undefined && fracPart === undefined)
  ) {
    return signal(InvalidOperation, ConversionSyntax);
  }
  const sign: 0 | 1 = m[1] === '-' ? 1 : 0;
  if (m[5] !== undefined) return new PyDecimal(sign, 0n, 0, 'inf', ctx, type);
  if (m[6] !== undefined) {
    const payload = m[7] ? BigInt(m[7]) : 0n;
    return new PyDecimal(
      sign,
      payload,
      0,
      m[6].toLowerCase() === 'snan' ? 'snan' : 'nan',
      ctx,
      type,
    );
  }
  const i = (intPart ?? '').replace(/_/g, '');
  const f = (fracPart ?? '').replace(/_/g, '');
  const e = m[4] === undefined ? 0 : Number(m[4].replace(/_/g, ''));
  const coef = BigInt(i + f || '0');
  return new PyDecimal(sign, coef, e - f.length, null, ctx, type);
}

/** Converts a constructor argument (`Decimal(x)`); `strict` rejects floats as operands do. */
function toDecimal(v: PyValue, ctx: DecimalContext, allowFloat: boolean, type?: PyType): PyDecimal {
  if (v instanceof PyDecimal) return v;
  if (typeof v === 'string') return parseDecimal(v, ctx, type);
  const i = asInt(v);
  if (i !== undefined) return new PyDecimal(i < 0n ? 1 : 0, i < 0n ? -i : i, 0, null, ctx, type);
  if (typeof v === 'number') {
    if (!allowFloat) return raise('TypeError', 'conversion from float to Decimal is not supported');
    return floatDecimal(v, ctx, type);
  }
  if (v instanceof PyTuple || v instanceof PyList)
    return fromTuple(new PyTuple(v.items), ctx, type);
  return raise('TypeError', `conversion from ${typeName(v)} to Decimal is not supported`);
}

function fromTuple(t: PyTuple, ctx: DecimalContext, type?: PyType): PyDecimal {
  const [s, digits, exp] = t.items;
  const sign = asInt(s ?? null);
  if (t.items.length !== 3 || (sign !== 0n && sign !== 1n) || !(digits instanceof PyTuple)) {
    return raise('ValueError', 'argument must be a sequence of length 3');
  }
  const ds = digits.items.map((d) => {
    const n = asInt(d);
    if (n === undefined || n < 0n || n > 9n)
      raise('ValueError', 'coefficient must be a tuple of digits');
    return String(n);
  });
  if (exp === 'F') return new PyDecimal(Number(sign) as 0 | 1, 0n, 0, 'inf', ctx, type);
  if (exp === 'n' || exp === 'N') {
    return new PyDecimal(
      Number(sign) as 0 | 1,
      BigInt(ds.join('') || '0'),
      0,
      exp === 'n' ? 'nan' : 'snan',
      ctx,
      type,
    );
  }
  const e = asInt(exp ?? null);
  if (e === undefined) return raise('ValueError', 'exponent must be an integer');
  return new PyDecimal(
    Number(sign) as 0 | 1,
    BigInt(ds.join('') || '0'),
    Number(e),
    null,
    ctx,
    type,
  );
}

const typeCache = new WeakMap<DecimalContext, PyType>();

/** The `Decimal` class object bound to a context. */
function decimalType(ctx: DecimalContext): PyType {
  const cached = typeCache.get(ctx);
  if (cached) return cached;
  const type: PyType = new PyType('Decimal', {
    module: 'decimal',
    call: (a, kw) => {
      const b = args('Decimal', a, kw, ['value', 'context'], 0);
      const v = b.value === undefined ? '0' : b.value;
      const d = toDecimal(v, ctx, true, type);
      return d.ctx === ctx ? d : new PyDecimal(d.sign, d.coef, d.exp, d.special, ctx, type);
    },
    attrs: new Map<string, PyValue>([
      [
        'from_float',
        fn('from_float', (a) => {
          const v = a[0] ?? null;
          if (typeof v === 'number') return floatDecimal(v, ctx, type);
          return toDecimal(v, ctx, false, type);
        }),
      ],
    ]),
    isInstance: (v) => v instanceof PyDecimal,
  });
  typeCache.set(ctx, type);
  return type;
}

/** A Decimal from its `str()` text (for decoding task data). */
export function decimalFromString(text: string): PyDecimal {
  return parseDecimal(text, defaultContext, decimalType(defaultContext));
}

/** The `decimal` module. Each module instance has its own context (`getcontext()`). */
export function createDecimalModule(_host: HostHooks): PyModule {
  const ctx = new DecimalContext();
  const contextType = new PyType('Context', {
    module: 'decimal',
    call: (a, kw) => {
      const b = args('Context', a, kw, ['prec', 'rounding'], 0);
      const c = new DecimalContext();
      if (b.prec !== undefined && b.prec !== null) c.setAttr('prec', b.prec);
      if (b.rounding !== undefined && b.rounding !== null) c.setAttr('rounding', b.rounding);
      return c;
    },
    isInstance: (v) => v instanceof DecimalContext,
  });
  const attrs: Record<string, PyValue> = {
    Decimal: decimalType(ctx),
    Context: contextType,
    getcontext: fn('getcontext', () => ctx),
    DefaultContext: ctx,
    DecimalException,
    Clamped,
    InvalidOperation,
    DivisionByZero,
    Inexact,
    Rounded,
    Subnormal,
    Overflow,
    Underflow,
    FloatOperation,
    MAX_PREC: 999_999_999_999_999_999n,
    MAX_EMAX: 999_999_999_999_999_999n,
    MIN_EMIN: -999_999_999_999_999_999n,
    MIN_ETINY: -1_999_999_999_999_999_997n,
    HAVE_THREADS: true,
    HAVE_CONTEXTVAR: true,
  };
  for (const mode of ROUNDING_MODES) attrs[mode] = mode;
  void InvalidContext;
  return makeModule('decimal', attrs);
}
