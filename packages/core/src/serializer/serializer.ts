import { SerializationError } from '../errors.js';
import type { DataObject } from '../data.js';
import { WorkflowSpec, type TaskSpecData } from '../spec.js';
import { Task } from '../task.js';
import { Workflow, type WorkflowInit, type WorkflowOptions } from '../workflow.js';
import type {
  Json,
  JsonObject,
  SerializedSpecDocument,
  SerializedSubworkflow,
  SerializedTask,
  SerializedWorkflow,
  SerializedWorkflowSpec,
  SerializedWorkflowState,
} from './serialized.js';

/** What the core writes; bump with a new {@link Migration}. */
export const SERIALIZER_VERSION = '1.4';

/** One upgrade step of the wire format; plain JSON in and out. */
export interface Migration {
  readonly from: string;
  readonly to: string;
  migrate(doc: JsonObject): void;
}

/**
 * Converts values JSON lacks (dates, decimals, sets …) to `{ typename, … }` objects and back.
 * `test` recognises the runtime values it handles.
 */
export interface ValueConverter {
  readonly typename: string;
  test(value: unknown): boolean;
  toJson(value: unknown, convert: (v: unknown) => Json): Json;
  fromJson(json: JsonObject, convert: (v: Json) => unknown): unknown;
}

/** Converts one task spec type. */
export interface TaskSpecConverter {
  toJson(spec: TaskSpecData, values: ValueCodec): JsonObject;
  fromJson(json: JsonObject, values: ValueCodec): TaskSpecData;
}

/** Converts user data with the registered value converters. */
export interface ValueCodec {
  toJson(value: unknown): Json;
  fromJson(json: Json): unknown;
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
/** Spec fields holding user data: their keys are the user's and are not case-converted. */
const DATA_FIELDS = new Set(['data', 'defines']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Structural spec content (terms, conditions, lists): keys switch case, values stay. */
function structuralToJson(value: unknown, codec: ValueCodec): Json {
  if (Array.isArray(value)) return value.map((v) => structuralToJson(v, codec));
  if (isPlainObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value))
      if (v !== undefined) out[snake(k)] = structuralToJson(v, codec);
    return out;
  }
  return codec.toJson(value);
}
function structuralFromJson(json: Json, codec: ValueCodec): unknown {
  if (Array.isArray(json)) return json.map((v) => structuralFromJson(v, codec));
  if (json !== null && typeof json === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(json)) out[camel(k)] = structuralFromJson(v, codec);
    return out;
  }
  return json;
}

/**
 * The converter every core spec type uses: each field becomes a snake_case key; `data` and
 * `defines` go through the value converters unchanged in shape.
 */
export const genericSpecConverter: TaskSpecConverter = {
  toJson(spec, codec) {
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(spec)) {
      if (value === undefined) continue;
      out[snake(key)] = DATA_FIELDS.has(key) ? codec.toJson(value) : structuralToJson(value, codec);
    }
    return out;
  },
  fromJson(json, codec) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(json)) {
      const name = camel(key);
      out[name] = DATA_FIELDS.has(name) ? codec.fromJson(value) : structuralFromJson(value, codec);
    }
    if (typeof out['typename'] !== 'string' || typeof out['name'] !== 'string') {
      throw new SerializationError('A task spec needs a typename and a name');
    }
    return out as Record<string, unknown> & TaskSpecData;
  },
};

/**
 * Spec converters by typename and value converters, extensible by other packages (the BPMN
 * serializer adds its spec types and datetime/timedelta/Decimal/set values).
 */
export class SerializerRegistry {
  readonly #specs = new Map<string, TaskSpecConverter>();
  readonly #values = new Map<string, ValueConverter>();
  /** Used for typenames without a converter of their own (default: {@link genericSpecConverter}). */
  fallbackSpecConverter: TaskSpecConverter | undefined = genericSpecConverter;

  /** Registers a converter for a spec typename. */
  registerSpec(typename: string, converter: TaskSpecConverter): this {
    this.#specs.set(typename, converter);
    return this;
  }
  /** Registers a value converter (later ones are tried first). */
  registerValue(converter: ValueConverter): this {
    this.#values.set(converter.typename, converter);
    return this;
  }
  /** The converter for a spec typename. @throws {@link SerializationError} */
  specConverter(typename: string): TaskSpecConverter {
    const found = this.#specs.get(typename) ?? this.fallbackSpecConverter;
    if (!found) throw new SerializationError(`No serializer for task spec type '${typename}'`);
    return found;
  }
  /** The value converter for a typename. */
  valueConverter(typename: string): ValueConverter | undefined {
    return this.#values.get(typename);
  }
  /** Value converters, most recently registered first. */
  get valueConverters(): ValueConverter[] {
    return [...this.#values.values()].reverse();
  }
  /** A copy to extend. */
  clone(): SerializerRegistry {
    const copy = new SerializerRegistry();
    for (const [k, v] of this.#specs) copy.registerSpec(k, v);
    for (const v of this.#values.values()) copy.registerValue(v);
    copy.fallbackSpecConverter = this.fallbackSpecConverter;
    return copy;
  }
}

/** Options of a {@link Serializer}. */
export interface SerializerOptions {
  readonly registry?: SerializerRegistry;
  /** The version written (and the only one read after migrations). */
  readonly version?: string;
  readonly migrations?: readonly Migration[];
  /** Typename written for workflows (default `'Workflow'`). */
  readonly workflowTypename?: string;
  /** Builds the outer workflow when reading (default: `new Workflow(...)`); for subclasses. */
  readonly createWorkflow?: (
    spec: WorkflowSpec,
    options: WorkflowOptions,
    init: WorkflowInit,
  ) => Workflow;
}

/**
 * Serializes specs and running workflows to JSON and back; `serialize → deserialize →
 * serialize` gives identical text at any point of a run. The shape follows SpiffWorkflow's
 * BPMN serializer: `serializer_version`, `typename` on objects, snake_case keys, tasks as a flat
 * map by id with `parent`/`children`, sub-workflows in `subprocesses` by their task's id.
 *
 * @example
 * ```ts
 * const serializer = new Serializer();
 * const text = serializer.serializeWorkflow(workflow);
 * const restored = serializer.deserializeWorkflow(text);
 * ```
 */
export class Serializer {
  readonly registry: SerializerRegistry;
  readonly version: string;
  readonly #migrations: readonly Migration[];
  readonly #workflowTypename: string;
  readonly #createWorkflow: NonNullable<SerializerOptions['createWorkflow']>;
  readonly #codec: ValueCodec;

  constructor(options: SerializerOptions = {}) {
    this.registry = options.registry ?? new SerializerRegistry();
    this.version = options.version ?? SERIALIZER_VERSION;
    this.#migrations = options.migrations ?? [];
    this.#workflowTypename = options.workflowTypename ?? 'Workflow';
    this.#createWorkflow =
      options.createWorkflow ?? ((spec, wfOptions, init) => new Workflow(spec, wfOptions, init));
    this.#codec = { toJson: (v) => this.valueToJson(v), fromJson: (j) => this.valueFromJson(j) };
  }

  // --- values -------------------------------------------------------------------------------

  /** Converts user data to JSON. @throws {@link SerializationError} for unsupported values. */
  valueToJson(value: unknown): Json {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return this.#custom(value) ?? null;
      return value;
    }
    if (value === undefined) return null;
    const custom = this.#custom(value);
    if (custom !== undefined) return custom;
    if (Array.isArray(value))
      return value.map((v) => (v === undefined ? null : this.valueToJson(v)));
    if (isPlainObject(value)) {
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = this.valueToJson(v);
      return out;
    }
    throw new SerializationError(
      `Cannot serialize a value of type '${(value as object).constructor?.name ?? typeof value}'`,
      { notes: ['Register a ValueConverter for it in the SerializerRegistry'] },
    );
  }
  #custom(value: unknown): Json | undefined {
    for (const converter of this.registry.valueConverters) {
      if (converter.test(value)) {
        const json = converter.toJson(value, (v) => this.valueToJson(v));
        return isPlainObject(json)
          ? { ...json, typename: converter.typename }
          : { typename: converter.typename, value: json };
      }
    }
    return undefined;
  }
  /** Converts JSON back to user data. */
  valueFromJson(json: Json): unknown {
    if (Array.isArray(json)) return json.map((v) => this.valueFromJson(v));
    if (json !== null && typeof json === 'object') {
      const typename = json['typename'];
      const converter =
        typeof typename === 'string' ? this.registry.valueConverter(typename) : undefined;
      if (converter) return converter.fromJson(json, (v) => this.valueFromJson(v));
      const out: DataObject = {};
      for (const [k, v] of Object.entries(json)) out[k] = this.valueFromJson(v);
      return out;
    }
    return json;
  }

  // --- specs --------------------------------------------------------------------------------

  /** A task spec as JSON. */
  taskSpecToJson(spec: TaskSpecData): JsonObject {
    return this.registry.specConverter(spec.typename).toJson(spec, this.#codec);
  }
  /** A task spec from JSON. @throws {@link SerializationError} */
  taskSpecFromJson(json: JsonObject): TaskSpecData {
    const typename = json['typename'];
    if (typeof typename !== 'string') throw new SerializationError('A task spec has no typename');
    return this.registry.specConverter(typename).fromJson(json, this.#codec);
  }

  /** A workflow spec (without its library) as JSON. */
  workflowSpecToJson(spec: WorkflowSpec): SerializedWorkflowSpec {
    const taskSpecs: { [name: string]: JsonObject } = {};
    for (const [name, ts] of spec.taskSpecs) taskSpecs[name] = this.taskSpecToJson(ts);
    const out: SerializedWorkflowSpec = {
      typename: 'WorkflowSpec',
      name: spec.name,
      description: spec.description,
      file: spec.file,
      task_specs: taskSpecs,
    };
    if (spec.start.name !== 'Start') out['start'] = spec.start.name;
    return out;
  }
  #workflowSpecFromJson(
    json: SerializedWorkflowSpec,
    library: ReadonlyMap<string, WorkflowSpec>,
  ): WorkflowSpec {
    if (json === null || typeof json !== 'object' || typeof json.task_specs !== 'object') {
      throw new SerializationError('Malformed workflow spec');
    }
    const start = json['start'];
    return new WorkflowSpec({
      name: json.name,
      description: json.description,
      file: json.file,
      taskSpecs: Object.values(json.task_specs).map((ts) => this.taskSpecFromJson(ts)),
      ...(typeof start === 'string' ? { start } : {}),
      subSpecs: library,
    });
  }
  #libraryToJson(spec: WorkflowSpec): { [key: string]: SerializedWorkflowSpec } {
    const out: { [key: string]: SerializedWorkflowSpec } = {};
    for (const [key, sub] of spec.subSpecs) out[key] = this.workflowSpecToJson(sub);
    return out;
  }
  #libraryFromJson(
    json: { [key: string]: SerializedWorkflowSpec } | undefined,
  ): Map<string, WorkflowSpec> {
    const library = new Map<string, WorkflowSpec>();
    for (const [key, spec] of Object.entries(json ?? {}))
      library.set(key, this.#workflowSpecFromJson(spec, library));
    return library;
  }

  /** A spec document: the spec and its library. */
  specToJson(spec: WorkflowSpec): SerializedSpecDocument {
    return {
      serializer_version: this.version,
      spec: this.workflowSpecToJson(spec),
      subprocess_specs: this.#libraryToJson(spec),
    };
  }
  /** Reads a spec document. @throws {@link SerializationError} for unknown versions or shapes. */
  specFromJson(doc: JsonObject): WorkflowSpec {
    const migrated = this.migrate(doc) as SerializedSpecDocument;
    const library = this.#libraryFromJson(migrated.subprocess_specs);
    return this.#workflowSpecFromJson(migrated.spec, library);
  }
  /** {@link Serializer.specToJson} as text. */
  serializeSpec(spec: WorkflowSpec): string {
    return JSON.stringify(this.specToJson(spec));
  }
  /** {@link Serializer.specFromJson} from text. */
  deserializeSpec(text: string): WorkflowSpec {
    return this.specFromJson(parseJson(text));
  }

  // --- workflows ----------------------------------------------------------------------------

  /** Upgrades a document to {@link Serializer.version}. @throws {@link SerializationError} */
  migrate(doc: JsonObject): JsonObject {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      throw new SerializationError('A serialized document must be a JSON object');
    }
    for (const step of this.#migrations) {
      if (doc['serializer_version'] === step.from) {
        step.migrate(doc);
        doc['serializer_version'] = step.to;
      }
    }
    if (doc['serializer_version'] !== this.version) {
      throw new SerializationError(
        `Cannot read version ${JSON.stringify(doc['serializer_version'] ?? null)}`,
        {
          notes: [`This serializer reads version '${this.version}'`],
        },
      );
    }
    return doc;
  }

  /** One task as JSON (override to change the task shape, e.g. for another wire format). */
  taskToJson(task: Task): SerializedTask {
    return {
      id: task.id,
      parent: task.parent?.id ?? null,
      children: task.children.map((c) => c.id),
      last_state_change: task.lastStateChange,
      state: task.state,
      task_spec: task.taskSpec.name,
      triggered: task.triggered,
      thread_id: task.threadId,
      internal_data: this.valueToJson(task.internalData) as JsonObject,
      data: this.valueToJson(task.peekData()) as JsonObject,
      typename: 'Task',
    };
  }

  /** The state of one workflow (without sub-workflows) as JSON. */
  workflowStateToJson(workflow: Workflow): SerializedWorkflowState {
    const tasks: { [id: string]: SerializedTask } = {};
    for (const task of workflow.taskTree) {
      if (task.workflow === workflow) tasks[task.id] = this.taskToJson(task);
    }
    const specState: JsonObject = {};
    for (const [name, state] of workflow.allSpecState) specState[name] = this.valueToJson(state);
    return {
      typename: this.#workflowTypename,
      data: this.valueToJson(workflow.data) as JsonObject,
      success: workflow.success,
      completed: workflow.completed,
      last_task: workflow.lastTask?.id ?? null,
      root: workflow.taskTree.id,
      tasks,
      locks: [...workflow.locks],
      spec_state: specState,
    };
  }

  /** A workflow document (spec, library, state, sub-workflows). */
  workflowToJson(workflow: Workflow): SerializedWorkflow {
    const state = this.workflowStateToJson(workflow);
    const subprocesses: { [taskId: string]: SerializedSubworkflow } = {};
    const stack = [...workflow.subworkflows];
    while (stack.length > 0) {
      const [taskId, sub] = stack.shift() as [string, Workflow];
      const key = [...workflow.library].find(([, s]) => s === sub.spec)?.[0];
      subprocesses[taskId] = {
        spec: key ?? this.workflowSpecToJson(sub.spec),
        ...this.workflowStateToJson(sub),
      };
      stack.push(...sub.subworkflows);
    }
    return {
      serializer_version: this.version,
      spec: this.workflowSpecToJson(workflow.spec),
      subprocess_specs: this.#libraryToJson(workflow.spec),
      subprocesses,
      ...state,
    };
  }

  /**
   * Rebuilds a workflow; `options` supply what is not serialized (registry, events, clock, ids,
   * script engine). Without a clock, the default counter resumes after the latest state change.
   * @throws {@link SerializationError} for unknown versions, typenames or malformed documents.
   */
  workflowFromJson(doc: JsonObject, options: WorkflowOptions = {}): Workflow {
    const json = this.migrate(doc) as SerializedWorkflow;
    try {
      return this.#restore(json, options);
    } catch (error) {
      if (error instanceof SerializationError) throw error;
      throw new SerializationError(
        `Malformed workflow document: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  #restore(json: SerializedWorkflow, options: WorkflowOptions): Workflow {
    const library = this.#libraryFromJson(json.subprocess_specs);
    const spec = this.#workflowSpecFromJson(json.spec, library);
    const all = [json, ...Object.values(json.subprocesses ?? {})];
    let latest = 0;
    let highestId = 0;
    for (const state of all) {
      for (const t of Object.values(state.tasks)) {
        latest = Math.max(latest, t.last_state_change);
        const m = /^00000000-0000-4000-8000-([0-9a-f]{12})$/.exec(t.id);
        if (m) highestId = Math.max(highestId, Number.parseInt(m[1] ?? '0', 16));
      }
    }
    const workflow = this.#createWorkflow(
      spec,
      {
        ...options,
        library: options.library ?? library,
        clock: options.clock ?? counterFrom(Math.ceil(latest)),
        newId: options.newId ?? idsFrom(highestId),
      },
      { restore: true },
    );
    const subByTask = new Map(Object.entries(json.subprocesses ?? {}));
    interface Pending {
      readonly owner: Workflow;
      readonly state: SerializedWorkflowState;
      readonly taskJson: SerializedTask;
      readonly parent: Task | undefined;
    }
    const roots = new Map<Workflow, Task>();
    const rootJson = json.tasks[json.root];
    if (!rootJson) throw new SerializationError(`Root task '${json.root}' is missing`);
    const stack: Pending[] = [
      { owner: workflow, state: json, taskJson: rootJson, parent: undefined },
    ];
    while (stack.length > 0) {
      const { owner, state, taskJson, parent } = stack.pop() as Pending;
      const taskSpec = owner.spec.getTaskSpec(taskJson.task_spec);
      if (!taskSpec) throw new SerializationError(`Unknown task spec '${taskJson.task_spec}'`);
      const task = new Task(owner, owner.taskHost, taskSpec, parent, {
        id: taskJson.id,
        state: taskJson.state,
        threadId: taskJson.thread_id,
        lastStateChange: taskJson.last_state_change,
      });
      task.triggered = taskJson.triggered;
      task.data = this.valueFromJson(taskJson.data) as DataObject;
      const internal = this.valueFromJson(taskJson.internal_data) as DataObject;
      if (Object.keys(internal).length > 0) task.internalData = internal;
      if (parent === undefined || parent.workflow !== owner) roots.set(owner, task);
      const pending: Pending[] = [];
      for (const childId of taskJson.children) {
        const own = state.tasks[childId];
        if (own) {
          pending.push({ owner, state, taskJson: own, parent: task });
          continue;
        }
        const subJson = subByTask.get(task.id);
        if (!subJson || subJson.root !== childId) {
          throw new SerializationError(`Task '${task.id}' has an unknown child '${childId}'`);
        }
        const subSpec =
          typeof subJson.spec === 'string'
            ? library.get(subJson.spec)
            : this.#workflowSpecFromJson(subJson.spec, library);
        if (!subSpec)
          throw new SerializationError(`Unknown sub-workflow spec '${String(subJson.spec)}'`);
        const sub = owner.nestedWorkflow(subSpec, {
          shared: owner.shared,
          outerTask: task,
          restore: true,
        });
        owner.restoreSubworkflow(task.id, sub);
        const subRoot = subJson.tasks[childId] as SerializedTask;
        pending.push({ owner: sub, state: subJson, taskJson: subRoot, parent: task });
      }
      for (let i = pending.length - 1; i >= 0; i--) stack.push(pending[i] as Pending);
    }
    const finish = (wf: Workflow, state: SerializedWorkflowState) => {
      const root = roots.get(wf);
      if (!root) throw new SerializationError('A workflow has no root task');
      wf.data = this.valueFromJson(state.data) as DataObject;
      wf.success = state.success;
      wf.lastTask = state.last_task === null ? undefined : wf.tasks.get(state.last_task);
      const specState = new Map<string, DataObject>();
      for (const [name, value] of Object.entries(state.spec_state ?? {})) {
        specState.set(name, this.valueFromJson(value) as DataObject);
      }
      wf.restoreState({ root, completed: state.completed, locks: state.locks ?? [], specState });
      for (const [, sub] of wf.subworkflows) {
        const subState = subByTask.get(sub.outerTask?.id ?? '');
        if (subState) finish(sub, subState);
      }
    };
    finish(workflow, json);
    return workflow;
  }

  /** {@link Serializer.workflowToJson} as text. */
  serializeWorkflow(workflow: Workflow): string {
    return JSON.stringify(this.workflowToJson(workflow));
  }
  /** {@link Serializer.workflowFromJson} from text. */
  deserializeWorkflow(text: string, options: WorkflowOptions = {}): Workflow {
    return this.workflowFromJson(parseJson(text), options);
  }
}

function parseJson(text: string): JsonObject {
  try {
    return JSON.parse(text) as JsonObject;
  } catch (cause) {
    throw new SerializationError('Not valid JSON', { cause });
  }
}

function counterFrom(start: number): () => number {
  let n = start;
  return () => (n += 1);
}
function idsFrom(start: number): () => string {
  let n = start;
  return () => `00000000-0000-4000-8000-${(n += 1).toString(16).padStart(12, '0')}`;
}
