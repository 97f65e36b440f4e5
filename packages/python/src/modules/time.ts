/**
 * Python's `time` module on the host clock (`HostHooks.now`): `time()`, `time_ns()`,
 * `monotonic()`, `gmtime`/`localtime`/`mktime`, `strftime`/`strptime`, and a no-op `sleep()`
 * (scripts must not block the engine).
 */
import {
  PyList,
  PyTuple,
  PyType,
  asInt,
  makeModule,
  raise,
  toFloat,
  typeName,
  type HostHooks,
  type PyModule,
  type PyValue,
} from '../values.js';
import {
  DAY_NAMES,
  EPOCH_ORDINAL,
  MONTH_NAMES,
  US_PER_SECOND,
  checkDate,
  floorDivMod,
  ordinalToYmd,
  pad,
  strftime,
  strptime,
  weekdayOfOrdinal,
  ymdToOrdinal,
} from './datetime-core.js';
import { PyNamedTuple, args, calendar, fn, structTime } from './support.js';

/** Broken-down UTC fields of `epochSeconds` (whole seconds), as `gmtime`. */
function breakDown(epochSeconds: bigint, offsetSeconds: number, zone: string): PyNamedTuple {
  const local = epochSeconds + BigInt(offsetSeconds);
  const [days, secs] = floorDivMod(local, 86_400n);
  const ordinal = Number(days) + EPOCH_ORDINAL;
  if (ordinal < 1 || ordinal > 3_652_059)
    raise('OverflowError', 'timestamp out of range for platform time_t');
  const [y, m, d] = ordinalToYmd(ordinal);
  const s = Number(secs);
  return structTime(
    [
      y,
      m,
      d,
      Math.floor(s / 3600),
      Math.floor((s % 3600) / 60),
      s % 60,
      weekdayOfOrdinal(ordinal),
      ordinal - ymdToOrdinal(y, 1, 1) + 1,
      0,
    ],
    zone,
    offsetSeconds,
  );
}

/** Reads a struct_time or 9-tuple into numbers. */
function tupleFields(v: PyValue): number[] {
  const items = v instanceof PyTuple || v instanceof PyList ? v.items : null;
  if (items?.length !== 9) {
    return raise('TypeError', 'Tuple or struct_time argument required');
  }
  return items.map((x) => {
    const i = asInt(x);
    if (i === undefined)
      return raise('TypeError', `'${typeName(x)}' object cannot be interpreted as an integer`);
    return Number(i);
  });
}

/** The `time` module for one host. */
export function createTimeModule(host: HostHooks): PyModule {
  const nowSeconds = (): number => host.now() / 1000;
  const offsetSeconds = (epochMs: number): number =>
    Math.round((host.timezoneOffset?.(epochMs) ?? 0) * 60);
  const secondsArg = (v: PyValue | undefined): bigint => {
    if (v === undefined || v === null) return BigInt(Math.floor(nowSeconds()));
    const i = asInt(v);
    if (i !== undefined) return i;
    const f = toFloat(v);
    if (!Number.isFinite(f))
      raise(
        Number.isNaN(f) ? 'ValueError' : 'OverflowError',
        Number.isNaN(f)
          ? 'Invalid value NaN (not a number)'
          : 'timestamp out of range for platform time_t',
      );
    return BigInt(Math.floor(f));
  };
  const localtime = (secs: bigint): PyNamedTuple => {
    const off = offsetSeconds(Number(secs) * 1000);
    return breakDown(
      secs,
      off,
      off === 0
        ? 'UTC'
        : `UTC${off < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(off) / 3600), 2)}${pad(Math.floor((Math.abs(off) % 3600) / 60), 2)}`,
    );
  };
  const formatWith = (
    format: string,
    t: number[],
    zone: string | null,
    gmtoff: number | null,
  ): string => {
    const [year = 1900, month = 1, day = 1, hour = 0, minute = 0, second = 0] = t;
    if (month < 1 || month > 12) raise('ValueError', 'month out of range');
    if (day < 1 || day > 31) raise('ValueError', 'day of month out of range');
    return strftime(format, {
      year,
      month,
      day: Math.min(day, 28) === day ? day : day,
      hour,
      minute,
      second: Math.min(second, 61),
      microsecond: 0,
      offsetUs: gmtoff === null ? null : BigInt(gmtoff) * US_PER_SECOND,
      tzname: zone,
    });
  };
  const structTimeType = new PyType('struct_time', {
    module: 'time',
    call: (a) => {
      const f = tupleFields(a[0] ?? null);
      return structTime(f as unknown as Parameters<typeof structTime>[0]);
    },
    isInstance: (v) => v instanceof PyNamedTuple && v.reprName === 'time.struct_time',
  });
  const zoneName = offsetSeconds(host.now()) === 0 ? 'UTC' : 'LOCAL';
  return makeModule('time', {
    time: fn('time', () => nowSeconds()),
    time_ns: fn('time_ns', () => BigInt(Math.round(host.now() * 1e6))),
    monotonic: fn('monotonic', () => nowSeconds()),
    monotonic_ns: fn('monotonic_ns', () => BigInt(Math.round(host.now() * 1e6))),
    perf_counter: fn('perf_counter', () => nowSeconds()),
    perf_counter_ns: fn('perf_counter_ns', () => BigInt(Math.round(host.now() * 1e6))),
    process_time: fn('process_time', () => 0),
    sleep: fn('sleep', (a) => {
      const secs = toFloat(a[0] ?? null);
      if (secs < 0) raise('ValueError', 'sleep length must be non-negative');
      return null; // never blocks: the engine is synchronous
    }),
    gmtime: fn('gmtime', (a) => breakDown(secondsArg(a[0]), 0, 'GMT')),
    localtime: fn('localtime', (a) => localtime(secondsArg(a[0]))),
    mktime: fn('mktime', (a) => {
      const [year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0] = tupleFields(
        a[0] ?? null,
      );
      // Normalise out-of-range months like C's mktime.
      const y = year + Math.floor((month - 1) / 12);
      const m = ((((month - 1) % 12) + 12) % 12) + 1;
      const days = ymdToOrdinal(y, m, 1) - EPOCH_ORDINAL + day - 1;
      const local = days * 86400 + hour * 3600 + minute * 60 + second;
      return local - offsetSeconds(local * 1000);
    }),
    strftime: fn('strftime', (a, kw) => {
      const b = args('strftime', a, kw, ['format', 't'], 1);
      const format = b.format;
      if (typeof format !== 'string') {
        return raise(
          'TypeError',
          `strftime() argument 1 must be str, not ${typeName(format ?? null)}`,
        );
      }
      if (b.t === undefined) {
        const lt = localtime(secondsArg(undefined));
        const zone = lt.field('tm_zone');
        const off = lt.field('tm_gmtoff');
        return formatWith(
          format,
          tupleFields(lt),
          typeof zone === 'string' ? zone : null,
          typeof off === 'bigint' ? Number(off) : null,
        );
      }
      const t = b.t;
      const zone = t instanceof PyNamedTuple ? t.field('tm_zone') : null;
      const off = t instanceof PyNamedTuple ? t.field('tm_gmtoff') : null;
      return formatWith(
        format,
        tupleFields(t),
        typeof zone === 'string' ? zone : null,
        typeof off === 'bigint' ? Number(off) : null,
      );
    }),
    strptime: fn('strptime', (a) => {
      const text = a[0];
      const format = a[1] ?? '%a %b %d %H:%M:%S %Y';
      if (typeof text !== 'string' || typeof format !== 'string') {
        return raise(
          'TypeError',
          `strptime() argument 1 must be str, not ${typeName(text ?? null)}`,
        );
      }
      const p = calendar(() => strptime(text, format));
      calendar(() => checkDate(p.year, p.month, p.day));
      const ordinal = ymdToOrdinal(p.year, p.month, p.day);
      return structTime(
        [
          p.year,
          p.month,
          p.day,
          p.hour,
          p.minute,
          p.second,
          weekdayOfOrdinal(ordinal),
          ordinal - ymdToOrdinal(p.year, 1, 1) + 1,
          -1,
        ],
        p.tzname,
        p.offsetUs === null ? null : Number(p.offsetUs / US_PER_SECOND),
      );
    }),
    asctime: fn('asctime', (a) => {
      const t =
        a[0] === undefined ? tupleFields(localtime(secondsArg(undefined))) : tupleFields(a[0]);
      return ctimeText(t);
    }),
    ctime: fn('ctime', (a) => ctimeText(tupleFields(localtime(secondsArg(a[0]))))),
    struct_time: structTimeType,
    timezone: BigInt(-offsetSeconds(host.now())),
    altzone: BigInt(-offsetSeconds(host.now())),
    daylight: 0n,
    tzname: new PyTuple([zoneName, zoneName]),
  });
}

function ctimeText(t: number[]): string {
  const [year = 1900, month = 1, day = 1, hour = 0, minute = 0, second = 0, wday = 0] = t;
  const dayName = (DAY_NAMES[wday] ?? '').slice(0, 3);
  const monthName = (MONTH_NAMES[month] ?? '').slice(0, 3);
  return `${dayName} ${monthName} ${String(day).padStart(2, ' ')} ${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)} ${String(year)}`;
}
