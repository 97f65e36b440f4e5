/**
 * Python's `datetime` module: `date`, `datetime`, `time`, `timedelta` and fixed-offset `timezone`,
 * with CPython's arithmetic, comparison rules (naive vs aware), reprs and error messages.
 * Arithmetic is done on exact microsecond counts (`bigint`) over proleptic Gregorian ordinals;
 * the clock and the local UTC offset come from {@link HostHooks}.
 */
import {
  PyType,
  isPyObject,
  pyRepr,
  pyStr,
  raise,
  typeName,
  type BinOp,
  type CompareOp,
  type HostHooks,
  type PyKwargs,
  type PyModule,
  type PyObject,
  type PyValue,
  sharedDefaultHostHooks,
  makeModule,
} from '../values.js';
import {
  CalendarError,
  EPOCH_ORDINAL,
  MAXYEAR,
  MAX_DELTA_DAYS,
  MAX_ORDINAL,
  MINYEAR,
  US_PER_DAY,
  US_PER_SECOND,
  checkDate,
  checkDeltaRange,
  checkTime,
  floatToRational,
  floorDivMod,
  formatDelta,
  formatOffset,
  formatTime,
  isoCalendar,
  isoToOrdinal,
  ordinalToYmd,
  pad,
  parseIsoDate,
  parseIsoDateTime,
  parseIsoTime,
  roundHalfEven,
  splitDelta,
  strftime,
  strptime,
  weekdayOfOrdinal,
  ymdToOrdinal,
  type Fields,
} from './datetime-core.js';
import { PyNamedTuple, args, calendar, fn, intArg, structTime } from './support.js';

const US_PER_HOUR = 3_600_000_000n;
const US_PER_MINUTE = 60_000_000n;

/** Correctly rounded enough `a / b` for bigints (exact below 2^53). */
export function bigDivToFloat(a: bigint, b: bigint): number {
  const limit = 9_007_199_254_740_992n;
  const abs = (x: bigint): bigint => (x < 0n ? -x : x);
  if (abs(a) <= limit && abs(b) <= limit) return Number(a) / Number(b);
  const shift = 64n;
  return Number((a << shift) / b) / 2 ** 64;
}

/** The class objects of one `datetime` module instance (bound to one host). */
export interface DatetimeTypes {
  readonly host: HostHooks;
  readonly date: PyType;
  readonly datetime: PyType;
  readonly time: PyType;
  readonly timedelta: PyType;
  readonly timezone: PyType;
  readonly tzinfo: PyType;
  readonly utc: PyTimezone;
}

// ---------------------------------------------------------------------------------------------
// timedelta

/** `datetime.timedelta`: an exact count of microseconds. */
export class PyTimedelta implements PyObject {
  readonly pyTypeName = 'datetime.timedelta';
  readonly us: bigint;
  readonly types: DatetimeTypes;
  constructor(us: bigint, types: DatetimeTypes = defaultTypes()) {
    this.us = checkDeltaRange(us);
    this.types = types;
  }
  pyType(): PyType {
    return this.types.timedelta;
  }
  get fields(): { days: number; seconds: number; microseconds: number } {
    return splitDelta(this.us);
  }
  getAttr(name: string): PyValue | undefined {
    const f = this.fields;
    switch (name) {
      case 'days':
        return BigInt(f.days);
      case 'seconds':
        return BigInt(f.seconds);
      case 'microseconds':
        return BigInt(f.microseconds);
      case 'total_seconds':
        return fn('total_seconds', () => bigDivToFloat(this.us, US_PER_SECOND), this);
      case '__abs__':
        return fn('__abs__', () => this.#make(this.us < 0n ? -this.us : this.us), this);
      case 'max':
      case 'min':
      case 'resolution':
        return this.types.timedelta.getAttr(name);
      default:
        return undefined;
    }
  }
  #make(us: bigint): PyTimedelta {
    return new PyTimedelta(us, this.types);
  }
  repr(): string {
    const f = this.fields;
    const parts: string[] = [];
    if (f.days) parts.push(`days=${String(f.days)}`);
    if (f.seconds) parts.push(`seconds=${String(f.seconds)}`);
    if (f.microseconds) parts.push(`microseconds=${String(f.microseconds)}`);
    return `datetime.timedelta(${parts.length ? parts.join(', ') : '0'})`;
  }
  str(): string {
    return formatDelta(this.us);
  }
  truthy(): boolean {
    return this.us !== 0n;
  }
  hash(): string {
    return `td:${String(this.us)}`;
  }
  equals(other: PyValue): boolean {
    return other instanceof PyTimedelta && other.us === this.us;
  }
  compare(op: CompareOp, other: PyValue): boolean | undefined {
    if (!(other instanceof PyTimedelta)) return undefined;
    return compareBig(op, this.us, other.us);
  }
  unaryOp(op: '-' | '+' | '~'): PyValue | undefined {
    if (op === '-') return this.#make(-this.us);
    if (op === '+') return this;
    return undefined;
  }
  binaryOp(op: BinOp, other: PyValue, reflected: boolean): PyValue | undefined {
    if (other instanceof PyTimedelta) {
      const [a, b] = reflected ? [other.us, this.us] : [this.us, other.us];
      switch (op) {
        case '+':
          return this.#make(a + b);
        case '-':
          return this.#make(a - b);
        case '/':
          if (b === 0n) raise('ZeroDivisionError', 'division by zero');
          return bigDivToFloat(a, b);
        case '//':
          if (b === 0n) raise('ZeroDivisionError', 'integer division or modulo by zero');
          return floorDivMod(a, b)[0];
        case '%':
          if (b === 0n) raise('ZeroDivisionError', 'integer division or modulo by zero');
          return this.#make(floorDivMod(a, b)[1]);
        default:
          return undefined;
      }
    }
    if (other instanceof PyDate && op === '+') return other.binaryOp('+', this, true);
    const n = typeof other === 'boolean' ? (other ? 1n : 0n) : other;
    if (typeof n === 'bigint') {
      if (op === '*') return this.#make(this.us * n);
      if (reflected) return undefined;
      if (op === '/' || op === '//') {
        if (n === 0n) raise('ZeroDivisionError', 'integer division or modulo by zero');
        return this.#make(op === '/' ? roundHalfEven(this.us, n) : floorDivMod(this.us, n)[0]);
      }
      return undefined;
    }
    if (typeof n === 'number') {
      if (op === '*') {
        const r = calendar(() => floatToRational(n));
        return this.#make(roundHalfEven(this.us * r.num, r.den));
      }
      if (op === '/' && !reflected) {
        if (n === 0) raise('ZeroDivisionError', 'float division by zero');
        const r = calendar(() => floatToRational(n));
        return this.#make(roundHalfEven(this.us * r.den, r.num));
      }
    }
    return undefined;
  }
}

function compareBig(op: CompareOp, a: bigint, b: bigint): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

const DELTA_UNITS: readonly (readonly [string, bigint])[] = [
  ['days', US_PER_DAY],
  ['seconds', US_PER_SECOND],
  ['microseconds', 1n],
  ['milliseconds', 1000n],
  ['minutes', US_PER_MINUTE],
  ['hours', US_PER_HOUR],
  ['weeks', 7n * US_PER_DAY],
];

function constructTimedelta(types: DatetimeTypes, a: PyValue[], kw: PyKwargs): PyTimedelta {
  const bound = args(
    'timedelta',
    a,
    kw,
    DELTA_UNITS.map(([n]) => n),
    0,
  );
  // Sum exactly: each float is a binary rational, so a power-of-two denominator suffices.
  let num = 0n;
  let den = 1n;
  for (const [unit, scale] of DELTA_UNITS) {
    const v = bound[unit];
    if (v === undefined) continue;
    let r: { num: bigint; den: bigint };
    if (typeof v === 'bigint') r = { num: v, den: 1n };
    else if (typeof v === 'boolean') r = { num: v ? 1n : 0n, den: 1n };
    else if (typeof v === 'number') r = calendar(() => floatToRational(v));
    else
      return raise('TypeError', `unsupported type for timedelta ${unit} component: ${typeName(v)}`);
    const common = den > r.den ? den : r.den;
    num = num * (common / den) + r.num * scale * (common / r.den);
    den = common;
  }
  const us = roundHalfEven(num, den);
  return calendar(() => new PyTimedelta(us, types));
}

// ---------------------------------------------------------------------------------------------
// timezone

/** `datetime.timezone`: a fixed UTC offset with an optional name. */
export class PyTimezone implements PyObject {
  readonly pyTypeName = 'datetime.timezone';
  readonly offsetUs: bigint;
  readonly name: string | null;
  readonly types: DatetimeTypes | undefined;
  constructor(offsetUs: bigint, name: string | null = null, types?: DatetimeTypes) {
    this.offsetUs = offsetUs;
    this.name = name;
    this.types = types;
  }
  pyType(): PyType {
    return (this.types ?? defaultTypes()).timezone;
  }
  /** `tzname()`: the given name, else `UTC` or `UTC±HH:MM`. */
  tzname(): string {
    if (this.name !== null) return this.name;
    if (this.offsetUs === 0n) return 'UTC';
    return `UTC${formatOffset(this.offsetUs)}`;
  }
  getAttr(name: string): PyValue | undefined {
    const types = this.types ?? defaultTypes();
    switch (name) {
      case 'utcoffset':
        return fn('utcoffset', () => new PyTimedelta(this.offsetUs, types), this);
      case 'tzname':
        return fn('tzname', () => this.tzname(), this);
      case 'dst':
        return fn('dst', () => null, this);
      case 'fromutc':
        return fn(
          'fromutc',
          (a) => {
            const dt = a[0];
            if (!(dt instanceof PyDateTime)) {
              return raise('TypeError', 'fromutc() argument must be a datetime instance or None');
            }
            return dt.shifted(this.offsetUs);
          },
          this,
        );
      case 'utc':
      case 'min':
      case 'max':
        return types.timezone.getAttr(name);
      default:
        return undefined;
    }
  }
  repr(): string {
    if (this.offsetUs === 0n && this.name === null) return 'datetime.timezone.utc';
    const delta = new PyTimedelta(this.offsetUs).repr();
    return this.name === null
      ? `datetime.timezone(${delta})`
      : `datetime.timezone(${delta}, ${pyRepr(this.name)})`;
  }
  str(): string {
    return this.tzname();
  }
  equals(other: PyValue): boolean {
    return other instanceof PyTimezone && other.offsetUs === this.offsetUs;
  }
  hash(): string {
    return `tz:${String(this.offsetUs)}`;
  }
}

function constructTimezone(types: DatetimeTypes, a: PyValue[], kw: PyKwargs): PyTimezone {
  const b = args('timezone', a, kw, ['offset', 'name'], 1);
  const offset = b.offset;
  if (!(offset instanceof PyTimedelta)) {
    return raise(
      'TypeError',
      `timezone() argument 1 must be datetime.timedelta, not ${typeName(offset ?? null)}`,
    );
  }
  const name = b.name;
  if (name !== undefined && typeof name !== 'string') {
    return raise('TypeError', `timezone() argument 2 must be str, not ${typeName(name)}`);
  }
  if (offset.us <= -US_PER_DAY || offset.us >= US_PER_DAY) {
    raise(
      'ValueError',
      'offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24).',
    );
  }
  if (name === undefined && offset.us === 0n) return types.utc;
  return new PyTimezone(offset.us, name ?? null, types);
}

function tzArg(v: PyValue | undefined): PyTimezone | null {
  if (v === undefined || v === null) return null;
  if (v instanceof PyTimezone) return v;
  return raise(
    'TypeError',
    `tzinfo argument must be None or of a tzinfo subclass, not type '${typeName(v)}'`,
  );
}

// ---------------------------------------------------------------------------------------------
// date

/** `datetime.date`. `PyDateTime` extends it, as in Python. */
export class PyDate implements PyObject {
  readonly pyTypeName: string = 'datetime.date';
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly types: DatetimeTypes;
  constructor(year: number, month: number, day: number, types: DatetimeTypes = defaultTypes()) {
    calendar(() => checkDate(year, month, day));
    this.year = year;
    this.month = month;
    this.day = day;
    this.types = types;
  }
  pyType(): PyType {
    return this.types.date;
  }
  get ordinal(): number {
    return ymdToOrdinal(this.year, this.month, this.day);
  }
  fields(): Fields {
    return {
      year: this.year,
      month: this.month,
      day: this.day,
      hour: 0,
      minute: 0,
      second: 0,
      microsecond: 0,
      offsetUs: null,
      tzname: null,
    };
  }
  isoformat(): string {
    return `${pad(this.year, 4)}-${pad(this.month, 2)}-${pad(this.day, 2)}`;
  }
  ctime(): string {
    return strftime('%a %b %e %H:%M:%S %Y', this.fields());
  }
  timetuple(): PyNamedTuple {
    const f = this.fields();
    const ordinal = this.ordinal;
    return structTime([
      f.year,
      f.month,
      f.day,
      f.hour,
      f.minute,
      f.second,
      weekdayOfOrdinal(ordinal),
      ordinal - ymdToOrdinal(f.year, 1, 1) + 1,
      -1,
    ]);
  }
  /** Attributes shared by date and datetime. */
  getAttr(name: string): PyValue | undefined {
    switch (name) {
      case 'year':
        return BigInt(this.year);
      case 'month':
        return BigInt(this.month);
      case 'day':
        return BigInt(this.day);
      case 'weekday':
        return fn('weekday', () => BigInt(weekdayOfOrdinal(this.ordinal)), this);
      case 'isoweekday':
        return fn('isoweekday', () => BigInt(weekdayOfOrdinal(this.ordinal) + 1), this);
      case 'isocalendar':
        return fn(
          'isocalendar',
          () => {
            const [y, w, d] = isoCalendar(this.year, this.month, this.day);
            return new PyNamedTuple(
              'datetime.IsoCalendarDate',
              ['year', 'week', 'weekday'],
              [BigInt(y), BigInt(w), BigInt(d)],
            );
          },
          this,
        );
      case 'toordinal':
        return fn('toordinal', () => BigInt(this.ordinal), this);
      case 'isoformat':
        return fn('isoformat', (a, kw) => this.isoformatCall(a, kw), this);
      case 'strftime':
        return fn(
          'strftime',
          (a, kw) => {
            const { format } = args('strftime', a, kw, ['format']);
            if (typeof format !== 'string') {
              return raise(
                'TypeError',
                `strftime() argument 1 must be str, not ${typeName(format ?? null)}`,
              );
            }
            return strftime(format, this.fields());
          },
          this,
        );
      case '__format__':
        return fn('__format__', (a) => this.format(pyStr(a[0] ?? '')), this);
      case 'ctime':
        return fn('ctime', () => this.ctime(), this);
      case 'timetuple':
        return fn('timetuple', () => this.timetuple(), this);
      case 'replace':
        return fn('replace', (a, kw) => this.replace(a, kw), this);
      default:
        return this.pyType().getAttr(name);
    }
  }
  isoformatCall(a: PyValue[], kw: PyKwargs): PyValue {
    args('isoformat', a, kw, [], 0);
    return this.isoformat();
  }
  replace(a: PyValue[], kw: PyKwargs): PyValue {
    const b = args('replace', a, kw, ['year', 'month', 'day'], 0);
    return new PyDate(
      b.year === undefined ? this.year : intArg(b.year),
      b.month === undefined ? this.month : intArg(b.month),
      b.day === undefined ? this.day : intArg(b.day),
      this.types,
    );
  }
  format(spec: string): string {
    return spec === '' ? this.str() : strftime(spec, this.fields());
  }
  repr(): string {
    return `datetime.date(${String(this.year)}, ${String(this.month)}, ${String(this.day)})`;
  }
  str(): string {
    return this.isoformat();
  }
  hash(): string {
    return `date:${String(this.ordinal)}`;
  }
  equals(other: PyValue): boolean {
    return (
      other instanceof PyDate && !(other instanceof PyDateTime) && other.ordinal === this.ordinal
    );
  }
  compare(op: CompareOp, other: PyValue): boolean | undefined {
    if (other instanceof PyDateTime) {
      return raise('TypeError', "can't compare datetime.datetime to datetime.date");
    }
    if (!(other instanceof PyDate)) return undefined;
    return compareBig(op, BigInt(this.ordinal), BigInt(other.ordinal));
  }
  binaryOp(op: BinOp, other: PyValue, reflected: boolean): PyValue | undefined {
    if (other instanceof PyTimedelta) {
      if (op === '+' || (op === '-' && !reflected)) {
        const days = BigInt(other.fields.days);
        const ordinal = BigInt(this.ordinal) + (op === '+' ? days : -days);
        if (ordinal < 1n || ordinal > BigInt(MAX_ORDINAL)) {
          raise('OverflowError', 'date value out of range');
        }
        const [y, m, d] = ordinalToYmd(Number(ordinal));
        return new PyDate(y, m, d, this.types);
      }
      return undefined;
    }
    if (op === '-' && other instanceof PyDate && !(other instanceof PyDateTime)) {
      const days = reflected ? other.ordinal - this.ordinal : this.ordinal - other.ordinal;
      return new PyTimedelta(BigInt(days) * US_PER_DAY, this.types);
    }
    return undefined;
  }
}

function constructDate(types: DatetimeTypes, a: PyValue[], kw: PyKwargs): PyDate {
  const b = args('date', a, kw, ['year', 'month', 'day']);
  return new PyDate(intArg(b.year ?? null), intArg(b.month ?? null), intArg(b.day ?? null), types);
}

// ---------------------------------------------------------------------------------------------
// time

/** `datetime.time`. */
export class PyTime implements PyObject {
  readonly pyTypeName = 'datetime.time';
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
  readonly tzinfo: PyTimezone | null;
  readonly fold: number;
  readonly types: DatetimeTypes;
  constructor(
    hour: number,
    minute: number,
    second: number,
    microsecond: number,
    tzinfo: PyTimezone | null = null,
    fold = 0,
    types: DatetimeTypes = defaultTypes(),
  ) {
    calendar(() => checkTime(hour, minute, second, microsecond, fold));
    this.hour = hour;
    this.minute = minute;
    this.second = second;
    this.microsecond = microsecond;
    this.tzinfo = tzinfo;
    this.fold = fold;
    this.types = types;
  }
  pyType(): PyType {
    return this.types.time;
  }
  get us(): bigint {
    return (
      BigInt(this.hour) * US_PER_HOUR +
      BigInt(this.minute) * US_PER_MINUTE +
      BigInt(this.second) * US_PER_SECOND +
      BigInt(this.microsecond)
    );
  }
  fields(): Fields {
    return {
      year: 1900,
      month: 1,
      day: 1,
      hour: this.hour,
      minute: this.minute,
      second: this.second,
      microsecond: this.microsecond,
      offsetUs: this.tzinfo?.offsetUs ?? null,
      tzname: this.tzinfo?.tzname() ?? null,
    };
  }
  isoformat(timespec = 'auto'): string {
    const base = calendar(() =>
      formatTime(this.hour, this.minute, this.second, this.microsecond, timespec),
    );
    return this.tzinfo ? base + formatOffset(this.tzinfo.offsetUs) : base;
  }
  getAttr(name: string): PyValue | undefined {
    switch (name) {
      case 'hour':
        return BigInt(this.hour);
      case 'minute':
        return BigInt(this.minute);
      case 'second':
        return BigInt(this.second);
      case 'microsecond':
        return BigInt(this.microsecond);
      case 'tzinfo':
        return this.tzinfo;
      case 'fold':
        return BigInt(this.fold);
      case 'isoformat':
        return fn(
          'isoformat',
          (a, kw) => {
            const { timespec } = args('isoformat', a, kw, ['timespec'], 0);
            return this.isoformat(timespec === undefined ? 'auto' : pyStr(timespec));
          },
          this,
        );
      case 'strftime':
        return fn('strftime', (a) => strftime(pyStr(a[0] ?? ''), this.fields()), this);
      case '__format__':
        return fn('__format__', (a) => this.format(pyStr(a[0] ?? '')), this);
      case 'utcoffset':
        return fn(
          'utcoffset',
          () => (this.tzinfo ? new PyTimedelta(this.tzinfo.offsetUs, this.types) : null),
          this,
        );
      case 'tzname':
        return fn('tzname', () => this.tzinfo?.tzname() ?? null, this);
      case 'dst':
        return fn('dst', () => null, this);
      case 'replace':
        return fn(
          'replace',
          (a, kw) => {
            const b = args(
              'replace',
              a,
              kw,
              ['hour', 'minute', 'second', 'microsecond', 'tzinfo', 'fold'],
              0,
            );
            return new PyTime(
              b.hour === undefined ? this.hour : intArg(b.hour),
              b.minute === undefined ? this.minute : intArg(b.minute),
              b.second === undefined ? this.second : intArg(b.second),
              b.microsecond === undefined ? this.microsecond : intArg(b.microsecond),
              b.tzinfo === undefined ? this.tzinfo : tzArg(b.tzinfo),
              b.fold === undefined ? this.fold : intArg(b.fold),
              this.types,
            );
          },
          this,
        );
      default:
        return this.types.time.getAttr(name);
    }
  }
  format(spec: string): string {
    return spec === '' ? this.str() : strftime(spec, this.fields());
  }
  repr(): string {
    const parts = [this.hour, this.minute];
    if (this.microsecond) parts.push(this.second, this.microsecond);
    else if (this.second) parts.push(this.second);
    let inner = parts.map(String).join(', ');
    if (this.tzinfo) inner += `, tzinfo=${this.tzinfo.repr()}`;
    if (this.fold) inner += ', fold=1';
    return `datetime.time(${inner})`;
  }
  str(): string {
    return this.isoformat();
  }
  #utcUs(): bigint {
    return this.us - (this.tzinfo?.offsetUs ?? 0n);
  }
  hash(): string {
    return this.tzinfo ? `time:u${String(this.#utcUs())}` : `time:${String(this.us)}`;
  }
  equals(other: PyValue): boolean {
    if (!(other instanceof PyTime)) return false;
    if ((this.tzinfo === null) !== (other.tzinfo === null)) return false;
    return this.#utcUs() === other.#utcUs();
  }
  compare(op: CompareOp, other: PyValue): boolean | undefined {
    if (!(other instanceof PyTime)) return undefined;
    if ((this.tzinfo === null) !== (other.tzinfo === null)) {
      return raise('TypeError', "can't compare offset-naive and offset-aware times");
    }
    return compareBig(op, this.#utcUs(), other.#utcUs());
  }
}

function constructTime(types: DatetimeTypes, a: PyValue[], kw: PyKwargs): PyTime {
  const b = args('time', a, kw, ['hour', 'minute', 'second', 'microsecond', 'tzinfo', 'fold'], 0);
  return new PyTime(
    b.hour === undefined ? 0 : intArg(b.hour),
    b.minute === undefined ? 0 : intArg(b.minute),
    b.second === undefined ? 0 : intArg(b.second),
    b.microsecond === undefined ? 0 : intArg(b.microsecond),
    tzArg(b.tzinfo),
    b.fold === undefined ? 0 : intArg(b.fold),
    types,
  );
}

// ---------------------------------------------------------------------------------------------
// datetime

/** `datetime.datetime`. */
export class PyDateTime extends PyDate {
  override readonly pyTypeName = 'datetime.datetime';
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
  readonly tzinfo: PyTimezone | null;
  readonly fold: number;
  constructor(
    year: number,
    month: number,
    day: number,
    hour = 0,
    minute = 0,
    second = 0,
    microsecond = 0,
    tzinfo: PyTimezone | null = null,
    fold = 0,
    types: DatetimeTypes = defaultTypes(),
  ) {
    super(year, month, day, types);
    calendar(() => checkTime(hour, minute, second, microsecond, fold));
    this.hour = hour;
    this.minute = minute;
    this.second = second;
    this.microsecond = microsecond;
    this.tzinfo = tzinfo;
    this.fold = fold;
  }
  /** Builds a datetime from microseconds since 0001-01-01T00:00 (local fields). */
  static fromUs(us: bigint, tzinfo: PyTimezone | null, types: DatetimeTypes, fold = 0): PyDateTime {
    const [days, rest] = floorDivMod(us, US_PER_DAY);
    const ordinal = days + 1n;
    if (ordinal < 1n || ordinal > BigInt(MAX_ORDINAL)) {
      raise('OverflowError', 'date value out of range');
    }
    const [y, m, d] = ordinalToYmd(Number(ordinal));
    const [hh, r1] = floorDivMod(rest, US_PER_HOUR);
    const [mm, r2] = floorDivMod(r1, US_PER_MINUTE);
    const [ss, micro] = floorDivMod(r2, US_PER_SECOND);
    return new PyDateTime(
      y,
      m,
      d,
      Number(hh),
      Number(mm),
      Number(ss),
      Number(micro),
      tzinfo,
      fold,
      types,
    );
  }
  override pyType(): PyType {
    return this.types.datetime;
  }
  /** Local fields as microseconds since 0001-01-01T00:00. */
  get us(): bigint {
    return (
      BigInt(this.ordinal - 1) * US_PER_DAY +
      BigInt(this.hour) * US_PER_HOUR +
      BigInt(this.minute) * US_PER_MINUTE +
      BigInt(this.second) * US_PER_SECOND +
      BigInt(this.microsecond)
    );
  }
  /** UTC microseconds for aware values; local for naive ones. */
  get utcUs(): bigint {
    return this.us - (this.tzinfo?.offsetUs ?? 0n);
  }
  /** This instant in another fixed offset (`us` shifted by `offsetUs` from UTC). */
  shifted(offsetUs: bigint, tz: PyTimezone | null = this.tzinfo): PyDateTime {
    return PyDateTime.fromUs(this.us + offsetUs, tz, this.types);
  }
  override fields(): Fields {
    return {
      year: this.year,
      month: this.month,
      day: this.day,
      hour: this.hour,
      minute: this.minute,
      second: this.second,
      microsecond: this.microsecond,
      offsetUs: this.tzinfo?.offsetUs ?? null,
      tzname: this.tzinfo?.tzname() ?? null,
    };
  }
  isoformatFull(sep = 'T', timespec = 'auto'): string {
    const time = calendar(() =>
      formatTime(this.hour, this.minute, this.second, this.microsecond, timespec),
    );
    const base = `${super.isoformat()}${sep}${time}`;
    return this.tzinfo ? base + formatOffset(this.tzinfo.offsetUs) : base;
  }
  override isoformat(): string {
    return this.isoformatFull();
  }
  override isoformatCall(a: PyValue[], kw: PyKwargs): PyValue {
    const b = args('isoformat', a, kw, ['sep', 'timespec'], 0);
    return this.isoformatFull(
      b.sep === undefined ? 'T' : pyStr(b.sep),
      b.timespec === undefined ? 'auto' : pyStr(b.timespec),
    );
  }
  /** Local offset of a naive datetime (taken as host-local time), in microseconds. */
  #localOffsetUs(): bigint {
    const hook = this.types.host.timezoneOffset;
    if (!hook) return 0n;
    const approxMs = Number((this.us - BigInt(EPOCH_ORDINAL - 1) * US_PER_DAY) / 1000n);
    const first = BigInt(Math.round(hook(approxMs) * 60)) * US_PER_SECOND;
    const utcMs = Number((this.us - first - BigInt(EPOCH_ORDINAL - 1) * US_PER_DAY) / 1000n);
    return BigInt(Math.round(hook(utcMs) * 60)) * US_PER_SECOND;
  }
  /** Seconds since the epoch as a float (`timestamp()`). */
  timestamp(): number {
    const utc = this.tzinfo ? this.utcUs : this.us - this.#localOffsetUs();
    return bigDivToFloat(utc - BigInt(EPOCH_ORDINAL - 1) * US_PER_DAY, US_PER_SECOND);
  }
  override timetuple(): PyNamedTuple {
    const ordinal = this.ordinal;
    return structTime([
      this.year,
      this.month,
      this.day,
      this.hour,
      this.minute,
      this.second,
      weekdayOfOrdinal(ordinal),
      ordinal - ymdToOrdinal(this.year, 1, 1) + 1,
      -1,
    ]);
  }
  astimezone(tz: PyTimezone | null): PyDateTime {
    const utc = this.tzinfo ? this.utcUs : this.us - this.#localOffsetUs();
    if (tz === null) {
      const hook = this.types.host.timezoneOffset;
      const ms = Number((utc - BigInt(EPOCH_ORDINAL - 1) * US_PER_DAY) / 1000n);
      const offset = hook ? BigInt(Math.round(hook(ms) * 60)) * US_PER_SECOND : 0n;
      tz = new PyTimezone(offset, offset === 0n ? 'UTC' : null, this.types);
    }
    return PyDateTime.fromUs(utc + tz.offsetUs, tz, this.types);
  }
  override getAttr(name: string): PyValue | undefined {
    switch (name) {
      case 'hour':
        return BigInt(this.hour);
      case 'minute':
        return BigInt(this.minute);
      case 'second':
        return BigInt(this.second);
      case 'microsecond':
        return BigInt(this.microsecond);
      case 'tzinfo':
        return this.tzinfo;
      case 'fold':
        return BigInt(this.fold);
      case 'date':
        return fn('date', () => new PyDate(this.year, this.month, this.day, this.types), this);
      case 'time':
        return fn(
          'time',
          () =>
            new PyTime(
              this.hour,
              this.minute,
              this.second,
              this.microsecond,
              null,
              this.fold,
              this.types,
            ),
          this,
        );
      case 'timetz':
        return fn(
          'timetz',
          () =>
            new PyTime(
              this.hour,
              this.minute,
              this.second,
              this.microsecond,
              this.tzinfo,
              this.fold,
              this.types,
            ),
          this,
        );
      case 'utcoffset':
        return fn(
          'utcoffset',
          () => (this.tzinfo ? new PyTimedelta(this.tzinfo.offsetUs, this.types) : null),
          this,
        );
      case 'tzname':
        return fn('tzname', () => this.tzinfo?.tzname() ?? null, this);
      case 'dst':
        return fn('dst', () => null, this);
      case 'timestamp':
        return fn('timestamp', () => this.timestamp(), this);
      case 'utctimetuple':
        return fn(
          'utctimetuple',
          () => {
            const u = this.tzinfo ? this.shifted(-this.tzinfo.offsetUs, null) : this;
            const t = u.timetuple();
            return structTime(
              t.items.slice(0, 8).map(Number).concat([0]) as unknown as [
                number,
                number,
                number,
                number,
                number,
                number,
                number,
                number,
                number,
              ],
            );
          },
          this,
        );
      case 'astimezone':
        return fn(
          'astimezone',
          (a, kw) => {
            const { tz } = args('astimezone', a, kw, ['tz'], 0);
            return this.astimezone(tzArg(tz));
          },
          this,
        );
      case 'replace':
        return fn('replace', (a, kw) => this.replace(a, kw), this);
      default:
        return super.getAttr(name);
    }
  }
  override replace(a: PyValue[], kw: PyKwargs): PyValue {
    const b = args(
      'replace',
      a,
      kw,
      ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'tzinfo', 'fold'],
      0,
    );
    const pick = (k: string, current: number): number => {
      const v = b[k];
      return v === undefined ? current : intArg(v);
    };
    return new PyDateTime(
      pick('year', this.year),
      pick('month', this.month),
      pick('day', this.day),
      pick('hour', this.hour),
      pick('minute', this.minute),
      pick('second', this.second),
      pick('microsecond', this.microsecond),
      b.tzinfo === undefined ? this.tzinfo : tzArg(b.tzinfo),
      pick('fold', this.fold),
      this.types,
    );
  }
  override repr(): string {
    const parts = [this.year, this.month, this.day, this.hour, this.minute];
    if (this.microsecond) parts.push(this.second, this.microsecond);
    else if (this.second) parts.push(this.second);
    let inner = parts.map(String).join(', ');
    if (this.fold) inner += ', fold=1';
    if (this.tzinfo) inner += `, tzinfo=${this.tzinfo.repr()}`;
    return `datetime.datetime(${inner})`;
  }
  override str(): string {
    return this.isoformatFull(' ');
  }
  override hash(): string {
    return this.tzinfo ? `dt:u${String(this.utcUs)}` : `dt:${String(this.us)}`;
  }
  override equals(other: PyValue): boolean {
    if (!(other instanceof PyDateTime)) return false;
    if ((this.tzinfo === null) !== (other.tzinfo === null)) return false;
    return this.utcUs === other.utcUs;
  }
  override compare(op: CompareOp, other: PyValue): boolean | undefined {
    if (!(other instanceof PyDate)) return undefined;
    if (!(other instanceof PyDateTime)) {
      return raise('TypeError', "can't compare datetime.datetime to datetime.date");
    }
    if ((this.tzinfo === null) !== (other.tzinfo === null)) {
      return raise('TypeError', "can't compare offset-naive and offset-aware datetimes");
    }
    return compareBig(op, this.utcUs, other.utcUs);
  }
  override binaryOp(op: BinOp, other: PyValue, reflected: boolean): PyValue | undefined {
    if (other instanceof PyTimedelta) {
      if (op === '+' || (op === '-' && !reflected)) {
        const us = op === '+' ? this.us + other.us : this.us - other.us;
        return PyDateTime.fromUs(us, this.tzinfo, this.types);
      }
      return undefined;
    }
    if (op === '-' && other instanceof PyDateTime) {
      if ((this.tzinfo === null) !== (other.tzinfo === null)) {
        return raise('TypeError', "can't subtract offset-naive and offset-aware datetimes");
      }
      const diff = reflected ? other.utcUs - this.utcUs : this.utcUs - other.utcUs;
      return new PyTimedelta(diff, this.types);
    }
    return undefined;
  }
}

function constructDateTime(types: DatetimeTypes, a: PyValue[], kw: PyKwargs): PyDateTime {
  const b = args(
    'datetime',
    a,
    kw,
    ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'tzinfo', 'fold'],
    3,
  );
  const n = (k: string): number => {
    const v = b[k];
    return v === undefined ? 0 : intArg(v);
  };
  return new PyDateTime(
    n('year'),
    n('month'),
    n('day'),
    n('hour'),
    n('minute'),
    n('second'),
    n('microsecond'),
    tzArg(b.tzinfo),
    n('fold'),
    types,
  );
}

// ---------------------------------------------------------------------------------------------
// Clock helpers

/** Host "now" as microseconds since the epoch, UTC. */
function nowEpochUs(host: HostHooks): bigint {
  const ms = host.now();
  return BigInt(Math.round(ms * 1000));
}

const EPOCH_US = BigInt(EPOCH_ORDINAL - 1) * US_PER_DAY;

function localOffsetAt(host: HostHooks, epochUs: bigint): bigint {
  const hook = host.timezoneOffset;
  if (!hook) return 0n;
  return BigInt(Math.round(hook(Number(epochUs / 1000n)) * 60)) * US_PER_SECOND;
}

/** Seconds (float or int) → microseconds, rounded half-even as CPython's `fromtimestamp`. */
function timestampToUs(v: PyValue): bigint {
  if (typeof v === 'bigint') return v * US_PER_SECOND;
  if (typeof v === 'boolean') return v ? US_PER_SECOND : 0n;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) raise('ValueError', 'cannot convert float NaN to integer');
    const r = calendar(() => floatToRational(v));
    return roundHalfEven(r.num * US_PER_SECOND, r.den);
  }
  return raise('TypeError', `'${typeName(v)}' object cannot be interpreted as an integer`);
}

function fromTimestamp(types: DatetimeTypes, ts: PyValue, tz: PyTimezone | null): PyDateTime {
  const epochUs = timestampToUs(ts);
  if (tz) return PyDateTime.fromUs(EPOCH_US + epochUs + tz.offsetUs, tz, types);
  return PyDateTime.fromUs(EPOCH_US + epochUs + localOffsetAt(types.host, epochUs), null, types);
}

function strArg(fname: string, v: PyValue | undefined, pos = 1): string {
  if (typeof v !== 'string') {
    return raise(
      'TypeError',
      `${fname}() argument ${String(pos)} must be str, not ${typeName(v ?? null)}`,
    );
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Types and module

const typeCache = new WeakMap<HostHooks, DatetimeTypes>();
let defaults: DatetimeTypes | undefined;

/** The datetime classes for values made outside a running script (e.g. decoded task data). */
export function defaultTypes(): DatetimeTypes {
  defaults ??= datetimeTypes(sharedDefaultHostHooks());
  return defaults;
}

/** The datetime classes bound to `host` (cached: one set per host object). */
export function datetimeTypes(host: HostHooks): DatetimeTypes {
  const cached = typeCache.get(host);
  if (cached) return cached;
  const dateAttrs = new Map<string, PyValue>();
  const datetimeAttrs = new Map<string, PyValue>();
  const timeAttrs = new Map<string, PyValue>();
  const deltaAttrs = new Map<string, PyValue>();
  const tzAttrs = new Map<string, PyValue>();
  const types: DatetimeTypes = {
    host,
    date: new PyType('date', {
      module: 'datetime',
      call: (a, kw) => constructDate(types, a, kw),
      attrs: dateAttrs,
      isInstance: (v) => v instanceof PyDate,
    }),
    datetime: new PyType('datetime', {
      module: 'datetime',
      call: (a, kw) => constructDateTime(types, a, kw),
      attrs: datetimeAttrs,
      isInstance: (v) => v instanceof PyDateTime,
    }),
    time: new PyType('time', {
      module: 'datetime',
      call: (a, kw) => constructTime(types, a, kw),
      attrs: timeAttrs,
      isInstance: (v) => v instanceof PyTime,
    }),
    timedelta: new PyType('timedelta', {
      module: 'datetime',
      call: (a, kw) => constructTimedelta(types, a, kw),
      attrs: deltaAttrs,
      isInstance: (v) => v instanceof PyTimedelta,
    }),
    timezone: new PyType('timezone', {
      module: 'datetime',
      call: (a, kw) => constructTimezone(types, a, kw),
      attrs: tzAttrs,
      isInstance: (v) => v instanceof PyTimezone,
    }),
    tzinfo: new PyType('tzinfo', {
      module: 'datetime',
      isInstance: (v) => v instanceof PyTimezone,
    }),
    utc: new PyTimezone(0n, null),
  };
  (types as { utc: PyTimezone }).utc = new PyTimezone(0n, null, types);
  typeCache.set(host, types);

  // timedelta
  deltaAttrs.set('min', new PyTimedelta(-BigInt(MAX_DELTA_DAYS) * US_PER_DAY, types));
  deltaAttrs.set('max', new PyTimedelta(BigInt(MAX_DELTA_DAYS + 1) * US_PER_DAY - 1n, types));
  deltaAttrs.set('resolution', new PyTimedelta(1n, types));

  // timezone
  tzAttrs.set('utc', types.utc);
  tzAttrs.set('min', new PyTimezone(-US_PER_DAY + US_PER_MINUTE, null, types));
  tzAttrs.set('max', new PyTimezone(US_PER_DAY - US_PER_MINUTE, null, types));

  // date
  const today = (): PyDateTime => {
    const epochUs = nowEpochUs(host);
    return PyDateTime.fromUs(EPOCH_US + epochUs + localOffsetAt(host, epochUs), null, types);
  };
  dateAttrs.set('min', new PyDate(MINYEAR, 1, 1, types));
  dateAttrs.set('max', new PyDate(MAXYEAR, 12, 31, types));
  dateAttrs.set('resolution', new PyTimedelta(US_PER_DAY, types));
  dateAttrs.set(
    'today',
    fn('today', () => {
      const t = today();
      return new PyDate(t.year, t.month, t.day, types);
    }),
  );
  dateAttrs.set(
    'fromordinal',
    fn('fromordinal', (a, kw) => {
      const { ordinal } = args('fromordinal', a, kw, ['ordinal']);
      const n = intArg(ordinal ?? null);
      if (n < 1 || n > MAX_ORDINAL) raise('ValueError', `ordinal must be >= 1`);
      const [y, m, d] = ordinalToYmd(n);
      return new PyDate(y, m, d, types);
    }),
  );
  dateAttrs.set(
    'fromisoformat',
    fn('fromisoformat', (a) => {
      const text = strArg('fromisoformat', a[0]);
      const [y, m, d] = calendar(() => {
        if (text.length !== 10 && text.length !== 8 && text.length !== 7) {
          throw new CalendarError('ValueError', `Invalid isoformat string: ${pyRepr(text)}`);
        }
        return parseIsoDate(text);
      });
      return new PyDate(y, m, d, types);
    }),
  );
  dateAttrs.set(
    'fromisocalendar',
    fn('fromisocalendar', (a, kw) => {
      const b = args('fromisocalendar', a, kw, ['year', 'week', 'day']);
      const ordinal = calendar(() =>
        isoToOrdinal(intArg(b.year ?? null), intArg(b.week ?? null), intArg(b.day ?? null)),
      );
      const [y, m, d] = ordinalToYmd(ordinal);
      return new PyDate(y, m, d, types);
    }),
  );
  dateAttrs.set(
    'fromtimestamp',
    fn('fromtimestamp', (a) => {
      const t = fromTimestamp(types, a[0] ?? null, null);
      return new PyDate(t.year, t.month, t.day, types);
    }),
  );

  // datetime
  datetimeAttrs.set('min', new PyDateTime(MINYEAR, 1, 1, 0, 0, 0, 0, null, 0, types));
  datetimeAttrs.set('max', new PyDateTime(MAXYEAR, 12, 31, 23, 59, 59, 999_999, null, 0, types));
  datetimeAttrs.set('resolution', new PyTimedelta(1n, types));
  datetimeAttrs.set(
    'now',
    fn('now', (a, kw) => {
      const { tz } = args('now', a, kw, ['tz'], 0);
      const zone = tzArg(tz);
      if (zone === null) return today();
      return PyDateTime.fromUs(EPOCH_US + nowEpochUs(host) + zone.offsetUs, zone, types);
    }),
  );
  datetimeAttrs.set(
    'today',
    fn('today', () => today()),
  );
  datetimeAttrs.set(
    'utcnow',
    fn('utcnow', () => PyDateTime.fromUs(EPOCH_US + nowEpochUs(host), null, types)),
  );
  datetimeAttrs.set(
    'fromtimestamp',
    fn('fromtimestamp', (a, kw) => {
      const b = args('fromtimestamp', a, kw, ['timestamp', 'tz'], 1);
      return fromTimestamp(types, b.timestamp ?? null, tzArg(b.tz));
    }),
  );
  datetimeAttrs.set(
    'utcfromtimestamp',
    fn('utcfromtimestamp', (a) =>
      PyDateTime.fromUs(EPOCH_US + timestampToUs(a[0] ?? null), null, types),
    ),
  );
  datetimeAttrs.set(
    'fromordinal',
    fn('fromordinal', (a) => {
      const n = intArg(a[0] ?? null);
      if (n < 1 || n > MAX_ORDINAL) raise('ValueError', `ordinal must be >= 1`);
      const [y, m, d] = ordinalToYmd(n);
      return new PyDateTime(y, m, d, 0, 0, 0, 0, null, 0, types);
    }),
  );
  datetimeAttrs.set(
    'combine',
    fn('combine', (a, kw) => {
      const b = args('combine', a, kw, ['date', 'time', 'tzinfo'], 2);
      const d = b.date;
      const t = b.time;
      if (!(d instanceof PyDate)) {
        return raise(
          'TypeError',
          `combine() argument 1 must be datetime.date, not ${typeName(d ?? null)}`,
        );
      }
      if (!(t instanceof PyTime)) {
        return raise(
          'TypeError',
          `combine() argument 2 must be datetime.time, not ${typeName(t ?? null)}`,
        );
      }
      const tz = b.tzinfo === undefined ? t.tzinfo : tzArg(b.tzinfo);
      return new PyDateTime(
        d.year,
        d.month,
        d.day,
        t.hour,
        t.minute,
        t.second,
        t.microsecond,
        tz,
        t.fold,
        types,
      );
    }),
  );
  datetimeAttrs.set(
    'fromisoformat',
    fn('fromisoformat', (a) => {
      const text = strArg('fromisoformat', a[0]);
      const [[y, m, d], t] = calendar(() => parseIsoDateTime(text));
      if (!t) return new PyDateTime(y, m, d, 0, 0, 0, 0, null, 0, types);
      const tz = t.offsetUs === null ? null : tzFromOffset(types, t.offsetUs);
      return new PyDateTime(y, m, d, t.hour, t.minute, t.second, t.microsecond, tz, 0, types);
    }),
  );
  datetimeAttrs.set(
    'fromisocalendar',
    fn('fromisocalendar', (a, kw) => {
      const b = args('fromisocalendar', a, kw, ['year', 'week', 'day']);
      const ordinal = calendar(() =>
        isoToOrdinal(intArg(b.year ?? null), intArg(b.week ?? null), intArg(b.day ?? null)),
      );
      const [y, m, d] = ordinalToYmd(ordinal);
      return new PyDateTime(y, m, d, 0, 0, 0, 0, null, 0, types);
    }),
  );
  datetimeAttrs.set(
    'strptime',
    fn('strptime', (a, kw) => {
      const b = args('strptime', a, kw, ['date_string', 'format']);
      const text = strArg('strptime', b.date_string, 1);
      const format = strArg('strptime', b.format, 2);
      const p = calendar(() => strptime(text, format));
      const tz = p.offsetUs === null ? null : tzFromOffset(types, p.offsetUs, p.tzname);
      return new PyDateTime(
        p.year,
        p.month,
        p.day,
        p.hour,
        p.minute,
        p.second,
        p.microsecond,
        tz,
        0,
        types,
      );
    }),
  );

  // time
  timeAttrs.set('min', new PyTime(0, 0, 0, 0, null, 0, types));
  timeAttrs.set('max', new PyTime(23, 59, 59, 999_999, null, 0, types));
  timeAttrs.set('resolution', new PyTimedelta(1n, types));
  timeAttrs.set(
    'fromisoformat',
    fn('fromisoformat', (a) => {
      const text = strArg('fromisoformat', a[0]);
      const t = calendar(() => parseIsoTime(text.startsWith('T') ? text.slice(1) : text, text));
      const tz = t.offsetUs === null ? null : tzFromOffset(types, t.offsetUs);
      return new PyTime(t.hour, t.minute, t.second, t.microsecond, tz, 0, types);
    }),
  );
  return types;
}

function tzFromOffset(
  types: DatetimeTypes,
  offsetUs: bigint,
  name: string | null = null,
): PyTimezone {
  if (offsetUs === 0n && name === null) return types.utc;
  if (name !== null && /^(utc|gmt)$/i.test(name)) name = name.toUpperCase();
  return new PyTimezone(offsetUs, name, types);
}

/** The `datetime` module for one host. */
export function createDatetimeModule(host: HostHooks): PyModule {
  const types = datetimeTypes(host);
  return makeModule('datetime', {
    date: types.date,
    datetime: types.datetime,
    time: types.time,
    timedelta: types.timedelta,
    timezone: types.timezone,
    tzinfo: types.tzinfo,
    MINYEAR: BigInt(MINYEAR),
    MAXYEAR: BigInt(MAXYEAR),
    UTC: types.utc,
  });
}

// ---------------------------------------------------------------------------------------------
// Encoding helpers for task data (`{"$datetime": iso}` and friends)

/** Parses the `isoformat()` text of a datetime (as stored in task data). */
export function datetimeFromIso(text: string, host?: HostHooks): PyDateTime {
  const types = host ? datetimeTypes(host) : defaultTypes();
  const [[y, m, d], t] = calendar(() => parseIsoDateTime(text));
  if (!t) return new PyDateTime(y, m, d, 0, 0, 0, 0, null, 0, types);
  const tz = t.offsetUs === null ? null : tzFromOffset(types, t.offsetUs);
  return new PyDateTime(y, m, d, t.hour, t.minute, t.second, t.microsecond, tz, 0, types);
}

/** Parses the `isoformat()` text of a date. */
export function dateFromIso(text: string, host?: HostHooks): PyDate {
  const types = host ? datetimeTypes(host) : defaultTypes();
  const [y, m, d] = calendar(() => parseIsoDate(text));
  return new PyDate(y, m, d, types);
}

/** Parses the `isoformat()` text of a time. */
export function timeFromIso(text: string, host?: HostHooks): PyTime {
  const types = host ? datetimeTypes(host) : defaultTypes();
  const t = calendar(() => parseIsoTime(text));
  const tz = t.offsetUs === null ? null : tzFromOffset(types, t.offsetUs);
  return new PyTime(t.hour, t.minute, t.second, t.microsecond, tz, 0, types);
}

/** A timedelta from CPython's normalised fields. */
export function timedeltaFromFields(
  days: number,
  seconds: number,
  microseconds: number,
  host?: HostHooks,
): PyTimedelta {
  const types = host ? datetimeTypes(host) : defaultTypes();
  return new PyTimedelta(
    BigInt(days) * US_PER_DAY + BigInt(seconds) * US_PER_SECOND + BigInt(microseconds),
    types,
  );
}

/** Whether `v` is one of this module's values (for encoders that special-case them). */
export function isDatetimeValue(
  v: PyValue,
): v is PyDate | PyDateTime | PyTime | PyTimedelta | PyTimezone {
  return (
    isPyObject(v) &&
    (v instanceof PyDate ||
      v instanceof PyTime ||
      v instanceof PyTimedelta ||
      v instanceof PyTimezone)
  );
}
