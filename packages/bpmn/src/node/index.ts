/**
 * @packageDocumentation
 * Node.js helpers of `@spiff-ts/bpmn`: the only part of the package that touches the file system.
 *
 * @example
 * ```ts
 * import { loadBpmnSchema } from '@spiff-ts/bpmn/node';
 * import { validateBpmn } from '@spiff-ts/bpmn/xsd';
 * validateBpmn(text, 'order.bpmn', loadBpmnSchema());
 * ```
 */
export { bpmnXsdFiles, dmnXsdFiles, loadBpmnSchema, loadDmnSchema } from './schemas.js';
