import type { ModdlePackage } from '@spiff-ts/bpmn';
import camundaJson from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };

/**
 * The moddle package of the `camunda:` namespace, from bpmn.io's `camunda-bpmn-moddle` (the
 * descriptor Camunda's own modeler reads and writes with).
 */
export const camundaPackage: ModdlePackage = camundaJson;
