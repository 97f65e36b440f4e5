/**
 * @packageDocumentation
 * BPMN 2.0 for spiffworkflow-ts. For now this is the groundwork of the future `BpmnParser`:
 * reading BPMN files (with the `camunda:` and `spiffworkflow:` extension namespaces) and DMN
 * 1.1–1.3 files into moddle trees, synchronously, with every problem reported as a
 * {@link ValidationError} that names the file, the element id and the line.
 *
 * @example
 * ```ts
 * import { readBpmnXml, spiffExtensions } from '@spiff-ts/bpmn';
 * const doc = readBpmnXml(xmlText, { file: 'order.bpmn' });
 * const task = doc.elementsById.get('approve');
 * const { preScript } = task ? spiffExtensions(task) : {};
 * ```
 */
// Re-exported from @spiff-ts/core: the error every reader and validator here throws.
export { SpiffError, ValidationError } from '@spiff-ts/core';
export type { ValidationLocation } from '@spiff-ts/core';
export { DMN_NAMESPACES, locate, readBpmnXml, readDmnXml } from './parser/read-xml.js';
export type {
  BpmnDocument,
  DmnDocument,
  DmnVersion,
  ModdleElement,
  ModelDocument,
  ReadXmlOptions,
  XmlWarning,
} from './parser/read-xml.js';
export { spiffExtensions } from './parser/spiff-extensions.js';
export type {
  SpiffExtensions,
  SpiffProcessVariableCorrelation,
  SpiffServiceOperator,
  SpiffTextExtension,
  SpiffUnitTest,
} from './parser/spiff-extensions.js';
export { SPIFFWORKFLOW_NS, spiffworkflowPackage } from './parser/spiff-moddle.js';
