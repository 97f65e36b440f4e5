import { describe, expect, it } from 'vitest';
import { DmnEvaluationError } from '@spiff-ts/dmn';
import { DMN13, definitions, engineFor, tableDecision } from './helpers.js';

const rules = [
  [['>= 10'], ['"high"', '3']],
  [['>= 5'], ['"medium"', '2']],
  [['>= 0'], ['"low"', '1']],
] as const;

function feel(hitPolicy: string, aggregation?: string) {
  return engineFor(
    definitions(
      tableDecision({
        hitPolicy,
        ...(aggregation === undefined ? {} : { aggregation }),
        inputs: ['amount'],
        outputs: [{ name: 'level', values: '"low","medium","high"' }, { name: 'score' }],
        rules,
      }),
    ),
  );
}

function feelSingle(hitPolicy: string, aggregation?: string) {
  return engineFor(
    definitions(
      tableDecision({
        hitPolicy,
        ...(aggregation === undefined ? {} : { aggregation }),
        inputs: ['amount'],
        outputs: [{ name: 'score' }],
        rules: rules.map(([i, o]) => [i, [o[1]]] as const),
      }),
    ),
  );
}

describe('FEEL decision tables: hit policies', () => {
  it('UNIQUE returns the one matching rule', () => {
    const engine = feel('UNIQUE');
    expect(engine.decide('decision', { amount: 2 })).toEqual({
      result: { level: 'low', score: 1 },
      value: { level: 'low', score: 1 },
      matched: ['r3'],
    });
  });

  it('UNIQUE with several matches is an error', () => {
    expect(() => feel('UNIQUE').decide('decision', { amount: 7 })).toThrow(DmnEvaluationError);
    expect(feel('UNIQUE').evaluate('decision', new Map([['amount', 7]])).value).toBeNull();
  });

  it('FIRST takes the first match in rule order', () => {
    expect(feel('FIRST').decide('decision', { amount: 12 }).value).toEqual({
      level: 'high',
      score: 3,
    });
  });

  it('PRIORITY takes the match whose output comes first in the output values', () => {
    const { value, matched } = feel('PRIORITY').decide('decision', { amount: 12 });
    expect(value).toEqual({ level: 'low', score: 1 });
    expect(matched).toEqual(['r1', 'r2', 'r3']);
  });

  it('ANY accepts matches that agree and rejects those that do not', () => {
    const agreeing = engineFor(
      definitions(
        tableDecision({
          hitPolicy: 'ANY',
          inputs: ['x'],
          outputs: [{ name: 'o' }],
          rules: [
            [['> 1'], ['"yes"']],
            [['> 2'], ['"yes"']],
          ],
        }),
      ),
    );
    expect(agreeing.decide('decision', { x: 5 }).value).toBe('yes');
    expect(() => feel('ANY').decide('decision', { amount: 12 })).toThrow(/ANY/);
  });

  it('RULE ORDER lists every match in rule order', () => {
    expect(feelSingle('RULE ORDER').decide('decision', { amount: 7 }).value).toEqual([2, 1]);
  });

  it('OUTPUT ORDER lists every match in output value order', () => {
    const { value } = feel('OUTPUT ORDER').decide('decision', { amount: 12 });
    expect(value).toEqual([
      { level: 'low', score: 1 },
      { level: 'medium', score: 2 },
      { level: 'high', score: 3 },
    ]);
  });

  it.each([
    [undefined, [3, 2, 1]],
    ['SUM', 6],
    ['MIN', 1],
    ['MAX', 3],
    ['COUNT', 3],
  ])('COLLECT %s', (aggregation, expected) => {
    expect(feelSingle('COLLECT', aggregation).decide('decision', { amount: 12 }).value).toEqual(
      expected,
    );
  });

  it('COLLECT with no match is an empty list, COUNT 0, SUM null', () => {
    expect(feelSingle('COLLECT').decide('decision', { amount: -1 }).value).toEqual([]);
    expect(feelSingle('COLLECT', 'COUNT').decide('decision', { amount: -1 }).value).toBe(0);
    expect(feelSingle('COLLECT', 'SUM').decide('decision', { amount: -1 }).value).toBeNull();
  });

  it('uses default output values when no rule matches', () => {
    const xml = definitions(`<decision id="d" name="d"><decisionTable id="t">
      <input id="i"><inputExpression id="ie" typeRef="number"><text>x</text></inputExpression></input>
      <output id="o" name="o"><defaultOutputEntry id="de"><text>"none"</text></defaultOutputEntry></output>
      <rule id="r1"><inputEntry id="a"><text>1</text></inputEntry><outputEntry id="b"><text>"one"</text></outputEntry></rule>
    </decisionTable></decision>`);
    expect(engineFor(xml).decide('d', { x: 2 }).value).toBe('none');
    expect(engineFor(xml).decide('d', { x: 1 }).value).toBe('one');
  });

  it('rejects inputs outside their input values', () => {
    const xml = definitions(`<decision id="d" name="d"><decisionTable id="t">
      <input id="i"><inputExpression id="ie"><text>x</text></inputExpression><inputValues id="iv"><text>"a","b"</text></inputValues></input>
      <output id="o" name="o"/>
      <rule id="r1"><inputEntry id="a"><text>-</text></inputEntry><outputEntry id="b"><text>1</text></outputEntry></rule>
    </decisionTable></decision>`);
    expect(engineFor(xml).decide('d', { x: 'a' }).value).toBe(1);
    expect(() => engineFor(xml).decide('d', { x: 'c' })).toThrow(/allowed values/);
  });

  it('reads the short hit policy forms and annotations', () => {
    const xml =
      definitions(`<decision id="d" name="d"><decisionTable id="t" hitPolicy="COLLECT" aggregation="SUM">
      <input id="i"><inputExpression id="ie"><text>x</text></inputExpression></input>
      <output id="o" name="o"/>
      <annotation name="note"/>
      <rule id="r1"><inputEntry id="a"><text>[1..5]</text></inputEntry><outputEntry id="b"><text>10</text></outputEntry><annotationEntry><text>small</text></annotationEntry></rule>
      <rule id="r2"><inputEntry id="c"><text>&gt; 2, &lt; 0</text></inputEntry><outputEntry id="d2"><text>5</text></outputEntry><annotationEntry><text>big</text></annotationEntry></rule>
    </decisionTable></decision>`);
    expect(engineFor(xml).decide('d', { x: 3 })).toMatchObject({
      value: 15,
      matched: ['r1', 'r2'],
    });
  });
});

describe('Python decision tables (SpiffWorkflow conventions)', () => {
  function python(hitPolicy: string | undefined, body?: string) {
    return engineFor(
      definitions(
        body ??
          tableDecision({
            ...(hitPolicy === undefined ? {} : { hitPolicy }),
            inputs: ['amount'],
            outputs: [{ name: 'result.level' }, { name: 'result.score' }],
            rules: [
              [['>= 10'], ['"high"', '3']],
              [['5 <= ? < 10'], ['"medium"', '2']],
              [
                ['0', ''],
                ['"zero"', ''],
              ],
              [['in [1, 2, 3, 4]'], ['"low"', 'amount * 2']],
            ],
          }),
        { dmn: DMN13 },
      ),
    );
  }

  it('is the language of DMN 1.3 files that declare none', () => {
    const engine = python(undefined);
    expect(engine.decide('decision', { amount: 3 })).toEqual({
      result: { result: { level: 'low', score: 6 } },
      value: { level: 'low', score: 6 },
      matched: ['r4'],
    });
  });

  it('compares plain cells with ==, appends operator cells and substitutes ?', () => {
    const engine = python('UNIQUE');
    expect(engine.decide('decision', { amount: 7 }).matched).toEqual(['r2']);
    expect(engine.decide('decision', { amount: 12 }).result).toEqual({
      result: { level: 'high', score: 3 },
    });
    // an empty output entry is the empty string, as in SpiffWorkflow
    expect(engine.decide('decision', { amount: 0 }).result).toEqual({
      result: { level: 'zero', score: '' },
    });
  });

  it('returns {} when no rule matches', () => {
    expect(python('UNIQUE').decide('decision', { amount: -5 })).toMatchObject({
      result: {},
      matched: [],
    });
  });

  it('COLLECT makes a list per output', () => {
    const engine = python(
      undefined,
      tableDecision({
        hitPolicy: 'COLLECT',
        inputs: ['kind'],
        outputs: [{ name: 'n' }, { name: 'name' }],
        rules: [
          [['"stooge"'], ['1', '"Larry"']],
          [['"stooge"'], ['2', '"Mo"']],
          [['"farmer"'], ['3', '"Elmer"']],
        ],
      }),
    );
    expect(engine.decide('decision', { kind: 'stooge' })).toEqual({
      result: { n: [1, 2], name: ['Larry', 'Mo'] },
      value: { n: [1, 2], name: ['Larry', 'Mo'] },
      matched: ['r1', 'r2'],
    });
  });

  it('UNIQUE with several matches is an error (SpiffWorkflow returns the first)', () => {
    const engine = python(
      'UNIQUE',
      tableDecision({
        inputs: ['x'],
        outputs: [{ name: 'o' }],
        rules: [
          [['> 1'], ['"a"']],
          [['> 2'], ['"b"']],
        ],
      }),
    );
    expect(() => engine.decide('decision', { x: 5 })).toThrow(/UNIQUE/);
  });

  it('supports FIRST, PRIORITY and COLLECT aggregations', () => {
    const make = (hitPolicy: string, aggregation?: string) =>
      python(
        undefined,
        tableDecision({
          hitPolicy,
          ...(aggregation === undefined ? {} : { aggregation }),
          inputs: ['x'],
          outputs: [{ name: 'o', values: '3, 2, 1' }],
          rules: [
            [['> 1'], ['1']],
            [['> 2'], ['2']],
            [['> 3'], ['3']],
          ],
        }),
      );
    expect(make('FIRST').decide('decision', { x: 5 }).result).toEqual({ o: 1 });
    expect(make('PRIORITY').decide('decision', { x: 5 }).result).toEqual({ o: 3 });
    expect(make('COLLECT', 'SUM').decide('decision', { x: 5 }).result).toEqual({ o: 6 });
    expect(make('COLLECT', 'COUNT').decide('decision', { x: 5 }).result).toEqual({ o: 3 });
    expect(make('RULE ORDER').decide('decision', { x: 3 }).result).toEqual({ o: [1, 2] });
  });

  it('reads the variable named by the label when an input has no expression', () => {
    const xml = definitions(
      `<decision id="d" name="d"><decisionTable id="t">
        <input id="i" label="Gender"><inputExpression id="ie"><text></text></inputExpression></input>
        <output id="o" label="Result" name=""/>
        <rule id="r1"><inputEntry id="a"><text>"m"</text></inputEntry><outputEntry id="b"><text>"isM"</text></outputEntry></rule>
      </decisionTable></decision>`,
      { dmn: DMN13 },
    );
    expect(engineFor(xml).decide('d', { Gender: 'm' }).result).toEqual({ Result: 'isM' });
    expect(() => engineFor(xml).decide('d', {})).toThrow(/Gender/);
  });

  it('sees datetime and Decimal', () => {
    const engine = python(
      undefined,
      tableDecision({
        inputs: ['when'],
        outputs: [{ name: 'o' }],
        rules: [
          [['< datetime.datetime(2020, 1, 1)'], ['Decimal("1.5")']],
          [['>= datetime.datetime(2020, 1, 1)'], ['"later"']],
        ],
      }),
    );
    expect(
      engine.decide('decision', { when: { typename: 'datetime', value: '2019-05-01T00:00:00' } })
        .result,
    ).toEqual({ o: { typename: 'Decimal', value: '1.5' } });
  });
});
