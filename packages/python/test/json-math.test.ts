import { describe, expect, it } from 'vitest';
import {
  PyDict,
  PyException,
  PyList,
  PySet,
  PyTuple,
  builtin,
  callValue,
  type PyValue,
} from '../src/values.js';
import { attr, call, mod, pyRepr } from './stdlib-helpers.js';

const json = mod('json');
const math = mod('math');
const time = mod('time');
const random = mod('random');

function pyError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof PyException) return `${e.pyType}: ${e.pyMessage}`;
    throw e;
  }
  return 'no error';
}

const dict = (...pairs: [PyValue, PyValue][]): PyDict => {
  const d = new PyDict();
  for (const [k, v] of pairs) d.set(k, v);
  return d;
};

describe('json', () => {
  it.each<[string, PyValue, Record<string, PyValue> | undefined, string]>([
    [
      'dict',
      dict(['a', 1n], ['b', new PyList([1n, 2.5, null, true])]),
      undefined,
      '{"a": 1, "b": [1, 2.5, null, true]}',
    ],
    ['int key', dict([1n, 'a']), undefined, '{"1": "a"}'],
    ['sort_keys', dict(['b', 1n], ['a', 2n]), { sort_keys: true }, '{"a": 2, "b": 1}'],
    ['ascii', dict(['a', 'é']), undefined, '{"a": "\\u00e9"}'],
    ['non-ascii', dict(['a', 'é']), { ensure_ascii: false }, '{"a": "é"}'],
    ['nan', NaN, undefined, 'NaN'],
    ['tuple', new PyTuple([1n, 2n]), undefined, '[1, 2]'],
    ['newline', 'x\ny', undefined, '"x\\ny"'],
    ['indent', dict(['a', new PyList([1n])]), { indent: 2n }, '{\n  "a": [\n    1\n  ]\n}'],
    [
      'separators',
      dict(['a', 1n], ['b', 2n]),
      { separators: new PyTuple([',', ':']) },
      '{"a":1,"b":2}',
    ],
    ['float', 1e16, undefined, '1e+16'],
  ])('dumps %s', (_name, value, kwargs, text) => {
    expect(call(json, 'dumps', [value], kwargs)).toBe(text);
  });

  it('uses default for unknown objects', () => {
    const d = builtin('d', () => 'X');
    expect(call(json, 'dumps', [new PySet([])], { default: d })).toBe('"X"');
    expect(pyError(() => call(json, 'dumps', [new PySet([])]))).toBe(
      'TypeError: Object of type set is not JSON serializable',
    );
  });

  it.each<[string, string]>([
    ['[]', '[]'],
    ['{"a": [1, 2.0, null, true]}', "{'a': [1, 2.0, None, True]}"],
    ['{"a": 1, "a": 2}', "{'a': 2}"],
    ['"\\u00e9"', "'é'"],
    ['1e3', '1000.0'],
    [' -0 ', '0'],
    ['NaN', 'nan'],
  ])('loads %s', (text, repr) => {
    expect(pyRepr(call(json, 'loads', [text]))).toBe(repr);
  });

  it.each([
    ['{bad', 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'],
    ['', 'Expecting value: line 1 column 1 (char 0)'],
    ['[1,]', 'Expecting value: line 1 column 4 (char 3)'],
    ['{"a" 1}', "Expecting ':' delimiter: line 1 column 6 (char 5)"],
    ['[1 2]', "Expecting ',' delimiter: line 1 column 4 (char 3)"],
    ['1 2', 'Extra data: line 1 column 3 (char 2)'],
    ['"abc', 'Unterminated string starting at: line 1 column 1 (char 0)'],
    ['\n\n  x', 'Expecting value: line 3 column 3 (char 4)'],
  ])('loads(%j) fails', (text, message) => {
    expect(pyError(() => call(json, 'loads', [text]))).toBe(`JSONDecodeError: ${message}`);
  });

  it('JSONDecodeError is a ValueError', () => {
    try {
      call(json, 'loads', ['x']);
    } catch (e) {
      expect((e as PyException).isInstance('ValueError')).toBe(true);
    }
  });
});

describe('math', () => {
  it.each<[string, PyValue[], PyValue]>([
    ['ceil', [5n], 5n],
    ['ceil', [-2.1], -2n],
    ['floor', [2.7], 2n],
    ['floor', [-2.7], -3n],
    ['log', [100n, 10n], 2],
    ['log', [Math.E], 1],
    ['sqrt', [2n], 1.4142135623730951],
    ['sqrt', [16n], 4],
    ['exp', [0n], 1],
    ['pow', [2n, 10n], 1024],
    ['fabs', [-3n], 3],
    ['gcd', [12n, 18n], 6n],
    ['comb', [5n, 2n], 10n],
    ['perm', [5n, 2n], 20n],
    ['hypot', [3n, 4n], 5],
    ['copysign', [1n, -0.0], -1],
    ['isinf', [Infinity], true],
    ['isclose', [0.1 + 0.2, 0.3], true],
    ['factorial', [25n], 15511210043330985984000000n],
    ['trunc', [-2.5], -2n],
    ['isqrt', [17n], 4n],
    ['fsum', [new PyList(Array<PyValue>(10).fill(0.1))], 1],
    ['prod', [new PyList([2n, 3n, 4n])], 24n],
  ])('%s(%s)', (name, args, expected) => {
    expect(call(math, name, args)).toEqual(expected);
  });

  it.each<[string, PyValue[], string]>([
    ['sqrt', [-1n], 'ValueError: math domain error'],
    ['log', [0n], 'ValueError: math domain error'],
    ['exp', [1000n], 'OverflowError: math range error'],
    ['factorial', [-1n], 'ValueError: factorial() not defined for negative values'],
    ['floor', [Infinity], 'OverflowError: cannot convert float infinity to integer'],
    ['sqrt', ['x'], 'TypeError: must be real number, not str'],
  ])('%s(%s) raises', (name, args, message) => {
    expect(pyError(() => call(math, name, args))).toBe(message);
  });

  it('has constants', () => {
    expect(attr(math, 'pi')).toBe(Math.PI);
    expect(attr(math, 'inf')).toBe(Infinity);
  });
});

describe('time and random', () => {
  it('reads the host clock', () => {
    expect(call(time, 'time')).toBe(1_704_164_645.5);
    expect(typeof call(time, 'time_ns')).toBe('bigint');
    expect(attr(call(time, 'gmtime', [86400n]), 'tm_mday')).toBe(2n);
    expect(call(time, 'strftime', ['%Y', call(time, 'gmtime', [0n])])).toBe('1970');
    expect(pyRepr(call(time, 'gmtime', [0n]))).toBe(
      'time.struct_time(tm_year=1970, tm_mon=1, tm_mday=1, tm_hour=0, tm_min=0, tm_sec=0, tm_wday=3, tm_yday=1, tm_isdst=0)',
    );
    expect(call(time, 'sleep', [1n])).toBe(null);
  });

  it('draws from the host source', () => {
    for (let i = 0; i < 50; i++) {
      const r = call(random, 'randint', [1n, 6n]) as bigint;
      expect(r >= 1n && r <= 6n).toBe(true);
      const f = call(random, 'random') as number;
      expect(f >= 0 && f < 1).toBe(true);
    }
    expect(call(random, 'choice', [new PyList([7n])])).toBe(7n);
    expect(pyError(() => call(random, 'choice', [new PyList([])]))).toBe(
      'IndexError: Cannot choose from an empty sequence',
    );
  });

  it('is deterministic after seed()', () => {
    const a = mod('random');
    const b = mod('random');
    call(a, 'seed', [42n]);
    call(b, 'seed', [42n]);
    const draw = (m: PyValue): PyValue[] => [0, 1, 2].map(() => call(m, 'random'));
    expect(draw(a)).toEqual(draw(b));
    const list = new PyList([1n, 2n, 3n, 4n, 5n]);
    call(a, 'shuffle', [list]);
    expect([...list.items].sort()).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect((call(a, 'sample', [new PyList([1n, 2n, 3n]), 2n]) as PyList).items).toHaveLength(2);
  });

  it('builds time.struct_time from tuples', () => {
    const st = callValue(attr(time, 'struct_time'), [
      new PyTuple([2024n, 1n, 2n, 3n, 4n, 5n, 1n, 2n, 0n]),
    ]);
    expect(call(time, 'strftime', ['%Y-%m-%d %H:%M:%S', st])).toBe('2024-01-02 03:04:05');
  });
});
