/**
 * Decision tables whose cells are Python, evaluated as SpiffWorkflow does: an input entry is a
 * Python expression compared with the input (`"m"` means `input == "m"`), or an operator tail
 * appended to it (`> 5`, `in [1, 2]`, `not in x`), or an expression in which `?` stands for the
 * input (`1 < ? < 5`). Output entries are Python expressions over the task data.
 */
import type { ModdleElement } from '@spiff-ts/bpmn';
import {
  PyList,
  PythonError,
  evaluate,
  fromPython,
  importModule,
  parse,
  pyEquals,
  toPython,
  type JsonLike,
  type PyValue,
} from '@spiff-ts/python';
import { DmnEvaluationError } from '../errors.js';
import { parseAggregation, parseHitPolicy, selectRows, type HitPolicy } from '../hit-policy.js';
import { many, one, str, type DmnModelSet, type Located } from '../model.js';
import type { DecideResult } from '../engine.js';
import { nest } from '../engine.js';
import { decisionLogic } from '../feel/evaluator.js';

const INPUT = 'dmninputexpr';
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A compiled input entry: `undefined` matches anything. */
interface PyCell {
  /** Source evaluated with the input bound to {@link INPUT}. */
  readonly source: string;
  /** Fast path for literal cells: the literal's value. */
  readonly literal?: PyValue;
  /** Fast path for `<op> literal` cells; undefined when the operands need Python's rules. */
  readonly compare?: (input: PyValue) => boolean | undefined;
}

const TAIL = /^(<=|>=|<|>|==|!=)\s*(-?\d+(?:\.\d*)?|"[^"\\]*"|'[^'\\]*')$/;

/** Compiles `> 5`, `<= "m"`, ... for numbers and strings; other operand types go to Python. */
function compileComparison(text: string): PyCell['compare'] {
  const m = TAIL.exec(text);
  if (m === null) return undefined;
  const op = m[1] ?? '';
  const bound = evaluate(m[2] ?? '');
  const numeric = typeof bound === 'bigint' || typeof bound === 'number';
  return (v) => {
    const comparable = numeric
      ? typeof v === 'bigint' || typeof v === 'number'
      : typeof v === 'string' && typeof bound === 'string';
    if (!comparable) return undefined;
    const a = v as number | bigint | string;
    const b = bound as number | bigint | string;
    switch (op) {
      case '<':
        return a < b;
      case '<=':
        return a <= b;
      case '>':
        return a > b;
      case '>=':
        return a >= b;
      case '==':
        return a == b;
      default:
        return a != b;
    }
  };
}

interface PyTable {
  readonly id: string;
  readonly hitPolicy: HitPolicy;
  readonly aggregation: ReturnType<typeof parseAggregation>;
  /** Per input: its expression, or undefined to read the variable named by its label. */
  readonly inputs: readonly { readonly expression: string | undefined; readonly label: string }[];
  readonly outputs: readonly {
    readonly key: string;
    readonly priorities: readonly PyValue[] | undefined;
  }[];
  readonly rules: readonly {
    readonly id: string;
    readonly row: number;
    readonly cells: readonly (PyCell | undefined)[];
    /** Output entry texts, or their values when they are literals. */
    readonly outputs: readonly ({ readonly text: string } | { readonly value: PyValue })[];
  }[];
}

const compiled = new WeakMap<ModdleElement, PyTable>();

// `?` outside string literals.
const QUESTION = /\?(?=(?:[^'"]|['"][^'"]*['"])*$)/g;

function parses(source: string): boolean {
  try {
    parse(source, 'eval');
    return true;
  } catch {
    return false;
  }
}

const LITERAL = /^(?:-?\d+|"[^"\\]*"|'[^'\\]*'|True|False|None)$/;

function compileCell(text: string): PyCell | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '-') return undefined;
  if (QUESTION.test(trimmed)) {
    QUESTION.lastIndex = 0;
    return { source: trimmed.replace(QUESTION, INPUT) };
  }
  QUESTION.lastIndex = 0;
  // Matches SpiffWorkflow: text that is an expression on its own is compared with `==`;
  // otherwise it is an operator tail appended to the input.
  if (parses(trimmed)) {
    const literal = LITERAL.test(trimmed) ? evaluate(trimmed) : undefined;
    return {
      source: `(${INPUT}) == (${trimmed})`,
      ...(literal === undefined ? {} : { literal }),
    };
  }
  const compare = compileComparison(trimmed);
  return { source: `${INPUT} ${trimmed}`, ...(compare === undefined ? {} : { compare }) };
}

function compileTable(table: ModdleElement): PyTable {
  const cached = compiled.get(table);
  if (cached !== undefined) return cached;
  const id = str(table, 'id');
  const hitPolicy = parseHitPolicy(str(table, 'hitPolicy'));
  if (hitPolicy === undefined) {
    throw new DmnEvaluationError(`Unknown hit policy '${str(table, 'hitPolicy')}' in '${id}'`, {
      elementId: id,
    });
  }
  const result: PyTable = {
    id,
    hitPolicy,
    aggregation: parseAggregation(str(table, 'aggregation')),
    inputs: many(table, 'input').map((input) => {
      const text = str(one(input, 'inputExpression'), 'text').trim();
      return { expression: text === '' ? undefined : text, label: str(input, 'label') };
    }),
    outputs: many(table, 'output').map((output) => {
      const values = str(one(output, 'outputValues'), 'text').trim();
      let priorities: PyValue[] | undefined;
      if (values !== '') {
        try {
          const list = evaluate(`[${values}]`);
          priorities = list instanceof PyList ? list.items : undefined;
        } catch {
          priorities = undefined;
        }
      }
      return { key: str(output, 'name') || str(output, 'label'), priorities };
    }),
    rules: many(table, 'rule').map((rule, index) => ({
      id: str(rule, 'id'),
      row: index + 1,
      cells: many(rule, 'inputEntry').map((entry) => compileCell(str(entry, 'text'))),
      outputs: many(rule, 'outputEntry').map((entry) => {
        const text = str(entry, 'text').trim();
        // Matches SpiffWorkflow: an empty output entry is the empty string.
        if (text === '') return { value: '' };
        return LITERAL.test(text) ? { value: evaluate(text) } : { text };
      }),
    })),
  };
  compiled.set(table, result);
  return result;
}

let pythonGlobals: ReadonlyMap<string, PyValue> | undefined;

/**
 * Names every cell sees, as in the scenario corpus's script environment: `datetime` (the
 * module), `timedelta` and `Decimal`.
 */
function globals(): ReadonlyMap<string, PyValue> {
  if (pythonGlobals === undefined) {
    const datetime = importModule('datetime');
    pythonGlobals = new Map<string, PyValue>([
      ['datetime', datetime],
      ['timedelta', datetime.attrs.get('timedelta') ?? null],
      ['Decimal', importModule('decimal').attrs.get('Decimal') ?? null],
    ]);
  }
  return pythonGlobals;
}

/** A failing cell: Python errors are wrapped with a note naming the row, as SpiffWorkflow does. */
function cellError(error: unknown, row: number, ruleId: string): unknown {
  if (error instanceof DmnEvaluationError) {
    error.addNote(`Rule failed on row ${row}`);
    return error;
  }
  if (error instanceof PythonError) {
    const type = error.excType.name;
    const message = error.message.startsWith(type) ? error.message : `${type}: ${error.message}`;
    return new DmnEvaluationError(message, {
      cause: error,
      notes: [`Rule failed on row ${row}`],
      elementId: ruleId,
    });
  }
  return error;
}

/**
 * Evaluates a Python decision table against task data.
 * @throws {@link DmnEvaluationError} for a violated hit policy or an unsupported decision
 * @throws {@link PythonError} when a cell fails (with a note naming the rule's row)
 */
export function decidePython(
  _set: DmnModelSet,
  located: Located,
  context: { readonly [key: string]: JsonLike },
): DecideResult {
  const logic = decisionLogic(located.element);
  if (logic?.$type !== 'dmn:DecisionTable') {
    if (logic?.$type === 'dmn:LiteralExpression') {
      const data = pyContext(context);
      const value = fromPython(evaluate(str(logic, 'text'), data, { globals: globals() }));
      const name = str(one(located.element, 'variable'), 'name') || str(located.element, 'name');
      return { result: { [name]: value }, value, matched: [] };
    }
    throw new DmnEvaluationError(
      `Decision '${str(located.element, 'id')}' has no decision table to evaluate as Python`,
      { elementId: str(located.element, 'id') },
    );
  }
  const table = compileTable(logic);
  const data = pyContext(context);
  return evaluateTable(table, data);
}

function pyContext(context: { readonly [key: string]: JsonLike }): Map<string, PyValue> {
  const data = new Map<string, PyValue>();
  for (const [key, value] of Object.entries(context)) data.set(key, toPython(value));
  return data;
}

function evaluateTable(table: PyTable, data: Map<string, PyValue>): DecideResult {
  const options = { globals: globals() };
  const inputValues: (PyValue | undefined)[] = [];
  const inputValue = (i: number): PyValue => {
    const known = inputValues[i];
    if (known !== undefined) return known;
    const input = table.inputs[i];
    let value: PyValue;
    if (input?.expression !== undefined) {
      // A bare variable name needs no interpreter.
      const direct = IDENTIFIER.test(input.expression) ? data.get(input.expression) : undefined;
      value = direct !== undefined ? direct : evaluate(input.expression, data, options);
    } else {
      // Matches SpiffWorkflow: an input without an expression reads the variable its label names.
      const label = input?.label ?? '';
      if (!data.has(label)) {
        throw new DmnEvaluationError(`No input expression, and no variable '${label}'`, {
          elementId: table.id,
        });
      }
      value = data.get(label) ?? null;
    }
    inputValues[i] = value;
    return value;
  };
  const matched: string[] = [];
  const rows: PyValue[][] = [];
  const scope = new Map(data);
  for (const rule of table.rules) {
    let ok = true;
    for (let i = 0; i < rule.cells.length && ok; i += 1) {
      const cell = rule.cells[i];
      if (cell === undefined) continue;
      try {
        const value = inputValue(i);
        const fast = cell.compare?.(value);
        if (fast !== undefined) {
          ok = fast;
        } else if (cell.literal !== undefined) {
          ok = pyEquals(value, cell.literal);
        } else {
          scope.set(INPUT, value);
          ok = evaluate(cell.source, scope, options) === true;
        }
      } catch (error) {
        throw cellError(error, rule.row, rule.id);
      }
    }
    if (!ok) continue;
    matched.push(rule.id);
    rows.push(
      table.outputs.map((_, i) => {
        const output = rule.outputs[i] ?? { value: '' };
        return 'value' in output ? output.value : evaluate(output.text, data, options);
      }),
    );
    // SpiffWorkflow stops at the first match of a UNIQUE table; checking the other rules too
    // is what makes a second match an error, as DMN requires.
  }
  const selected = selectRows(
    {
      id: table.id,
      hitPolicy: table.hitPolicy,
      priorities: table.outputs.map((o) => o.priorities),
    },
    matched,
    rows,
    (a, b) => pyEquals(a as PyValue, b as PyValue),
  );
  const result: { [key: string]: JsonLike } = {};
  if (selected.single) {
    const row = selected.rows[0];
    if (row !== undefined) {
      table.outputs.forEach((o, i) => nestMerge(result, o.key, fromPython(row[i] as PyValue)));
    }
    const first = Object.values(result)[0];
    return { result, value: row === undefined ? null : (first ?? null), matched };
  }
  table.outputs.forEach((o, i) => {
    if (selected.rows.length === 0) return;
    const values = selected.rows.map((row) => fromPython(row[i] as PyValue));
    nestMerge(
      result,
      o.key,
      table.aggregation === undefined ? values : aggregate(table.aggregation, values),
    );
  });
  return { result, value: result, matched };
}

function nestMerge(target: { [key: string]: JsonLike }, key: string, value: JsonLike): void {
  nest(target, key, value);
}

function aggregate(aggregation: 'SUM' | 'MIN' | 'MAX' | 'COUNT', values: JsonLike[]): JsonLike {
  if (aggregation === 'COUNT') return values.length;
  const numbers = values.filter((v): v is number => typeof v === 'number');
  if (numbers.length === 0) return null;
  switch (aggregation) {
    case 'SUM':
      return numbers.reduce((a, b) => a + b, 0);
    case 'MIN':
      return Math.min(...numbers);
    case 'MAX':
      return Math.max(...numbers);
  }
}
