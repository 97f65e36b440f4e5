import type { DataObject } from './data.js';
import { TaskNotFoundError, WorkflowError } from './errors.js';
import { WorkflowEvents, type WorkflowEventName } from './events.js';
import {
  compareTreeOrder,
  compareTreeOrderAttached,
  isInSubtree,
  iterateTasks,
  matchesFilter,
  type TaskQuery,
} from './iterator.js';
import type { DataScope } from './operators.js';
import { SpecRegistry } from './registry.js';
import { coreLayers } from './specs/index.js';
import type { TaskSpecData, WorkflowSpec } from './spec.js';
import { Task, type TaskHost } from './task.js';
import { TaskState, TaskStateMask } from './task-state.js';

/** Evaluates host-language code for specs such as Transform. The core ships none. */
export interface ScriptEngine {
  /** Runs `code` with the task in scope; may read and write `task.data`. */
  execute(task: Task, code: string): void;
}

/** Options of a {@link Workflow}; a sub-workflow shares its host's. */
export interface WorkflowOptions {
  /** Layers by spec typename (default: the core layers, see {@link createCoreRegistry}). */
  readonly registry?: SpecRegistry;
  /** Event bus (default: a new one, see {@link Workflow.events}). */
  readonly events?: WorkflowEvents;
  /** Makes task ids (default: UUID-shaped strings from a counter). */
  readonly newId?: () => string;
  /** Returns the time for `lastStateChange` (default: a counter that increases by 1 per call). */
  readonly clock?: () => number;
  /** Runs code for Transform specs. */
  readonly scriptEngine?: ScriptEngine;
  /** Specs sub-workflows can refer to by key (default: the spec's `subSpecs`). */
  readonly library?: ReadonlyMap<string, WorkflowSpec>;
  /**
   * Called on every state change of a task in the workflow family, before the events are
   * emitted (lets an engine layer keep its indexes without a listener per workflow).
   * @internal
   */
  readonly onStateChange?: (task: Task, previous: number) => void;
}

/**
 * The UUID-shaped id of counter value `n`. Every workflow counts from 1, so the low values are
 * made once and shared by all instances instead of each instance holding its own strings.
 */
function counterId(n: number): string {
  if (n >= ID_CACHE_SIZE) return `${ID_PREFIX}${n.toString(16).padStart(12, '0')}`;
  const cached = ID_CACHE[n];
  if (cached !== undefined) return cached;
  // `join` builds one flat string (a template literal would leave a two-part rope per id); it is
  // slower, which only the shared ids can afford.
  const id = [ID_PREFIX, n.toString(16).padStart(12, '0')].join('');
  ID_CACHE[n] = id;
  return id;
}
const ID_PREFIX = '00000000-0000-4000-8000-';
/** Ids made once and shared; a long run (a loop of thousands of rounds) stays within them. */
const ID_CACHE_SIZE = 1 << 16;
const ID_CACHE: (string | undefined)[] = [];

/** Makes UUID-shaped ids from a counter: `00000000-0000-4000-8000-000000000001`, … */
export function counterIds(start = 0): () => string {
  let n = start;
  return () => counterId((n += 1));
}

/** A clock that returns 1, 2, 3, … (deterministic; pass a real clock for wall time). */
export function counterClock(start = 0): () => number {
  let n = start;
  return () => (n += 1);
}

/** A new registry holding the layers of every core spec type. */
export function createCoreRegistry(): SpecRegistry {
  return new SpecRegistry().registerAll(coreLayers);
}
const CORE_REGISTRY = createCoreRegistry();

/** Engine state a workflow shares with its nested sub-workflows; opaque to hosts. */
export interface WorkflowShared {
  readonly registry: SpecRegistry;
  readonly events: WorkflowEvents;
  readonly newId: () => string;
  readonly clock: () => number;
  readonly scriptEngine: ScriptEngine | undefined;
  readonly library: ReadonlyMap<string, WorkflowSpec>;
  readonly index: Map<string, Task>;
  threadIdPool: number;
}

/**
 * The {@link WorkflowShared} of one workflow family. Built so that a workflow that is only
 * waiting costs little: the event bus is made when first asked for, the default id and clock
 * counters are plain numbers, and with counter ids the id indexes are built on first lookup.
 *
 * Ids from elsewhere (a host's generator, a restored document) may collide, so then every task
 * is indexed as it is added and duplicates are refused: the family index starts as the top
 * workflow's own task map and gets a map of its own when a nested workflow joins the family.
 */
class Family implements WorkflowShared {
  readonly registry: SpecRegistry;
  readonly scriptEngine: ScriptEngine | undefined;
  readonly library: ReadonlyMap<string, WorkflowSpec>;
  readonly onStateChange: ((task: Task, previous: number) => void) | undefined;
  /** The top workflow. */
  readonly top: Workflow;
  /** Whether ids come from outside the default counter (indexes are kept from the start). */
  readonly eager: boolean;
  /** Every task of the family by id, while it is kept (see {@link Family.index}). */
  kept: Map<string, Task> | undefined;
  threadIdPool = 0;
  #events: WorkflowEvents | undefined;
  readonly #newId: (() => string) | undefined;
  readonly #clock: (() => number) | undefined;
  #ids = 0;
  #ticks = 0;

  constructor(top: Workflow, options: WorkflowOptions, restore: boolean) {
    this.registry = options.registry ?? CORE_REGISTRY;
    this.scriptEngine = options.scriptEngine;
    this.library = options.library ?? top.spec.subSpecs;
    this.onStateChange = options.onStateChange;
    this.top = top;
    this.eager = restore || options.newId !== undefined;
    this.kept = this.eager ? new Map() : undefined;
    this.#events = options.events;
    this.#newId = options.newId;
    this.#clock = options.clock;
  }

  /** Every task of the family by id (built from the tree on first use with counter ids). */
  get index(): Map<string, Task> {
    let index = this.kept;
    if (index === undefined) {
      index = new Map();
      for (const task of iterateTasks(this.top.taskTree)) index.set(task.id, task);
      this.kept = index;
    }
    return index;
  }

  get events(): WorkflowEvents {
    return (this.#events ??= new WorkflowEvents());
  }
  /** Whether anything listens to `type` (never creates the bus). */
  listens(type: WorkflowEventName): boolean {
    const events = this.#events;
    return events !== undefined && events.has(type);
  }
  get newId(): () => string {
    return this.#newId ?? (() => this.nextId());
  }
  get clock(): () => number {
    return this.#clock ?? (() => this.tick());
  }
  /** A new task id: from the host's generator, else `counterIds()`'s next. */
  nextId(): string {
    const newId = this.#newId;
    return newId !== undefined ? newId() : counterId((this.#ids += 1));
  }
  /** The time of a state change: from the host's clock, else `counterClock()`'s next. */
  tick(): number {
    const clock = this.#clock;
    return clock !== undefined ? clock() : (this.#ticks += 1);
  }
  /** A nested workflow joins: the family index must no longer be the top's own task map. */
  splitIndex(ownTasks: ReadonlyMap<string, Task> | undefined): void {
    if (this.kept !== undefined && this.kept === ownTasks) this.kept = new Map(this.kept);
  }
}

/**
 * The one {@link TaskHost} of every workflow: it finds the workflow through the task (or is
 * given it), so neither workflows nor tasks hold a host of their own. Set up inside the class,
 * where it can reach the workflow's private state.
 */
let host: TaskHost;

/** {@link Workflow.outputSpecs}, per task spec: the workflow spec it was resolved in, and the list. */
const resolvedOutputs = new WeakMap<
  TaskSpecData,
  { readonly in: WorkflowSpec; readonly specs: readonly TaskSpecData[] }
>();

/** Shared stand-in for the empty maps a workflow has not needed yet. */
const NO_ENTRIES: ReadonlyMap<never, never> = new Map<never, never>();

/**
 * How the engine builds workflows it does not start normally (nested and restored ones); for
 * the serializer and for subclasses overriding {@link Workflow.nestedWorkflow}.
 */
export interface WorkflowInit {
  readonly shared?: WorkflowShared;
  readonly outerTask?: Task;
  /** Do not create the root task (the serializer adds the tasks). */
  readonly restore?: boolean;
  /** Create and predict the root, but do not make it READY yet. */
  readonly deferStart?: boolean;
}

/**
 * A running instance of a {@link WorkflowSpec}: a tree of tasks, workflow data, mutexes and the
 * state of its nested sub-workflows.
 *
 * @example
 * ```ts
 * const workflow = new Workflow(spec);
 * workflow.runAll();
 * workflow.isCompleted(); // true
 * ```
 */
export class Workflow implements DataScope {
  readonly spec: WorkflowSpec;
  /** False once cancelled unsuccessfully. */
  success = true;
  /** The last completed task. */
  lastTask: Task | undefined;
  /** The task running this workflow, for a sub-workflow. */
  readonly outerTask: Task | undefined;
  #root: Task | undefined;
  #completed = false;
  readonly #shared: Family;
  /** Own tasks by id, in the order they were added; with counter ids, built on first use. */
  #tasks: Map<string, Task> | undefined;
  // What is not needed yet is not allocated: a waiting instance holds no empty maps or sets.
  #data: DataObject | undefined;
  /** Tasks by the states the engine looks up (see {@link Workflow.#setOf}). */
  #waiting: StateSlot;
  #ready: StateSlot;
  #started: StateSlot;
  /** How many of this workflow's tasks are unfinished. */
  #unfinished = 0;
  #subworkflows: Map<string, Workflow> | undefined;
  #locks: Set<string> | undefined;
  #specState: Map<string, DataObject> | undefined;

  /** Creates the workflow, predicts its future and makes the start task READY. */
  constructor(spec: WorkflowSpec, options: WorkflowOptions = {}, init: WorkflowInit = {}) {
    this.spec = spec;
    this.outerTask = init.outerTask;
    if (init.shared) {
      // Only this module makes families (the serializer passes on a workflow's `shared`).
      const family = init.shared as Family;
      family.splitIndex(family.top.#tasks);
      this.#shared = family;
      if (family.eager) this.#tasks = new Map();
    } else {
      const family = new Family(this, options, init.restore === true);
      this.#shared = family;
      this.#tasks = family.kept;
    }
    if (init.restore) return;
    const root = this.#createRoot(spec.start, init.outerTask);
    root.predict(TaskStateMask.NOT_FINISHED);
    if (!init.deferStart) root.makeReady();
  }

  /** The root task (SpiffWorkflow's `task_tree`). */
  get taskTree(): Task {
    if (!this.#root) throw new WorkflowError('Workflow has no tasks');
    return this.#root;
  }
  /** The spec layers in use. */
  get registry(): SpecRegistry {
    return this.#shared.registry;
  }
  /** The event bus (shared with sub-workflows). */
  get events(): WorkflowEvents {
    return this.#shared.events;
  }
  /** The script engine for Transform and friends, if the host gave one (a sub-workflow's is its top workflow's). */
  get scriptEngine(): ScriptEngine | undefined {
    return this.outerTask ? this.topWorkflow.scriptEngine : this.#shared.scriptEngine;
  }
  /** Specs sub-workflows can use, by key. */
  get library(): ReadonlyMap<string, WorkflowSpec> {
    return this.#shared.library;
  }
  /** This workflow's own tasks by id (sub-workflow tasks live in their workflows). */
  get tasks(): ReadonlyMap<string, Task> {
    return (this.#tasks ??= this.#ownTasks());
  }
  /** Running sub-workflows by the id of the task that runs them. */
  get subworkflows(): ReadonlyMap<string, Workflow> {
    return this.#subworkflows ?? NO_ENTRIES;
  }
  /** Workflow data; End's data is merged in when the workflow completes. */
  get data(): DataObject {
    return (this.#data ??= {});
  }
  set data(value: DataObject) {
    this.#data = value;
  }
  /** The outermost workflow. */
  get topWorkflow(): Workflow {
    const outer = this.outerTask;
    return outer ? outer.workflow.topWorkflow : this;
  }

  /** Emits a task event on the shared bus (skipped when nobody listens); for layers. */
  emitTask(
    type: Exclude<WorkflowEventName, 'stateChanged' | 'workflowCompleted'>,
    task: Task,
  ): void {
    const shared = this.#shared;
    if (shared.listens(type)) shared.events.emit(type, { task, workflow: this });
  }

  /**
   * The output specs of a task spec (resolved in this workflow's spec). Specs are immutable, so
   * the list is resolved once per spec and shared (frozen): prediction asks on every step.
   */
  outputSpecs(spec: TaskSpecData): readonly TaskSpecData[] {
    const known = resolvedOutputs.get(spec);
    if (known !== undefined && known.in === this.spec) return known.specs;
    const names = spec.outputs;
    const out = new Array<TaskSpecData>(names.length);
    for (let i = 0; i < names.length; i++) out[i] = this.#specNamed(names[i] as string);
    resolvedOutputs.set(spec, { in: this.spec, specs: Object.freeze(out) });
    return out;
  }
  /** The input specs of a task spec (resolved in this workflow's spec). */
  inputSpecs(spec: TaskSpecData): TaskSpecData[] {
    return spec.inputs.map((name) => this.#specNamed(name));
  }
  #specNamed(name: string): TaskSpecData {
    const spec = this.spec.taskSpecs.get(name);
    if (!spec) throw new WorkflowError(`Unknown task spec '${name}'`, { specName: name });
    return spec;
  }

  /** A new thread id (SpiffWorkflow's `thread_id_pool`, per workflow family). */
  nextThreadId(): number {
    this.#shared.threadIdPool += 1;
    return this.#shared.threadIdPool;
  }

  // --- queries --------------------------------------------------------------------------------

  /** Whether no task is unfinished (or the workflow was cancelled or reached End). */
  isCompleted(): boolean {
    if (!this.#completed && !this.#hasUnfinished()) this.#completed = true;
    return this.#completed;
  }

  /** The task tree as text, for debugging (see {@link Task.getDump}). */
  getDump(): string {
    return this.taskTree.getDump();
  }

  /** Whether nothing can run without a person: no READY task whose spec is not manual. */
  manualInputRequired(): boolean {
    return this.getNextTask({ state: TaskState.READY, manual: false }) === undefined;
  }

  /**
   * The tasks matching a query, in depth-first order from the root (or `query.from`).
   * @example `workflow.getTasks({ state: TaskState.READY, manual: false })`
   */
  getTasks(query: TaskQuery = {}): Task[] {
    const indexed = this.#fromIndex(query);
    if (indexed) return indexed.sort((a, b) => (a === b ? 0 : compare(a, b)));
    return [...iterateTasks(query.from ?? this.taskTree, query)];
  }

  /** The first task matching a query in depth-first order, or `undefined`. */
  getNextTask(query: TaskQuery = {}): Task | undefined {
    const state = query.state ?? TaskStateMask.ANY;
    if ((state & ~INDEXED) === 0 && query.maxDepth === undefined && query.endAtSpec === undefined) {
      // Straight from the state index, without collecting the candidates first.
      return this.#firstMatch(state, query, undefined);
    }
    for (const task of iterateTasks(query.from ?? this.taskTree, query)) return task;
    return undefined;
  }

  /** Candidates from the state index when the query allows it (no order yet). */
  #fromIndex(query: TaskQuery): Task[] | undefined {
    const state = query.state ?? TaskStateMask.ANY;
    const indexable = TaskState.WAITING | TaskState.READY | TaskState.STARTED;
    if (
      (state & ~indexable) !== 0 ||
      query.maxDepth !== undefined ||
      query.endAtSpec !== undefined
    ) {
      return undefined;
    }
    const from = query.from;
    return this.#collect(state).filter(
      (t) => matchesFilter(t, query) && (from === undefined || isInSubtree(t, from)),
    );
  }

  /** The task with the given id (also in sub-workflows). @throws {@link TaskNotFoundError} */
  getTaskFromId(id: string): Task {
    const task = this.#shared.index.get(id);
    if (!task) throw new TaskNotFoundError(`A task with id '${id}' was not found`);
    return task;
  }

  // --- running --------------------------------------------------------------------------------

  /** Runs the task with the given id. @throws {@link TaskNotFoundError} */
  runTaskFromId(id: string): ReturnType<Task['run']> {
    return this.getTaskFromId(id).run();
  }

  /** Completes the task with the given id without running it (e.g. a STARTED task). */
  completeTaskFromId(id: string): void {
    this.getTaskFromId(id).complete();
  }

  /**
   * Runs the next READY task, looking first below the last completed task (`useLastTask`) and
   * skipping manual tasks (`haltOnManual`). When nothing is ready, updates WAITING tasks and
   * returns false. Returns whether a task ran (unlike SpiffWorkflow, which returns the run
   * result, so its `run_all` stops at the first task that only STARTED).
   */
  runNext(options: { useLastTask?: boolean; haltOnManual?: boolean } = {}): boolean {
    const useLastTask = options.useLastTask ?? true;
    const manual = (options.haltOnManual ?? true) ? false : undefined;
    const last = useLastTask ? this.lastTask : undefined;
    let task =
      last && last.workflow === this && !last.detached
        ? this.#first(TaskState.READY, manual, last)
        : undefined;
    task ??= this.#first(TaskState.READY, manual, undefined);
    if (task === undefined) {
      this.updateWaitingTasks();
      return false;
    }
    task.run();
    return true;
  }

  /** Runs tasks until none is ready (see {@link Workflow.runNext}). */
  runAll(options: { useLastTask?: boolean; haltOnManual?: boolean } = {}): void {
    while (this.runNext(options)) {
      // keep going
    }
  }

  /** Updates every WAITING task, in tree order (SpiffWorkflow's `update_waiting_tasks`). */
  updateWaitingTasks(): void {
    let cursor: Task | undefined;
    for (;;) {
      const next = this.#first(TaskState.WAITING, undefined, undefined, cursor);
      if (next === undefined) return;
      cursor = next;
      next.update();
    }
  }

  /**
   * Cancels every unfinished task; the workflow counts as completed.
   * @returns the tasks that were cancelled (in tree order).
   */
  cancel(success = false): Task[] {
    this.success = success;
    this.#completed = true;
    const cancelled = [...iterateTasks(this.taskTree, { state: TaskStateMask.NOT_FINISHED })];
    for (const task of cancelled) task.cancel();
    return cancelled;
  }

  /**
   * Drops everything below the task and makes it runnable again, with `data` or a copy of its
   * parent's. Unlike SpiffWorkflow, a completed workflow (and every workflow running it as a
   * sub-workflow) becomes uncompleted again.
   * @returns the removed tasks.
   */
  resetFromTaskId(id: string, data?: DataObject): Task[] {
    const task = this.getTaskFromId(id);
    task.workflow.lastTask = task.parent;
    // The workflows running this one are not completed either while the task is redone.
    for (let wf: Workflow | undefined = task.workflow; wf; wf = wf.outerTask?.workflow) {
      wf.#completed = false;
    }
    return task.resetBranch(data);
  }

  /**
   * Runs a spec's trigger hooks in the context of the task `context`.
   * @throws {@link WorkflowError} when no layer of the spec handles triggers.
   */
  triggerSpec(spec: TaskSpecData, context: Task, args: readonly unknown[]): void {
    const hooks = this.registry.layers(spec.typename).map((l) => l.trigger);
    const step = (i: number): void => {
      if (i >= hooks.length) {
        throw new WorkflowError('Trigger not supported by this task', { specName: spec.name });
      }
      const hook = hooks[i];
      if (hook) hook(spec, context, args, () => step(i + 1));
      else step(i + 1);
    };
    step(0);
  }

  // --- data, mutexes, spec state --------------------------------------------------------------

  /** A workflow data field, or `fallback`. */
  getData(name: string, fallback?: unknown): unknown {
    const data = this.#data;
    return data !== undefined && Object.hasOwn(data, name) ? data[name] : fallback;
  }
  /** Sets workflow data fields. */
  setData(values: Readonly<Record<string, unknown>>): void {
    Object.assign(this.data, values);
  }

  /** Takes the named mutex if it is free; returns whether it was taken. */
  acquireMutex(name: string): boolean {
    const locks = (this.#locks ??= new Set());
    if (locks.has(name)) return false;
    locks.add(name);
    return true;
  }
  /** Frees the named mutex. @throws {@link WorkflowError} when it is not held. */
  releaseMutex(name: string): void {
    if (!this.#locks?.delete(name)) throw new WorkflowError(`Mutex '${name}' is not locked`);
  }
  /** Whether the named mutex is held. */
  isMutexLocked(name: string): boolean {
    return this.#locks?.has(name) ?? false;
  }
  /** Names of the held mutexes. */
  get locks(): readonly string[] {
    return this.#locks ? [...this.#locks] : [];
  }

  /**
   * Per-workflow state of a spec (SpiffWorkflow keeps it on the shared spec object, e.g. a
   * Trigger's queue; here it belongs to the instance and is serialized with it).
   */
  specState(name: string): DataObject {
    const all = (this.#specState ??= new Map());
    let state = all.get(name);
    if (!state) {
      state = {};
      all.set(name, state);
    }
    return state;
  }
  /** All spec state, by spec name (see {@link Workflow.specState}). */
  get allSpecState(): ReadonlyMap<string, DataObject> {
    return this.#specState ?? NO_ENTRIES;
  }

  // --- sub-workflows --------------------------------------------------------------------------

  /**
   * Creates a nested workflow run by `task`: its root is predicted, hung under `task` as its
   * first child and (unless `deferStart`) made READY. It shares ids, clock, events and registry.
   */
  createSubworkflow(
    task: Task,
    spec: WorkflowSpec,
    options: { deferStart?: boolean } = {},
  ): Workflow {
    const sub = this.nestedWorkflow(spec, {
      shared: this.#shared,
      outerTask: task,
      deferStart: true,
    });
    (this.#subworkflows ??= new Map()).set(task.id, sub);
    if (!options.deferStart) sub.taskTree.makeReady();
    return sub;
  }

  /**
   * Constructs a nested workflow; subclasses (e.g. a BPMN workflow) override it to nest their own
   * class. `init` carries the shared engine state and must be passed on unchanged.
   */
  nestedWorkflow(spec: WorkflowSpec, init: WorkflowInit): Workflow {
    return new Workflow(spec, {}, init);
  }

  /** Makes a deferred workflow's root READY. */
  start(): void {
    this.taskTree.makeReady();
  }

  /** Whether the workflow reached End or was cancelled (without scanning). */
  get completed(): boolean {
    return this.#completed;
  }

  // --- engine internals -----------------------------------------------------------------------

  #createRoot(spec: TaskSpecData, outerTask: Task | undefined): Task {
    // A sub-workflow's root hangs under the task running it, as its first child.
    const root = new Task(this, host, spec, outerTask, {
      state: TaskState.FUTURE,
      threadId: this.#shared.threadIdPool,
      index: 0,
    });
    this.#root = root;
    return root;
  }

  // --- task callbacks (through the TaskHost) ---------------------------------------------------

  // The id maps are updated only once built (see Family); counter ids cannot collide.
  #taskAdded(task: Task): void {
    const index = this.#shared.kept;
    const own = this.#tasks;
    if (index !== undefined) {
      if (index.has(task.id)) throw new WorkflowError(`Duplicate task id '${task.id}'`);
      index.set(task.id, task);
    }
    if (own !== undefined && own !== index) own.set(task.id, task);
    this.#indexState(task, task.state, true);
  }

  /** Called once per task, when it leaves the tree (see {@link Task.detached}). */
  #taskRemoved(task: Task): void {
    const index = this.#shared.kept;
    const own = this.#tasks;
    index?.delete(task.id);
    if (own !== undefined && own !== index) own.delete(task.id);
    this.#indexState(task, task.state, false);
    this.#subworkflows?.delete(task.id);
    // Removing a sub-workflow's root (e.g. resetting the task running it) ends the nesting.
    const outer = this.outerTask;
    if (task === this.#root && outer) outer.workflow.#subworkflows?.delete(outer.id);
  }

  #stateChanged(task: Task, previous: number): void {
    // A task removed from the tree may still be touched through a stale reference (as in
    // SpiffWorkflow); it must not come back into the index.
    if (!task.detached) {
      this.#indexState(task, previous, false);
      this.#indexState(task, task.state, true);
    }
    const shared = this.#shared;
    shared.onStateChange?.(task, previous);
    if (shared.listens('stateChanged')) {
      shared.events.emit('stateChanged', { task, workflow: this, previous });
    }
    if ((task.state & ENTERED) !== 0 && (previous & ENTERED) === 0 && shared.listens('entered')) {
      shared.events.emit('entered', { task, workflow: this });
    }
  }

  static {
    host = {
      newId: (workflow) => workflow.#shared.nextId(),
      clock: (workflow) => workflow.#shared.tick(),
      taskAdded: (task) => task.workflow.#taskAdded(task),
      taskRemoved: (task) => task.workflow.#taskRemoved(task),
      stateChanged: (task, previous) => task.workflow.#stateChanged(task, previous),
      taskCompleted: (task) => task.workflow.#taskCompleted(task),
    };
  }

  /**
   * This workflow's tasks in the order they were added: counter ids are made in that order and
   * have one length, so sorting them by id restores it.
   */
  #ownTasks(): Map<string, Task> {
    const own: Task[] = [];
    const root = this.#root;
    // A removed root (a reset sub-workflow) takes all of the workflow's tasks with it.
    if (root !== undefined && !root.detached) {
      const stack: Task[] = [root];
      while (stack.length > 0) {
        const task = stack.pop() as Task;
        own.push(task);
        // A nested workflow's tasks all hang below its root, which is not ours.
        for (const child of task.children) if (child.workflow === this) stack.push(child);
      }
    }
    own.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const map = new Map<string, Task>();
    for (const task of own) map.set(task.id, task);
    return map;
  }

  /**
   * Counts a task in or out of `state` (unfinished count, and the slot of a looked-up state). A
   * slot holds its only task itself and a set only while two or more are in: a task enters and
   * leaves READY on every step, and a set made empty gets a new table from V8 on each delete and
   * add, which a long run pays for in garbage collection.
   */
  #indexState(task: Task, state: number, add: boolean): void {
    if ((state & TaskStateMask.NOT_FINISHED) !== 0) this.#unfinished += add ? 1 : -1;
    if ((state & INDEXED) === 0) return;
    const slot = this.#setOf(state);
    let next: StateSlot = slot;
    if (add) {
      if (slot === undefined) next = task;
      else if (slot instanceof Set) slot.add(task);
      else if (slot !== task) next = new Set([slot, task]);
    } else if (slot === task) {
      next = undefined;
    } else if (slot instanceof Set && slot.delete(task) && slot.size === 0) {
      next = undefined;
    }
    if (next === slot) return;
    if (state === TaskState.WAITING) this.#waiting = next;
    else if (state === TaskState.READY) this.#ready = next;
    else this.#started = next;
  }

  /** The tasks in a looked-up state (WAITING, READY or STARTED), if any. */
  #setOf(state: number): StateSlot {
    return state === TaskState.READY
      ? this.#ready
      : state === TaskState.WAITING
        ? this.#waiting
        : state === TaskState.STARTED
          ? this.#started
          : undefined;
  }

  /** Tasks of this workflow and its sub-workflows whose state is in `mask` (WAITING, READY, STARTED). */
  #collect(mask: number): Task[] {
    const out: Task[] = [];
    const stack: Workflow[] = [this];
    while (stack.length > 0) {
      const wf = stack.pop() as Workflow;
      if ((mask & TaskState.WAITING) !== 0 && wf.#waiting) pushTasks(out, wf.#waiting);
      if ((mask & TaskState.READY) !== 0 && wf.#ready) pushTasks(out, wf.#ready);
      if ((mask & TaskState.STARTED) !== 0 && wf.#started) pushTasks(out, wf.#started);
      if (wf.#subworkflows) stack.push(...wf.#subworkflows.values());
    }
    return out;
  }

  /** The first of `best` and the indexed tasks in `mask` that match `query`, in tree order. */
  #firstMatch(mask: number, query: TaskQuery, best: Task | undefined): Task | undefined {
    if ((mask & TaskState.WAITING) !== 0 && this.#waiting) {
      best = firstMatching(this.#waiting, query, best);
    }
    if ((mask & TaskState.READY) !== 0 && this.#ready) {
      best = firstMatching(this.#ready, query, best);
    }
    if ((mask & TaskState.STARTED) !== 0 && this.#started) {
      best = firstMatching(this.#started, query, best);
    }
    const subs = this.#subworkflows;
    if (subs !== undefined)
      for (const sub of subs.values()) best = sub.#firstMatch(mask, query, best);
    return best;
  }

  /**
   * The first task in tree order in `state` (optionally: with that `manual` flag, below `from`,
   * after `after`), straight from the state index without allocating.
   */
  #first(
    state: TaskState,
    manual: boolean | undefined,
    from: Task | undefined,
    after?: Task,
  ): Task | undefined {
    return this.#firstIn(state, manual, from, after, undefined);
  }

  #firstIn(
    state: TaskState,
    manual: boolean | undefined,
    from: Task | undefined,
    after: Task | undefined,
    best: Task | undefined,
  ): Task | undefined {
    const slot = this.#setOf(state);
    if (slot instanceof Set) {
      for (const task of slot) best = earlierOf(task, manual, from, after, best);
    } else if (slot !== undefined) {
      best = earlierOf(slot, manual, from, after, best);
    }
    const subs = this.#subworkflows;
    if (subs !== undefined && subs.size > 0) {
      for (const sub of subs.values()) best = sub.#firstIn(state, manual, from, after, best);
    }
    return best;
  }

  /** How many of this workflow's own tasks (not its sub-workflows') are unfinished. @internal */
  get unfinishedTaskCount(): number {
    return this.#unfinished;
  }

  /** Whether this workflow or a sub-workflow has an unfinished task. */
  #hasUnfinished(): boolean {
    const stack: Workflow[] = [this];
    while (stack.length > 0) {
      const wf = stack.pop() as Workflow;
      if (wf.#unfinished > 0) return true;
      if (wf.#subworkflows) stack.push(...wf.#subworkflows.values());
    }
    return false;
  }

  #taskCompleted(task: Task): void {
    this.lastTask = task;
    if (task.taskSpec.name === 'End') {
      Object.assign(this.data, task.data);
      this.#completed = true;
    }
    if (this.#completed) {
      if (this.#shared.listens('workflowCompleted'))
        this.#shared.events.emit('workflowCompleted', { workflow: this });
      const outer = this.outerTask;
      if (outer && !outer.hasState(TaskStateMask.FINISHED)) outer.update();
    } else {
      this.updateWaitingTasks();
    }
  }

  /** Restores engine state from a serialized form. @internal */
  restoreState(state: {
    root: Task;
    completed: boolean;
    locks: readonly string[];
    specState: ReadonlyMap<string, DataObject>;
  }): void {
    this.#root = state.root;
    this.#completed = state.completed;
    if (state.locks.length > 0) this.#locks = new Set(state.locks);
    if (state.specState.size > 0) this.#specState = new Map(state.specState);
    let pool = this.#shared.threadIdPool;
    for (const task of this.tasks.values()) pool = Math.max(pool, task.threadId);
    this.#shared.threadIdPool = pool;
  }
  /** Registers a restored sub-workflow. @internal */
  restoreSubworkflow(taskId: string, sub: Workflow): void {
    (this.#subworkflows ??= new Map()).set(taskId, sub);
  }
  /** The host for tasks the serializer creates. @internal */
  get taskHost(): TaskHost {
    return host;
  }
  /** The shared engine state, for nested workflows the serializer creates. @internal */
  get shared(): WorkflowShared {
    return this.#shared;
  }
}

const compare = compareTreeOrder;
const ENTERED = TaskState.WAITING | TaskState.READY;
const INDEXED = TaskState.WAITING | TaskState.READY | TaskState.STARTED;

/** `task` if it qualifies for {@link Workflow.#first} and comes before `best` in tree order. */
function earlierOf(
  task: Task,
  manual: boolean | undefined,
  from: Task | undefined,
  after: Task | undefined,
  best: Task | undefined,
): Task | undefined {
  if (manual !== undefined && task.taskSpec.manual !== manual) return best;
  if (from !== undefined && !isInSubtree(task, from)) return best;
  if (after !== undefined && compare(task, after) <= 0) return best;
  return best === undefined || compareTreeOrderAttached(task, best) < 0 ? task : best;
}

/** The tasks in one looked-up state: none, the only one, or a set of two or more. */
type StateSlot = Task | Set<Task> | undefined;

/** Adds the tasks of a state slot to `out`. */
function pushTasks(out: Task[], slot: Task | Set<Task>): void {
  if (slot instanceof Set) out.push(...slot);
  else out.push(slot);
}

/** The first of `best` and the tasks of `tasks` that match `query`, in tree order. */
function firstMatching(tasks: Task | Set<Task>, query: TaskQuery, best: Task | undefined) {
  const from = query.from;
  if (!(tasks instanceof Set)) {
    return matchesFilter(tasks, query) &&
      (from === undefined || isInSubtree(tasks, from)) &&
      (best === undefined || compareTreeOrderAttached(tasks, best) < 0)
      ? tasks
      : best;
  }
  for (const task of tasks) {
    if (!matchesFilter(task, query)) continue;
    if (from !== undefined && !isInSubtree(task, from)) continue;
    if (best === undefined || compareTreeOrderAttached(task, best) < 0) best = task;
  }
  return best;
}
