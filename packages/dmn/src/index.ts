/**
 * @packageDocumentation
 * DMN decisions for spiffworkflow-ts: decision tables with every hit policy, and the whole
 * decision requirements graph (BKMs, contexts, relations, invocations, decision services,
 * imports), in FEEL (via feelin) or, as SpiffWorkflow does, with Python cells.
 *
 * @example
 * ```ts
 * import { DmnEngine } from '@spiff-ts/dmn';
 * const engine = DmnEngine.parse([{ path: 'discount.dmn', text }]);
 * const { result, matched } = engine.decide('discount', { amount: 120 });
 * ```
 */
export { DmnEngine, nest } from './engine.js';
export { businessRuleTasks, resolveDecisionRef } from './business-rule.js';
export { decisionTableJson, decisionTableOf, dmnInterop, withDecisionTables } from './interop.js';
export type {
  DecideResult,
  DmnEngineOptions,
  EvaluateOptions,
  FeelDecisionResult,
} from './engine.js';
export { DmnEvaluationError } from './errors.js';
// Re-exported: the error parsing throws for invalid models.
export { ValidationError } from '@spiff-ts/core';
export { parseDmnModels, languageOf } from './model.js';
export type {
  DmnModel,
  DmnModelSet,
  DmnSource,
  ExpressionLanguage,
  Located,
  ParseDmnOptions,
} from './model.js';
export { parseHitPolicy, parseAggregation } from './hit-policy.js';
export type { Aggregation, HitPolicy } from './hit-policy.js';
export { fromFeel, toFeel } from './feel/convert.js';
export { feelEquals, feelTypeOf } from './feel/values.js';
export { decideForScenario, loadForScenario } from './scenario.js';
export type { ScenarioDecision, ScenarioDecisionOptions } from './scenario.js';
export { distance, mostSimilar } from './did-you-mean.js';
