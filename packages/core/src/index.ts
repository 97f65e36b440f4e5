/**
 * `@spiff-ts/core`: the generic workflow engine of spiffworkflow-ts, a TypeScript port of
 * SpiffWorkflow. Immutable, shared specs ({@link WorkflowSpec}, task specs as typed data) are
 * instantiated as trees of {@link Task}s by a {@link Workflow}; behaviour per spec type comes
 * from layers in a {@link SpecRegistry}. Host-neutral and synchronous.
 *
 * @example
 * ```ts
 * import { Workflow, WorkflowSpecBuilder } from '@spiff-ts/core';
 * const spec = new WorkflowSpecBuilder('hello').add({ typename: 'Simple', name: 'greet' })
 *   .connect('Start', 'greet').connect('greet', 'End').build();
 * const workflow = new Workflow(spec);
 * workflow.runAll(); // workflow.isCompleted() === true
 * ```
 *
 * @packageDocumentation
 */
export { TaskState, TaskStateMask, taskStateName, taskStateValue } from './task-state.js';
export {
  SerializationError,
  SpiffError,
  TaskNotFoundError,
  ValidationError,
  WorkflowDataError,
  WorkflowError,
  WorkflowTaskError,
  type ValidationLocation,
} from './errors.js';
export { cloneData, type DataObject } from './data.js';
export {
  WorkflowEvents,
  type EventFilter,
  type TaskEvent,
  type WorkflowEventMap,
  type WorkflowEventName,
} from './events.js';
export {
  applyAssign,
  assign,
  attrib,
  matches,
  operator,
  pathAttrib,
  pyStr,
  valueOf,
  type Assign,
  type Attrib,
  type DataScope,
  type EvalSite,
  type Operator,
  type OperatorTypename,
  type PathAttrib,
  type Term,
} from './operators.js';
export {
  baseSpecFields,
  WorkflowSpec,
  WorkflowSpecBuilder,
  type AcquireMutexSpec,
  type CancelSpec,
  type CancelTaskSpec,
  type ChooseSpec,
  type ConditionalOutput,
  type CoreSpec,
  type ExclusiveChoiceSpec,
  type ExecuteSpec,
  type GateSpec,
  type JoinSpec,
  type MergeSpec,
  type MultiChoiceSpec,
  type MultiInstanceSpec,
  type ReleaseMutexSpec,
  type SimpleSpec,
  type SpecInit,
  type StartTaskSpec,
  type SubWorkflowSpec,
  type TaskSpecData,
  type ThreadMergeSpec,
  type ThreadSplitSpec,
  type ThreadStartSpec,
  type TransformSpec,
  type TriggerSpec,
} from './spec.js';
export {
  callHook,
  SpecRegistry,
  type Hook,
  type LayerTable,
  type RunResult,
  type TaskHookName,
  type TaskSpecLayer,
  type TriggerHook,
} from './registry.js';
export { defaultPredict, Task } from './task.js';
export {
  compareTreeOrder,
  iterateTasks,
  matchesFilter,
  type TaskFilter,
  type TaskQuery,
} from './iterator.js';
export {
  counterClock,
  counterIds,
  createCoreRegistry,
  Workflow,
  type ScriptEngine,
  type WorkflowInit,
  type WorkflowOptions,
  type WorkflowShared,
} from './workflow.js';
export {
  acquireMutexLayer,
  cancelLayer,
  cancelTaskLayer,
  chooseLayer,
  coreLayers,
  createJoinLayer,
  exclusiveChoiceLayer,
  gateLayer,
  joinLayer,
  mergeLayer,
  multiChoiceLayer,
  multiInstanceLayer,
  releaseMutexLayer,
  subWorkflowLayer,
  threadMergeLayer,
  threadSplitLayer,
  threadStartLayer,
  transformLayer,
  triggerLayer,
} from './specs/index.js';
export { activatedTasks, branchIsComplete, branchMayMerge, findJoinTasks } from './specs/join.js';
export { deepEqual, deepMerge } from './specs/deep-merge.js';
export {
  loadSpiffXml,
  parseSpiffXml,
  resolveRelative,
  type FileReader,
  type SpiffXmlOptions,
} from './xml/spiff-xml.js';
export {
  genericSpecConverter,
  SERIALIZER_VERSION,
  Serializer,
  SerializerRegistry,
  type Migration,
  type SerializerOptions,
  type TaskSpecConverter,
  type ValueCodec,
  type ValueConverter,
} from './serializer/serializer.js';
export type {
  Json,
  JsonObject,
  SerializedSpecDocument,
  SerializedSubworkflow,
  SerializedTask,
  SerializedWorkflow,
  SerializedWorkflowSpec,
  SerializedWorkflowState,
} from './serializer/serialized.js';
