import { describe, expect, it } from 'vitest';
import { PyException, callValue, pyEquals, type PyValue } from '../src/values.js';
import {
  formatDelta,
  isoCalendar,
  ordinalToYmd,
  parseIsoDateTime,
  strftime,
  strptime,
  ymdToOrdinal,
} from '../src/modules/datetime-core.js';
import { PyDateTime, PyTimedelta } from '../src/modules/datetime.js';
import { attr, call, mod, pyRepr, pyStr, testHost } from './stdlib-helpers.js';

const dt = mod('datetime');
const datetime = attr(dt, 'datetime');
const date = attr(dt, 'date');
const timedelta = attr(dt, 'timedelta');
const timezone = attr(dt, 'timezone');

const D = (...a: number[]): PyValue => callValue(datetime, a.map(BigInt));
const TD = (kw: Record<string, number>): PyValue =>
  callValue(
    timedelta,
    [],
    new Map(Object.entries(kw).map(([k, v]) => [k, Number.isInteger(v) ? BigInt(v) : v])),
  );

function pyError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof PyException) return `${e.pyType}: ${e.pyMessage}`;
    throw e;
  }
  return 'no error';
}

describe('calendar core', () => {
  it.each([
    [1, 1, 1, 1],
    [2024, 2, 28, 738944],
    [1970, 1, 1, 719163],
    [9999, 12, 31, 3652059],
  ])('ordinal of %i-%i-%i is %i', (y, m, d, n) => {
    expect(ymdToOrdinal(y, m, d)).toBe(n);
    expect(ordinalToYmd(n)).toEqual([y, m, d]);
  });

  it('round-trips every day of 2000..2004', () => {
    for (let n = ymdToOrdinal(2000, 1, 1); n < ymdToOrdinal(2005, 1, 1); n++) {
      expect(ymdToOrdinal(...ordinalToYmd(n))).toBe(n);
    }
  });

  it.each([
    [2004, 1, 1, [2004, 1, 4]],
    [2024, 3, 1, [2024, 9, 5]],
    [2021, 1, 1, [2020, 53, 5]],
  ])('isocalendar(%i-%i-%i)', (y, m, d, expected) => {
    expect(isoCalendar(y, m, d)).toEqual(expected);
  });

  it.each([
    [93784000000n, '1 day, 2:03:04'],
    [-86400000000n + 3600000000n, '-1 day, 1:00:00'],
    [1500n, '0:00:00.001500'],
    [172800000000n, '2 days, 0:00:00'],
  ])('str(timedelta(microseconds=%s))', (us, text) => {
    expect(formatDelta(us)).toBe(text);
  });

  const fields = {
    year: 2024,
    month: 3,
    day: 1,
    hour: 8,
    minute: 15,
    second: 30,
    microsecond: 250000,
    offsetUs: null,
    tzname: null,
  };
  it.each([
    ['%Y-%m-%d %H:%M:%S.%f', '2024-03-01 08:15:30.250000'],
    ['%j %U %W', '061 08 09'],
    ['%a %A %b %B', 'Fri Friday Mar March'],
    ['%I:%M %p', '08:15 AM'],
    ['%y %%', '24 %'],
    ['%c', 'Fri Mar  1 08:15:30 2024'],
    ['%x %X', '03/01/24 08:15:30'],
    ['%-d/%-m', '1/3'],
    ['%z%Z', ''],
  ])('strftime(%s)', (format, text) => {
    expect(strftime(format, fields)).toBe(text);
  });

  it('parses strptime formats', () => {
    expect(strptime('31/12/2023 23:59', '%d/%m/%Y %H:%M')).toMatchObject({
      year: 2023,
      month: 12,
      day: 31,
      hour: 23,
      minute: 59,
    });
    expect(strptime('Mar 5 2024 1:02 PM', '%b %d %Y %I:%M %p')).toMatchObject({
      month: 3,
      day: 5,
      hour: 13,
      minute: 2,
    });
    expect(strptime('2024-01-01T10:00:00+0530', '%Y-%m-%dT%H:%M:%S%z').offsetUs).toBe(
      19_800_000_000n,
    );
  });

  it('parses 3.11 isoformat variants', () => {
    expect(parseIsoDateTime('2024-05-06')).toEqual([[2024, 5, 6], null]);
    expect(parseIsoDateTime('20240506T070809')[1]).toMatchObject({ hour: 7, minute: 8, second: 9 });
    expect(parseIsoDateTime('2024-05-06 07:08:09.5+02:00')[1]).toMatchObject({
      microsecond: 500000,
      offsetUs: 7_200_000_000n,
    });
    expect(parseIsoDateTime('2024-W01-1')[0]).toEqual([2024, 1, 1]);
  });
});

describe('datetime module', () => {
  it.each<[string, () => PyValue, string]>([
    ['datetime repr', () => D(2024, 1, 31, 10, 30), 'datetime.datetime(2024, 1, 31, 10, 30)'],
    ['midnight repr', () => D(2024, 1, 1), 'datetime.datetime(2024, 1, 1, 0, 0)'],
    ['date repr', () => callValue(date, [2024n, 2n, 28n]), 'datetime.date(2024, 2, 28)'],
    ['timedelta repr', () => TD({ days: 1, hours: 1 }), 'datetime.timedelta(days=1, seconds=3600)'],
    ['zero timedelta', () => TD({}), 'datetime.timedelta(0)'],
    [
      'negative timedelta',
      () => TD({ days: 1, hours: -25 }),
      'datetime.timedelta(days=-1, seconds=82800)',
    ],
    ['utc', () => attr(timezone, 'utc'), 'datetime.timezone.utc'],
    [
      'fixed offset',
      () => callValue(timezone, [TD({ hours: 2 })]),
      'datetime.timezone(datetime.timedelta(seconds=7200))',
    ],
    [
      'aware datetime',
      () => callValue(datetime, [2024n, 1n, 1n], new Map([['tzinfo', attr(timezone, 'utc')]])),
      'datetime.datetime(2024, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)',
    ],
  ])('%s', (_name, make, repr) => {
    expect(pyRepr(make())).toBe(repr);
  });

  it('normalises float components exactly', () => {
    expect(pyStr(TD({ hours: 1.5 }))).toBe('1:30:00');
    expect((TD({ seconds: 0.05 }) as PyTimedelta).us).toBe(50000n);
    expect(pyError(() => TD({ days: 1e9 }))).toBe(
      'OverflowError: days=1000000000; must have magnitude <= 999999999',
    );
  });

  it('does arithmetic', () => {
    const d1 = D(2024, 1, 31, 10, 30);
    const d2 = callValue(datetime, [2024n, 3n, 1n, 8n, 15n, 30n, 250000n]);
    const diff = (d2 as PyDateTime).binaryOp('-', d1, false) as PyTimedelta;
    expect(diff.fields).toEqual({ days: 29, seconds: 78330, microseconds: 250000 });
    expect(call(diff, 'total_seconds')).toBe(2583930.25);
    const td = TD({ days: 1, seconds: 7384 });
    expect((td as PyTimedelta).binaryOp('/', TD({ hours: 1 }), false)).toBe(26.051111111111112);
    expect((td as PyTimedelta).binaryOp('//', TD({ hours: 1 }), false)).toBe(26n);
    expect(pyRepr((td as PyTimedelta).binaryOp('*', 1.5, false) ?? null)).toBe(
      'datetime.timedelta(days=1, seconds=54276)',
    );
    expect(pyStr((td as PyTimedelta).unaryOp('-') ?? null)).toBe('-2 days, 21:56:56');
    expect(pyError(() => (td as PyTimedelta).binaryOp('/', 0n, false))).toBe(
      'ZeroDivisionError: integer division or modulo by zero',
    );
  });

  it('raises CPython errors', () => {
    expect(pyError(() => D(2023, 2, 29))).toBe('ValueError: day is out of range for month');
    expect(pyError(() => D(2024, 13, 1))).toBe('ValueError: month must be in 1..12');
    const aware = callValue(
      datetime,
      [2024n, 1n, 1n],
      new Map([['tzinfo', attr(timezone, 'utc')]]),
    );
    expect(pyError(() => (aware as PyDateTime).compare('<', D(2024, 1, 2)))).toBe(
      "TypeError: can't compare offset-naive and offset-aware datetimes",
    );
    expect(pyEquals(aware, D(2024, 1, 1))).toBe(false);
  });

  it('parses and formats', () => {
    expect(pyRepr(call(datetime, 'strptime', ['2024-02-29', '%Y-%m-%d']))).toBe(
      'datetime.datetime(2024, 2, 29, 0, 0)',
    );
    expect(pyError(() => call(datetime, 'strptime', ['2023-02-29', '%Y-%m-%d']))).toBe(
      'ValueError: day is out of range for month',
    );
    expect(pyStr(call(datetime, 'fromisoformat', ['2024-05-06T07:08:09Z']))).toBe(
      '2024-05-06 07:08:09+00:00',
    );
    expect(call(D(2024, 1, 31, 10, 30), 'ctime')).toBe('Wed Jan 31 10:30:00 2024');
    expect(call(D(2024, 2, 3, 4, 5, 6), 'timestamp')).toBe(1706933106);
    expect(pyStr(call(datetime, 'fromtimestamp', [0n, attr(timezone, 'utc')]))).toBe(
      '1970-01-01 00:00:00+00:00',
    );
  });

  it('reads the host clock', () => {
    expect(pyStr(call(datetime, 'now'))).toBe('2024-01-02 03:04:05.500000');
    expect(pyStr(call(date, 'today'))).toBe('2024-01-02');
    const local = attr(mod('datetime', testHost(60)), 'datetime');
    expect(pyStr(call(local, 'now'))).toBe('2024-01-02 04:04:05.500000');
    expect(pyStr(call(local, 'utcnow'))).toBe('2024-01-02 03:04:05.500000');
  });
});
