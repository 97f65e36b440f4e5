import { describe, expect, it } from 'vitest';
import {
  PyDict,
  PySet,
  PyTuple,
  evaluate,
  fromPython,
  pyRepr,
  toPython,
  type JsonLike,
} from '../src/index.js';

describe('toPython / fromPython', () => {
  it.each<[string, JsonLike, string]>([
    ['null', null, 'None'],
    ['integral number', 3, '3'],
    ['fractional number', 2.5, '2.5'],
    ['bigint', 12345678901234567890n, '12345678901234567890'],
    ['string', 'é', "'é'"],
    ['array', [1, 'a', null], "[1, 'a', None]"],
    ['object', { b: 1, a: [true] }, "{'b': 1, 'a': [True]}"],
    ['tuple', { typename: 'tuple', value: [1, 2] }, '(1, 2)'],
    ['set', { typename: 'set', value: [1] }, '{1}'],
    ['frozenset', { typename: 'frozenset', value: [1] }, 'frozenset({1})'],
    ['float tag', { typename: 'float', value: 'inf' }, 'inf'],
    ['int tag', { typename: 'int', value: '-99999999999999999999' }, '-99999999999999999999'],
    ['dict tag', { typename: 'dict', value: [[1, 'a']] }, "{1: 'a'}"],
    [
      'datetime',
      { typename: 'datetime', value: '2024-01-31T10:30:00' },
      'datetime.datetime(2024, 1, 31, 10, 30)',
    ],
    ['date', { typename: 'date', value: '2024-02-29' }, 'datetime.date(2024, 2, 29)'],
    ['Decimal', { typename: 'Decimal', value: '1.10' }, "Decimal('1.10')"],
  ])('%s', (_name, json, repr) => {
    expect(pyRepr(toPython(json))).toBe(repr);
  });

  it.each<[string, string, JsonLike]>([
    ['ints', '[1, 2 ** 60]', [1, { typename: 'int', value: '1152921504606846976' }]],
    ['floats', '[1.5, 2.0, float("nan") != 1]', [1.5, 2, true]],
    [
      'tuples and sets',
      '((1,), {2}, frozenset())',
      {
        typename: 'tuple',
        value: [
          { typename: 'tuple', value: [1] },
          { typename: 'set', value: [2] },
          { typename: 'frozenset', value: [] },
        ],
      },
    ],
    ['dict with int keys', '{1: "a"}', { typename: 'dict', value: [[1, 'a']] }],
    ['dict order', '{"b": 1, "a": 2}', { b: 1, a: 2 }],
    [
      'timedelta',
      '__import__("datetime").timedelta(days=1, seconds=5)',
      { typename: 'timedelta', value: { days: 1, seconds: 5, microseconds: 0 } },
    ],
  ])('%s', (_name, source, json) => {
    expect(fromPython(evaluate(source))).toEqual(json);
  });

  it('round-trips through JSON text', () => {
    const value = new PyDict();
    value.set('t', new PyTuple([1n, 'x']));
    value.set('s', new PySet([3n]));
    const text = JSON.stringify(fromPython(value));
    expect(pyRepr(toPython(JSON.parse(text) as JsonLike))).toBe("{'t': (1, 'x'), 's': {3}}");
  });

  it('keeps __proto__ keys as data', () => {
    const json = JSON.parse('{"__proto__": {"x": 1}}') as JsonLike;
    const d = toPython(json) as PyDict;
    expect(pyRepr(d)).toBe("{'__proto__': {'x': 1}}");
    const back = fromPython(d) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(['__proto__']);
  });

  it('refuses functions and class instances', () => {
    expect(() => fromPython(evaluate('len'))).toThrow(/not JSON serializable/);
    expect(() => toPython(new Date() as never)).toThrow(/cannot convert/);
  });
});
