import { evaluate, execute, toPython, type JsonLike, type PyValue } from '@spiff-ts/python';
import { timed } from './measure.js';

/** A context of ten variables, as a task's data would give a condition. */
type Variables = Record<string, PyValue>;

/** The ten variables, as JSON task data (the reference driver gets the same). */
export const TEN_VARIABLES: Readonly<Record<string, JsonLike>> = {
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

function tenVariables(): Variables {
  const context: Variables = {};
  for (const [key, value] of Object.entries(TEN_VARIABLES)) context[key] = toPython(value);
  return context;
}

/** The cached condition of `py_condition`; True with {@link TEN_VARIABLES}. */
export const CONDITION = "x > 5 and name == 'a'";

/**
 * The 10-line script of `py_script`; with {@link TEN_VARIABLES} it sets total = 18,
 * label = 'A-emea' and urgent = True.
 */
export const SCRIPT = [
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

/** What {@link SCRIPT} sets, as JSON: the total of items times count, the label, the flag. */
export const SCRIPT_RESULT = { total: 18, label: 'A-emea', urgent: true } as const;

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`Benchmark result is wrong: ${message}`);
}

/** Evaluating a cached condition with a 10-variable context (issue target: under 3 µs a call). */
export const pyCondition = timed('py_condition', false, ({ quick }) => {
  const context = tenVariables();
  check(evaluate(CONDITION, context) === true, `${CONDITION} should be True`);
  const calls = quick ? 20_000 : 200_000;
  return {
    calls,
    body: () => {
      for (let i = 0; i < calls; i += 1) evaluate(CONDITION, context);
    },
  };
});

/** Executing a cached 10-line script with a 10-variable context (target: under 30 µs a call). */
export const pyScript = timed('py_script', false, ({ quick }) => {
  const probe = tenVariables();
  execute(SCRIPT, probe);
  check(probe.total === BigInt(SCRIPT_RESULT.total), 'total should be 18');
  check(probe.label === SCRIPT_RESULT.label, "label should be 'A-emea'");
  check(probe.urgent === SCRIPT_RESULT.urgent, 'urgent should be True');
  const calls = quick ? 2_000 : 20_000;
  let contexts: Variables[] = [];
  let next = 0;
  return {
    calls,
    // A fresh context per call, made before each run and untimed, as each task brings its own data.
    setup: () => {
      contexts = Array.from({ length: calls }, tenVariables);
      next = 0;
    },
    body: () => {
      for (let i = 0; i < calls; i += 1) execute(SCRIPT, contexts[next++] as Variables);
    },
  };
});
