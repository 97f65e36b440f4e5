import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareObservation, compareValues, formatDifference } from '../src/spiff/compare.js';
import { ScenarioFormatError, parseScenario, type Expectation } from '../src/spiff/scenario.js';
import {
  PyDecimal,
  PyFloat,
  PyRepr,
  PySet,
  PyTemporal,
  PyTimedelta,
  PyTuple,
  SpiffJsonError,
  decodeValue,
  encodeValue,
  formatValue,
  parseSpiffJson,
  parseSpiffValue,
  type SpiffValue,
} from '../src/spiff/values.js';

const CORPUS = fileURLToPath(new URL('../../../../shared/conformance/spiff/', import.meta.url));

describe('parseSpiffJson', () => {
  it('keeps ints and floats apart', () => {
    expect(parseSpiffJson('[1, 1.0, -2, 2.5e3, 1E-2, 0]')).toEqual([
      1,
      new PyFloat(1),
      -2,
      new PyFloat(2500),
      new PyFloat(0.01),
      0,
    ]);
  });

  it('reads ints beyond 2^53 as bigint', () => {
    expect(parseSpiffJson('12345678901234567890')).toBe(12345678901234567890n);
  });

  it('reads strings, escapes, literals and nesting', () => {
    expect(parseSpiffJson(' {"a": ["x\\n\\u00e9\\"", true, false, null], "b": {}} ')).toEqual({
      a: ['x\né"', true, false, null],
      b: {},
    });
  });

  it('keeps a "__proto__" key as data', () => {
    const value = parseSpiffJson('{"__proto__": 1}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
  });

  it.each(['', '{', '[1,]', '{"a" 1}', '01', 'NaN', '"\t"', '1 2', "{'a': 1}"])(
    'rejects %j',
    (text) => {
      expect(() => parseSpiffJson(text)).toThrow(SpiffJsonError);
    },
  );

  it('names the line of the problem', () => {
    expect(() => parseSpiffJson('{\n"a":\n}')).toThrow(/line 3/);
  });
});

describe('tagged values', () => {
  it.each<[string, SpiffValue]>([
    ['{"$tuple": [1, "a"]}', new PyTuple([1, 'a'])],
    ['{"$set": [1, 2]}', new PySet([1, 2])],
    [
      '{"$datetime": "2026-01-01T12:00:00+00:00"}',
      new PyTemporal('datetime', '2026-01-01T12:00:00+00:00'),
    ],
    ['{"$date": "2026-01-01"}', new PyTemporal('date', '2026-01-01')],
    ['{"$time": "12:30:00"}', new PyTemporal('time', '12:30:00')],
    ['{"$timedelta": 90.5}', new PyTimedelta(90.5)],
    ['{"$timedelta": 3600}', new PyTimedelta(3600)],
    ['{"$decimal": "1.10"}', new PyDecimal('1.10')],
    ['{"$float": "inf"}', new PyFloat(Infinity)],
    ['{"$float": "-inf"}', new PyFloat(-Infinity)],
    ['{"$repr": "CorrelationProperty"}', new PyRepr('CorrelationProperty')],
  ])('decodes %s', (text, value) => {
    expect(parseSpiffValue(text)).toEqual(value);
  });

  it('decodes nan', () => {
    const value = parseSpiffValue('{"$float": "nan"}');
    expect(value).toBeInstanceOf(PyFloat);
    expect((value as PyFloat).value).toBeNaN();
  });

  it('decodes tags nested in lists and dicts', () => {
    expect(parseSpiffValue('{"a": [{"$tuple": [{"$set": []}]}]}')).toEqual({
      a: [new PyTuple([new PySet([])])],
    });
  });

  it('leaves objects with several keys or unknown tags as dicts', () => {
    expect(parseSpiffValue('{"$tuple": [], "x": 1}')).toEqual({ $tuple: [], x: 1 });
    expect(parseSpiffValue('{"$echo_params": true}')).toEqual({ $echo_params: true });
  });

  it.each([
    '{"$tuple": 1}',
    '{"$decimal": 1}',
    '{"$float": "big"}',
    '{"$timedelta": "1"}',
    '{"$date": null}',
  ])('rejects malformed %s', (text) => {
    expect(() => parseSpiffValue(text)).toThrow(SpiffJsonError);
  });

  it('encodes back to the tagged form', () => {
    const text =
      '{"t": {"$tuple": [1, 2.0]}, "s": {"$set": ["a", "b"]}, "d": {"$datetime": "2026-01-01T00:00:00"}, ' +
      '"td": {"$timedelta": 60}, "dec": {"$decimal": "0.1"}, "f": {"$float": "-inf"}, "r": {"$repr": "X"}, "n": null}';
    const raw = parseSpiffJson(text);
    expect(encodeValue(decodeValue(raw))).toEqual(raw);
    expect(formatValue(decodeValue(raw))).toBe(text);
  });

  it('writes sets sorted and floats with a fraction', () => {
    expect(formatValue(new PySet([3, 1, 2]))).toBe('{"$set": [1, 2, 3]}');
    expect(formatValue([new PyFloat(1), new PyFloat(1.5), new PyFloat(1e21), 7n])).toBe(
      '[1.0, 1.5, 1e+21, 7]',
    );
  });
});

describe('compareValues', () => {
  const same = (expected: string, actual: string) =>
    compareValues(parseSpiffValue(expected), parseSpiffValue(actual), 'v');

  it('accepts an int where a float is expected, not the other way round', () => {
    expect(same('1.0', '1')).toBeUndefined();
    expect(same('1', '1.0')).toEqual({ path: 'v', expected: '1', actual: '1.0' });
    expect(same('1', '1')).toBeUndefined();
    expect(same('{"$float": "nan"}', '{"$float": "nan"}')).toBeUndefined();
  });

  it('does not treat booleans as ints', () => {
    expect(same('1', 'true')).toBeDefined();
    expect(same('false', '0')).toBeDefined();
  });

  it('compares dicts regardless of key order and names extra and missing keys', () => {
    expect(same('{"a": 1, "b": 2}', '{"b": 2, "a": 1}')).toBeUndefined();
    expect(same('{"a": 1}', '{"a": 1, "b": 2}')).toEqual({
      path: 'v.b',
      expected: '(missing)',
      actual: '2',
    });
    expect(same('{"a": {"x y": [1, 2]}}', '{"a": {"x y": [1]}}')).toEqual({
      path: 'v.a["x y"][1]',
      expected: '2',
      actual: '(missing)',
    });
  });

  it('compares lists in order and sets regardless of order', () => {
    expect(same('[1, 2]', '[2, 1]')).toBeDefined();
    expect(same('{"$set": [1, 2]}', '{"$set": [2, 1]}')).toBeUndefined();
    expect(same('{"$set": [1, 2]}', '[1, 2]')).toBeDefined();
    expect(same('{"$tuple": [1, 2]}', '[1, 2]')).toBeDefined();
  });

  it('compares $repr by type name only, and other tags exactly', () => {
    expect(same('{"$repr": "Foo"}', '{"$repr": "Foo"}')).toBeUndefined();
    expect(same('{"$repr": "Foo"}', '{"$repr": "Bar"}')).toBeDefined();
    expect(same('{"$decimal": "1.10"}', '{"$decimal": "1.1"}')).toBeDefined();
    expect(same('{"$date": "2026-01-01"}', '{"$datetime": "2026-01-01"}')).toBeDefined();
    expect(same('{"$timedelta": 60}', '{"$timedelta": 60.0}')).toBeUndefined();
  });
});

describe('compareObservation', () => {
  const base: Expectation = {
    ready: ['b', 'a', 'a'],
    waiting: [],
    failed: [],
    completed: false,
    error: null,
  };

  it('compares ready, waiting and failed as sorted lists with repeats', () => {
    expect(compareObservation(base, { ...base, ready: ['a', 'b', 'a'] })).toBeUndefined();
    expect(compareObservation(base, { ...base, ready: ['b', 'a'] })).toEqual({
      path: 'ready',
      expected: '["a", "a", "b"]',
      actual: '["a", "b"]',
    });
  });

  it('keeps ready_order in the engine order', () => {
    const expected: Expectation = { ready_order: ['b', 'a'] };
    expect(compareObservation(expected, { ready_order: ['b', 'a'] })).toBeUndefined();
    expect(compareObservation(expected, { ready_order: ['a', 'b'] })?.path).toBe('ready_order');
  });

  it('compares only the keys the expectation has', () => {
    expect(
      compareObservation({ completed: true }, { completed: true, ready: ['x'] }),
    ).toBeUndefined();
    expect(compareObservation({ data: {} }, { completed: true })).toEqual({
      path: 'data',
      expected: '{}',
      actual: '(missing)',
    });
  });

  it('compares errors by kind, task and did_you_mean', () => {
    const error: Expectation = { error: { kind: 'task', task: 't1' } };
    expect(compareObservation(error, { error: { kind: 'task', task: 't1' } })).toBeUndefined();
    expect(
      compareObservation(
        { error: { kind: 'validation' } },
        { error: { kind: 'validation', task: 'x' } },
      ),
    ).toBeUndefined();
    expect(compareObservation(error, { error: { kind: 'task', task: 't2' } })?.path).toBe(
      'error.task',
    );
    expect(compareObservation(error, { error: null })).toEqual({
      path: 'error',
      expected: '{"kind": "task", "task": "t1"}',
      actual: 'null',
    });
    const dym: Expectation = { error: { kind: 'task', task: 't', did_you_mean: ['a', 'b'] } };
    expect(
      compareObservation(dym, { error: { kind: 'task', task: 't', did_you_mean: ['b', 'a'] } })
        ?.path,
    ).toBe('error.did_you_mean');
  });

  it('sorts ready_data, task_data and ready_lanes but keeps events in order', () => {
    const expected: Expectation = {
      ready_data: [
        { task: 'a', data: { x: 2 } },
        { task: 'a', data: { x: 1 } },
      ],
      task_data: [
        { task: 't', state: 'READY', data: {} },
        { task: 't', state: 'COMPLETED', data: {} },
      ],
      ready_lanes: [
        { task: 'b', lane: null },
        { task: 'a', lane: 'L' },
      ],
      events: [
        { type: 'SignalEventDefinition', name: 'one', payload: null, correlations: {} },
        { type: 'SignalEventDefinition', name: 'two', payload: null, correlations: {} },
      ],
    };
    const reversed = {
      ready_data: [...(expected.ready_data ?? [])].reverse(),
      task_data: [...(expected.task_data ?? [])].reverse(),
      ready_lanes: [...(expected.ready_lanes ?? [])].reverse(),
    };
    expect(compareObservation(expected, { ...expected, ...reversed })).toBeUndefined();
    expect(
      compareObservation(expected, { ...expected, events: [...(expected.events ?? [])].reverse() })
        ?.path,
    ).toBe('events[0].name');
  });

  it('formats a difference as one line', () => {
    const difference = compareObservation(
      { data: { amount: new PyFloat(2) } },
      { data: { amount: 'x' } },
    );
    expect(difference && formatDifference(difference)).toBe('data.amount: expected 2.0, got "x"');
  });
});

describe('parseScenario', () => {
  const minimal = (extra: string) =>
    `{"id": "x", "origin": "o", "load": {"flavor": "bpmn", "bpmn": ["a.bpmn"], "process": "p"}, ` +
    `"load_expect": {"error": null}, "steps": [${extra}]}`;

  it('reads a scenario with typed steps and decoded values', () => {
    const scenario = parseScenario(
      minimal(
        '{"op": "complete", "task": "t", "data": {"d": {"$decimal": "1.5"}}, "expect": {"ready": [], "error": {"kind": "task", "task": "t"}}},' +
          '{"op": "clock", "advance": 0.5}',
      ),
    );
    expect(scenario.steps[0]).toEqual({
      op: 'complete',
      task: 't',
      data: { d: new PyDecimal('1.5') },
      expect: { ready: [], error: { kind: 'task', task: 't' } },
    });
    expect(scenario.steps[1]).toEqual({ op: 'clock', advance: 0.5 });
  });

  it.each([
    ['an unknown op', '{"op": "jump"}', /unknown op 'jump'/],
    [
      'a key the op does not take',
      '{"op": "engine", "task": "t"}',
      /\$\.steps\[0\]\.task: unknown key/,
    ],
    ['a missing required key', '{"op": "clock"}', /advance: missing/],
    [
      'an unknown expect key',
      '{"op": "engine", "expect": {"redy": []}}',
      /expect\.redy: unknown key/,
    ],
    [
      'a bad error kind',
      '{"op": "engine", "expect": {"error": {"kind": "oops"}}}',
      /unknown error kind/,
    ],
  ])('rejects %s', (_what, step, message) => {
    expect(() => parseScenario(minimal(step), 'f.json')).toThrow(ScenarioFormatError);
    expect(() => parseScenario(minimal(step), 'f.json')).toThrow(message);
  });

  it('rejects text that is not JSON, naming the file', () => {
    expect(() => parseScenario('{', 'f.json')).toThrow(/^f\.json: Invalid JSON/);
  });
});

const corpusPresent = existsSync(CORPUS);

describe('the spiff corpus', () => {
  if (!corpusPresent) {
    it('reports the missing corpus instead of checking scenario files', () => {
      console.warn(`spiff corpus not found at ${CORPUS}: scenario files not checked`);
      expect(existsSync(CORPUS)).toBe(false);
    });
  }

  for (const folder of ['scenarios', 'divergent'] as const) {
    const dir = `${CORPUS}${folder}/`;
    const files = corpusPresent
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .sort()
      : [];
    if (corpusPresent)
      describe(folder, () => {
        it('has scenario files', () => {
          expect(files.length).toBeGreaterThan(0);
        });

        it.each(files)('%s', (file) => {
          const scenario = parseScenario(readFileSync(dir + file, 'utf8'), `${folder}/${file}`);
          expect(scenario.divergence !== undefined).toBe(folder === 'divergent');
          for (const step of scenario.steps) {
            if (step.expect !== undefined)
              expect(compareObservation(step.expect, step.expect)).toBeUndefined();
          }
        });
      });
  }
});
