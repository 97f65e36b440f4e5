/**
 * @packageDocumentation
 * XML Schema validation of BPMN and DMN files with libxml2 compiled to WebAssembly. A separate
 * entry point because loading libxml2 takes a moment (its module initialises with a top-level
 * `await`); after that, validation is synchronous.
 *
 * @example
 * ```ts
 * import { validateBpmn } from '@spiff-ts/bpmn/xsd';
 * import { loadBpmnSchema } from '@spiff-ts/bpmn/node';
 * const schema = loadBpmnSchema();
 * validateBpmn(text, 'order.bpmn', schema); // throws a ValidationError naming the line
 * ```
 */
export { XsdSchema } from './xsd-schema.js';
export type { XsdFiles } from './xsd-schema.js';
export { validateBpmn, validateDmn } from './validate.js';
