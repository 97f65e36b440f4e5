/**
 * @packageDocumentation
 * Camunda 7's BPMN flavour for spiffworkflow-ts: `CamundaParser` reads the `camunda:` extensions
 * (properties, forms, `decisionRef`, message expressions, collection multi-instances), and
 * `camundaFlavour` carries the flavour's message payloads and SpiffWorkflow serializer fields.
 *
 * @example
 * ```ts
 * import { BpmnWorkflow, createBpmnRegistry } from '@spiff-ts/bpmn';
 * import { CamundaParser, camundaFlavour } from '@spiff-ts/camunda';
 * const parser = new CamundaParser();
 * parser.addBpmnXml(xmlText, 'invoice.bpmn');
 * const workflow = new BpmnWorkflow(parser.getSpec('invoice'), new Map(), {
 *   registry: createBpmnRegistry(camundaFlavour),
 * });
 * ```
 */
export { CamundaParser, camundaFlavour } from './flavour.js';
export { camundaEventPayloads, camundaLayers } from './layers.js';
export { camundaInterop } from './interop.js';
export { camundaPackage } from './moddle.js';
export {
  CAMUNDA_NS,
  camundaParseHooks,
  camundaParsers,
  readCamundaForm,
  readCamundaProperties,
  type CamundaForm,
  type CamundaFormField,
} from './parser.js';
