import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DmnEngine } from '@spiff-ts/dmn';
import { definitions, engineFor } from './helpers.js';

const loan = () =>
  DmnEngine.parse([
    { path: 'loan.dmn', text: readFileSync(new URL('fixtures/loan.dmn', import.meta.url), 'utf8') },
  ]);

describe('the decision requirements graph (FEEL)', () => {
  it('evaluates required decisions and invokes business knowledge models', () => {
    const inputs = new Map<string, unknown>([
      ['Applicant', { age: 40, income: 60000 }],
      ['Amount', 12000],
    ]);
    expect(loan().evaluate('Payment', inputs).value).toBe(1000);
    expect(loan().evaluate('Risk', inputs).value).toBe('low');
    expect(loan().evaluate('risk', new Map([...inputs, ['Amount', 30000]])).value).toBe('high');
  });

  it('decide() returns the decision variable for non-table decisions', () => {
    expect(
      loan().decide('Risk', { Applicant: { age: 17, income: 1_000_000 }, Amount: 10 }),
    ).toEqual({ result: { Risk: 'high' }, value: 'high', matched: [] });
  });

  it('applies item definitions: a value that does not conform becomes null', () => {
    const result = loan().evaluate('Payment', new Map<string, unknown>([['Amount', 'lots']]));
    expect(result.value).toBeNull();
  });

  it('evaluates relations, lists, filters and function definitions', () => {
    const engine = loan();
    expect(engine.evaluate('Tiers', new Map()).value).toEqual([
      { name: 'basic', limit: 1000 },
      { name: 'gold', limit: 5000 },
    ]);
    expect(engine.evaluate('Limits', new Map()).value).toEqual([5000, 6000]);
    expect(engine.evaluate('Double', new Map()).value).toBe(42);
  });

  it('invokes decision services, directly and as functions', () => {
    const engine = loan();
    const direct = engine.invokeDecisionService(
      'Risk service',
      new Map<string, unknown>([
        ['Applicant', { age: 30, income: 120000 }],
        ['Amount', 1200],
      ]),
    );
    expect(direct.value).toBe('low');
    expect(engine.evaluate('Via service', new Map()).value).toBe('low');
  });

  it('uses a decision value given as input instead of evaluating it', () => {
    const result = loan().evaluate(
      'Risk',
      new Map<string, unknown>([
        ['Applicant', { age: 40, income: 12 }],
        ['Payment', 0],
      ]),
    );
    expect(result.value).toBe('low');
  });

  it('resolves imports by namespace and names imported elements with the import name', () => {
    const lib = definitions(
      `<businessKnowledgeModel id="greet" name="Greet"><variable name="Greet"/>
         <encapsulatedLogic><formalParameter name="who"/><literalExpression><text>"Hello " + who</text></literalExpression></encapsulatedLogic>
       </businessKnowledgeModel>`,
      { namespace: 'http://example.com/lib', name: 'lib' },
    );
    const main = definitions(
      `<import namespace="http://example.com/lib" name="lib" importType="https://www.omg.org/spec/DMN/20230324/MODEL/"/>
       <inputData id="n" name="Name"><variable name="Name" typeRef="string"/></inputData>
       <decision id="hello" name="Hello"><variable name="Hello"/>
         <informationRequirement><requiredInput href="#n"/></informationRequirement>
         <knowledgeRequirement><requiredKnowledge href="http://example.com/lib#greet"/></knowledgeRequirement>
         <literalExpression><text>lib.Greet(Name)</text></literalExpression>
       </decision>`,
      { namespace: 'http://example.com/main' },
    );
    const engine = DmnEngine.parse([
      { path: 'main.dmn', text: main },
      { path: 'lib.dmn', text: lib },
    ]);
    expect(engine.evaluate('Hello', new Map([['Name', 'Ada']])).value).toBe('Hello Ada');
  });

  it('evaluates DMN 1.5 conditionals, filters and iterators', () => {
    const xml = definitions(`
      <decision id="c" name="c"><variable name="c"/>
        <conditional>
          <if><literalExpression><text>x &gt; 1</text></literalExpression></if>
          <then><literalExpression><text>"big"</text></literalExpression></then>
          <else><literalExpression><text>"small"</text></literalExpression></else>
        </conditional>
      </decision>
      <decision id="f" name="f"><variable name="f"/>
        <filter>
          <in><literalExpression><text>[1, 2, 3, 4]</text></literalExpression></in>
          <match><literalExpression><text>item &gt; x</text></literalExpression></match>
        </filter>
      </decision>
      <decision id="e" name="e"><variable name="e"/>
        <every iteratorVariable="v">
          <in><literalExpression><text>[1, 2, 3]</text></literalExpression></in>
          <satisfies><literalExpression><text>v &gt; 0</text></literalExpression></satisfies>
        </every>
      </decision>`);
    const engine = engineFor(xml);
    expect(engine.decide('c', { x: 2 }).value).toBe('big');
    expect(engine.decide('f', { x: 2 }).value).toEqual([3, 4]);
    expect(engine.decide('e', {}).value).toBe(true);
  });

  it('evaluates FEEL dates, durations and range functions', () => {
    const xml = definitions(`
      <decision id="d" name="d"><variable name="d"/>
        <literalExpression><text>date("2024-01-31") + duration("P1D")</text></literalExpression>
      </decision>
      <decision id="r" name="r"><variable name="r"/>
        <literalExpression><text>[during(5, [1..10]), starts(1, [1..10]), finishes(10, [1..10))]</text></literalExpression>
      </decision>`);
    const engine = engineFor(xml);
    expect(engine.decide('d', {}).value).toEqual({ typename: 'date', value: '2024-02-01' });
    expect(engine.decide('r', {}).value).toEqual([true, true, false]);
  });

  it('reads an injected clock in now() and today()', () => {
    const xml = definitions(`
      <decision id="n" name="n"><variable name="n"/>
        <literalExpression><text>[string(today()), string(now())]</text></literalExpression>
      </decision>`);
    const engine = DmnEngine.parse([{ path: 'clock.dmn', text: xml }], {
      clock: () => '2026-01-01T12:00:00Z',
    });
    expect(engine.decide('n', {}).value).toEqual(['2026-01-01', '2026-01-01T12:00:00Z']);
  });

  it('computes FEEL arithmetic in decimal', () => {
    const xml = definitions(`
      <decision id="a" name="a"><variable name="a"/>
        <literalExpression><text>[0.1 + 0.2, 1.1 * 3, 10 / 4, duration("P1D") * 1.5, -duration("P1Y")]</text></literalExpression>
      </decision>`);
    expect(engineFor(xml).decide('a', {}).value).toEqual([0.3, 3.3, 2.5, 'P1DT12H', '-P1Y']);
  });

  it.each([
    ['range("[1..3]") = [1..3]', true],
    ['2 in range("(1..3]")', true],
    ['list replace([1, 2, 3], -1, 9)', [1, 2, 9]],
    ['list replace([1, 2, 3], function(item, newItem) item > 1, 0)', [1, 0, 0]],
    ['time("13:20:00+19:00")', null],
    ['string(date and time("2017-12-31T13:20:00+02:00"))', '2017-12-31T13:20:00+02:00'],
    ['overlaps before([1..5], [3..8])', true],
    ['coincides([1..5], [1..5))', false],
    ['@"2021-01-02T10:10:10@Europe/Paris" - @"2021-01-01"', 'P1DT9H10M10S'],
    ['@"P10Y11M" / 2.5', 'P4Y4M'],
  ])('FEEL %s', (text, expected) => {
    const xml = definitions(
      `<decision id="x" name="x"><variable name="x"/><literalExpression><text>${text
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')}</text></literalExpression></decision>`,
    );
    expect(engineFor(xml).evaluate('x', new Map()).value ?? null).toEqual(
      typeof expected === 'string' && expected.startsWith('P')
        ? expect.objectContaining({ iso: expected })
        : expected,
    );
  });
});
