import { DmnEngine } from '@spiff-ts/dmn';
import { timed } from './measure.js';
import type { Workload } from './workload.js';

const DMN13 = 'https://www.omg.org/spec/DMN/20191111/MODEL/';
const DMN15 = 'https://www.omg.org/spec/DMN/20230324/MODEL/';
const INPUTS = ['amount', 'age', 'tier', 'member', 'region'];

const esc = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** Input cells of rule `r`: numeric ranges and comparisons, a string, a boolean, `-`. */
function cells(r: number, python: boolean): string[] {
  return [
    python ? `>= ${String(r * 10)}` : `[${String(r * 10)}..${String(r * 10 + 9)}]`,
    `< ${String(r * 10 + 100)}`,
    `"${r % 2 === 0 ? 'gold' : 'silver'}"`,
    r % 3 === 0 ? (python ? 'True' : 'true') : '-',
    '-',
  ];
}

/** A FIRST-hit table with 50 rules over 5 inputs, in FEEL (DMN 1.5) or Python (DMN 1.3). */
export function fiftyRuleTable(python: boolean): string {
  const inputs = INPUTS.map(
    (name, i) =>
      `<input id="in${String(i)}" label="${name}"><inputExpression id="ie${String(i)}"><text>${name}</text></inputExpression></input>`,
  ).join('');
  const rules = Array.from({ length: 50 }, (_, r) => {
    const entries = cells(r, python)
      .map(
        (text, i) =>
          `<inputEntry id="r${String(r)}i${String(i)}"><text>${esc(text)}</text></inputEntry>`,
      )
      .join('');
    return `<rule id="r${String(r)}">${entries}<outputEntry id="r${String(r)}o0"><text>${String(r)}</text></outputEntry></rule>`;
  }).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="${python ? DMN13 : DMN15}" id="defs" name="bench" namespace="http://example.com/bench">
<decision id="decision" name="decision"><decisionTable id="table" hitPolicy="FIRST">${inputs}<output id="out" name="n"/>${rules}</decisionTable></decision>
</definitions>`;
}

/** The inputs every run decides on; rule 41 (Python cells) or 45 (FEEL cells) is the first hit. */
export const DMN_CONTEXT = { amount: 455, age: 500, tier: 'silver', member: true, region: 'EU' };

/** The first matching rule's output for {@link DMN_CONTEXT}. */
export function expectedDecision(python: boolean): { n: number } {
  return { n: python ? 41 : 45 };
}

function dmnWorkload(python: boolean): Workload {
  return timed(python ? 'dmn50_python' : 'dmn50_feel', false, ({ quick }) => {
    const engine = DmnEngine.parse([{ path: 'bench.dmn', text: fiftyRuleTable(python) }]);
    const context = DMN_CONTEXT;
    const expected = expectedDecision(python);
    const got = engine.decide('decision', context).result;
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      throw new Error(
        `Benchmark result is wrong: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`,
      );
    }
    const calls = quick ? 2_000 : 20_000;
    return {
      calls,
      body: () => {
        for (let i = 0; i < calls; i += 1) engine.decide('decision', context);
      },
    };
  });
}

/** Evaluating a 50-rule, 5-input decision table after parsing (target: under 20 µs a call). */
export const dmn50Feel = dmnWorkload(false);
export const dmn50Python = dmnWorkload(true);
