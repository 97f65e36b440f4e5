/**
 * @packageDocumentation
 * SpiffArena's BPMN flavour for spiffworkflow-ts: `SpiffBpmnParser` reads the `spiffworkflow:`
 * extensions, `spiffFlavour` carries the flavour's event layers and SpiffWorkflow serializer
 * fields, and `spiffExtensions` reads the extensions of a moddle tree.
 *
 * @example
 * ```ts
 * import { BpmnWorkflow, BpmnWorkflowSerializer, createBpmnRegistry } from '@spiff-ts/bpmn';
 * import { SpiffBpmnParser, spiffFlavour } from '@spiff-ts/spiff';
 * const parser = new SpiffBpmnParser();
 * parser.addBpmnXml(xmlText, 'order.bpmn');
 * const registry = createBpmnRegistry(spiffFlavour);
 * const workflow = new BpmnWorkflow(parser.getSpec('order'), new Map(), { registry });
 * const json = new BpmnWorkflowSerializer({ registry }).toSpiffJson(workflow, spiffFlavour);
 * ```
 */
export { SpiffBpmnParser, spiffFlavour } from './flavour.js';
export { spiffEventPayloads, spiffLayers, spiffScriptLayer } from './layers.js';
export { spiffInterop } from './interop.js';
export { SCRIPTED_TYPES } from './scripted.js';
export { readSpiffExtensions, spiffParseHooks, spiffParsers } from './parser.js';
export { spiffExtensions } from './spiff-extensions.js';
export type {
  SpiffExtensions,
  SpiffProcessVariableCorrelation,
  SpiffServiceOperator,
  SpiffTextExtension,
  SpiffUnitTest,
} from './spiff-extensions.js';
export { SPIFFWORKFLOW_NS, spiffworkflowPackage } from './moddle.js';
