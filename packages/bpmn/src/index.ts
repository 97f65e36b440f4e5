/**
 * @packageDocumentation
 * BPMN 2.0 for spiffworkflow-ts: `BpmnParser` (BPMN files into specs; every problem a
 * {@link ValidationError} naming the file, the element id and the line; vendor extensions come
 * from a {@link BpmnFlavour} such as `@spiff-ts/spiff`'s or `@spiff-ts/camunda`'s), `BpmnWorkflow` (the engine, on `@spiff-ts/core`), the
 * `PythonScriptEngine` (on `@spiff-ts/python`) and `BpmnWorkflowSerializer`. The moddle readers
 * (`readBpmnXml`, `readDmnXml`) check files and read DMN.
 *
 * @example
 * ```ts
 * import { BpmnParser, BpmnWorkflow, TaskState } from '@spiff-ts/bpmn';
 * const parser = new BpmnParser();
 * parser.addBpmnXml(xmlText, 'order.bpmn');
 * const workflow = new BpmnWorkflow(parser.getSpec('order'), parser.getSubprocessSpecs('order'));
 * workflow.doEngineSteps();
 * workflow.getTasks({ state: TaskState.READY, manual: true })[0]?.run();
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
  ModdlePackage,
  ModelDocument,
  ReadBpmnXmlOptions,
  ReadXmlOptions,
  XmlWarning,
} from './parser/read-xml.js';
export { flavourOf } from './flavour.js';
export type { BpmnFlavour, EventDefinitionSource, FlavourParseHooks } from './flavour.js';
export {
  BpmnParser,
  DEFAULT_PARSERS,
  choiceConditionGateway,
  conditionalGateway,
  type BpmnParserOptions,
  type ElementParser,
  type ParseContext,
  type SpecDraft,
} from './parser/bpmn-parser.js';
export { parseXmlTree, type XmlElement, type XmlNamespace } from './parser/dom.js';
export {
  CATCHING_TYPES,
  LOOP_TYPES,
  SUBPROCESS_TYPES,
  processInfo,
  type BpmnConditionalOutput,
  type BpmnProcessSpec,
  type BpmnSpec,
  type CorrelationProperty,
  type DataObjectInfo,
  type DataRef,
  type EventDefinition,
  type ProcessInfo,
} from './specs.js';
export {
  PythonScriptEngine,
  toContext,
  toData,
  type PythonScriptEngineOptions,
  type ScriptHost,
} from './engine/script-engine.js';
export {
  BpmnWorkflow,
  computeCorrelations,
  createBpmnRegistry,
  flavourRegistry,
  definitionMatches,
  isTimer,
  type BpmnEvent,
  type BpmnWorkflowOptions,
  type Correlations,
  type DataStoreBackend,
  type DecisionHandler,
  type PayloadHandler,
  type PendingEvent,
  type ServiceHandler,
} from './engine/workflow.js';
export {
  bpmnEventPayloads,
  bpmnLayers,
  bpmnTaskLayer,
  evaluateCondition,
  eventLayers,
  throwEvent,
  type EventPayloads,
} from './engine/layers.js';
export { BpmnWorkflowSerializer } from './engine/serializer.js';
export {
  combineInterop,
  fromSpiffWorkflowJson,
  toSpiffWorkflowJson,
  type InteropConverters,
} from './engine/interop.js';
export { isoFormat, parseIsoDate, parseIsoDuration } from './engine/timers.js';
export {
  SerializationError,
  TaskState,
  TaskStateMask,
  WorkflowError,
  WorkflowTaskError,
} from '@spiff-ts/core';
