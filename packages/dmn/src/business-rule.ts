import type { DecisionHandler } from '@spiff-ts/bpmn';
import type { DataObject } from '@spiff-ts/core';
import type { JsonLike } from '@spiff-ts/python';
import type { DmnEngine } from './engine.js';
import { decisionLogic } from './feel/evaluator.js';

/**
 * The id of the decision a business rule task refers to. `spiffworkflow:calledDecisionId` and
 * `camunda:decisionRef` name a decision (by id, or by name); some older models name the decision
 * table inside it instead, which resolves to its decision. Anything else is returned as it is,
 * so evaluating it reports the unknown decision by the name the model used.
 */
export function resolveDecisionRef(engine: DmnEngine, ref: string): string {
  for (const model of engine.models.models) {
    if (model.elements.has(ref) || model.elementsByName.has(ref)) return ref;
  }
  for (const model of engine.models.models) {
    for (const [id, element] of model.elements) {
      if (element.$type === 'dmn:Decision' && decisionLogic(element)?.id === ref) return id;
    }
  }
  return ref;
}

/**
 * Business rule tasks backed by `engine`: pass the result as `decide` in the options of a
 * `BpmnWorkflow` (and of its `BpmnWorkflowSerializer`). The task's data is the decision's
 * context; what the decision returns is merged into the task's data.
 *
 * @example
 * ```ts
 * const engine = DmnEngine.parse([{ path: 'discount.dmn', text }]);
 * const workflow = new BpmnWorkflow(spec, subprocesses, { decide: businessRuleTasks(engine) });
 * ```
 */
export function businessRuleTasks(engine: DmnEngine): DecisionHandler {
  const ids = new Map<string, string>();
  return (ref, data) => {
    let id = ids.get(ref);
    if (id === undefined) {
      id = resolveDecisionRef(engine, ref);
      ids.set(ref, id);
    }
    return engine.decide(id, data as { readonly [key: string]: JsonLike }).result as DataObject;
  };
}
