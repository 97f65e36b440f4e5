/**
 * Evaluates a decision requirements graph the DMN way: FEEL boxed expressions (literal
 * expressions, contexts, relations, lists, invocations, function definitions, decision
 * tables, conditionals, filters, iterators), business knowledge models as functions, decision
 * services, imports and item definitions.
 */
import type { ModdleElement } from '@spiff-ts/bpmn';
import { FeelFunction } from 'feelin';
import { DmnEvaluationError } from '../errors.js';
import {
  parseAggregation,
  parseHitPolicy,
  selectRows,
  type Aggregation,
  type HitPolicy,
} from '../hit-policy.js';
import {
  many,
  one,
  resolveHref,
  str,
  type DmnModel,
  type DmnModelSet,
  type Located,
} from '../model.js';
import { javaFunction } from './java.js';
import { coerce } from './types.js';
import {
  compileExpression,
  compileUnaryTest,
  evaluateFeel,
  type Expr,
  type Scope,
  type UnaryTest,
} from './unary.js';
import { feelEquals, isContext } from './values.js';

/** Values given to an evaluation: input data (and decisions, to skip evaluating them). */
export interface FeelInputs {
  /** By name, for elements of any model. */
  readonly byName: ReadonlyMap<string, unknown>;
  /** By `namespace + '#' + name`, for elements of one model. */
  readonly byQualifiedName?: ReadonlyMap<string, unknown>;
  /**
   * Variables every decision sees besides its requirements (a business rule task's data).
   * Requirements of the same name take precedence.
   */
  readonly globals?: Readonly<Record<string, unknown>>;
}

/** What one decision table evaluation matched. */
export interface TableTrace {
  readonly tableId: string;
  readonly matched: readonly string[];
}

interface CompiledTable {
  readonly id: string;
  readonly hitPolicy: HitPolicy;
  readonly aggregation: Aggregation | undefined;
  readonly inputs: readonly {
    readonly expr: Expr;
    readonly allowed: UnaryTest | undefined;
    readonly typeRef: string;
  }[];
  readonly outputs: readonly {
    readonly name: string;
    readonly typeRef: string;
    readonly allowed: UnaryTest | undefined;
    readonly priorities: readonly unknown[] | undefined;
    readonly defaultValue: Expr | undefined;
  }[];
  readonly rules: readonly {
    readonly id: string;
    /** One per input; `undefined` for `-` (matches anything). */
    readonly tests: readonly (UnaryTest | undefined)[];
    readonly outputs: readonly Expr[];
  }[];
}

const compiledTables = new WeakMap<ModdleElement, CompiledTable>();

function compileTable(table: ModdleElement): CompiledTable {
  const cached = compiledTables.get(table);
  if (cached !== undefined) return cached;
  const id = str(table, 'id');
  const hitPolicy = parseHitPolicy(str(table, 'hitPolicy'));
  if (hitPolicy === undefined) {
    throw new DmnEvaluationError(`Unknown hit policy '${str(table, 'hitPolicy')}' in '${id}'`, {
      elementId: id,
    });
  }
  const allowedOf = (clause: ModdleElement, property: string): UnaryTest | undefined => {
    const text = str(one(clause, property), 'text').trim();
    return text === '' ? undefined : compileUnaryTest(text);
  };
  const outputs = many(table, 'output').map((output) => {
    const valuesText = str(one(output, 'outputValues'), 'text').trim();
    const defaultText = str(one(output, 'defaultOutputEntry'), 'text');
    return {
      name: str(output, 'name'),
      typeRef: str(output, 'typeRef'),
      allowed: allowedOf(output, 'outputValues'),
      priorities:
        valuesText === ''
          ? undefined
          : (() => {
              const list = evaluateFeel(`[${valuesText}]`, {});
              return Array.isArray(list) ? (list as unknown[]) : undefined;
            })(),
      defaultValue: defaultText.trim() === '' ? undefined : compileExpression(defaultText),
    };
  });
  const compiled: CompiledTable = {
    id,
    hitPolicy,
    aggregation: parseAggregation(str(table, 'aggregation')),
    inputs: many(table, 'input').map((input) => {
      const expression = one(input, 'inputExpression');
      return {
        expr: compileExpression(str(expression, 'text')),
        allowed: allowedOf(input, 'inputValues'),
        typeRef: str(expression, 'typeRef'),
      };
    }),
    outputs,
    rules: many(table, 'rule').map((rule) => ({
      id: str(rule, 'id'),
      tests: many(rule, 'inputEntry').map((entry) => {
        const text = str(entry, 'text').trim();
        return text === '' || text === '-' ? undefined : compileUnaryTest(text);
      }),
      outputs: many(rule, 'outputEntry').map((entry) => compileExpression(str(entry, 'text'))),
    })),
  };
  compiledTables.set(table, compiled);
  return compiled;
}

/** The evaluation of decisions for one set of inputs; remembers each decision's value. */
export class FeelEvaluation {
  readonly #set: DmnModelSet;
  readonly #inputs: FeelInputs;
  readonly #values = new Map<ModdleElement, unknown>();
  readonly #active = new Set<ModdleElement>();
  /** Decision tables evaluated, in order, with their matched rules. */
  readonly traces: TableTrace[] = [];
  /** Errors met while evaluating (FEEL turns them into null), first one first. */
  readonly errors: DmnEvaluationError[] = [];

  constructor(set: DmnModelSet, inputs: FeelInputs) {
    this.#set = set;
    this.#inputs = inputs;
  }

  #given(model: DmnModel, name: string): { found: boolean; value: unknown } {
    const qualified = this.#inputs.byQualifiedName?.get(`${model.namespace}#${name}`);
    if (
      qualified !== undefined ||
      this.#inputs.byQualifiedName?.has(`${model.namespace}#${name}`)
    ) {
      return { found: true, value: qualified ?? null };
    }
    if (this.#inputs.byName.has(name)) return { found: true, value: this.#inputs.byName.get(name) };
    return { found: false, value: null };
  }

  /** The value of an input data element: the given value, coerced to its type. */
  inputData(located: Located): unknown {
    const { element, model } = located;
    const variable = one(element, 'variable');
    const given = this.#given(model, str(element, 'name'));
    return coerce(this.#set, model, str(variable, 'typeRef'), given.value);
  }

  /** The value of a decision (given, remembered, or evaluated now). */
  decision(located: Located): unknown {
    const { element, model } = located;
    const given = this.#given(model, str(element, 'name'));
    if (given.found)
      return coerce(this.#set, model, str(one(element, 'variable'), 'typeRef'), given.value);
    if (this.#values.has(element)) return this.#values.get(element);
    if (this.#active.has(element)) {
      throw new DmnEvaluationError(`Decision '${str(element, 'id')}' requires itself`, {
        elementId: str(element, 'id'),
      });
    }
    this.#active.add(element);
    let value: unknown;
    try {
      const scope = this.scopeOf(located);
      const expression = decisionLogic(element);
      value = this.guard(element, () =>
        expression === undefined ? null : this.expression(expression, scope, model),
      );
      value = coerce(this.#set, model, str(one(element, 'variable'), 'typeRef'), value);
    } finally {
      this.#active.delete(element);
    }
    this.#values.set(element, value);
    return value;
  }

  /** Runs `fn`; a {@link DmnEvaluationError} is recorded and the value becomes null. */
  guard(element: ModdleElement, fn: () => unknown): unknown {
    try {
      return fn();
    } catch (error) {
      if (!(error instanceof DmnEvaluationError)) throw error;
      if (!this.errors.includes(error)) {
        const id = str(element, 'id') || str(element, 'name');
        if (id !== '') error.addNote(`While evaluating '${id}'`);
        this.errors.push(error);
      }
      return null;
    }
  }

  /** The variables a decision, BKM or decision service sees: its requirements by name. */
  scopeOf(located: Located): Scope {
    const { element, model } = located;
    const scope: Scope = { ...this.#inputs.globals };
    const bind = (target: Located, value: unknown): void => {
      const name = str(target.element, 'name');
      if (target.model === model) {
        scope[name] = value;
        return;
      }
      const path = importPath(this.#set, model, target.model);
      if (path === undefined) {
        scope[name] = value;
        return;
      }
      let context = scope;
      for (const part of path) {
        const next = context[part];
        const child: Scope = isContext(next) ? next : {};
        context[part] = child;
        context = child;
      }
      context[name] = value;
    };
    for (const requirement of many(element, 'informationRequirement')) {
      const decision = one(requirement, 'requiredDecision');
      const input = one(requirement, 'requiredInput');
      const href = str(decision ?? input, 'href');
      const target = href === '' ? undefined : resolveHref(this.#set, model, href);
      if (target === undefined) continue;
      bind(target, decision !== undefined ? this.decision(target) : this.inputData(target));
    }
    for (const requirement of many(element, 'knowledgeRequirement')) {
      const href = str(one(requirement, 'requiredKnowledge'), 'href');
      const target = href === '' ? undefined : resolveHref(this.#set, model, href);
      if (target !== undefined) bind(target, this.invocable(target));
    }
    return scope;
  }

  /** A BKM or decision service as a FEEL function. */
  invocable(located: Located): FeelFunction {
    const { element, model } = located;
    if (element.$type === 'dmn:DecisionService') {
      const params = [...many(element, 'inputData'), ...many(element, 'inputDecision')]
        .map((ref) => resolveHref(this.#set, model, str(ref, 'href')))
        .filter((x): x is Located => x !== undefined);
      return new FeelFunction(
        (...args: unknown[]) => {
          if (args.length !== params.length) return null;
          const values = new Map<string, unknown>();
          for (const [i, p] of params.entries()) {
            const given = args[i] ?? null;
            const typeRef = str(one(p.element, 'variable'), 'typeRef');
            // An argument that does not conform to its parameter's type fails the call.
            if (given !== null && coerce(this.#set, p.model, typeRef, given) === null) return null;
            values.set(str(p.element, 'name'), given);
          }
          const result = this.decisionService(located, values);
          return result;
        },
        params.map((p) => str(p.element, 'name')),
      );
    }
    const logic = one(element, 'encapsulatedLogic');
    const scope = this.scopeOf(located);
    if (logic === undefined) return new FeelFunction(() => null, []);
    const fn = this.functionDefinition(logic, scope, model);
    return fn instanceof FeelFunction ? fn : new FeelFunction(() => null, []);
  }

  /**
   * Invokes a decision service with values for its input data and input decisions; the
   * result is the single output decision's value, or a context of all of them.
   */
  decisionService(located: Located, values: ReadonlyMap<string, unknown>): unknown {
    const { element, model } = located;
    const inner = new FeelEvaluation(this.#set, {
      byName: new Map(
        [...many(element, 'inputData'), ...many(element, 'inputDecision')].flatMap((ref) => {
          const target = resolveHref(this.#set, model, str(ref, 'href'));
          if (target === undefined) return [];
          const name = str(target.element, 'name');
          return [[name, values.get(name) ?? null] as const];
        }),
      ),
    });
    const outputs = many(element, 'outputDecision')
      .map((ref) => resolveHref(this.#set, model, str(ref, 'href')))
      .filter((x): x is Located => x !== undefined);
    const result: Scope = {};
    for (const output of outputs) result[str(output.element, 'name')] = inner.decision(output);
    this.errors.push(...inner.errors);
    const only = outputs[0];
    const value =
      outputs.length === 1 && only !== undefined ? result[str(only.element, 'name')] : result;
    return coerce(this.#set, model, str(one(element, 'variable'), 'typeRef'), value);
  }

  /** Evaluates a boxed expression, applying its own `typeRef` when it has one. */
  expression(expr: ModdleElement, scope: Scope, model: DmnModel): unknown {
    const value = this.#expression(expr, scope, model);
    const typeRef = expr.typeRef;
    return typeof typeRef === 'string' && typeRef !== '' && expr.$type !== 'dmn:DecisionTable'
      ? coerce(this.#set, model, typeRef, value)
      : value;
  }

  #expression(expr: ModdleElement, scope: Scope, model: DmnModel): unknown {
    switch (expr.$type) {
      case 'dmn:LiteralExpression':
        return compiledLiteral(expr)(scope);
      case 'dmn:DecisionTable':
        return this.decisionTable(expr, scope, model);
      case 'dmn:Context':
        return this.context(expr, scope, model);
      case 'dmn:List':
        return many(expr, 'elements').map((e) => this.expression(e, scope, model));
      case 'dmn:Relation': {
        const columns = many(expr, 'column').map((c) => str(c, 'name'));
        return many(expr, 'row').map((row) => {
          const out: Scope = {};
          many(row, 'elements').forEach((cell, i) => {
            out[columns[i] ?? String(i)] = this.expression(cell, scope, model);
          });
          return out;
        });
      }
      case 'dmn:Invocation':
        return this.invocation(expr, scope, model);
      case 'dmn:FunctionDefinition':
        return this.functionDefinition(expr, scope, model);
      case 'dmn:Conditional': {
        const condition = this.child(expr, 'if', scope, model);
        if (condition !== null && typeof condition !== 'boolean') return null;
        return this.child(expr, condition === true ? 'then' : 'else', scope, model);
      }
      case 'dmn:Filter': {
        const list = this.child(expr, 'in', scope, model);
        if (!Array.isArray(list)) return null;
        const match = one(one(expr, 'match'), 'expression');
        if (match === undefined) return null;
        const keep = list.map((item: unknown) => {
          const itemScope: Scope = isContext(item)
            ? { ...scope, ...item, item }
            : { ...scope, item };
          return this.expression(match, itemScope, model);
        });
        if (keep.some((k) => k !== null && typeof k !== 'boolean')) return null;
        return list.filter((_: unknown, i: number) => keep[i] === true);
      }
      case 'dmn:For':
      case 'dmn:Some':
      case 'dmn:Every': {
        const list = this.child(expr, 'in', scope, model);
        if (!Array.isArray(list)) return null;
        const items = list as unknown[];
        const variable = str(expr, 'iteratorVariable');
        const body = one(
          one(expr, expr.$type === 'dmn:For' ? 'return' : 'satisfies'),
          'expression',
        );
        if (body === undefined) return null;
        const results = items.map((item) =>
          this.expression(body, { ...scope, [variable]: item }, model),
        );
        if (expr.$type === 'dmn:For') return results;
        if (results.some((r) => r !== null && typeof r !== 'boolean')) return null;
        if (expr.$type === 'dmn:Some') {
          return results.some((r) => r === true)
            ? true
            : results.every((r) => r === false)
              ? false
              : null;
        }
        return results.every((r) => r === true)
          ? true
          : results.some((r) => r === false)
            ? false
            : null;
      }
      default:
        throw new DmnEvaluationError(`Unsupported expression <${expr.$type}>`, {
          elementId: str(expr, 'id'),
        });
    }
  }

  child(expr: ModdleElement, property: string, scope: Scope, model: DmnModel): unknown {
    const inner = one(one(expr, property), 'expression');
    return inner === undefined ? null : this.expression(inner, scope, model);
  }

  context(expr: ModdleElement, scope: Scope, model: DmnModel): unknown {
    const local: Scope = { ...scope };
    const result: Scope = {};
    for (const entry of many(expr, 'contextEntry')) {
      const variable = one(entry, 'variable');
      const value = one(entry, 'value');
      const computed = value === undefined ? null : this.expression(value, local, model);
      if (variable === undefined) return computed;
      const name = str(variable, 'name');
      const typed = coerce(this.#set, model, str(variable, 'typeRef'), computed);
      local[name] = typed;
      result[name] = typed;
    }
    return result;
  }

  invocation(expr: ModdleElement, scope: Scope, model: DmnModel): unknown {
    const called = one(expr, 'calledFunction');
    const fn =
      called === undefined
        ? null
        : called.$type === 'dmn:LiteralExpression'
          ? evaluateFeel(str(called, 'text'), scope)
          : this.expression(called, scope, model);
    if (!(fn instanceof FeelFunction)) {
      throw new DmnEvaluationError(`Invocation of '${str(called, 'text')}': not a function`, {
        elementId: str(expr, 'id'),
      });
    }
    const args: Scope = {};
    for (const binding of many(expr, 'binding')) {
      const name = str(one(binding, 'parameter'), 'name');
      const formula = one(binding, 'bindingFormula');
      args[name] = formula === undefined ? null : this.expression(formula, scope, model);
    }
    const result: unknown = fn.invoke(args);
    // feelin signals a parameter mismatch with an InvocationFailure object; FEEL says null.
    if (
      result !== null &&
      typeof result === 'object' &&
      'warning' in result &&
      'template' in result
    ) {
      return null;
    }
    return result ?? null;
  }

  functionDefinition(expr: ModdleElement, scope: Scope, model: DmnModel): unknown {
    const kind = str(expr, 'kind') || 'FEEL';
    const params = many(expr, 'formalParameter');
    const names = params.map((p) => str(p, 'name'));
    const body = one(expr, 'body');
    if (kind.toUpperCase() !== 'FEEL') {
      return externalDefinition(body, names, (e) => this.expression(e, scope, model));
    }
    return new FeelFunction((...args: unknown[]) => {
      const local: Scope = { ...scope };
      params.forEach((param, i) => {
        local[str(param, 'name')] = coerce(
          this.#set,
          model,
          str(param, 'typeRef'),
          args[i] ?? null,
        );
      });
      if (body === undefined) return null;
      const value = this.guard(expr, () => this.expression(body, local, model));
      return coerce(this.#set, model, str(expr, 'typeRef'), value);
    }, names);
  }

  decisionTable(table: ModdleElement, scope: Scope, model: DmnModel): unknown {
    const t = compileTable(table);
    const inputs = t.inputs.map((input, i) => {
      const value = coerce(this.#set, model, input.typeRef, input.expr(scope));
      if (input.allowed !== undefined && value !== null && !input.allowed(value, scope)) {
        throw new DmnEvaluationError(
          `Input ${i + 1} of '${t.id}' is not one of its allowed values`,
          { elementId: t.id },
        );
      }
      return value;
    });
    const matched: string[] = [];
    const rows: unknown[][] = [];
    const firstOnly = t.hitPolicy === 'FIRST';
    rules: for (const rule of t.rules) {
      const tests = rule.tests;
      for (let i = 0; i < tests.length; i += 1) {
        const test = tests[i];
        if (test !== undefined && !test(inputs[i] ?? null, scope)) continue rules;
      }
      {
        matched.push(rule.id);
        rows.push(
          rule.outputs.map((output, i) => {
            const clause = t.outputs[i];
            const value = coerce(this.#set, model, clause?.typeRef ?? '', output(scope));
            if (clause?.allowed !== undefined && value !== null && !clause.allowed(value, scope)) {
              throw new DmnEvaluationError(
                `Output '${clause.name}' of rule '${rule.id}' is not one of its allowed values`,
                { elementId: rule.id },
              );
            }
            return value;
          }),
        );
        // FIRST needs no more than the first match.
        if (firstOnly) break;
      }
    }
    this.traces.push({ tableId: t.id, matched });
    const shape = (row: readonly unknown[]): unknown => {
      if (t.outputs.length === 1) return row[0] ?? null;
      const out: Scope = {};
      t.outputs.forEach((o, i) => (out[o.name] = row[i] ?? null));
      return out;
    };
    if (rows.length === 0) {
      if (t.outputs.some((o) => o.defaultValue !== undefined)) {
        return shape(
          t.outputs.map((o) => (o.defaultValue === undefined ? null : o.defaultValue(scope))),
        );
      }
      if (t.hitPolicy === 'COLLECT' && t.aggregation === 'COUNT') return 0;
      return t.hitPolicy === 'COLLECT' ||
        t.hitPolicy === 'RULE ORDER' ||
        t.hitPolicy === 'OUTPUT ORDER'
        ? t.aggregation === undefined
          ? []
          : null
        : null;
    }
    const selected = selectRows(
      { id: t.id, hitPolicy: t.hitPolicy, priorities: t.outputs.map((o) => o.priorities) },
      matched,
      rows,
      feelEquals,
    );
    if (selected.single) return shape(selected.rows[0] ?? []);
    const values = selected.rows.map(shape);
    if (t.hitPolicy !== 'COLLECT' || t.aggregation === undefined) return values;
    return aggregate(t.aggregation, values);
  }
}

function aggregate(aggregation: Aggregation, values: readonly unknown[]): unknown {
  if (aggregation === 'COUNT') return values.length;
  if (values.length === 0) return null;
  // FEEL's own sum/min/max, so that durations, dates and strings aggregate as FEEL says.
  const fn = aggregation === 'SUM' ? 'sum' : aggregation === 'MIN' ? 'min' : 'max';
  return evaluateFeel(`${fn}(values)`, { values: [...values] });
}

const compiledLiterals = new WeakMap<ModdleElement, Expr>();

function compiledLiteral(expr: ModdleElement): Expr {
  let compiled = compiledLiterals.get(expr);
  if (compiled === undefined) {
    compiled = compileExpression(str(expr, 'text'));
    compiledLiterals.set(expr, compiled);
  }
  return compiled;
}

/** The expression that defines a decision's value, if any. */
export function decisionLogic(decision: ModdleElement): ModdleElement | undefined {
  const logic = decision.decisionLogic;
  return logic !== null && typeof logic === 'object' ? (logic as ModdleElement) : undefined;
}

/** The import names leading from `from` to `to` (directly or through nested imports). */
function importPath(set: DmnModelSet, from: DmnModel, to: DmnModel): string[] | undefined {
  const seen = new Set<DmnModel>([from]);
  const queue: { model: DmnModel; path: string[] }[] = [{ model: from, path: [] }];
  while (queue.length > 0) {
    const { model, path } = queue.shift() as { model: DmnModel; path: string[] };
    for (const [name, namespace] of model.imports) {
      const target = set.byNamespace.get(namespace);
      if (target === undefined || seen.has(target)) continue;
      const next = name === '' ? path : [...path, name];
      if (target === to) return next;
      seen.add(target);
      queue.push({ model: target, path: next });
    }
  }
  return undefined;
}

/** `kind="Java"` functions: the body is a context naming the class and method signature. */
function externalDefinition(
  body: ModdleElement | undefined,
  names: readonly string[],
  evaluate: (e: ModdleElement) => unknown,
): FeelFunction {
  const spec = body === undefined ? null : evaluate(body);
  const java = isContext(spec) && isContext(spec.java) ? spec.java : isContext(spec) ? spec : {};
  return javaFunction(java.class, java['method signature'], names);
}
