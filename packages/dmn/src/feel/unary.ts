/**
 * Compiled FEEL cells. feelin parses an expression on every call, so the cells of a decision
 * table that are simple unary tests (literals, comparisons with a literal, literal ranges, and
 * lists of those: most tables) are compiled here to plain predicates; anything else goes to
 * feelin.
 */
import { SyntaxError as FeelSyntaxError, evaluate, unaryTest } from 'feelin';
import { DmnEvaluationError } from '../errors.js';
import { ARITHMETIC, rewriteArithmetic } from './arith.js';
import { reportWarning } from './warnings.js';
import { withBuiltins } from './builtins.js';
import { externalFunction, parseExternal } from './java.js';

/** Variables visible to an expression. */
export type Scope = Record<string, unknown>;

/** A compiled unary test: does the input value pass? */
export type UnaryTest = (input: unknown, scope: Scope) => boolean;

/** A compiled expression. */
export type Expr = (scope: Scope) => unknown;

type Literal = number | string | boolean;

const NUMBER = String.raw`-?(?:\d+(?:\.\d*)?|\.\d+)`;
const STRING = String.raw`"(?:[^"\\]|\\.)*"`;
const LITERAL = new RegExp(String.raw`^(?:(${NUMBER})|(${STRING})|(true|false))$`);
const COMPARISON = new RegExp(String.raw`^(<=|>=|<|>|=|!=)\s*(${NUMBER}|${STRING})$`);
const RANGE = new RegExp(
  String.raw`^([\[\]\(])\s*(${NUMBER}|${STRING})\s*\.\.\s*(${NUMBER}|${STRING})\s*([\[\]\)])$`,
);

function literalOf(text: string): Literal | undefined {
  const m = LITERAL.exec(text);
  if (m === null) return undefined;
  if (m[1] !== undefined) return Number(m[1]);
  if (m[2] !== undefined) return JSON.parse(m[2]) as string;
  return m[3] === 'true';
}

function sameKind(a: unknown, b: Literal): boolean {
  return typeof a === typeof b;
}

function simpleTest(text: string): ((input: unknown) => boolean) | undefined {
  const literal = literalOf(text);
  if (literal !== undefined) return (v) => v === literal;
  const cmp = COMPARISON.exec(text);
  if (cmp !== null) {
    const bound = literalOf(cmp[2] ?? '');
    if (bound === undefined) return undefined;
    switch (cmp[1]) {
      case '<':
        return (v) => sameKind(v, bound) && (v as Literal) < bound;
      case '<=':
        return (v) => sameKind(v, bound) && (v as Literal) <= bound;
      case '>':
        return (v) => sameKind(v, bound) && (v as Literal) > bound;
      case '>=':
        return (v) => sameKind(v, bound) && (v as Literal) >= bound;
      case '=':
        return (v) => v === bound;
      case '!=':
        return (v) => sameKind(v, bound) && v !== bound;
    }
    return undefined;
  }
  const range = RANGE.exec(text);
  if (range !== null) {
    const low = literalOf(range[2] ?? '');
    const high = literalOf(range[3] ?? '');
    if (low === undefined || high === undefined || typeof low !== typeof high) return undefined;
    const lowIn = range[1] === '[';
    const highIn = range[4] === ']';
    return (v) =>
      sameKind(v, low) &&
      (lowIn ? (v as Literal) >= low : (v as Literal) > low) &&
      (highIn ? (v as Literal) <= high : (v as Literal) < high);
  }
  return undefined;
}

/** Splits at top-level commas; undefined when the text has brackets or quotes that make it hard. */
function splitList(text: string): string[] | undefined {
  if (/[(){}]/.test(text)) return undefined;
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[') depth += 1;
    else if (c === ']' && depth > 0) depth -= 1;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

function syntaxError(text: string, error: unknown): DmnEvaluationError {
  const message = error instanceof Error ? error.message : String(error);
  return new DmnEvaluationError(`Cannot parse FEEL '${text}': ${message}`, { cause: error });
}

/**
 * Compiles the text of an input entry. `-` and empty text match anything.
 * A cell feelin cannot parse fails when it is evaluated, with a {@link DmnEvaluationError}.
 */
export function compileUnaryTest(text: string): UnaryTest {
  const source = text.trim();
  if (source === '' || source === '-') return () => true;
  const parts = splitList(source);
  if (parts !== undefined) {
    const tests = parts.map(simpleTest);
    if (tests.every((t) => t !== undefined)) {
      if (tests.length === 1) return tests[0] as (input: unknown) => boolean;
      return (v) => tests.some((t) => t(v));
    }
  }
  const negated = /^not\s*\(([\s\S]*)\)$/.exec(source);
  if (negated !== null && PATH.test((negated[1] ?? '').trim())) {
    const inner = compileUnaryTest(negated[1] ?? '');
    return (input, scope) => !inner(input, scope);
  }
  if (PATH.test(source) && !RESERVED.has(source)) {
    // feelin treats a cell whose value is a boolean as the test's outcome; DMN compares it
    // with the input like any other value.
    return (input, scope) => {
      const value = evaluateFeel(source, scope);
      if (typeof value === 'boolean') return input === value;
      return evaluateUnary(source, input, scope);
    };
  }
  return (input, scope) => evaluateUnary(source, input, scope);
}

const PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

function evaluateUnary(source: string, input: unknown, scope: Scope): boolean {
  {
    let result: unknown;
    try {
      result = unaryTest(source, withBuiltins(source, { ...scope, '?': input })).value;
    } catch (error) {
      if (error instanceof DmnEvaluationError) throw error;
      if (error instanceof FeelSyntaxError) throw syntaxError(source, error);
      throw new DmnEvaluationError(`Cannot evaluate FEEL '${source}': ${String(error)}`, {
        cause: error,
      });
    }
    return result === true;
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Compiles a FEEL expression; empty text is `null`. */
export function compileExpression(text: string): Expr {
  const source = text.trim();
  if (source === '') return () => null;
  const literal = literalOf(source);
  if (literal !== undefined && !/^-?0\d/.test(source)) return () => literal;
  if (source === 'null') return () => null;
  if (NAME.test(source) && !RESERVED.has(source)) {
    return (scope) => (Object.hasOwn(scope, source) ? scope[source] : evaluateFeel(source, scope));
  }
  return (scope) => evaluateFeel(source, scope);
}

const RESERVED = new Set(['true', 'false', 'null', 'not', 'for', 'if', 'some', 'every']);

/**
 * Evaluates FEEL text with feelin. FEEL's errors evaluate to `null`; text feelin cannot parse
 * throws.
 * @throws {@link DmnEvaluationError} when the text is not FEEL
 */
export function evaluateFeel(text: string, scope: Scope): unknown {
  const external = parseExternal(text);
  if (external !== undefined) {
    return externalFunction(evaluateFeel(external.context, scope), external.params);
  }
  let value: unknown;
  try {
    const rewritten = rewriteArithmetic(text, scope);
    const context = withBuiltins(text, scope);
    const result = evaluate(
      rewritten,
      rewritten === text ? context : { ...ARITHMETIC, ...context },
    );
    value = result.value;
    for (const w of result.warnings) reportWarning(w.message);
  } catch (error) {
    if (error instanceof DmnEvaluationError) throw error;
    if (error instanceof FeelSyntaxError) throw syntaxError(text, error);
    // feelin throws for what it does not implement (negative years, ...); FEEL's answer to an
    // expression it cannot evaluate is null.
    throw new DmnEvaluationError(`Cannot evaluate FEEL '${text}': ${String(error)}`, {
      cause: error,
    });
  }
  return normalize(value);
}

/** feelin lets NaN and infinities through where FEEL has no number: those become null. */
export function normalize(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value))
    return value.some((v) => typeof v === 'number' && !Number.isFinite(v))
      ? value.map(normalize)
      : value;
  return value;
}

/** Runs unary tests text (allowed values, input values) against a value. */
export function passesUnaryTests(text: string, value: unknown, scope: Scope = {}): boolean {
  return compileUnaryTest(text)(value, scope);
}
