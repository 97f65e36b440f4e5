import type { DataObject } from './data.js';
import { TaskNotFoundError, WorkflowError } from './errors.js';
import { WorkflowEvents, type WorkflowEventName } from './events.js';
import {
  compareTreeOrder,
  firstInTreeOrder,
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
}

/** Makes UUID-shaped ids from a counter: `00000000-0000-4000-8000-000000000001`, … */
export function counterIds(start = 0): () => string {
  let n = start;
  return () => {
    n += 1;
    const hex = n.toString(16).padStart(12, '0');
    return `00000000-0000-4000-8000-${hex}`;
  };
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
  /** Workflow data; End's data is merged in when the workflow completes. */
  data: DataObject = {};
  /** False once cancelled unsuccessfully. */
  success = true;
  /** The last completed task. */
  lastTask: Task | undefined;
  /** The task running this workflow, for a sub-workflow. */
  readonly outerTask: Task | undefined;
  #root: Task | undefined;
  #completed = false;
  readonly #shared: WorkflowShared;
  readonly #tasks = new Map<string, Task>();
  readonly #byState = new Map<number, Set<Task>>();
  readonly #subworkflows = new Map<string, Workflow>();
  readonly #locks = new Set<string>();
  readonly #specState = new Map<string, DataObject>();
  readonly #host: TaskHost;

  /** Creates the workflow, predicts its future and makes the start task READY. */
  constructor(spec: WorkflowSpec, options: WorkflowOptions = {}, init: WorkflowInit = {}) {
    this.spec = spec;
    this.outerTask = init.outerTask;
    this.#shared = init.shared ?? {
      registry: options.registry ?? CORE_REGISTRY,
      events: options.events ?? new WorkflowEvents(),
      newId: options.newId ?? counterIds(),
      clock: options.clock ?? counterClock(),
      scriptEngine: options.scriptEngine,
      library: options.library ?? spec.subSpecs,
      index: new Map(),
      threadIdPool: 0,
    };
    const shared = this.#shared;
    this.#host = {
      newId: shared.newId,
      clock: shared.clock,
      taskAdded: (task) => {
        if (shared.index.has(task.id)) {
          throw new WorkflowError(`Duplicate task id '${task.id}'`);
        }
        this.#tasks.set(task.id, task);
        shared.index.set(task.id, task);
        this.#indexState(task, task.state);
      },
      taskRemoved: (task) => {
        this.#tasks.delete(task.id);
        shared.index.delete(task.id);
        this.#byState.get(task.state)?.delete(task);
        this.#subworkflows.delete(task.id);
        // Removing a sub-workflow's root (e.g. resetting the task running it) ends the nesting.
        const outer = this.outerTask;
        if (task === this.#root && outer) outer.workflow.#subworkflows.delete(outer.id);
      },
      stateChanged: (task, previous) => {
        this.#byState.get(previous)?.delete(task);
        // A task removed from the tree may still be touched through a stale reference (as in
        // SpiffWorkflow); it must not come back into the index.
        if (this.#tasks.get(task.id) === task) this.#indexState(task, task.state);
        const events = shared.events;
        if (events.has('stateChanged'))
          events.emit('stateChanged', { task, workflow: this, previous });
        if ((task.state & ENTERED) !== 0 && (previous & ENTERED) === 0 && events.has('entered')) {
          events.emit('entered', { task, workflow: this });
        }
      },
      taskCompleted: (task) => this.#taskCompleted(task),
    };
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
  /** The script engine for Transform and friends, if the host gave one. */
  get scriptEngine(): ScriptEngine | undefined {
    return this.#shared.scriptEngine;
  }
  /** Specs sub-workflows can use, by key. */
  get library(): ReadonlyMap<string, WorkflowSpec> {
    return this.#shared.library;
  }
  /** This workflow's own tasks by id (sub-workflow tasks live in their workflows). */
  get tasks(): ReadonlyMap<string, Task> {
    return this.#tasks;
  }
  /** Running sub-workflows by the id of the task that runs them. */
  get subworkflows(): ReadonlyMap<string, Workflow> {
    return this.#subworkflows;
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
    const events = this.#shared.events;
    if (events.has(type)) events.emit(type, { task, workflow: this });
  }

  /** The output specs of a task spec (resolved in this workflow's spec). */
  outputSpecs(spec: TaskSpecData): TaskSpecData[] {
    return spec.outputs.map((name) => this.#specNamed(name));
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
    if (!this.#completed && !this.#hasTaskIn(TaskStateMask.NOT_FINISHED)) this.#completed = true;
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
    const indexed = this.#fromIndex(query);
    if (indexed) return firstInTreeOrder(indexed);
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
      last && this.#tasks.has(last.id) ? this.#first(TaskState.READY, manual, last) : undefined;
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
    return Object.hasOwn(this.data, name) ? this.data[name] : fallback;
  }
  /** Sets workflow data fields. */
  setData(values: Readonly<Record<string, unknown>>): void {
    Object.assign(this.data, values);
  }

  /** Takes the named mutex if it is free; returns whether it was taken. */
  acquireMutex(name: string): boolean {
    if (this.#locks.has(name)) return false;
    this.#locks.add(name);
    return true;
  }
  /** Frees the named mutex. @throws {@link WorkflowError} when it is not held. */
  releaseMutex(name: string): void {
    if (!this.#locks.delete(name)) throw new WorkflowError(`Mutex '${name}' is not locked`);
  }
  /** Whether the named mutex is held. */
  isMutexLocked(name: string): boolean {
    return this.#locks.has(name);
  }
  /** Names of the held mutexes. */
  get locks(): readonly string[] {
    return [...this.#locks];
  }

  /**
   * Per-workflow state of a spec (SpiffWorkflow keeps it on the shared spec object, e.g. a
   * Trigger's queue; here it belongs to the instance and is serialized with it).
   */
  specState(name: string): DataObject {
    let state = this.#specState.get(name);
    if (!state) {
      state = {};
      this.#specState.set(name, state);
    }
    return state;
  }
  /** All spec state, by spec name (see {@link Workflow.specState}). */
  get allSpecState(): ReadonlyMap<string, DataObject> {
    return this.#specState;
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
    this.#subworkflows.set(task.id, sub);
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
    const root = new Task(this, this.#host, spec, outerTask, {
      state: TaskState.FUTURE,
      threadId: this.#shared.threadIdPool,
      index: 0,
    });
    this.#root = root;
    return root;
  }

  #indexState(task: Task, state: number): void {
    let set = this.#byState.get(state);
    if (!set) {
      set = new Set();
      this.#byState.set(state, set);
    }
    set.add(task);
  }

  /** Tasks of this workflow and its sub-workflows whose state is in `mask`. */
  #collect(mask: number): Task[] {
    const out: Task[] = [];
    const stack: Workflow[] = [this];
    while (stack.length > 0) {
      const wf = stack.pop() as Workflow;
      for (const [state, set] of wf.#byState) if ((state & mask) !== 0) out.push(...set);
      stack.push(...wf.#subworkflows.values());
    }
    return out;
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
    let best: Task | undefined;
    const visit = (wf: Workflow): void => {
      const set = wf.#byState.get(state);
      if (set !== undefined) {
        for (const task of set) {
          if (manual !== undefined && task.taskSpec.manual !== manual) continue;
          if (from !== undefined && !isInSubtree(task, from)) continue;
          if (after !== undefined && compare(task, after) <= 0) continue;
          if (best === undefined || compare(task, best) < 0) best = task;
        }
      }
      if (wf.#subworkflows.size > 0) for (const sub of wf.#subworkflows.values()) visit(sub);
    };
    visit(this);
    return best;
  }

  #hasTaskIn(mask: number): boolean {
    const stack: Workflow[] = [this];
    while (stack.length > 0) {
      const wf = stack.pop() as Workflow;
      for (const [state, set] of wf.#byState) if ((state & mask) !== 0 && set.size > 0) return true;
      stack.push(...wf.#subworkflows.values());
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
      if (this.events.has('workflowCompleted'))
        this.events.emit('workflowCompleted', { workflow: this });
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
    for (const name of state.locks) this.#locks.add(name);
    for (const [k, v] of state.specState) this.#specState.set(k, v);
    let pool = this.#shared.threadIdPool;
    for (const task of this.#tasks.values()) pool = Math.max(pool, task.threadId);
    this.#shared.threadIdPool = pool;
  }
  /** Registers a restored sub-workflow. @internal */
  restoreSubworkflow(taskId: string, sub: Workflow): void {
    this.#subworkflows.set(taskId, sub);
  }
  /** The host for tasks the serializer creates. @internal */
  get taskHost(): TaskHost {
    return this.#host;
  }
  /** The shared engine state, for nested workflows the serializer creates. @internal */
  get shared(): WorkflowShared {
    return this.#shared;
  }
}

const compare = compareTreeOrder;
const ENTERED = TaskState.WAITING | TaskState.READY;
