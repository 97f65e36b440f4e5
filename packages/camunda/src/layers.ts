import { cloneData } from '@spiff-ts/core';
import {
  bpmnEventPayloads,
  eventLayers,
  type BpmnWorkflow,
  type EventPayloads,
} from '@spiff-ts/bpmn';

/** What a camunda message carries: the value of its expression and where it should land. */
interface CamundaMessagePayload {
  readonly payload?: unknown;
  readonly result_var?: string | null;
}

/**
 * Camunda's event payloads: a thrown message carries the value of its `camunda:expression` and
 * its `camunda:resultVariable`; the catching task stores the value under that variable, by
 * default `<task name>_Response`. Other events carry data as in plain BPMN.
 */
export const camundaEventPayloads: EventPayloads = {
  thrown(task, def) {
    if (def.typename !== 'MessageEventDefinition') return bpmnEventPayloads.thrown(task, def);
    const expression = def.payloadExpression;
    const engine = (task.workflow.topWorkflow as BpmnWorkflow).scriptEngine;
    const result = expression ? engine.evaluateToData(task, expression) : null;
    return { payload: result, result_var: def.resultVar ?? null };
  },
  caught(task, def, payload) {
    if (def.typename !== 'MessageEventDefinition') {
      bpmnEventPayloads.caught(task, def, payload);
      return;
    }
    const p = (payload ?? {}) as CamundaMessagePayload;
    task.data[p.result_var ?? `${task.taskSpec.name}_Response`] = cloneData(p.payload ?? null);
  },
};

/** The camunda flavour's layers: the BPMN event layers around {@link camundaEventPayloads}. */
export const camundaLayers = eventLayers(camundaEventPayloads);
