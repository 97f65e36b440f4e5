import { evaluate, execute, toPython, type JsonLike, type PyValue } from '@spiff-ts/python';
import type { Workload } from './workload.js';

/** A context of ten variables, as a task's data would give a condition. */
type Variables = Record<string, PyValue>;

function tenVariables(): Variables {
  const context: Variables = {};
  const data: Record<string, JsonLike> = {
    x: 7,
    name: 'a',
    amount: 1250.5,
    status: 'open',
    items: [1, 2, 3],
    customer: { id: 42, tier: 'gold' },
    approved: false,
    count: 3,
    region: 'emea',
    notes: 'rush order',
  };
  for (const [key, value] of Object.entries(data)) context[key] = toPython(value);
  return context;
}

const CONDITION = "x > 5 and name == 'a'";

const SCRIPT = [
  'total = 0',
  'for item in items:',
  '    total = total + item * count',
  "if status == 'open' and not approved:",
  '    label = name.upper() + "-" + region',
  'else:',
  "    label = 'closed'",
  'discount = round(amount * 0.05, 2)',
  "tier = customer['tier']",
  'urgent = "rush" in notes',
].join('\n');

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`Benchmark result is wrong: ${message}`);
}

/** Evaluating a cached condition with a 10-variable context (issue target: under 3 µs a call). */
export const pyCondition: Workload = {
  name: 'py_condition',
  run({ quick }) {
    const context = tenVariables();
    check(evaluate(CONDITION, context) === true, `${CONDITION} should be True`);
    const calls = quick ? 20_000 : 200_000;
    return {
      calls,
      body: () => {
        for (let i = 0; i < calls; i += 1) evaluate(CONDITION, context);
      },
    };
  },
};

/** Executing a cached 10-line script with a 10-variable context (target: under 30 µs a call). */
export const pyScript: Workload = {
  name: 'py_script',
  run({ quick }) {
    const probe = tenVariables();
    execute(SCRIPT, probe);
    check(probe.total === 18n, 'total should be 18');
    check(probe.label === 'A-emea', "label should be 'A-emea'");
    check(probe.urgent === true, 'urgent should be True');
    const calls = quick ? 2_000 : 20_000;
    const contexts = Array.from({ length: calls }, tenVariables);
    let next = 0;
    return {
      calls,
      // A fresh context per call, made before timing, as each task brings its own data.
      setup: () => {
        next = 0;
      },
      body: () => {
        for (let i = 0; i < calls; i += 1) execute(SCRIPT, contexts[next++] as Variables);
      },
    };
  },
};
