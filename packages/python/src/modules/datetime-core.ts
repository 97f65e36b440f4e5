/**
 * Calendar arithmetic for the `datetime` module over plain numbers: proleptic Gregorian ordinals,
 * microsecond counts as `bigint`, ISO 8601 formatting/parsing and the strftime/strptime engines.
 * Nothing here knows about Python values; `datetime.ts` wraps it.
 * @internal
 */

/** A failure with a Python exception class name, converted to a `PyException` by the wrapper. */
export class CalendarError extends Error {
  override readonly name = 'CalendarError';
  readonly pyType: 'ValueError' | 'OverflowError' | 'TypeError';
  constructor(pyType: CalendarError['pyType'], message: string) {
    super(message);
    this.pyType = pyType;
  }
}

export const MINYEAR = 1;
export const MAXYEAR = 9999;
export const US_PER_SECOND = 1_000_000n;
export const US_PER_DAY = 86_400_000_000n;
/** `timedelta.max.days`; CPython rejects anything larger in magnitude. */
export const MAX_DELTA_DAYS = 999_999_999;

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const DAYS_BEFORE_MONTH = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334] as const;

export const DAY_NAMES = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
];
export const MONTH_NAMES = [
  '',
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month] ?? 0);
}

function daysBeforeYear(year: number): number {
  const y = year - 1;
  return y * 365 + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400);
}

function daysBeforeMonth(year: number, month: number): number {
  return (DAYS_BEFORE_MONTH[month] ?? 0) + (month > 2 && isLeap(year) ? 1 : 0);
}

/** Proleptic Gregorian ordinal: 0001-01-01 is day 1 (as `date.toordinal()`). */
export function ymdToOrdinal(year: number, month: number, day: number): number {
  return daysBeforeYear(year) + daysBeforeMonth(year, month) + day;
}

export const MAX_ORDINAL = 3_652_059; // date(9999, 12, 31)

/** Inverse of {@link ymdToOrdinal}. */
export function ordinalToYmd(ordinal: number): [number, number, number] {
  let n = ordinal - 1;
  const n400 = Math.floor(n / 146_097);
  n -= n400 * 146_097;
  const n100 = Math.floor(n / 36_524);
  n -= n100 * 36_524;
  const n4 = Math.floor(n / 1_461);
  n -= n4 * 1_461;
  const n1 = Math.floor(n / 365);
  n -= n1 * 365;
  let year = n400 * 400 + n100 * 100 + n4 * 4 + n1 + 1;
  if (n1 === 4 || n100 === 4) return [year - 1, 12, 31];
  let month = (n + 50) >> 5;
  let preceding = daysBeforeMonth(year, month);
  if (preceding > n) {
    month -= 1;
    preceding = daysBeforeMonth(year, month);
  }
  if (month < 1) {
    year -= 1;
    month = 12;
  }
  return [year, month, n - preceding + 1];
}

/** 0 = Monday … 6 = Sunday. */
export function weekdayOfOrdinal(ordinal: number): number {
  return (ordinal + 6) % 7;
}

function isoWeek1Monday(year: number): number {
  const firstDay = ymdToOrdinal(year, 1, 1);
  const firstWeekday = (firstDay + 6) % 7;
  let week1Monday = firstDay - firstWeekday;
  if (firstWeekday > 3) week1Monday += 7;
  return week1Monday;
}

/** ISO year, week number and weekday (1 = Monday). */
export function isoCalendar(year: number, month: number, day: number): [number, number, number] {
  const today = ymdToOrdinal(year, month, day);
  let isoYear = year;
  let week1Monday = isoWeek1Monday(isoYear);
  let week = Math.floor((today - week1Monday) / 7);
  if (week < 0) {
    isoYear -= 1;
    week1Monday = isoWeek1Monday(isoYear);
    week = Math.floor((today - week1Monday) / 7);
  } else if (week >= 52 && today >= isoWeek1Monday(isoYear + 1)) {
    isoYear += 1;
    week = 0;
  }
  return [isoYear, week + 1, ((today - week1Monday) % 7) + 1];
}

/** Ordinal of the given ISO week date. */
export function isoToOrdinal(isoYear: number, week: number, weekday: number): number {
  if (week <= 0 || week >= 53) {
    let valid = false;
    if (week === 53) {
      const firstWeekday = weekdayOfOrdinal(ymdToOrdinal(isoYear, 1, 1));
      valid = firstWeekday === 3 || (firstWeekday === 2 && isLeap(isoYear));
    }
    if (!valid) throw new CalendarError('ValueError', `Invalid week: ${String(week)}`);
  }
  if (weekday <= 0 || weekday > 7) {
    throw new CalendarError('ValueError', `Invalid weekday: ${String(weekday)} (range is [1, 7])`);
  }
  return isoWeek1Monday(isoYear) + (week - 1) * 7 + (weekday - 1);
}

/** Validates a date the way `date(y, m, d)` does, with CPython's messages. */
export function checkDate(year: number, month: number, day: number): void {
  if (year < MINYEAR || year > MAXYEAR) {
    throw new CalendarError('ValueError', `year ${String(year)} is out of range`);
  }
  if (month < 1 || month > 12) throw new CalendarError('ValueError', 'month must be in 1..12');
  if (day < 1 || day > daysInMonth(year, month)) {
    throw new CalendarError('ValueError', 'day is out of range for month');
  }
}

/** Validates a time of day the way `time(...)` does. */
export function checkTime(
  hour: number,
  minute: number,
  second: number,
  microsecond: number,
  fold = 0,
): void {
  if (hour < 0 || hour > 23) throw new CalendarError('ValueError', 'hour must be in 0..23');
  if (minute < 0 || minute > 59) throw new CalendarError('ValueError', 'minute must be in 0..59');
  if (second < 0 || second > 59) throw new CalendarError('ValueError', 'second must be in 0..59');
  if (microsecond < 0 || microsecond > 999_999) {
    throw new CalendarError('ValueError', 'microsecond must be in 0..999999');
  }
  if (fold !== 0 && fold !== 1) throw new CalendarError('ValueError', 'fold must be either 0 or 1');
}

/** Floor division and modulo on bigints (Python semantics). */
export function floorDivMod(a: bigint, b: bigint): [bigint, bigint] {
  let q = a / b;
  let r = a % b;
  if (r !== 0n && r < 0n !== b < 0n) {
    q -= 1n;
    r += b;
  }
  return [q, r];
}

/** The normalised fields of a timedelta of `us` microseconds. */
export function splitDelta(us: bigint): { days: number; seconds: number; microseconds: number } {
  const [days, rest] = floorDivMod(us, US_PER_DAY);
  const [seconds, micro] = floorDivMod(rest, US_PER_SECOND);
  return { days: Number(days), seconds: Number(seconds), microseconds: Number(micro) };
}

/** Throws CPython's OverflowError when a timedelta's days are out of range. */
export function checkDeltaRange(us: bigint): bigint {
  const { days } = splitDelta(us);
  if (days < -MAX_DELTA_DAYS || days > MAX_DELTA_DAYS) {
    throw new CalendarError(
      'OverflowError',
      `days=${String(days)}; must have magnitude <= ${String(MAX_DELTA_DAYS)}`,
    );
  }
  return us;
}

/** An exact rational with a power-of-two (or any) denominator, for float-accurate sums. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

/** The exact value of a finite double as a rational. */
export function floatToRational(x: number): Rational {
  if (!Number.isFinite(x))
    throw new CalendarError('ValueError', 'cannot convert float NaN or infinity');
  if (Number.isInteger(x)) return { num: BigInt(x), den: 1n };
  let den = 1n;
  let v = x;
  // Doubling is exact for finite doubles; at most 1074 steps until v is integral.
  while (!Number.isInteger(v)) {
    v *= 2;
    den *= 2n;
  }
  return { num: BigInt(v), den };
}

/** Rounds num/den to the nearest integer, ties to even (as CPython's timedelta does). */
export function roundHalfEven(num: bigint, den: bigint): bigint {
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const [q, r] = floorDivMod(num, den);
  const twice = r * 2n;
  if (twice > den || (twice === den && q % 2n !== 0n)) return q + 1n;
  return q;
}

// ---------------------------------------------------------------------------------------------
// Formatting

export function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
}

/** `HH:MM:SS[.ffffff]` with CPython's `timespec` choices. */
export function formatTime(
  hour: number,
  minute: number,
  second: number,
  microsecond: number,
  timespec = 'auto',
): string {
  switch (timespec) {
    case 'auto':
      return microsecond
        ? `${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(microsecond, 6)}`
        : `${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}`;
    case 'hours':
      return pad(hour, 2);
    case 'minutes':
      return `${pad(hour, 2)}:${pad(minute, 2)}`;
    case 'seconds':
      return `${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}`;
    case 'milliseconds':
      return `${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(Math.floor(microsecond / 1000), 3)}`;
    case 'microseconds':
      return `${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(microsecond, 6)}`;
    default:
      throw new CalendarError('ValueError', 'Unknown timespec value');
  }
}

/** `+HH:MM[:SS[.ffffff]]` for an offset in microseconds (`sep` '' gives `+HHMM`, for %z). */
export function formatOffset(offsetUs: bigint, sep = ':'): string {
  let us = offsetUs;
  let sign = '+';
  if (us < 0n) {
    sign = '-';
    us = -us;
  }
  const [hh, r1] = floorDivMod(us, 3_600_000_000n);
  const [mm, r2] = floorDivMod(r1, 60_000_000n);
  const [ss, micro] = floorDivMod(r2, US_PER_SECOND);
  let out = `${sign}${pad(Number(hh), 2)}${sep}${pad(Number(mm), 2)}`;
  if (ss !== 0n || micro !== 0n) {
    out += `${sep}${pad(Number(ss), 2)}`;
    if (micro !== 0n) out += `.${pad(Number(micro), 6)}`;
  }
  return out;
}

/** `str(timedelta)`: `[-]D day[s], H:MM:SS[.ffffff]`. */
export function formatDelta(us: bigint): string {
  const { days, seconds, microseconds } = splitDelta(us);
  const hh = Math.floor(seconds / 3600);
  const mm = Math.floor((seconds % 3600) / 60);
  const ss = seconds % 60;
  let out = `${String(hh)}:${pad(mm, 2)}:${pad(ss, 2)}`;
  if (microseconds) out += `.${pad(microseconds, 6)}`;
  if (days) out = `${String(days)} day${Math.abs(days) === 1 ? '' : 's'}, ${out}`;
  return out;
}

/** The broken-down fields the strftime engine reads. */
export interface Fields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
  /** UTC offset in microseconds, or null when naive. */
  readonly offsetUs: bigint | null;
  readonly tzname: string | null;
}

/** C-locale `strftime`, including glibc's `-`, `_`, `0`, `^` and `#` flags. */
export function strftime(format: string, f: Fields): string {
  const ordinal = ymdToOrdinal(f.year, f.month, f.day);
  const weekday = weekdayOfOrdinal(ordinal); // Monday = 0
  const yday = ordinal - ymdToOrdinal(f.year, 1, 1) + 1;
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i] ?? '';
    if (ch !== '%') {
      out += ch;
      continue;
    }
    let j = i + 1;
    let flag = '';
    while (j < format.length && '-_0^#'.includes(format[j] ?? '')) {
      flag = format[j] ?? '';
      j++;
    }
    const d = format[j];
    if (d === undefined) {
      out += format.slice(i);
      break;
    }
    const num = (n: number, width: number, padChar = '0'): string => {
      if (flag === '-') return String(n);
      const p = flag === '_' ? ' ' : flag === '0' ? '0' : padChar;
      const s = String(Math.abs(n)).padStart(width, p);
      return n < 0 ? `-${s}` : s;
    };
    const text = (s: string): string => (flag === '^' || flag === '#' ? s.toUpperCase() : s);
    const hour12 = f.hour % 12 === 0 ? 12 : f.hour % 12;
    let piece: string;
    switch (d) {
      case 'a':
        piece = text((DAY_NAMES[weekday] ?? '').slice(0, 3));
        break;
      case 'A':
        piece = text(DAY_NAMES[weekday] ?? '');
        break;
      case 'w':
        piece = String((weekday + 1) % 7);
        break;
      case 'u':
        piece = String(weekday + 1);
        break;
      case 'd':
        piece = num(f.day, 2);
        break;
      case 'e':
        piece = num(f.day, 2, ' ');
        break;
      case 'b':
      case 'h':
        piece = text((MONTH_NAMES[f.month] ?? '').slice(0, 3));
        break;
      case 'B':
        piece = text(MONTH_NAMES[f.month] ?? '');
        break;
      case 'm':
        piece = num(f.month, 2);
        break;
      case 'y':
        piece = num(f.year % 100, 2);
        break;
      case 'Y':
        piece = flag === '' ? String(f.year) : num(f.year, 4);
        break;
      case 'C':
        // glibc treats %C like %Y: unpadded unless a flag asks for padding
        piece = flag === '' ? String(Math.floor(f.year / 100)) : num(Math.floor(f.year / 100), 2);
        break;
      case 'G':
        piece = String(isoCalendar(f.year, f.month, f.day)[0]);
        break;
      case 'g':
        piece = num(isoCalendar(f.year, f.month, f.day)[0] % 100, 2);
        break;
      case 'V':
        piece = num(isoCalendar(f.year, f.month, f.day)[1], 2);
        break;
      case 'H':
        piece = num(f.hour, 2);
        break;
      case 'k':
        piece = num(f.hour, 2, ' ');
        break;
      case 'I':
        piece = num(hour12, 2);
        break;
      case 'l':
        piece = num(hour12, 2, ' ');
        break;
      case 'p':
        piece = f.hour < 12 ? 'AM' : 'PM';
        if (flag === '#') piece = piece.toLowerCase();
        break;
      case 'P':
        piece = f.hour < 12 ? 'am' : 'pm';
        break;
      case 'M':
        piece = num(f.minute, 2);
        break;
      case 'S':
        piece = num(f.second, 2);
        break;
      case 'f':
        piece = pad(f.microsecond, 6);
        break;
      case 'j':
        piece = num(yday, 3);
        break;
      case 'U':
        piece = num(Math.floor((yday + 6 - ((weekday + 1) % 7)) / 7), 2);
        break;
      case 'W':
        piece = num(Math.floor((yday + 6 - weekday) / 7), 2);
        break;
      case 'z':
        piece = f.offsetUs === null ? '' : formatOffset(f.offsetUs, '');
        break;
      case 'Z':
        piece = f.tzname ?? '';
        break;
      case 'c':
        piece = strftime('%a %b %e %H:%M:%S %Y', f);
        break;
      case 'x':
        piece = strftime('%m/%d/%y', f);
        break;
      case 'X':
        piece = strftime('%H:%M:%S', f);
        break;
      case 'D':
        piece = strftime('%m/%d/%y', f);
        break;
      case 'F':
        piece = strftime('%Y-%m-%d', f);
        break;
      case 'T':
        piece = strftime('%H:%M:%S', f);
        break;
      case 'R':
        piece = strftime('%H:%M', f);
        break;
      case 'r':
        piece = strftime('%I:%M:%S %p', f);
        break;
      case 's': {
        // glibc: seconds since the epoch, for the broken-down time taken as local (here UTC)
        const us =
          BigInt(ordinal - EPOCH_ORDINAL) * US_PER_DAY +
          BigInt(f.hour * 3600 + f.minute * 60 + f.second) * US_PER_SECOND -
          (f.offsetUs ?? 0n);
        piece = String(floorDivMod(us, US_PER_SECOND)[0]);
        break;
      }
      case 'n':
        piece = '\n';
        break;
      case 't':
        piece = '\t';
        break;
      case '%':
        piece = '%';
        break;
      default:
        piece = format.slice(i, j + 1);
    }
    out += piece;
    i = j;
  }
  return out;
}

/** Ordinal of 1970-01-01. */
export const EPOCH_ORDINAL = 719_163;

// ---------------------------------------------------------------------------------------------
// ISO 8601 parsing (Python 3.11 `fromisoformat` rules)

export interface ParsedTime {
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  /** Offset in microseconds, or null when no offset was given. */
  offsetUs: bigint | null;
}

function invalidIso(text: string): CalendarError {
  return new CalendarError('ValueError', `Invalid isoformat string: ${pyQuote(text)}`);
}

/** Python's `repr()` of a simple string, enough for error messages. */
export function pyQuote(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch < ' ' || ch === '\x7f')
      out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}

const isDigits = (s: string): boolean => /^[0-9]+$/.test(s);

/** Parses `YYYY-MM-DD`, `YYYYMMDD`, `YYYY-Www[-D]` or `YYYYWww[D]` into [y, m, d]. */
export function parseIsoDate(text: string, whole = text): [number, number, number] {
  const yearText = text.slice(0, 4);
  if (!isDigits(yearText)) throw invalidIso(whole);
  const year = Number(yearText);
  let rest = text.slice(4);
  const extended = rest.startsWith('-');
  if (extended) rest = rest.slice(1);
  if (rest.startsWith('W')) {
    rest = rest.slice(1);
    const week = rest.slice(0, 2);
    if (!isDigits(week) || week.length !== 2) throw invalidIso(whole);
    rest = rest.slice(2);
    let weekday = 1;
    if (rest.length > 0) {
      if (extended) {
        if (!rest.startsWith('-')) throw invalidIso(whole);
        rest = rest.slice(1);
      }
      if (rest.length !== 1 || !isDigits(rest)) throw invalidIso(whole);
      weekday = Number(rest);
    }
    const [y, m, d] = ordinalToYmd(isoToOrdinal(year, Number(week), weekday));
    return [y, m, d];
  }
  const monthText = rest.slice(0, 2);
  rest = rest.slice(2);
  if (extended) {
    if (!rest.startsWith('-')) throw invalidIso(whole);
    rest = rest.slice(1);
  }
  const dayText = rest;
  if (
    monthText.length !== 2 ||
    dayText.length !== 2 ||
    !isDigits(monthText) ||
    !isDigits(dayText)
  ) {
    throw invalidIso(whole);
  }
  const result: [number, number, number] = [year, Number(monthText), Number(dayText)];
  checkDate(...result);
  return result;
}

function parseClock(text: string, whole: string): [number, number, number, number] {
  // HH[:MM[:SS[.ffffff]]] or HH[MM[SS[.ffffff]]]
  let pos = 0;
  const comps = [0, 0, 0];
  let hasSep: boolean | undefined;
  for (let c = 0; c < 3; c++) {
    const part = text.slice(pos, pos + 2);
    if (part.length !== 2 || !isDigits(part)) throw invalidIso(whole);
    comps[c] = Number(part);
    pos += 2;
    const next = text[pos];
    if (next === undefined || next === '.' || next === ',') break;
    if (c === 2) throw invalidIso(whole);
    if (next === ':') {
      if (hasSep === false) throw invalidIso(whole);
      hasSep = true;
      pos += 1;
    } else {
      if (hasSep === true) throw invalidIso(whole);
      hasSep = false;
    }
  }
  let micro = 0;
  if (pos < text.length) {
    const sep = text[pos];
    if (sep !== '.' && sep !== ',') throw invalidIso(whole);
    const frac = text.slice(pos + 1);
    if (frac.length === 0 || !isDigits(frac)) throw invalidIso(whole);
    micro = Number(frac.slice(0, 6).padEnd(6, '0'));
  }
  return [comps[0] ?? 0, comps[1] ?? 0, comps[2] ?? 0, micro];
}

/** Parses the time part of an ISO string, with optional `Z` or `±HH[:MM[:SS[.ffffff]]]`. */
export function parseIsoTime(text: string, whole = text): ParsedTime {
  const tzAt = text.search(/[+\-Z]/);
  const clock = tzAt < 0 ? text : text.slice(0, tzAt);
  const [hour, minute, second, microsecond] = parseClock(clock, whole);
  let offsetUs: bigint | null = null;
  if (tzAt >= 0) {
    const tz = text.slice(tzAt);
    if (tz === 'Z') {
      offsetUs = 0n;
    } else {
      const sign = tz[0] === '-' ? -1n : 1n;
      const body = tz.slice(1);
      if (body.length < 2) throw invalidIso(whole);
      const [h, m, s, us] = parseClock(body, whole);
      offsetUs =
        sign *
        (BigInt(h) * 3_600_000_000n +
          BigInt(m) * 60_000_000n +
          BigInt(s) * US_PER_SECOND +
          BigInt(us));
      if (offsetUs <= -US_PER_DAY || offsetUs >= US_PER_DAY) throw invalidIso(whole);
    }
  }
  if (hour === 24 && minute === 0 && second === 0 && microsecond === 0) {
    throw invalidIso(whole); // 3.11 rejects 24:00 (3.12+ accepts it)
  }
  checkTime(hour, minute, second, microsecond);
  return { hour, minute, second, microsecond, offsetUs };
}

/** Splits `datetime.fromisoformat` input into its date and time parts (3.11 rules). */
export function parseIsoDateTime(text: string): [[number, number, number], ParsedTime | null] {
  if (text.length < 7) throw invalidIso(text);
  // The date part is 7, 8 or 10 characters long depending on its format.
  let dateLen: number;
  if (text[4] === '-') {
    dateLen = text[5] === 'W' ? (text[8] === '-' ? 10 : 8) : 10;
  } else if (text[4] === 'W') {
    dateLen = text.length > 7 && isDigits(text[7] ?? '') ? 8 : 7;
  } else {
    dateLen = 8;
  }
  const datePart = text.slice(0, dateLen);
  const ymd = parseIsoDate(datePart, text);
  if (text.length === dateLen) return [ymd, null];
  // The separator may be any single character.
  const timePart = text.slice(dateLen + 1);
  if (timePart.length === 0) throw invalidIso(text);
  return [ymd, parseIsoTime(timePart, text)];
}

// ---------------------------------------------------------------------------------------------
// strptime

export interface ParsedStrptime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  offsetUs: bigint | null;
  tzname: string | null;
  weekday: number | null;
  yday: number | null;
}

const ABBR_DAYS = DAY_NAMES.map((n) => n.slice(0, 3));
const ABBR_MONTHS = MONTH_NAMES.map((n) => n.slice(0, 3));

function alternatives(names: readonly string[]): string {
  return [...names]
    .filter((n) => n !== '')
    .sort((a, b) => b.length - a.length)
    .map((n) => n.toLowerCase())
    .join('|');
}

const DIRECTIVES: Readonly<Record<string, string>> = {
  d: '(?<d>3[01]|[12]\\d|0[1-9]|[1-9]| [1-9])',
  f: '(?<f>[0-9]{1,6})',
  H: '(?<H>2[0-3]|[0-1]\\d|\\d)',
  I: '(?<I>1[0-2]|0[1-9]|[1-9])',
  G: '(?<G>\\d\\d\\d\\d)',
  j: '(?<j>36[0-6]|3[0-5]\\d|[12]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9])',
  m: '(?<m>1[0-2]|0[1-9]|[1-9])',
  M: '(?<M>[0-5]\\d|\\d)',
  S: '(?<S>6[0-1]|[0-5]\\d|\\d)',
  U: '(?<U>5[0-3]|[0-4]\\d|\\d)',
  W: '(?<W>5[0-3]|[0-4]\\d|\\d)',
  w: '(?<w>[0-6])',
  u: '(?<u>[1-7])',
  V: '(?<V>5[0-3]|0[1-9]|[1-4]\\d|\\d)',
  y: '(?<y>\\d\\d)',
  Y: '(?<Y>\\d\\d\\d\\d)',
  z: '(?<z>[+-]\\d\\d:?[0-5]\\d(?::?[0-5]\\d(?:\\.\\d{1,6})?)?|[Zz])',
  a: `(?<a>${alternatives(ABBR_DAYS)})`,
  A: `(?<A>${alternatives(DAY_NAMES)})`,
  b: `(?<b>${alternatives(ABBR_MONTHS)})`,
  B: `(?<B>${alternatives(MONTH_NAMES)})`,
  p: '(?<p>am|pm)',
  Z: '(?<Z>utc|gmt)',
  '%': '%',
};
const COMPOSITE: Readonly<Record<string, string>> = {
  c: '%a %b %d %H:%M:%S %Y',
  x: '%m/%d/%y',
  X: '%H:%M:%S',
};

function compileStrptime(format: string): RegExp {
  let source = '';
  const seen = new Set<string>();
  const expand = (fmt: string): void => {
    for (let i = 0; i < fmt.length; i++) {
      const ch = fmt[i] ?? '';
      if (ch === '%') {
        const d = fmt[i + 1];
        if (d === undefined) {
          throw new CalendarError('ValueError', `stray % in format ${pyQuote(format)}`);
        }
        i++;
        const composite = COMPOSITE[d];
        if (composite !== undefined) {
          expand(composite);
          continue;
        }
        const pattern = DIRECTIVES[d];
        if (pattern === undefined) {
          throw new CalendarError(
            'ValueError',
            `${pyQuote(d)} is a bad directive in format ${pyQuote(format)}`,
          );
        }
        if (d !== '%' && seen.has(d)) {
          // CPython turns repeats into backreferences.
          source += `\\k<${d}>`;
          continue;
        }
        seen.add(d);
        source += pattern;
      } else if (/\s/.test(ch)) {
        source += '\\s+';
        while (/\s/.test(fmt[i + 1] ?? '')) i++;
      } else {
        source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
    }
  };
  expand(format);
  return new RegExp(`^(?:${source})`, 'iu');
}

/** `datetime.strptime`'s parser: C locale, CPython's `_strptime` directive set. */
export function strptime(text: string, format: string): ParsedStrptime {
  const re = compileStrptime(format);
  const m = re.exec(text);
  if (!m) {
    throw new CalendarError(
      'ValueError',
      `time data ${pyQuote(text)} does not match format ${pyQuote(format)}`,
    );
  }
  if (m[0].length !== text.length) {
    throw new CalendarError('ValueError', `unconverted data remains: ${text.slice(m[0].length)}`);
  }
  const g = m.groups ?? {};
  const has = (k: string): boolean => g[k] !== undefined;
  const int = (k: string): number => Number(g[k]);
  let year = 1900;
  let month = 1;
  let day = 1;
  let hour = 0;
  let yday: number | null = null;
  let weekday: number | null = null;
  let offsetUs: bigint | null = null;
  let tzname: string | null = null;
  if (has('y')) {
    const y = int('y');
    year = y <= 68 ? 2000 + y : 1900 + y;
  }
  if (has('Y')) year = int('Y');
  if (has('m')) month = int('m');
  if (has('B')) month = MONTH_NAMES.findIndex((n) => n.toLowerCase() === g.B?.toLowerCase());
  if (has('b')) month = ABBR_MONTHS.findIndex((n) => n.toLowerCase() === g.b?.toLowerCase());
  if (has('d')) day = int('d');
  if (has('H')) hour = int('H');
  if (has('I')) {
    hour = int('I');
    const ampm = g.p?.toLowerCase() ?? '';
    if (ampm === 'pm') {
      if (hour !== 12) hour += 12;
    } else if (ampm === 'am' && hour === 12) {
      hour = 0;
    }
  }
  const minute = has('M') ? int('M') : 0;
  let second = has('S') ? int('S') : 0;
  if (second > 59) second = 59; // leap seconds: CPython clamps only via datetime; keep valid
  const microsecond = has('f') ? Number((g.f ?? '').padEnd(6, '0')) : 0;
  if (has('A')) weekday = DAY_NAMES.findIndex((n) => n.toLowerCase() === g.A?.toLowerCase());
  if (has('a')) weekday = ABBR_DAYS.findIndex((n) => n.toLowerCase() === g.a?.toLowerCase());
  if (has('w')) weekday = (int('w') + 6) % 7;
  if (has('u')) weekday = int('u') - 1;
  if (has('j')) yday = int('j');
  if (has('Z')) tzname = g.Z ?? null;
  if (has('z')) {
    const z = g.z ?? '';
    if (z === 'Z' || z === 'z') {
      offsetUs = 0n;
    } else {
      const sign = z[0] === '-' ? -1n : 1n;
      const body = z.slice(1).replace(/:/g, '');
      const hh = BigInt(body.slice(0, 2));
      const mm = BigInt(body.slice(2, 4));
      const ss = BigInt(body.slice(4, 6) || '0');
      const frac = body.slice(7);
      const us = BigInt(frac.padEnd(6, '0') || '0');
      offsetUs = sign * (hh * 3_600_000_000n + mm * 60_000_000n + ss * US_PER_SECOND + us);
    }
  }
  if (yday === null && weekday !== null && (has('U') || has('W')) && (has('Y') || has('y'))) {
    const weekStartsMonday = has('W');
    const week = weekStartsMonday ? int('W') : int('U');
    const firstWeekday = weekdayOfOrdinal(ymdToOrdinal(year, 1, 1));
    const weekdayFromStart = weekStartsMonday ? weekday : (weekday + 1) % 7;
    const firstFromStart = weekStartsMonday ? firstWeekday : (firstWeekday + 1) % 7;
    const weekZeroLength = (7 - firstFromStart) % 7;
    yday =
      week === 0
        ? 1 + weekdayFromStart - firstFromStart
        : weekZeroLength + 7 * (week - 1) + 1 + weekdayFromStart;
  }
  if (yday !== null) {
    const [y, m2, d] = ordinalToYmd(ymdToOrdinal(year, 1, 1) + yday - 1);
    year = y;
    month = m2;
    day = d;
  } else if (has('G') && has('V') && weekday !== null) {
    const [y, m2, d] = ordinalToYmd(isoToOrdinal(int('G'), int('V'), weekday + 1));
    year = y;
    month = m2;
    day = d;
  }
  return { year, month, day, hour, minute, second, microsecond, offsetUs, tzname, weekday, yday };
}
