import {
  TaskState,
  TaskStateMask,
  Workflow,
  WorkflowError,
  cloneData,
  createCoreRegistry,
  type DataObject,
  type SpecRegistry,
  type Task,
  type TaskQuery,
  type WorkflowOptions,
  type WorkflowSpec,
} from '@spiff-ts/core';
import { flavourOf, type BpmnFlavour } from '../flavour.js';
import {
  CATCHING_TYPES,
  processInfo,
  type BpmnSpec,
  type CorrelationProperty,
  type EventDefinition,
} from '../specs.js';
import {
  bpmnLayers,
  finishCompensation,
  forgetJoinInstances,
  joinInstancesIn,
  markRestoredFamily,
  trackTask,
  withdrawJoinTokens,
} from './layers.js';
import { compensationStep, hasCompensation } from './compensation.js';
import {
  currentThrower,
  evaluateConditions,
  hasConditionalEventSubprocesses,
  startTriggeredSpecs,
  triggerScopes,
  wasInterrupted,
} from './event-subprocesses.js';
import { PythonScriptEngine, toData } from './script-engine.js';

/** An event thrown inside a workflow or sent to it from outside. */
export interface BpmnEvent {
  readonly definition: EventDefinition;
  readonly payload?: unknown;
  readonly correlations?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Only tasks of this workflow catch it (error, escalation, terminate and cancel events). */
  target?: Workflow | undefined;
}

/** An event the workflow waits for (SpiffWorkflow's `PendingBpmnEvent`). */
export interface PendingEvent {
  readonly type: string;
  readonly name: string | null;
  readonly value: unknown;
  readonly task: Task;
}

/** A host-provided service: called by service tasks with the evaluated parameters. */
export type ServiceHandler = (
  operator: string,
  params: Readonly<Record<string, unknown>>,
  task: Task,
) => unknown;

/** Evaluates a decision for a business rule task; returns what is merged into its data. */
export type DecisionHandler = (
  decisionRef: string,
  data: Readonly<DataObject>,
  task: Task,
) => DataObject;

/** Host-provided storage behind `bpmn:dataStore`s. */
export interface DataStoreBackend {
  get(id: string): unknown;
  set(id: string, value: unknown): void;
}

/** How a caught message or signal payload lands in the catching task's data. */
export type PayloadHandler = (
  task: Task<BpmnSpec>,
  definition: EventDefinition,
  payload: unknown,
) => void;

/** Options of a {@link BpmnWorkflow}. */
export interface BpmnWorkflowOptions {
  readonly scriptEngine?: PythonScriptEngine;
  /** The engine clock in epoch milliseconds, for timers (default: always 0). */
  readonly clock?: () => number;
  /** Makes task ids. */
  readonly newId?: () => string;
  /** Layers by typename (default: {@link createBpmnRegistry}). */
  readonly registry?: SpecRegistry;
  readonly services?: ServiceHandler;
  /** Business rule tasks call it (e.g. with `@spiff-ts/dmn`'s `DmnEngine`). */
  readonly decide?: DecisionHandler;
  readonly dataStores?: DataStoreBackend;
  /** Where a caught event's payload goes (default: merged into the task data). */
  readonly payloadHandler?: PayloadHandler;
  /** Initial data of the root task. */
  readonly data?: DataObject;
  /** @internal restore from serialized state */
  readonly restore?: boolean;
  /** @internal the clock of `lastStateChange` (default: a counter) */
  readonly stateClock?: () => number;
}

/**
 * A registry with the core layers and every BPMN layer, and a flavour's layers over them.
 * @example `new BpmnWorkflow(spec, subprocessSpecs, { registry: createBpmnRegistry(spiffFlavour) })`
 */
export function createBpmnRegistry(flavour?: BpmnFlavour): SpecRegistry {
  const registry = createCoreRegistry().registerAll(bpmnLayers);
  return flavour?.layers ? registry.registerAll(flavour.layers) : registry;
}
const DEFAULT_REGISTRY = createBpmnRegistry();
const flavourRegistries = new WeakMap<BpmnFlavour, SpecRegistry>();

/**
 * The registry a workflow of `spec` runs with when the host passes none: the layers of the
 * flavour that parsed it (so `SpiffBpmnParser` specs run their pre- and post-scripts without
 * further wiring), else plain BPMN's.
 */
function registryOf(spec: WorkflowSpec): SpecRegistry {
  return flavourRegistry(flavourOf(spec));
}

/** The (shared) registry of `flavour`: plain BPMN's when it has no layers of its own. */
export function flavourRegistry(flavour: BpmnFlavour | undefined): SpecRegistry {
  if (!flavour?.layers) return DEFAULT_REGISTRY;
  let registry = flavourRegistries.get(flavour);
  if (!registry) {
    registry = createBpmnRegistry(flavour);
    flavourRegistries.set(flavour, registry);
  }
  return registry;
}

/** Correlation values: key name → property id → value. */
export type Correlations = Record<string, Record<string, unknown>>;

/**
 * A running BPMN process (SpiffWorkflow's `BpmnWorkflow`): a core {@link Workflow} whose
 * sub-processes and call activities run as nested workflows, with events, correlations and a
 * Python script engine.
 *
 * @example
 * ```ts
 * const workflow = new BpmnWorkflow(parser.getSpec('main'), parser.getSubprocessSpecs('main'));
 * workflow.doEngineSteps();
 * for (const task of workflow.getTasks({ state: TaskState.READY, manual: true })) task.run();
 * ```
 */
export class BpmnWorkflow extends Workflow {
  /** Created on first use: most waiting instances never run a script. */
  #engine: PythonScriptEngine | undefined;
  readonly now: () => number;
  /** The options that carry host handlers, kept only when one of them is given. */
  readonly #handlers: BpmnWorkflowOptions | undefined;
  // Allocated on first use, so an instance that never throws or correlates carries none of them.
  #bpmnEvents: BpmnEvent[] | undefined;
  #correlations: Correlations | undefined;
  #subCorrelations: Map<Workflow, Correlations> | undefined;
  /**
   * The layers' bookkeeping of joins, by workflow of this family (see `layers.ts`). Held here
   * rather than in weak maps: a weak map entry keeps its workflow alive through every young
   * collection, so each instance would survive to the old generation. Declared only: it is
   * set on first use, which can come during the base constructor (a field would reset it).
   * @internal
   */
  declare joinState: unknown;

  constructor(
    spec: WorkflowSpec,
    subprocessSpecs: ReadonlyMap<string, WorkflowSpec> = NO_SUBPROCESSES,
    options: BpmnWorkflowOptions = {},
  ) {
    const engine = options.scriptEngine;
    super(
      spec,
      coreOptions(options, subprocessSpecs, spec),
      options.restore ? { restore: true } : { deferStart: true },
    );
    this.now = options.clock ?? zeroClock;
    if (engine) {
      this.#engine = engine;
      engine.setClock(this.now);
    }
    const { services, decide, dataStores, payloadHandler } = options;
    if (services || decide || dataStores || payloadHandler) {
      this.#handlers = { services, decide, dataStores, payloadHandler };
    }
    if (hasCompensation(spec, subprocessSpecs)) {
      this.events.on('completed', ({ task }) => {
        compensationStep(task, finishCompensation);
      });
    }
    if (hasConditionalEventSubprocesses(spec, subprocessSpecs)) {
      this.events.on('completed', ({ task }) => {
        evaluateConditions(task);
      });
    }
    if (options.restore) {
      markRestoredFamily(this);
      return;
    }
    const objects = processInfo(spec).dataObjects;
    if (objects.length > 0) {
      const store: DataObject = {};
      for (const id of objects) store[id] = null;
      this.data['data_objects'] = store;
    }
    // The root's data starts empty: only a non-empty start needs a data object of its own.
    if (options.data && !isEmptyPlainObject(options.data)) {
      this.taskTree.data = cloneData(options.data);
    }
    this.start();
  }

  /** Specs of the sub-processes and call activities (the workflow's library). */
  get subprocessSpecs(): ReadonlyMap<string, WorkflowSpec> {
    return this.library;
  }
  get services(): ServiceHandler | undefined {
    return this.#handlers?.services;
  }
  get decide(): DecisionHandler | undefined {
    return this.#handlers?.decide;
  }
  get dataStores(): DataStoreBackend | undefined {
    return this.#handlers?.dataStores;
  }
  get payloadHandler(): PayloadHandler {
    return this.#handlers?.payloadHandler ?? mergePayload;
  }

  /** The script engine (shared by sub-workflows; a default one is made on first use). */
  override get scriptEngine(): PythonScriptEngine {
    let engine = this.#engine;
    if (engine === undefined) {
      engine = new PythonScriptEngine();
      engine.setClock(this.now);
      this.#engine = engine;
    }
    return engine;
  }

  /** Events thrown that nothing in the workflow caught. */
  get bpmnEvents(): BpmnEvent[] {
    return (this.#bpmnEvents ??= []);
  }
  set bpmnEvents(value: BpmnEvent[]) {
    this.#bpmnEvents = value;
  }
  /** Correlation values of the top workflow. */
  get correlations(): Correlations {
    return (this.#correlations ??= {});
  }
  set correlations(value: Correlations) {
    this.#correlations = value;
  }
  /** Correlation values of sub-workflows, by the sub-workflow. */
  get subCorrelations(): Map<Workflow, Correlations> {
    return (this.#subCorrelations ??= new Map());
  }

  /**
   * The tasks matching a query, in depth-first order, across sub-processes; `lane` keeps the
   * tasks of one lane (`null`: tasks outside lanes).
   * @example `workflow.getTasks({ state: TaskState.READY, manual: true, lane: 'Reviewer' })`
   */
  override getTasks(query: TaskQuery & { lane?: string | null } = {}): Task[] {
    const { lane, ...rest } = query;
    const tasks = super.getTasks(rest);
    return lane === undefined
      ? tasks
      : tasks.filter((t) => ((t.taskSpec as BpmnSpec).lane ?? null) === lane);
  }

  /** Whether the workflow is completed (reached its end, or was cancelled). */
  isComplete(): boolean {
    return this.isCompleted();
  }

  /** The sub-workflow run by a task, if any. */
  getSubprocess(task: Task): Workflow | undefined {
    return task.workflow.subworkflows.get(task.id);
  }

  /** Every running or finished sub-workflow, outermost first. */
  allSubprocesses(): Workflow[] {
    const out: Workflow[] = [];
    const queue: Workflow[] = [this];
    while (queue.length > 0) {
      const wf = queue.shift() as Workflow;
      for (const sub of wf.subworkflows.values()) {
        out.push(sub);
        queue.push(sub);
      }
    }
    return out;
  }

  /**
   * Runs every READY task that is not manual, until only manual or waiting tasks are left;
   * then refreshes timers. SpiffWorkflow's `do_engine_steps`.
   */
  doEngineSteps(): void {
    for (;;) {
      const task = this.getNextTask(ENGINE_STEP);
      if (task === undefined) break;
      task.run();
    }
    this.refreshWaitingTasks();
  }

  /** Re-checks waiting timers against the clock (SpiffWorkflow's `refresh_waiting_tasks`). */
  refreshWaitingTasks(): void {
    for (const task of this.getTasks({ state: TaskState.WAITING })) {
      const spec = task.taskSpec as BpmnSpec;
      if (!task.hasState(TaskState.WAITING)) continue;
      if (!CATCHING_TYPES.has(spec.typename)) continue;
      if (isTimer(spec.eventDefinition) || hasTimer(spec.eventDefinition)) task.update();
    }
  }

  /** Tasks waiting for an event. */
  waitingTasks(): Task<BpmnSpec>[] {
    return this.getTasks({ state: TaskState.WAITING }).filter((t) => {
      const spec = t.taskSpec as BpmnSpec;
      return (
        CATCHING_TYPES.has(spec.typename) &&
        spec.eventDefinition !== undefined &&
        spec.eventDefinition.typename !== 'NoneEventDefinition'
      );
    }) as Task<BpmnSpec>[];
  }

  /** What the workflow waits for. */
  waitingEvents(): PendingEvent[] {
    return this.waitingTasks().map((task) => {
      const def = task.taskSpec.eventDefinition as EventDefinition;
      let value: unknown = null;
      if (isTimer(def)) value = task.internalData['event_value'] ?? null;
      else if (def.typename === 'MessageEventDefinition') value = def.correlationProperties ?? [];
      else if (def.code !== undefined) value = def.code;
      return { type: def.typename, name: def.name, value, task };
    });
  }

  /** Returns and clears the events nothing in the workflow caught. */
  getEvents(): BpmnEvent[] {
    const events = this.#bpmnEvents ?? [];
    this.#bpmnEvents = undefined;
    return events;
  }

  /** Delivers an event thrown inside the workflow: queued as outgoing when nothing catches it. */
  catch(event: BpmnEvent): number {
    return this.#catch(event, true);
  }

  /**
   * Delivers an event from outside.
   * @throws {@link WorkflowError} when nothing waits for it
   */
  sendEvent(event: BpmnEvent): void {
    if (this.#catch(event, false) === 0) {
      throw new WorkflowError(`This process is not waiting for ${event.definition.name ?? ''}`);
    }
  }

  #catch(event: BpmnEvent, internal: boolean): number {
    let tasks: Task<BpmnSpec>[];
    if (event.target !== undefined) {
      const target = event.target;
      const via = arrivalIn(target, currentThrower(this));
      tasks = this.waitingTasks().filter(
        (t) => t.workflow === target && catches(t, event) && reaches(t, via),
      );
      if (tasks.length === 0) {
        // Then the target's event sub-processes (an error or escalation event sub-process).
        tasks = startTriggeredSpecs(this, [target], event).filter((t) => catches(t, event));
      }
      if (tasks.length === 0) {
        event.target = target.outerTask?.workflow;
        if (event.target !== undefined) return this.#catch(event, internal);
        // Out of the top workflow uncaught: an outgoing event for the host, not offered to the
        // tasks of other activities (the reference broadcasts it to every waiting task, so that
        // an error boundary event of an unrelated activity catches it). A terminate end event
        // ends its own (sub)process and never reaches the host (SpiffWorkflow queues it).
        if (internal && event.definition.typename !== 'TerminateEventDefinition') {
          this.bpmnEvents.push(event);
        }
        return 0;
      }
    } else {
      startTriggeredSpecs(this, triggerScopes(this), event);
      tasks = this.waitingTasks().filter((t) => catches(t, event));
      if (tasks.length === 0 && internal) this.bpmnEvents.push(event);
    }
    for (const task of oneInterruptPerActivity(tasks, event)) {
      // An interrupting event sub-process may have cancelled it meanwhile.
      if (wasInterrupted(task)) continue;
      catchEvent(task, event);
      task.update();
    }
    return tasks.length;
  }

  /** Correlations of the workflow a task runs in. */
  correlationsOf(workflow: Workflow): Correlations {
    if (workflow === this) return this.correlations;
    const subs = this.subCorrelations;
    let c = subs.get(workflow);
    if (!c) {
      c = {};
      subs.set(workflow, c);
    }
    return c;
  }

  /**
   * Resets the workflow to a task: everything after it is dropped and it becomes READY again
   * (with `data`, or its parent's data). Inside a sub-process, the tasks running it are reset too.
   */
  override resetFromTaskId(id: string, data?: DataObject): Task[] {
    const task = this.getTaskFromId(id);
    const family = [this, ...this.allSubprocesses()];
    for (const wf of family) forgetJoinInstances(wf);
    const joins = joinInstancesIn(family);
    let removed: Task[];
    const split = task.parent;
    if (split?.taskSpec.typename === 'BoundaryEventSplit') {
      // A task with boundary events is reset together with its events.
      removed = [];
      for (const child of [...split.children]) {
        removed.push(...super.resetFromTaskId(child.id, child === task ? data : undefined));
      }
    } else {
      removed = super.resetFromTaskId(id, data);
    }
    const outer = task.workflow.outerTask;
    if (outer) {
      for (const child of [...outer.children]) {
        // Task.remove is internal to the core (stripped from its typings); the branch after the
        // sub-process is re-predicted when the sub-process completes again.
        if (child !== task.workflow.taskTree) (child as unknown as { remove(): void }).remove();
      }
      outer.setState(TaskState.STARTED);
      outer.predict(TaskStateMask.PREDICTED | TaskState.FUTURE | TaskState.STARTED);
      outer.workflow.lastTask = outer;
      for (let t: Task | undefined = outer.workflow.outerTask; t; t = t.workflow.outerTask) {
        t.setState(TaskState.STARTED);
      }
    }
    withdrawJoinTokens(joins);
    for (const wf of family) forgetJoinInstances(wf);
    return removed;
  }
}

/**
 * The task of `target` that an event thrown by `thrower` comes out of: the thrower itself, or
 * the (call) activity or event sub-process task running the sub-workflow it was thrown in.
 * Undefined when the thrower is unknown (an event thrown by the host) or not inside `target`.
 */
function arrivalIn(target: Workflow, thrower: Task | undefined): Task | undefined {
  let task = thrower;
  while (task !== undefined && task.workflow !== target) task = task.workflow.outerTask;
  return task;
}

/**
 * Whether a targeted event (error, escalation, cancel) coming out of `via` can reach a catching
 * task of the same workflow: a boundary event only catches what is thrown inside its own
 * activity (or one of its instances), not what other activities of that workflow throw (the
 * reference fires every waiting boundary event of the workflow that matches). With no known
 * `via`, every catching task can.
 */
function reaches(task: Task<BpmnSpec>, via: Task | undefined): boolean {
  if (via === undefined || task.taskSpec.typename !== 'BoundaryEvent') return true;
  const split = task.parent;
  const activity = split?.children.find((c) => c.taskSpec.typename !== 'BoundaryEvent');
  if (activity === undefined) return false;
  // The activity is active (its boundary event waits): only its instances hang below it.
  for (
    let t: Task | undefined = via;
    t !== undefined && t.workflow === via.workflow;
    t = t.parent
  ) {
    if (t === activity) return true;
    if (t === split) return false;
  }
  return false;
}

/**
 * Of the boundary events of one activity that would catch an event, only one fires when any of
 * them is interrupting: it cancels the activity, and with it the others. One whose definition
 * names the thrown code is preferred over a catch-all (the reference fires every match).
 */
function oneInterruptPerActivity(tasks: Task<BpmnSpec>[], event: BpmnEvent): Task<BpmnSpec>[] {
  const bySplit = new Map<Task, Task<BpmnSpec>[]>();
  for (const t of tasks) {
    const split = t.parent;
    if (t.taskSpec.typename !== 'BoundaryEvent' || split === undefined) continue;
    bySplit.set(split, [...(bySplit.get(split) ?? []), t]);
  }
  const dropped = new Set<Task>();
  for (const group of bySplit.values()) {
    const interrupting = group.filter((t) => t.taskSpec.cancelActivity);
    if (group.length < 2 || interrupting.length === 0) continue;
    const code = event.definition.code;
    const chosen =
      interrupting.find(
        (t) => code !== undefined && code !== null && t.taskSpec.eventDefinition?.code === code,
      ) ?? (interrupting[0] as Task<BpmnSpec>);
    for (const t of group) if (t !== chosen) dropped.add(t);
  }
  return dropped.size === 0 ? tasks : tasks.filter((t) => !dropped.has(t));
}

const NO_SUBPROCESSES: ReadonlyMap<string, WorkflowSpec> = new Map();
/** The query of {@link BpmnWorkflow.doEngineSteps}, made once rather than on every step. */
const ENGINE_STEP: TaskQuery = Object.freeze({ state: TaskState.READY, manual: false });

/**
 * The core options of a BPMN workflow. Join bookkeeping follows state changes through the
 * core's internal `onStateChange` hook (not in the public typings), so no instance needs a
 * listener of its own.
 */
function coreOptions(
  options: BpmnWorkflowOptions,
  library: ReadonlyMap<string, WorkflowSpec>,
  spec: WorkflowSpec,
): WorkflowOptions {
  const core: WorkflowOptions & { onStateChange: typeof trackTask } = {
    registry: options.registry ?? registryOf(spec),
    library,
    onStateChange: trackTask,
    ...(options.scriptEngine ? { scriptEngine: options.scriptEngine } : {}),
    ...(options.stateClock ? { clock: options.stateClock } : {}),
    ...(options.newId ? { newId: options.newId } : {}),
  };
  return core;
}

/** The default timer clock: always 0. */
const zeroClock = (): number => 0;

/** Whether `data` is a plain object without own keys (cloning it gives just `{}`). */
function isEmptyPlainObject(data: DataObject): boolean {
  const proto: unknown = Object.getPrototypeOf(data);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in data) if (Object.hasOwn(data, key)) return false;
  return true;
}

function mergePayload(task: Task, _definition: EventDefinition, payload: unknown): void {
  if (payload !== null && typeof payload === 'object' && !Array.isArray(payload)) {
    task.setData(cloneData(payload as DataObject));
  }
}

/** Whether an event definition is a timer. */
export function isTimer(def: EventDefinition | undefined): boolean {
  return (
    def !== undefined &&
    [
      'TimeDateEventDefinition',
      'DurationTimerEventDefinition',
      'CycleTimerEventDefinition',
    ].includes(def.typename)
  );
}

function hasTimer(def: EventDefinition | undefined): boolean {
  return (def?.eventDefinitions ?? []).some(isTimer);
}

/** Whether a catching definition matches an event's definition (SpiffWorkflow's `__eq__`). */
export function definitionMatches(catching: EventDefinition, thrown: EventDefinition): boolean {
  if (catching.typename === 'MultipleEventDefinition') {
    return (catching.eventDefinitions ?? []).some((d) => definitionMatches(d, thrown));
  }
  if (catching.typename !== thrown.typename) return false;
  switch (catching.typename) {
    case 'ErrorEventDefinition':
    case 'EscalationEventDefinition':
      return catching.code === null || catching.code === undefined || catching.code === thrown.code;
    case 'TerminateEventDefinition':
    case 'CancelEventDefinition':
    case 'NoneEventDefinition':
    case 'ConditionalEventDefinition':
      return true;
    default:
      return catching.name === thrown.name;
  }
}

function catches(task: Task<BpmnSpec>, event: BpmnEvent): boolean {
  const spec = task.taskSpec;
  const def = spec.eventDefinition;
  if (!def) return false;
  if (spec.typename === 'BoundaryEvent' && !task.hasState(TaskState.WAITING)) return false;
  if (!definitionMatches(def, event.definition)) return false;
  if (def.typename === 'MessageEventDefinition' && (def.correlationProperties ?? []).length > 0) {
    const top = task.workflow.topWorkflow as BpmnWorkflow;
    const mine = top.correlationsOf(task.workflow);
    const theirs = event.correlations ?? {};
    if (Object.keys(mine).length === 0) return true;
    return Object.keys(theirs).some((key) => sameValue(theirs[key], mine[key]));
  }
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Records a caught event on a task (SpiffWorkflow's `EventDefinition.catch`). */
export function catchEvent(task: Task<BpmnSpec>, event: BpmnEvent): void {
  const def = task.taskSpec.eventDefinition as EventDefinition;
  const thrown = event.definition;
  if (def.typename === 'MultipleEventDefinition') {
    const seen = (task.internalData['seen_events'] as unknown[] | undefined) ?? [];
    task.internalData['seen_events'] = [
      ...seen,
      { definition: thrown, payload: event.payload ?? null },
    ];
  }
  if (
    [
      'MessageEventDefinition',
      'SignalEventDefinition',
      'ErrorEventDefinition',
      'EscalationEventDefinition',
    ].includes(thrown.typename)
  ) {
    // Stored under the name of the catching definition that matched (a catch-all error or
    // escalation boundary event has a name of its own), where the run delivers it from.
    const matched =
      def.typename === 'MultipleEventDefinition'
        ? (def.eventDefinitions ?? []).find((d) => definitionMatches(d, thrown))
        : def;
    task.internalData[`payload:${matched?.name ?? thrown.name ?? ''}`] =
      event.payload === undefined ? null : event.payload;
  }
  if (thrown.typename === 'MessageEventDefinition' && event.payload !== undefined) {
    const top = task.workflow.topWorkflow as BpmnWorkflow;
    const values = computeCorrelations(top, def.correlationProperties ?? [], event.payload);
    Object.assign(
      top.correlationsOf(task.workflow),
      mergeCorrelations(top.correlationsOf(task.workflow), values),
    );
  }
  task.internalData['event_fired'] = true;
  task.setState(TaskState.WAITING);
}

/** Evaluates correlation properties against a payload. */
export function computeCorrelations(
  top: BpmnWorkflow,
  properties: readonly CorrelationProperty[],
  payload: unknown,
): Correlations {
  const out: Correlations = {};
  const context =
    payload !== null && typeof payload === 'object' && !Array.isArray(payload)
      ? (payload as DataObject)
      : {};
  for (const prop of properties) {
    let value: unknown;
    try {
      value = toData(top.scriptEngine.evaluateWith(prop.retrievalExpression, context));
    } catch {
      continue;
    }
    for (const key of prop.correlationKeys) {
      out[key] ??= {};
      (out[key] as Record<string, unknown>)[prop.name] = value;
    }
  }
  return out;
}

function mergeCorrelations(into: Correlations, values: Correlations): Correlations {
  const out: Correlations = { ...into };
  for (const [k, v] of Object.entries(values)) out[k] = { ...(out[k] ?? {}), ...v };
  return out;
}

/** Whether a state is finished. @internal */
export const FINISHED = TaskStateMask.FINISHED;
