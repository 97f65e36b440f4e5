/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
/** A JSON object. */
export interface JsonObject {
  [key: string]: Json;
}

/** A serialized task: wire keys are snake_case, as in SpiffWorkflow's JSON. */
export interface SerializedTask extends JsonObject {
  id: string;
  parent: string | null;
  children: string[];
  last_state_change: number;
  state: number;
  task_spec: string;
  triggered: boolean;
  thread_id: number;
  internal_data: JsonObject;
  data: JsonObject;
  typename: string;
}

/** A serialized workflow spec. */
export interface SerializedWorkflowSpec extends JsonObject {
  typename: string;
  name: string;
  description: string;
  file: string | null;
  task_specs: { [name: string]: JsonObject };
}

/** The state of one workflow (the outer one or a sub-workflow). */
export interface SerializedWorkflowState extends JsonObject {
  typename: string;
  data: JsonObject;
  success: boolean;
  completed: boolean;
  last_task: string | null;
  root: string;
  tasks: { [id: string]: SerializedTask };
  locks: string[];
  spec_state: JsonObject;
}

/** A serialized sub-workflow: its state plus its spec (a library key, or the spec itself). */
export interface SerializedSubworkflow extends SerializedWorkflowState {
  spec: string | SerializedWorkflowSpec;
}

/** A serialized workflow document (the BPMN serializer's 1.4 shape, with core typenames). */
export interface SerializedWorkflow extends SerializedWorkflowState {
  serializer_version: string;
  spec: SerializedWorkflowSpec;
  subprocess_specs: { [key: string]: SerializedWorkflowSpec };
  /** Sub-workflows by the id of the task running them (nested ones too: the map is flat). */
  subprocesses: { [taskId: string]: SerializedSubworkflow };
}

/** A serialized spec document. */
export interface SerializedSpecDocument extends JsonObject {
  serializer_version: string;
  spec: SerializedWorkflowSpec;
  subprocess_specs: { [key: string]: SerializedWorkflowSpec };
}
