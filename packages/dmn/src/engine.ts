/** The synchronous decision engine: load DMN files once, then evaluate decisions. */
import type { ModdleElement } from '@spiff-ts/bpmn';
import type { JsonLike } from '@spiff-ts/python';
import { FeelFunction, parseDate, parseDateTime, type FeelDateTime } from 'feelin';
import { DmnEvaluationError } from './errors.js';
import { FeelEvaluation, decisionLogic, type TableTrace } from './feel/evaluator.js';
import { fromFeel, toFeel } from './feel/convert.js';
import { collectWarnings } from './feel/warnings.js';
import {
  languageOf,
  one,
  parseDmnModels,
  str,
  type DmnModelSet,
  type DmnSource,
  type ExpressionLanguage,
  type Located,
  type ParseDmnOptions,
} from './model.js';
import { decidePython } from './python/table.js';

/** What {@link DmnEngine.decide} returns. */
export interface DecideResult {
  /**
   * What a business rule task merges into its task data: for a decision table, `{output name:
   * value}` (a list per output for multi-hit policies, dotted names nested); for any other
   * decision, `{decision variable name: value}`. `{}` when no rule matches.
   */
  readonly result: { [key: string]: JsonLike };
  /** The decision's value as DMN defines it (a FEEL decision table with one output: the value). */
  readonly value: JsonLike;
  /** Ids of the matched rules of the decision's table, in rule order. */
  readonly matched: readonly string[];
}

/** Result of {@link DmnEngine.evaluate}: FEEL values, and every error met on the way. */
export interface FeelDecisionResult {
  readonly value: unknown;
  readonly errors: readonly DmnEvaluationError[];
  /** FEEL errors that evaluated to null (feelin's warnings), e.g. a function given bad types. */
  readonly warnings: readonly string[];
  readonly traces: readonly TableTrace[];
}

/** Options of {@link DmnEngine.evaluate}. */
export interface EvaluateOptions {
  /** Namespace of the model the decision (or service) is in; default: any loaded model. */
  readonly namespace?: string;
  /** Input values for elements of one model: `namespace + '#' + name` → value. */
  readonly qualifiedInputs?: ReadonlyMap<string, unknown>;
}

/** Options of {@link DmnEngine}. */
export interface DmnEngineOptions extends ParseDmnOptions {
  /**
   * The clock FEEL's `now()` and `today()` read, as an ISO date and time with offset. Without
   * one they read feelin's (the host's) clock.
   */
  readonly clock?: () => string;
}

/**
 * Loads DMN files and evaluates their decisions, synchronously. Each decision is evaluated in
 * its model's expression language: FEEL (the DMN standard, via feelin) or Python (what
 * SpiffWorkflow does).
 *
 * @example
 * ```ts
 * const engine = DmnEngine.parse([{ path: 'discount.dmn', text }]);
 * const { result, matched } = engine.decide('discount', { amount: 120 });
 * ```
 */
export class DmnEngine {
  readonly models: DmnModelSet;
  readonly #decisions = new Map<string, { located: Located; language: ExpressionLanguage }>();
  readonly #clockScope: Readonly<Record<string, unknown>> | undefined;

  constructor(models: DmnModelSet, options: DmnEngineOptions = {}) {
    this.models = models;
    this.#clockScope = options.clock === undefined ? undefined : clockFunctions(options.clock);
  }

  /**
   * Reads and checks DMN files.
   * @throws {@link ValidationError} for files that are not valid DMN (see {@link parseDmnModels})
   */
  static parse(sources: readonly DmnSource[], options: DmnEngineOptions = {}): DmnEngine {
    return new DmnEngine(parseDmnModels(sources, options), options);
  }

  /** Every decision, as `{ id, name }`, in file order. */
  decisions(): { readonly id: string; readonly name: string }[] {
    return this.models.models.flatMap((model) =>
      [...model.elements.values()]
        .filter((e) => e.$type === 'dmn:Decision')
        .map((e) => ({ id: str(e, 'id'), name: str(e, 'name') })),
    );
  }

  /**
   * Finds a DRG element by id, else by name.
   * @throws {@link DmnEvaluationError} when there is none
   */
  find(idOrName: string, type?: string, namespace?: string): Located {
    const models = this.models.models.filter(
      (m) => namespace === undefined || m.namespace === namespace,
    );
    const matches = (e: ModdleElement | undefined): e is ModdleElement =>
      e !== undefined && (type === undefined || e.$type === type);
    for (const model of models) {
      const element = model.elements.get(idOrName);
      if (matches(element)) return { element, model };
    }
    for (const model of models) {
      const element = model.elementsByName.get(idOrName);
      if (matches(element)) return { element, model };
    }
    throw new DmnEvaluationError(`No decision '${idOrName}'`);
  }

  /** The language a decision's expressions are in. */
  languageOf(located: Located): ExpressionLanguage {
    const logic = decisionLogic(located.element);
    const declared =
      languageOf(logic?.expressionLanguage) ??
      languageOf(one(logic, 'input')?.expressionLanguage) ??
      languageOf(one(one(logic, 'input'), 'inputExpression')?.expressionLanguage);
    if (declared === 'feel' || declared === 'python') return declared;
    return located.model.language;
  }

  /**
   * Evaluates a decision with FEEL values as inputs (by input data or decision name), the DMN
   * way: errors inside make (parts of) the value `null` and are reported in `errors`.
   */
  evaluate(
    decision: string,
    inputs: ReadonlyMap<string, unknown>,
    options: EvaluateOptions = {},
  ): FeelDecisionResult {
    const located = this.find(decision, 'dmn:Decision', options.namespace);
    const evaluation = this.#evaluation(inputs, options);
    const { value, warnings } = collectWarnings(() => evaluation.decision(located));
    return { value, errors: evaluation.errors, warnings, traces: evaluation.traces };
  }

  /** Invokes a decision service with values for its input data and input decisions. */
  invokeDecisionService(
    service: string,
    inputs: ReadonlyMap<string, unknown>,
    options: EvaluateOptions = {},
  ): FeelDecisionResult {
    const located = this.find(service, 'dmn:DecisionService', options.namespace);
    const evaluation = this.#evaluation(inputs, options);
    const { value, warnings } = collectWarnings(() => evaluation.decisionService(located, inputs));
    return { value, errors: evaluation.errors, warnings, traces: evaluation.traces };
  }

  #evaluation(inputs: ReadonlyMap<string, unknown>, options: EvaluateOptions): FeelEvaluation {
    return new FeelEvaluation(this.models, {
      byName: inputs,
      ...(options.qualifiedInputs === undefined
        ? {}
        : { byQualifiedName: options.qualifiedInputs }),
    });
  }

  /**
   * Evaluates a decision against task data, as a business rule task does. Python decisions
   * follow SpiffWorkflow's rules (cells are Python, with `?` standing for the input); FEEL
   * decisions follow DMN.
   *
   * @throws {@link DmnEvaluationError} when the decision does not exist, a hit policy is
   *   violated, or an expression fails
   * @throws {@link PythonError} from a failing Python cell
   */
  decide(decisionId: string, context: { readonly [key: string]: JsonLike }): DecideResult {
    let known = this.#decisions.get(decisionId);
    if (known === undefined) {
      const located = this.find(decisionId, 'dmn:Decision');
      known = { located, language: this.languageOf(located) };
      this.#decisions.set(decisionId, known);
    }
    if (known.language === 'python') return decidePython(this.models, known.located, context);
    return this.#decideFeel(known.located, context);
  }

  #decideFeel(located: Located, context: { readonly [key: string]: JsonLike }): DecideResult {
    const inputs = new Map<string, unknown>();
    for (const [key, value] of Object.entries(context)) inputs.set(key, toFeel(value));
    const evaluation = new FeelEvaluation(this.models, {
      byName: inputs,
      globals: { ...this.#clockScope, ...Object.fromEntries(inputs) },
    });
    const value = evaluation.decision(located);
    const [error] = evaluation.errors;
    if (error !== undefined) throw error;
    const logic = decisionLogic(located.element);
    const trace = evaluation.traces.at(-1);
    const matched =
      logic?.$type === 'dmn:DecisionTable' && trace !== undefined ? trace.matched : [];
    const json = fromFeel(value);
    return { result: taskResult(located, logic, value), value: json, matched };
  }
}

/** `now()` and `today()` reading an injected clock. */
function clockFunctions(clock: () => string): Record<string, unknown> {
  const current = (): FeelDateTime | null => parseDateTime(clock());
  return {
    now: new FeelFunction(() => current(), []),
    today: new FeelFunction(() => {
      const dt = current();
      return dt === null ? null : parseDate(dt.iso.slice(0, 10));
    }, []),
  };
}

function taskResult(
  located: Located,
  logic: ModdleElement | undefined,
  value: unknown,
): { [key: string]: JsonLike } {
  if (logic?.$type === 'dmn:DecisionTable') {
    const outputs = (logic.output as ModdleElement[] | undefined) ?? [];
    if (outputs.length === 1) {
      const output = outputs[0] as ModdleElement;
      const name = str(output, 'name') || str(output, 'label');
      if (value === null || (Array.isArray(value) && value.length === 0)) return {};
      return nest({}, name, fromFeel(value));
    }
    const rows: unknown[] = Array.isArray(value) ? (value as unknown[]) : [value];
    if (value === null || rows.length === 0) return {};
    const out: { [key: string]: JsonLike } = {};
    for (const output of outputs) {
      const name = str(output, 'name') || str(output, 'label');
      const values = rows.map((row) =>
        fromFeel((row as Record<string, unknown> | null)?.[str(output, 'name')] ?? null),
      );
      nest(out, name, Array.isArray(value) ? values : (values[0] ?? null));
    }
    return out;
  }
  const name = str(one(located.element, 'variable'), 'name') || str(located.element, 'name');
  return { [name]: fromFeel(value) };
}

/** Stores `value` under a dotted name, making nested objects. */
export function nest(
  target: { [key: string]: JsonLike },
  dotted: string,
  value: JsonLike,
): { [key: string]: JsonLike } {
  const parts = dotted.split('.');
  let node = target;
  parts.forEach((part, i) => {
    if (i === parts.length - 1) {
      node[part] = value;
      return;
    }
    const next = node[part];
    const child: { [key: string]: JsonLike } =
      next !== null && typeof next === 'object' && !Array.isArray(next) ? next : {};
    node[part] = child;
    node = child;
  });
  return target;
}
