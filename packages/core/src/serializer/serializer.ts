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
  /** `JSON.stringify(toJson(spec, values))`, made directly (optional: for speed). */
  toText?(spec: TaskSpecData, values: ValueCodec): string;
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
  #fallback: TaskSpecConverter | undefined = genericSpecConverter;
  #valueList: ValueConverter[] | undefined;
  #revision = 0;

  /** Used for typenames without a converter of their own (default: {@link genericSpecConverter}). */
  get fallbackSpecConverter(): TaskSpecConverter | undefined {
    return this.#fallback;
  }
  set fallbackSpecConverter(converter: TaskSpecConverter | undefined) {
    this.#fallback = converter;
    this.#revision += 1;
  }
  /** Counts the changes made to the registry (what serializers cache is only valid for one). */
  get revision(): number {
    return this.#revision;
  }

  /** Registers a converter for a spec typename. */
  registerSpec(typename: string, converter: TaskSpecConverter): this {
    this.#specs.set(typename, converter);
    this.#revision += 1;
    return this;
  }
  /** Registers a value converter (later ones are tried first). */
  registerValue(converter: ValueConverter): this {
    this.#values.set(converter.typename, converter);
    this.#valueList = undefined;
    this.#revision += 1;
    return this;
  }
  /** The converter for a spec typename. @throws {@link SerializationError} */
  specConverter(typename: string): TaskSpecConverter {
    const found = this.#specs.get(typename) ?? this.#fallback;
    if (!found) throw new SerializationError(`No serializer for task spec type '${typename}'`);
    return found;
  }
  /** The value converter for a typename. */
  valueConverter(typename: string): ValueConverter | undefined {
    return this.#values.get(typename);
  }
  /** Value converters, most recently registered first. */
  get valueConverters(): ValueConverter[] {
    return [...this.#valueConverters()];
  }
  /** The same list, shared (not to be changed): it is consulted for every value written. */
  #valueConverters(): readonly ValueConverter[] {
    return (this.#valueList ??= [...this.#values.values()].reverse());
  }
  /** Whether any value converter is registered (without one, user data is plain JSON). */
  get hasValueConverters(): boolean {
    return this.#values.size > 0;
  }
  /** The first value converter whose `test` accepts `value`, if any. */
  valueConverterFor(value: unknown): ValueConverter | undefined {
    if (this.#values.size === 0) return undefined;
    for (const converter of this.#valueConverters()) if (converter.test(value)) return converter;
    return undefined;
  }
  /** A copy to extend. */
  clone(): SerializerRegistry {
    const copy = new SerializerRegistry();
    for (const [k, v] of this.#specs) copy.registerSpec(k, v);
    for (const v of this.#values.values()) copy.registerValue(v);
    copy.fallbackSpecConverter = this.#fallback;
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
  /** Each spec's text (specs are immutable), valid for one registry revision. */
  readonly #specTexts = new WeakMap<WorkflowSpec, { readonly revision: number; text: string }>();
  /** Specs rebuilt from recent documents, most recently used first. */
  #recentSpecs: RecentSpecs[] = [];
  /** Whether reading may skip {@link Serializer.migrate} for a document of this version. */
  readonly #currentNeedsNoMigration: boolean;

  constructor(options: SerializerOptions = {}) {
    this.registry = options.registry ?? new SerializerRegistry();
    this.version = options.version ?? SERIALIZER_VERSION;
    this.#migrations = options.migrations ?? [];
    this.#workflowTypename = options.workflowTypename ?? 'Workflow';
    this.#createWorkflow =
      options.createWorkflow ?? ((spec, wfOptions, init) => new Workflow(spec, wfOptions, init));
    this.#codec = { toJson: (v) => this.valueToJson(v), fromJson: (j) => this.valueFromJson(j) };
    this.#currentNeedsNoMigration = this.#migrations.every((m) => m.from !== this.version);
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
    const converter = this.registry.valueConverterFor(value);
    if (converter === undefined) return undefined;
    const json = converter.toJson(value, (v) => this.valueToJson(v));
    return isPlainObject(json)
      ? { ...json, typename: converter.typename }
      : { typename: converter.typename, value: json };
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
  /**
   * {@link Serializer.workflowSpecToJson} as JSON text. Specs are immutable: the text of each is
   * made once (per change of the registry).
   */
  workflowSpecText(spec: WorkflowSpec): string {
    const revision = this.registry.revision;
    const known = this.#specTexts.get(spec);
    if (known?.revision === revision) return known.text;
    const text = this.#specText(spec);
    this.#specTexts.set(spec, { revision, text });
    return text;
  }
  /** `JSON.stringify(this.workflowSpecToJson(spec))`, each task spec's text made directly. */
  #specText(spec: WorkflowSpec): string {
    const base = Serializer.prototype;
    if (
      this.workflowSpecToJson !== base.workflowSpecToJson ||
      this.taskSpecToJson !== base.taskSpecToJson
    ) {
      return JSON.stringify(this.workflowSpecToJson(spec));
    }
    const texts: { [name: string]: string | undefined } = {};
    for (const [name, ts] of spec.taskSpecs) {
      const converter = this.registry.specConverter(ts.typename);
      texts[name] =
        converter.toText === undefined
          ? JSON.stringify(converter.toJson(ts, this.#codec))
          : converter.toText(ts, this.#codec);
    }
    const start = spec.start.name === 'Start' ? '' : `,"start":${JSON.stringify(spec.start.name)}`;
    return (
      `{"typename":"WorkflowSpec","name":${JSON.stringify(spec.name)}` +
      `,"description":${JSON.stringify(spec.description)},"file":${JSON.stringify(spec.file)}` +
      `,"task_specs":${objectText(texts)}${start}}`
    );
  }
  /** A spec library as the JSON text of an object (the same text `JSON.stringify` would give). */
  #libraryText(library: ReadonlyMap<string, WorkflowSpec>): string {
    const texts: { [key: string]: string } = {};
    for (const [key, spec] of library) texts[key] = this.workflowSpecText(spec);
    return objectText(texts);
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
  #libraryToJson(library: ReadonlyMap<string, WorkflowSpec>): {
    [key: string]: SerializedWorkflowSpec;
  } {
    const out: { [key: string]: SerializedWorkflowSpec } = {};
    for (const [key, sub] of library) out[key] = this.workflowSpecToJson(sub);
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
      subprocess_specs: this.#libraryToJson(spec.subSpecs),
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
    return this.#taskJson(task, copiedJson);
  }
  /** A task as JSON, its user data converted by `value`. */
  #taskJson(task: Task, value: typeof copiedJson): SerializedTask {
    return {
      id: task.id,
      parent: task.parent?.id ?? null,
      children: task.children.map((c) => c.id),
      last_state_change: task.lastStateChange,
      state: task.state,
      task_spec: task.taskSpec.name,
      triggered: task.triggered,
      thread_id: task.threadId,
      internal_data: value(this, task.internalData) as JsonObject,
      data: value(this, task.peekData()) as JsonObject,
      typename: 'Task',
    };
  }

  /** The state of one workflow (without sub-workflows) as JSON. */
  workflowStateToJson(workflow: Workflow): SerializedWorkflowState {
    return this.#stateToJson(workflow, false);
  }
  /**
   * `share`: the result is only written out as text at once, so user data that is plain JSON
   * already goes in as it is instead of as a copy.
   */
  #stateToJson(workflow: Workflow, share: boolean): SerializedWorkflowState {
    const value = share && !this.registry.hasValueConverters ? sharedJson : copiedJson;
    const tasks: { [id: string]: SerializedTask } = {};
    for (const task of workflow.taskTree) {
      if (task.workflow !== workflow) continue;
      tasks[task.id] = share ? this.#taskJson(task, value) : this.taskToJson(task);
    }
    const specState: JsonObject = {};
    for (const [name, state] of workflow.allSpecState) specState[name] = value(this, state);
    return {
      typename: this.#workflowTypename,
      data: value(this, workflow.data) as JsonObject,
      success: workflow.success,
      completed: workflow.completed,
      last_task: workflow.lastTask?.id ?? null,
      root: workflow.taskTree.id,
      tasks,
      locks: [...workflow.locks],
      spec_state: specState,
    };
  }

  /** Sub-workflows (nested ones too) by the id of the task running them. */
  #subworkflowsToJson(
    workflow: Workflow,
    share: boolean,
  ): { [taskId: string]: SerializedSubworkflow } {
    const subprocesses: { [taskId: string]: SerializedSubworkflow } = {};
    const stack = [...workflow.subworkflows];
    // A queue read by index: breadth first, as the map's key order is part of the text.
    for (let i = 0; i < stack.length; i += 1) {
      const [taskId, sub] = stack[i] as [string, Workflow];
      let key: string | undefined;
      for (const [k, s] of workflow.library) {
        if (s === sub.spec) {
          key = k;
          break;
        }
      }
      subprocesses[taskId] = {
        spec: key ?? this.workflowSpecToJson(sub.spec),
        ...this.#stateToJson(sub, share),
      };
      stack.push(...sub.subworkflows);
    }
    return subprocesses;
  }

  /** A workflow document (spec, library, state, sub-workflows). */
  workflowToJson(workflow: Workflow): SerializedWorkflow {
    const state = this.workflowStateToJson(workflow);
    const subprocesses = this.#subworkflowsToJson(workflow, false);
    return {
      serializer_version: this.version,
      spec: this.workflowSpecToJson(workflow.spec),
      subprocess_specs: this.#libraryToJson(workflow.spec.subSpecs),
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
    return this.#restoreOrThrow(this.migrate(doc) as SerializedWorkflow, options, false);
  }

  #restoreOrThrow(
    json: SerializedWorkflow,
    options: WorkflowOptions,
    owned: boolean,
    specs?: BuiltSpecs,
    text?: string,
  ): Workflow {
    try {
      let built = specs;
      if (built === undefined) {
        const library = this.#libraryFromJson(json.subprocess_specs);
        built = { spec: this.#workflowSpecFromJson(json.spec, library), library };
        if (text !== undefined) this.#rememberSpecs(text, json, built);
      }
      return this.#restore(json, options, built, owned);
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

  #restore(
    json: SerializedWorkflow,
    options: WorkflowOptions,
    { spec, library }: BuiltSpecs,
    owned: boolean,
  ): Workflow {
    // A document parsed here for this call alone holds plain JSON that can be kept as it is.
    const value: (json: Json) => unknown =
      owned && !this.registry.hasValueConverters ? (j) => j : (j) => this.valueFromJson(j);
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
      task.data = value(taskJson.data) as DataObject;
      const internal = value(taskJson.internal_data) as DataObject;
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
      wf.data = value(state.data) as DataObject;
      wf.success = state.success;
      wf.lastTask = state.last_task === null ? undefined : wf.tasks.get(state.last_task);
      const specState = new Map<string, DataObject>();
      for (const [name, json] of Object.entries(state.spec_state ?? {})) {
        specState.set(name, value(json) as DataObject);
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
    return this.writeWorkflow(workflow);
  }

  /**
   * {@link Serializer.serializeWorkflow} for documents with more to them: the library is written
   * from `library` (default: the spec's own) and `extra`'s fields are added at the end. The text
   * is the same as `JSON.stringify` of the document object, written without copying what is
   * plain JSON already and with each spec's text made once.
   */
  writeWorkflow(
    workflow: Workflow,
    options: { library?: ReadonlyMap<string, WorkflowSpec>; extra?: JsonObject } = {},
  ): string {
    const library = options.library ?? workflow.spec.subSpecs;
    if (this.#ownShape()) {
      // A subclass chose its own document shape: write what it builds.
      const doc: JsonObject = this.workflowToJson(workflow);
      doc['subprocess_specs'] = this.#libraryToJson(library);
      return JSON.stringify(Object.assign(doc, options.extra));
    }
    const state = JSON.stringify(this.#stateToJson(workflow, true));
    const subprocesses = JSON.stringify(this.#subworkflowsToJson(workflow, true));
    const extra = options.extra === undefined ? '{}' : JSON.stringify(options.extra);
    return (
      `{"serializer_version":${JSON.stringify(this.version)}` +
      `,"spec":${this.workflowSpecText(workflow.spec)}` +
      `,"subprocess_specs":${this.#libraryText(library)}` +
      `,"subprocesses":${subprocesses},${state.slice(1, -1)}` +
      (extra.length > 2 ? `,${extra.slice(1)}` : '}')
    );
  }

  /** {@link Serializer.workflowFromJson} from text. */
  deserializeWorkflow(text: string, options: WorkflowOptions = {}): Workflow {
    return this.readWorkflow(text, options).workflow;
  }

  /**
   * {@link Serializer.deserializeWorkflow}, also giving the document read, for wrappers that read
   * fields of their own. The text is parsed once and what it holds is kept, not copied. When it
   * begins with the very spec text of a recent document, the specs built then are used again
   * (specs are immutable) and only the rest is parsed: `doc` then lacks `spec` and
   * `subprocess_specs`.
   * @throws {@link SerializationError} as {@link Serializer.workflowFromJson} does
   */
  readWorkflow(
    text: string,
    options: WorkflowOptions = {},
  ): { workflow: Workflow; doc: JsonObject } {
    const recent = this.#recentFor(text);
    if (recent !== undefined) {
      const restText = text.slice(recent.prefix.length);
      const rest = parseJson(`{${restText}`);
      if (isRestOfDocument(rest)) {
        rest['serializer_version'] = this.version;
        const owned = !mayHoldProto(restText);
        const workflow = this.#restoreOrThrow(rest as SerializedWorkflow, options, owned, recent);
        return { workflow, doc: rest };
      }
    }
    const doc = this.migrate(parseJson(text)) as SerializedWorkflow;
    const owned = !mayHoldProto(text);
    const workflow = this.#restoreOrThrow(doc, options, owned, undefined, text);
    return { workflow, doc };
  }

  /** Whether a subclass builds documents, workflow states or tasks its own way. */
  #ownShape(): boolean {
    const base = Serializer.prototype;
    return (
      this.workflowToJson !== base.workflowToJson ||
      this.workflowStateToJson !== base.workflowStateToJson ||
      this.taskToJson !== base.taskToJson
    );
  }

  /** The specs of a recent document whose text `text` begins with (moved to the front). */
  #recentFor(text: string): RecentSpecs | undefined {
    const list = this.#recentSpecs;
    for (let i = 0; i < list.length; i += 1) {
      const entry = list[i] as RecentSpecs;
      if (entry.revision !== this.registry.revision || !beginsWith(text, entry.prefix)) continue;
      if (i > 0) list.splice(0, 0, ...list.splice(i, 1));
      return entry;
    }
    return undefined;
  }

  /**
   * Keeps the specs built from a document read whole when its text begins the way
   * {@link Serializer.writeWorkflow} writes: version, spec and library, each as
   * `JSON.stringify` writes them. A later document beginning with the same text has the same
   * specs.
   */
  #rememberSpecs(text: string, doc: SerializedWorkflow, specs: BuiltSpecs): void {
    if (!this.#currentNeedsNoMigration || doc.subprocess_specs === undefined) return;
    const head = `{"serializer_version":${JSON.stringify(this.version)},"spec":`;
    if (!beginsWith(text, head)) return;
    const prefix =
      `${head}${JSON.stringify(doc.spec)}` +
      `,"subprocess_specs":${JSON.stringify(doc.subprocess_specs)},`;
    if (!beginsWith(text, prefix)) return;
    this.#recentSpecs.unshift({ ...specs, prefix, revision: this.registry.revision });
    this.#recentSpecs.length = Math.min(this.#recentSpecs.length, RECENT_SPECS);
  }
}

/**
 * The text of an object whose fields' texts are given: what `JSON.stringify` writes of the
 * object holding the values (`texts` was filled the same way, so its keys come in the same
 * order; an undefined text, like an undefined value, is left out).
 */
function objectText(texts: { readonly [key: string]: string | undefined }): string {
  let out = '';
  for (const key of Object.keys(texts)) {
    const text = texts[key];
    if (text !== undefined) out += `${out === '' ? '' : ','}${JSON.stringify(key)}:${text}`;
  }
  return `{${out}}`;
}

/**
 * `text.startsWith(prefix)`, compared as whole strings: V8 compares those a block at a time,
 * ~100 times faster than `startsWith` for the ~50 KB of a spec.
 */
function beginsWith(text: string, prefix: string): boolean {
  return text.length >= prefix.length && text.slice(0, prefix.length) === prefix;
}

/** How many documents' specs a serializer keeps for reuse. */
const RECENT_SPECS = 8;

/** A spec and its library, built from a document. */
interface BuiltSpecs {
  readonly spec: WorkflowSpec;
  readonly library: Map<string, WorkflowSpec>;
}
/** Specs built from a document, with the text that document began with. */
interface RecentSpecs extends BuiltSpecs {
  readonly prefix: string;
  readonly revision: number;
}

/**
 * Whether the rest of a document (after a known beginning) was well formed as such: at least
 * one field (so that the comma before it was no trailing comma) and none of the fields the
 * beginning already held (a repeated field would have replaced them).
 */
function isRestOfDocument(rest: JsonObject): boolean {
  if (Array.isArray(rest) || Object.keys(rest).length === 0) return false;
  return !('serializer_version' in rest || 'spec' in rest || 'subprocess_specs' in rest);
}

/**
 * Whether a JSON text may hold a `__proto__` key (a copy made by assignment drops it, unlike
 * the parsed object): then the text's objects are copied as before rather than kept.
 */
function mayHoldProto(text: string): boolean {
  return text.includes('proto') || text.includes('\\u');
}

/** User data converted for keeping (a copy through the value converters). */
function copiedJson(serializer: Serializer, value: unknown): Json {
  return serializer.valueToJson(value);
}
/** User data as it is when it is plain JSON, else {@link copiedJson}. */
function sharedJson(serializer: Serializer, value: unknown): Json {
  return isJsonAsIs(value, 0) ? (value as Json) : serializer.valueToJson(value);
}

/**
 * Whether `JSON.stringify(value)` writes what `valueToJson` would (with no value converters):
 * finite numbers, strings, booleans, null, arrays and plain objects of them, no `undefined`, no
 * `__proto__` key, not nested absurdly deep.
 */
function isJsonAsIs(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth > 64) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (const item of value) if (!isJsonAsIs(item, depth + 1)) return false;
    return true;
  }
  if (!isPlainObject(value) || Object.hasOwn(value, '__proto__')) return false;
  for (const key in value) if (!isJsonAsIs(value[key], depth + 1)) return false;
  return true;
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
