/**
 * The `decide` op of the spiff behaviour corpus (`shared/conformance/spiff/README.md`): load
 * DMN files, evaluate one decision against a context, and report what a business rule task
 * would merge into its data.
 */
import { ValidationError } from '@spiff-ts/core';
import { PythonError, type JsonLike } from '@spiff-ts/python';
import { DmnEngine } from './engine.js';
import { DmnEvaluationError } from './errors.js';
import { mostSimilar } from './did-you-mean.js';

/** Outcome of {@link decideForScenario}. */
export interface ScenarioDecision {
  /** `null`, or the failure: `validation` (a file was rejected) or `task` (evaluation failed). */
  readonly error: {
    readonly kind: 'validation' | 'task';
    readonly message: string;
    /** For an undefined name: the 3 context keys nearest to it; else `[]`. */
    readonly did_you_mean: readonly string[];
  } | null;
  readonly result: { [key: string]: JsonLike } | null;
  readonly matched: readonly string[] | null;
}

/** Options of {@link decideForScenario}. */
export interface ScenarioDecisionOptions {
  /** Check each file against its DMN schema first (the runner's job; accepted for symmetry). */
  readonly validate: boolean;
}

/**
 * Loads `files` as the `load` of a DMN-only scenario does: `error` is `validation` when a file
 * is rejected.
 */
export function loadForScenario(
  files: readonly { readonly path: string; readonly text: string }[],
  options: ScenarioDecisionOptions,
): Pick<ScenarioDecision, 'error'> {
  void options;
  try {
    cachedEngine(files);
    return { error: null };
  } catch (error) {
    if (error instanceof ValidationError) {
      return { error: { kind: 'validation', message: error.message, did_you_mean: [] } };
    }
    throw error;
  }
}

/**
 * Loads `files` and evaluates `decisionId` (default: the only decision) with `context`.
 * Never throws for a bad model or a failing decision: those are reported in `error`.
 *
 * @example
 * ```ts
 * const { result, matched } = decideForScenario(files, 'discount', { amount: 120 }, { validate: true });
 * ```
 */
export function decideForScenario(
  files: readonly { readonly path: string; readonly text: string }[],
  decisionId: string | undefined,
  context: JsonLike,
  options: ScenarioDecisionOptions,
): ScenarioDecision {
  void options;
  let engine: DmnEngine;
  try {
    engine = cachedEngine(files);
  } catch (error) {
    if (error instanceof ValidationError) {
      return {
        error: { kind: 'validation', message: error.message, did_you_mean: [] },
        result: null,
        matched: null,
      };
    }
    throw error;
  }
  const data: { [key: string]: JsonLike } =
    context !== null && typeof context === 'object' && !Array.isArray(context) ? context : {};
  try {
    const id = decisionId ?? engine.decisions()[0]?.id ?? '';
    const { result, matched } = engine.decide(id, data);
    return { error: null, result, matched: [...matched] };
  } catch (error) {
    if (error instanceof DmnEvaluationError || error instanceof PythonError) {
      const missing = /name '([^']+)' is not defined/.exec(error.message);
      const suggestions =
        missing?.[1] === undefined ? [] : mostSimilar(missing[1], Object.keys(data), 3);
      return {
        error: { kind: 'task', message: error.message, did_you_mean: suggestions },
        result: null,
        matched: null,
      };
    }
    // Anything else is a bug here, but a scenario step reports it instead of crashing the run.
    const message = error instanceof Error ? error.message : String(error);
    return {
      error: { kind: 'task', message: `Internal error: ${message}`, did_you_mean: [] },
      result: null,
      matched: null,
    };
  }
}

// Scenario steps load the same files again and again; parsed engines are kept for reuse.
const engines = new Map<string, DmnEngine>();

function cachedEngine(
  files: readonly { readonly path: string; readonly text: string }[],
): DmnEngine {
  const key = JSON.stringify(files.map((f) => [f.path, f.text]));
  let engine = engines.get(key);
  if (engine === undefined) {
    engine = DmnEngine.parse(files);
    if (engines.size >= 16) engines.delete(engines.keys().next().value as string);
    engines.set(key, engine);
  }
  return engine;
}
