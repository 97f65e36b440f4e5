import { EMPTY_DATA, cloneData, type DataObject } from './data.js';
import { SpiffError, WorkflowError, WorkflowTaskError } from './errors.js';
import { iterateTasks } from './iterator.js';
import { applyAssign, type DataScope } from './operators.js';
import { callHook, type Hook, type RunResult, type TaskHookName } from './registry.js';
import type { TaskSpecData } from './spec.js';
import { TaskState, TaskStateMask, taskStateName } from './task-state.js';
import type { Workflow } from './workflow.js';

/** Engine access a task needs from its workflow (`task.workflow`, or the one given). @internal */
export interface TaskHost {
  newId(workflow: Workflow): string;
  clock(workflow: Workflow): number;
  taskAdded(task: Task): void;
  taskRemoved(task: Task): void;
  stateChanged(task: Task, previous: number): void;
  taskCompleted(task: Task): void;
}

/**
 * One node of a workflow's task tree: an instance of a {@link TaskSpecData}. Each task has one
 * parent; the tree changes only through the engine (`run`, `complete`, `cancel`, …) and the
 * child-management methods layers use (`syncChildren`, `addChild`, `dropChildren`).
 */
export class Task<S extends TaskSpecData = TaskSpecData> implements DataScope {
  readonly id: string;
  readonly workflow: Workflow;
  readonly taskSpec: S;
  /** Branch id: tasks of one thread share it (ThreadSplit assigns new ones). */
  threadId: number;
  /** When the state last changed, from the workflow's clock. */
  lastStateChange: number;
  #state: number;
  #parent: Task | undefined;
  /**
   * {@link NO_CHILDREN} for a leaf, the child itself for an only child (most tasks of a long
   * run: a task kept for the life of the tree saves an array object and its store), else an
   * array of two or more.
   */
  #children: Task | Task[];
  /** The depth times eight, plus the {@link TRIGGERED}, {@link DETACHED} and {@link SHARED} flags. */
  #bits: number;
  /**
   * The data: `undefined` while empty, and possibly the same object as other tasks' (then
   * {@link SHARED} is set, and the first write makes a private copy).
   */
  #data: DataObject | undefined;
  #internal: DataObject | undefined;
  // No field for the TaskHost (reached through the workflow) and no private instance methods
  // (V8 gives every instance of a class with one an extra slot): tasks are the bulk of a
  // waiting workflow's memory.

  /** @internal Tasks are created by the engine (`addChild`, workflows, the serializer). */
  constructor(
    workflow: Workflow,
    host: TaskHost,
    spec: S,
    parent: Task | undefined,
    init: {
      state?: number;
      id?: string;
      threadId?: number;
      lastStateChange?: number;
      index?: number;
    } = {},
  ) {
    this.id = init.id ?? host.newId(workflow);
    this.workflow = workflow;
    this.taskSpec = spec;
    this.#state = init.state ?? TaskState.MAYBE;
    this.#parent = parent;
    this.#bits = parent ? ((parent.#bits >> DEPTH_SHIFT) + 1) << DEPTH_SHIFT : 0;
    this.threadId = init.threadId ?? 0;
    this.lastStateChange = init.lastStateChange ?? host.clock(workflow);
    this.#children = NO_CHILDREN;
    this.#data = undefined;
    if (parent) {
      const siblings = parent.#children;
      if (siblings === NO_CHILDREN) parent.#children = this;
      else if (!Array.isArray(siblings)) {
        parent.#children = init.index === 0 ? [this, siblings] : [siblings, this];
      } else if (init.index !== undefined) siblings.splice(init.index, 0, this);
      else if (siblings.length < SMALL_FAMILY) parent.#children = appended(siblings, this);
      else siblings.push(this);
    }
    host.taskAdded(this);
  }

  /** Alias of {@link Task.taskSpec}. */
  get spec(): S {
    return this.taskSpec;
  }
  /** The current state. */
  get state(): number {
    return this.#state;
  }
  /**
   * Sets the state, refusing to go backwards (use {@link Task.setState} to force).
   * @throws {@link WorkflowError} when the new state is lower than the current one.
   */
  set state(value: number) {
    if (value < this.#state) {
      throw new WorkflowError(
        `state went from ${taskStateName(this.#state)} to ${taskStateName(value)}!`,
        { specName: this.taskSpec.name },
      );
    }
    this.setState(value);
  }
  /** The parent task (for a sub-workflow's root: the task running it). */
  get parent(): Task | undefined {
    return this.#parent;
  }
  /** The children, in order. Do not mutate. */
  get children(): readonly Task[] {
    const kids = this.#children;
    return Array.isArray(kids) ? kids : [kids];
  }
  /** The child when there is exactly one (most tasks of a sequence), without building a list. */
  get onlyChild(): Task | undefined {
    const kids = this.#children;
    return Array.isArray(kids) ? undefined : kids;
  }
  /** Distance from the root of the whole tree (sub-workflow tasks count their host's depth). */
  get depth(): number {
    return this.#bits >> DEPTH_SHIFT;
  }
  /** Whether the task was added by a trigger rather than by its parent's outputs. */
  get triggered(): boolean {
    return (this.#bits & TRIGGERED) !== 0;
  }
  set triggered(value: boolean) {
    this.#bits = value ? this.#bits | TRIGGERED : this.#bits & ~TRIGGERED;
  }
  /** Whether the task was removed from the tree (a stale reference). @internal */
  get detached(): boolean {
    return (this.#bits & DETACHED) !== 0;
  }

  /** Whether the state is in the given state or mask. */
  hasState(mask: number): boolean {
    return (this.#state & mask) !== 0;
  }

  // --- data -----------------------------------------------------------------------------------

  /** The task's data; mutable and private to this task (copied from the parent's on first use). */
  get data(): DataObject {
    return Task.#mutableData(this);
  }
  set data(value: DataObject) {
    this.#data = value;
    this.#bits &= ~SHARED;
  }
  /** Read-only view of the data that never copies; do not keep or mutate it. */
  peekData(): Readonly<DataObject> {
    return this.#data ?? EMPTY_DATA;
  }
  /** A data field, or `fallback` when absent. */
  getData(name: string, fallback?: unknown): unknown {
    const view = this.peekData();
    if (!Object.hasOwn(view, name)) return fallback;
    const value = view[name];
    // Objects may be shared with other tasks: hand out this task's own copy.
    return typeof value === 'object' && value !== null ? this.data[name] : value;
  }
  /** Sets data fields. */
  setData(values: Readonly<Record<string, unknown>>): void {
    Object.assign(Task.#mutableData(this), values);
  }
  /** The private, mutable data object (made, or copied when shared, first). */
  static #mutableData(task: Task): DataObject {
    let data = task.#data;
    if (data === undefined) {
      data = {};
      task.#data = data;
    } else if ((task.#bits & SHARED) !== 0) {
      data = cloneData(data);
      task.#data = data;
      task.#bits &= ~SHARED;
    }
    return data;
  }
  /** Engine and layer state that is not inherited by children. */
  get internalData(): DataObject {
    this.#internal ??= {};
    return this.#internal;
  }
  set internalData(value: DataObject) {
    this.#internal = value;
  }
  /**
   * Copies the parent's data over this task's (SpiffWorkflow's `_inherit_data`). While this
   * task's data is empty it shares the parent's object instead, and both copy before writing:
   * the effect of a deep copy, paid for only by tasks that write. (Which task shares is not
   * counted, so the last one to write copies too.)
   */
  inheritData(): void {
    const parent = this.#parent;
    if (parent === undefined) return;
    const source = parent.#data;
    const own = this.#data;
    if (source === undefined || source === own) return;
    if (own === undefined || isEmpty(own)) {
      this.#data = source;
      this.#bits |= SHARED;
      parent.#bits |= SHARED;
      return;
    }
    const target = Task.#mutableData(this);
    for (const key of Object.keys(source)) target[key] = cloneData(source[key]);
  }

  // --- tree -----------------------------------------------------------------------------------

  /** Whether `task` is an ancestor of this task. */
  isDescendantOf(task: Task): boolean {
    for (let t = this.#parent; t !== undefined; t = t.#parent) if (t === task) return true;
    return false;
  }
  /** The nearest ancestor whose spec has the given name. */
  findAncestor(specName: string | null): Task | undefined {
    for (let t = this.#parent; t !== undefined; t = t.#parent) {
      if (t.taskSpec.name === specName) return t;
    }
    return undefined;
  }
  /** Spec names from the root to this task, for error messages. */
  trace(): string[] {
    const names: string[] = [this.taskSpec.name];
    for (let t = this.#parent; t !== undefined; t = t.#parent) names.push(t.taskSpec.name);
    return names.reverse();
  }
  /** This task and its descendants, depth-first. */
  [Symbol.iterator](): Iterator<Task> {
    return iterateTasks(this);
  }

  /**
   * Adds a child for `spec` in `state` (READY children are made ready at once).
   * @throws {@link WorkflowError} when adding a definite child to a predicted task.
   */
  addChild<C extends TaskSpecData>(spec: C, state: number = TaskState.MAYBE): Task<C> {
    if (this.hasState(TaskStateMask.PREDICTED) && (state & TaskStateMask.PREDICTED) === 0) {
      throw new WorkflowError('Attempt to add non-predicted child to predicted task', {
        specName: this.taskSpec.name,
      });
    }
    const child = new Task<C>(this.workflow, this.workflow.taskHost, spec, this, {
      state,
      threadId: this.threadId,
    });
    if (state === TaskState.READY) child.makeReady();
    return child;
  }

  /**
   * Makes the children match `specs`: keeps one child per listed spec (setting unfinished ones
   * to `state`), adds the missing ones in order, removes predicted children not listed, and
   * never touches triggered children. SpiffWorkflow's `_sync_children`.
   * @throws {@link WorkflowError} when a definite child would have to be removed.
   */
  syncChildren(specs: readonly TaskSpecData[], state: number = TaskState.MAYBE): void {
    if (this.#children === NO_CHILDREN) {
      for (const spec of specs) this.addChild(spec, state);
      return;
    }
    if (specs.length > 30) {
      Task.#syncChildrenSlow(this, specs, state);
      return;
    }
    // Bit i set: specs[i] has its child (each child matches the first unmatched equal spec).
    let matched = 0;
    let unneeded: Task[] | undefined;
    const kids = this.#children;
    const single = !Array.isArray(kids);
    for (let c = 0; c < (single ? 1 : kids.length); c++) {
      const child = single ? kids : (kids[c] as Task);
      if (child.triggered) continue;
      let at = -1;
      for (let i = 0; i < specs.length; i++) {
        if ((matched & (1 << i)) === 0 && specs[i] === child.taskSpec) {
          at = i;
          break;
        }
      }
      if (at >= 0) {
        matched |= 1 << at;
        if (child.hasState(TaskStateMask.NOT_FINISHED)) child.setState(state);
      } else {
        if (child.hasState(TaskStateMask.DEFINITE)) {
          throw new WorkflowError(`removal of non-predicted child ${child.toString()}`, {
            specName: this.taskSpec.name,
          });
        }
        // `[child]`, not `[]` and a push: an array's first push reserves 17 slots
        if (unneeded === undefined) unneeded = [child];
        else unneeded.push(child);
      }
    }
    if (unneeded !== undefined) for (const child of unneeded) child.remove();
    for (let i = 0; i < specs.length; i++) {
      if ((matched & (1 << i)) === 0) this.addChild(specs[i] as TaskSpecData, state);
    }
  }

  /** {@link Task.syncChildren} for any number of specs. */
  static #syncChildrenSlow(task: Task, specs: readonly TaskSpecData[], state: number): void {
    const missing = [...specs];
    const unneeded: Task[] = [];
    const children = task.children;
    for (let c = 0; c < children.length; c++) {
      const child = children[c] as Task;
      if (child.triggered) continue;
      const at = missing.indexOf(child.taskSpec);
      if (at >= 0) {
        missing.splice(at, 1);
        if (child.hasState(TaskStateMask.NOT_FINISHED)) child.setState(state);
      } else {
        if (child.hasState(TaskStateMask.DEFINITE)) {
          throw new WorkflowError(`removal of non-predicted child ${child.toString()}`, {
            specName: task.taskSpec.name,
          });
        }
        unneeded.push(child);
      }
    }
    for (const child of unneeded) child.remove();
    for (const spec of missing) task.addChild(spec, state);
  }

  /** Removes unfinished children (all with `force`) and, below finished ones, their unfinished children. */
  dropChildren(force = false): void {
    const drop: Task[] = [];
    const stack: Task[] = [this];
    let first = true;
    while (stack.length > 0) {
      const task = stack.pop() as Task;
      for (const child of task.children) {
        if ((first && force) || child.hasState(TaskStateMask.NOT_FINISHED)) drop.push(child);
        else stack.push(child);
      }
      first = false;
    }
    for (const task of drop) task.remove();
  }

  /** Detaches this task and its subtree from the tree. @internal */
  remove(): void {
    const parent = this.#parent;
    if (parent) {
      // shifted by hand: `splice` would allocate the array of removed elements
      const siblings = parent.#children;
      if (siblings === this) parent.#children = NO_CHILDREN;
      else if (Array.isArray(siblings)) {
        const at = siblings.indexOf(this);
        if (at >= 0) {
          for (let i = at + 1; i < siblings.length; i++) siblings[i - 1] = siblings[i] as Task;
          siblings.pop();
          // A grown array keeps its spare slots for the life of the tree: small families get an
          // exact copy, an only child is held directly.
          const left = siblings.length;
          if (left === 0) parent.#children = NO_CHILDREN;
          else if (left === 1) parent.#children = siblings[0] as Task;
          else if (left < SMALL_FAMILY) parent.#children = siblings.slice();
        }
      }
    }
    // most removed tasks are leaves (predictions): no stack for them
    if (this.#children === NO_CHILDREN) {
      if ((this.#bits & DETACHED) !== 0) return;
      this.#bits |= DETACHED;
      this.workflow.taskHost.taskRemoved(this);
      return;
    }
    const stack: Task[] = [this];
    while (stack.length > 0) {
      const task = stack.pop() as Task;
      const kids = task.#children;
      if (Array.isArray(kids)) for (const child of kids) stack.push(child);
      else stack.push(kids);
      if ((task.#bits & DETACHED) !== 0) continue;
      task.#bits |= DETACHED;
      task.workflow.taskHost.taskRemoved(task);
    }
  }

  // --- state ----------------------------------------------------------------------------------

  /** Sets the state without checks (SpiffWorkflow's `_set_state`). */
  setState(value: number): void {
    if (value === this.#state) return;
    const previous = this.#state;
    const host = this.workflow.taskHost;
    this.lastStateChange = host.clock(this.workflow);
    this.#state = value;
    host.stateChanged(this, previous);
  }

  /** Gives this task (and its subtree) a new thread id. */
  assignNewThreadId(recursive = true): number {
    const id = this.workflow.nextThreadId();
    this.threadId = id;
    if (recursive) for (const task of this) task.threadId = id;
    return id;
  }

  /**
   * Adds the possible future below this task: runs the spec's predict hook when the state is in
   * `mask`, then recurses into matching children while a definite task is followed or fewer
   * than `lookahead` predicted levels were added. SpiffWorkflow's `_predict`.
   */
  predict(mask: number = TaskStateMask.PREDICTED, lookedAhead = 0): void {
    if (this.hasState(mask)) {
      callTaskHook(this, 'predict', PREDICT);
    }
    const lookAhead =
      this.hasState(TaskStateMask.DEFINITE) || lookedAhead + 1 < this.taskSpec.lookahead;
    if (!lookAhead) return;
    const children = this.#children;
    if (!Array.isArray(children)) {
      if (children.hasState(mask)) children.predict(mask, lookedAhead + 1);
      return;
    }
    for (const child of [...children]) {
      if (child.hasState(mask)) child.predict(mask, lookedAhead + 1);
    }
  }

  /**
   * Reacts to a change that may let this task run: re-predicts a predicted task, then asks the
   * update hooks whether it may become READY. SpiffWorkflow's `_update`.
   */
  update(): void {
    if (this.hasState(TaskStateMask.PREDICTED)) this.predict();
    const ready = callTaskHook(this, 'update', UPDATE);
    if (ready) this.makeReady();
  }

  /** Marks the task READY (unless finished), applies pre-assignments, runs the ready hooks. */
  makeReady(): void {
    if (this.hasState(TaskState.COMPLETED) || this.hasState(TaskState.CANCELLED)) return;
    this.setState(TaskState.READY);
    for (const a of this.taskSpec.preAssign) applyAssign(a, this, this);
    callTaskHook(this, 'onReady', READY);
  }

  /**
   * Runs the task: `'completed'` completes it, `'started'` leaves it STARTED (complete it
   * later), `'error'` puts it in ERROR. Post-assignments follow a successful run hook.
   * @throws {@link WorkflowTaskError} when a hook throws (the task is put in ERROR first).
   */
  run(): RunResult {
    let result: RunResult;
    try {
      result = callTaskHook(this, 'run', RUN);
      for (const a of this.taskSpec.postAssign) applyAssign(a, this, this);
    } catch (cause) {
      this.error();
      if (cause instanceof SpiffError) throw cause;
      throw new WorkflowTaskError(
        `Error running task '${this.taskSpec.name}': ${cause instanceof Error ? cause.message : String(cause)}`,
        this.id,
        this.trace(),
        { cause, specName: this.taskSpec.name },
      );
    }
    if (result === 'started') this.setState(TaskState.STARTED);
    else if (result === 'error') this.error();
    else this.complete();
    return result;
  }

  /** Marks the task COMPLETED, runs the complete hooks, then updates unfinished children. */
  complete(): void {
    this.setState(TaskState.COMPLETED);
    callTaskHook(this, 'onComplete', COMPLETE);
    const children = this.#children;
    if (!Array.isArray(children)) {
      if (!children.hasState(TaskStateMask.FINISHED)) children.update();
    } else if (children.length > 0) {
      for (const child of [...children]) {
        if (!child.hasState(TaskStateMask.FINISHED)) child.update();
      }
    }
    this.workflow.taskHost.taskCompleted(this);
  }

  /** Marks the task ERROR and runs the error hooks. */
  error(): void {
    this.setState(TaskState.ERROR);
    callTaskHook(this, 'onError', ERROR);
  }

  /**
   * Cancels this task if unfinished (dropping its unfinished children), else cancels its
   * children, recursively. Iterative, so deep trees are fine.
   */
  cancel(): void {
    const stack: Task[] = [this];
    while (stack.length > 0) {
      const task = stack.pop() as Task;
      if (task.hasState(TaskStateMask.FINISHED)) {
        const kids = task.children;
        for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as Task);
      } else {
        task.setState(TaskState.CANCELLED);
        task.dropChildren();
        callTaskHook(task, 'onCancel', CANCEL);
      }
    }
  }

  /** Triggers this task's spec in the context of this task (e.g. a MultiChoice's choice). */
  trigger(...args: unknown[]): void {
    this.workflow.triggerSpec(this.taskSpec, this, args);
  }

  /**
   * Removes all descendants and makes this task runnable again, with `data` (default: a copy
   * of the parent's). Returns the removed tasks. SpiffWorkflow's `reset_branch`.
   */
  resetBranch(data?: DataObject): Task[] {
    this.#internal = undefined;
    if (data !== undefined) this.data = data;
    else if (this.#parent) this.data = cloneData(this.#parent.peekData()) as DataObject;
    else this.data = {};
    const removed = [...iterateTasks(this)].slice(1);
    this.dropChildren(true);
    this.setState(TaskState.FUTURE);
    this.predict(TaskStateMask.PREDICTED | TaskState.FUTURE);
    this.update();
    return removed;
  }

  /**
   * The subtree as text for debugging, one task per line:
   * `<id>/<thread>: Task of <name> State: <STATE> Children: <n>`, indented two spaces per level.
   */
  getDump(): string {
    const lines: string[] = [];
    const stack: [Task, number][] = [[this, 0]];
    while (stack.length > 0) {
      const [task, level] = stack.pop() as [Task, number];
      const description = task.taskSpec.description ? ` (${task.taskSpec.description})` : '';
      lines.push(
        `${'  '.repeat(level)}${task.id}/${task.threadId}: Task of ${task.taskSpec.name}${description}` +
          ` State: ${taskStateName(task.#state)} Children: ${task.children.length}`,
      );
      const kids = task.children;
      for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i] as Task, level + 1]);
    }
    return lines.join('\n');
  }

  /** E.g. `<Task (first) in state READY with id …>`. */
  toString(): string {
    return `<Task object (${this.taskSpec.name}) in state ${taskStateName(this.#state)} with id ${this.id}>`;
  }
}

/**
 * Runs hook `name` of a task through its spec type's layers, `base` (the engine's behaviour) last.
 * Bases take the task, so nothing is allocated for a type without hooks of that kind.
 */
function callTaskHook<R>(task: Task, name: TaskHookName, base: BaseCall<R>): R {
  const hooks = task.workflow.registry.hooks(task.taskSpec.typename, name);
  if (hooks.length === 0) return base.run(task);
  // The hooks' `next()` is one shared function per hook kind acting on `base.task`: no closure
  // per call. Hooks call it synchronously, so saving and restoring the task keeps nested calls
  // (a hook updating other tasks) apart.
  const outer = base.task;
  base.task = task;
  try {
    return callHook(hooks as readonly Hook<TaskSpecData, R>[], task, base.next);
  } finally {
    base.task = outer;
  }
}

/** The engine's behaviour at one hook kind, with the `next()` handed to that kind's hooks. */
class BaseCall<R> {
  readonly run: (task: Task) => R;
  /** The task whose hooks of this kind are running (innermost call). */
  task: Task | undefined = undefined;
  readonly next: () => R;
  constructor(run: (task: Task) => R) {
    this.run = run;
    this.next = () => run(this.task as Task);
  }
}

// The engine's own behaviour at each hook (see TaskSpecLayer).
const baseUpdate = (task: Task): boolean => {
  task.inheritData();
  task.workflow.emitTask('update', task);
  return true;
};
const baseReady = (task: Task): void => task.workflow.emitTask('ready', task);
const baseRun = (task: Task): RunResult => {
  task.workflow.emitTask('run', task);
  return 'completed';
};
const baseComplete = (task: Task): void => task.workflow.emitTask('completed', task);
const baseError = (task: Task): void => task.workflow.emitTask('error', task);
const baseCancel = (task: Task): void => task.workflow.emitTask('cancelled', task);

const PREDICT = new BaseCall(defaultPredict);
const UPDATE = new BaseCall(baseUpdate);
const READY = new BaseCall(baseReady);
const RUN = new BaseCall(baseRun);
const COMPLETE = new BaseCall(baseComplete);
const ERROR = new BaseCall(baseError);
const CANCEL = new BaseCall(baseCancel);

const TRIGGERED = 1;
const DETACHED = 2;
/** The task's data object may be another task's too: copy it before writing. */
const SHARED = 4;
const DEPTH_SHIFT = 3;

/** The children of every task that has none yet (never mutated: the first child replaces it). */
const NO_CHILDREN: Task[] = [];

/**
 * Up to this many children a task's list is reallocated at its exact size instead of grown by a
 * push, which reserves 17 slots (136 bytes kept by every gateway of a long-running loop).
 */
const SMALL_FAMILY = 4;

/** A new array of `list` and `task`, with no spare capacity. */
function appended(list: readonly Task[], task: Task): Task[] {
  switch (list.length) {
    case 1:
      return [list[0] as Task, task];
    case 2:
      return [list[0] as Task, list[1] as Task, task];
    default:
      return [...list, task];
  }
}

function isEmpty(data: DataObject): boolean {
  for (const _ in data) return false;
  return true;
}

/** The base prediction: outputs become FUTURE below a definite task, else inherit the state. */
export function defaultPredict(task: Task): void {
  const state = task.hasState(TaskStateMask.DEFINITE) ? TaskState.FUTURE : task.state;
  task.syncChildren(task.workflow.outputSpecs(task.taskSpec), state);
}
