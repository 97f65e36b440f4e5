import { describe, expect, it } from 'vitest';
import {
  PyException,
  evaluate,
  execute,
  importModule,
  pyRepr,
  type HostHooks,
  type PyValue,
} from '@spiff-ts/python';

// Expected values are CPython 3.11's repr() of the same expressions.
const IMPORTS = 'import datetime, decimal, json, re, math, time, random\n';

function run(expression: string): string {
  const context = new Map<string, PyValue>();
  execute(`${IMPORTS}result = ${expression}`, context);
  return pyRepr(context.get('result') ?? null);
}

describe('stdlib modules from Python code', () => {
  it.each([
    [
      'datetime.datetime(2024, 1, 31, 10, 30) + datetime.timedelta(days=1)',
      'datetime.datetime(2024, 2, 1, 10, 30)',
    ],
    [
      'datetime.date(2024, 12, 30).isocalendar()',
      'datetime.IsoCalendarDate(year=2025, week=1, weekday=1)',
    ],
    ['datetime.datetime(2024, 1, 1).timetuple()[:3]', '(2024, 1, 1)'],
    [
      'str(datetime.datetime(2024, 3, 1, 8, 15, 30, 250000) - datetime.datetime(2024, 1, 31, 10, 30))',
      "'29 days, 21:45:30.250000'",
    ],
    [
      'divmod(datetime.timedelta(hours=25), datetime.timedelta(days=1))',
      '(1, datetime.timedelta(seconds=3600))',
    ],
    ['divmod(decimal.Decimal("7.5"), 2)', "(Decimal('3'), Decimal('1.5'))"],
    ['decimal.Decimal(4) ** decimal.Decimal("0.5")', "Decimal('2.000000000000000000000000000')"],
    ['decimal.Decimal(2).ln()', "Decimal('0.6931471805599453094172321215')"],
    ['round(decimal.Decimal("1.005"), 2)', "Decimal('1.00')"],
    ['f"{decimal.Decimal(\'1234.5\'):,.2f}"', "'1,234.50'"],
    [
      'json.dumps({"b": [1, 2.5, None], "a": "é"}, sort_keys=True, indent=2)',
      `'{\\n  "a": "\\\\u00e9",\\n  "b": [\\n    1,\\n    2.5,\\n    null\\n  ]\\n}'`,
    ],
    ['json.loads(\'{"a": [1, 2.0, null, true]}\')', "{'a': [1, 2.0, None, True]}"],
    ['re.sub(r"(?P<w>\\w+)@(\\w+)", r"\\2 at \\g<w>", "me@home")', "'home at me'"],
    ['re.findall(r"(\\w)=(\\d)", "a=1, b=2")', "[('a', '1'), ('b', '2')]"],
    ['re.split(r"(,)\\s*", "a, b,c")', "['a', ',', 'b', ',', 'c']"],
    ['re.search(r"\\ba++b", "xaab") is None', 'True'],
    ['math.fsum([0.1] * 10)', '1.0'],
    ['math.factorial(25)', '15511210043330985984000000'],
    [
      'time.gmtime(86400)',
      'time.struct_time(tm_year=1970, tm_mon=1, tm_mday=2, tm_hour=0, tm_min=0, tm_sec=0, tm_wday=4, tm_yday=2, tm_isdst=0)',
    ],
    ['time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(1700000000))', "'2023-11-14 22:13:20'"],
  ])('%s', (expression, repr) => {
    expect(run(expression)).toBe(repr);
  });

  it('exposes exception attributes', () => {
    const context = new Map<string, PyValue>();
    execute(
      `${IMPORTS}try:\n    json.loads("[1,")\nexcept json.JSONDecodeError as e:\n    where = (e.msg, e.pos, e.lineno, e.colno)\ntry:\n    re.compile("(")\nexcept re.error as e:\n    pos = e.pos`,
      context,
    );
    expect(pyRepr(context.get('where') ?? null)).toBe("('Expecting value', 3, 1, 4)");
    expect(context.get('pos')).toBe(0n);
  });

  it('lets scripts change the decimal context', () => {
    const context = new Map<string, PyValue>();
    execute(
      'import decimal\ndecimal.getcontext().prec = 6\nx = str(decimal.Decimal(1) / decimal.Decimal(7))',
      context,
    );
    expect(context.get('x')).toBe('0.142857');
  });

  it('reads the host clock', () => {
    const host: HostHooks = { now: () => 1_704_164_645_500, random: () => 0.5 };
    expect(evaluate('datetime.now().isoformat()', {}, { host, globals: moduleGlobals(host) })).toBe(
      '2024-01-02T03:04:05.500000',
    );
  });

  it('seeds random.Random instances and samples ranges lazily', () => {
    const context = new Map<string, PyValue>();
    execute(
      'import random\na = random.Random(7)\nb = random.Random(7)\nsame = [a.random() for _ in range(3)] == [b.random() for _ in range(3)]\nbig = random.choice(range(10**15)) < 10**15\nn = len(set(random.sample(range(10**15), 20)))',
      context,
    );
    expect(context.get('same')).toBe(true);
    expect(context.get('big')).toBe(true);
    expect(context.get('n')).toBe(20n);
  });

  it('raises the decimal signals', () => {
    expect(() => run('decimal.Decimal(1) / 0')).toThrow(PyException);
    try {
      run('decimal.Decimal(1) / 0');
    } catch (e) {
      expect((e as PyException).pyType).toBe('DivisionByZero');
    }
  });
});

function moduleGlobals(host: HostHooks): Record<string, PyValue> {
  // SpiffArena binds `datetime` to the class datetime.datetime
  return { datetime: importModule('datetime', host).attrs.get('datetime') ?? null };
}
