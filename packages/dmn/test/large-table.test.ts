import { describe, expect, it } from 'vitest';
import type { DmnEngine } from '@spiff-ts/dmn';
import { DMN13, definitions, engineFor, tableDecision } from './helpers.js';

/** A 50-rule table over 5 inputs: numeric ranges and comparisons, strings, booleans, `-`. */
function bigTable(dmn: string, python: boolean): DmnEngine {
  const rules = Array.from({ length: 50 }, (_, r) => {
    const cells = python
      ? [
          `>= ${r * 10}`,
          `< ${r * 10 + 100}`,
          `"${r % 2 === 0 ? 'gold' : 'silver'}"`,
          r % 3 === 0 ? 'True' : '-',
          '-',
        ]
      : [
          `[${r * 10}..${r * 10 + 9}]`,
          `< ${r * 10 + 100}`,
          `"${r % 2 === 0 ? 'gold' : 'silver'}"`,
          r % 3 === 0 ? 'true' : '-',
          '-',
        ];
    return [cells, [String(r), `"rule ${r}"`]] as const;
  });
  return engineFor(
    definitions(
      tableDecision({
        hitPolicy: 'FIRST',
        inputs: ['amount', 'age', 'tier', 'member', 'region'],
        outputs: [{ name: 'n' }, { name: 'label' }],
        rules,
      }),
      { dmn },
    ),
  );
}

// Their speed is measured by `npm run bench` (workloads dmn50_feel, dmn50_python), never here.
describe('a 50-rule table with 5 inputs', () => {
  const context = { amount: 455, age: 500, tier: 'silver', member: true, region: 'EU' };

  it('picks the first matching rule in FEEL', () => {
    const engine = bigTable('https://www.omg.org/spec/DMN/20230324/MODEL/', false);
    expect(engine.decide('decision', context).value).toEqual({ n: 45, label: 'rule 45' });
    expect(
      engine.decide('decision', { ...context, amount: 3, age: 50, tier: 'gold' }).value,
    ).toEqual({
      n: 0,
      label: 'rule 0',
    });
  });

  it('picks the first matching rule in Python', () => {
    const engine = bigTable(DMN13, true);
    expect(engine.decide('decision', context).result).toEqual({ n: 41, label: 'rule 41' });
  });
});
