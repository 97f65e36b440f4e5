import {
  TaskState,
  TaskStateMask,
  WorkflowDataError,
  WorkflowError,
  WorkflowTaskError,
  cloneData,
  deepMerge,
  defaultPredict,
  iterateTasks,
  type DataObject,
  type Task,
  type TaskSpecData,
  type TaskSpecLayer,
  type Workflow,
} from '@spiff-ts/core';
import { truthy, type PyValue } from '@spiff-ts/python';
import {
  LOOP_TYPES,
  processInfo,
  type BpmnSpec,
  type DataRef,
  type EventDefinition,
} from '../specs.js';
import { startCompensation } from './compensation.js';
import {
  armedEventSubprocesses,
  eventSubprocessStartLayer,
  interruptionsAfter,
  throwingFrom,
  underArmed,
} from './event-subprocesses.js';
import { timerFired, timerUpdate } from './timers.js';
import {
  catchEvent,
  computeCorrelations,
  definitionMatches,
  isTimer,
  type BpmnEvent,
  type BpmnWorkflow,
} from './workflow.js';

type Layer = TaskSpecLayer<BpmnSpec>;
type BTask = Task<BpmnSpec>;

const top = (task: Task): BpmnWorkflow => task.workflow.topWorkflow as BpmnWorkflow;
const engine = (task: Task) => top(task).scriptEngine;
const specOf = (task: Task, name: string): BpmnSpec => {
  const spec = task.workflow.spec.getTaskSpec(name);
  if (!spec) throw new WorkflowTaskError(`Unknown task spec '${name}'`, task.id, task.trace());
  return spec as BpmnSpec;
};

/**
 * The data objects visible to a task: the outer workflows', then its own workflow's (nearer ones
 * win); `undefined` when there are none.
 */
function dataObjects(task: Task): DataObject | undefined {
  let out: DataObject | undefined;
  for (let wf: Workflow | undefined = task.workflow; wf; wf = wf.outerTask?.workflow) {
    const objects = wf.data['data_objects'];
    if (objects && typeof objects === 'object') out = { ...objects, ...out };
  }
  return out;
}

/** The workflow that owns a data object (the nearest one declaring it). */
function dataObjectOwner(task: Task, id: string): Workflow {
  for (let wf: Workflow | undefined = task.workflow; wf; wf = wf.outerTask?.workflow) {
    const objects = wf.data['data_objects'] as DataObject | undefined;
    if (objects && Object.hasOwn(objects, id)) return wf;
  }
  return task.workflow;
}

/** Evaluates a Python condition for a task (data objects visible). */
export function evaluateCondition(task: Task, expression: string): boolean {
  return truthy(engine(task).evaluate(task, expression, dataObjects(task)));
}

function readRef(task: Task, ref: DataRef): unknown {
  if (ref.kind === 'object') {
    const owner = dataObjectOwner(task, ref.bpmnId);
    const objects = (owner.data['data_objects'] as DataObject | undefined) ?? {};
    if (!Object.hasOwn(objects, ref.bpmnId)) {
      throw new WorkflowDataError(
        'The data object could not be read; it has not been set',
        task.id,
        task.trace(),
        { specName: task.taskSpec.name },
      );
    }
    return cloneData(objects[ref.bpmnId]);
  }
  if (ref.kind === 'store') {
    const stores = top(task).dataStores;
    if (!stores)
      throw new WorkflowDataError(`No data store '${ref.bpmnId}'`, task.id, task.trace());
    return cloneData(stores.get(ref.bpmnId));
  }
  return task.getData(ref.bpmnId);
}

function writeRef(task: Task, ref: DataRef): void {
  if (!Object.hasOwn(task.peekData(), ref.bpmnId)) {
    throw new WorkflowDataError(
      `Missing data object '${ref.bpmnId}' in task data`,
      task.id,
      task.trace(),
    );
  }
  const value = task.data[ref.bpmnId];
  if (ref.kind === 'object') {
    const owner = dataObjectOwner(task, ref.bpmnId);
    const objects = (owner.data['data_objects'] as DataObject | undefined) ?? {};
    objects[ref.bpmnId] = cloneData(value);
    owner.data['data_objects'] = objects;
  } else if (ref.kind === 'store') {
    top(task).dataStores?.set(ref.bpmnId, cloneData(value));
  }
  delete task.data[ref.bpmnId];
}

/**
 * Narrows a task's data to the variables of its IO specification (every one must be there).
 * @throws {@link WorkflowDataError} naming the first missing variable
 */
function keepOnly(task: BTask, vars: readonly { readonly bpmnId: string }[], kind: string): void {
  const data: DataObject = {};
  for (const v of vars) {
    if (!Object.hasOwn(task.peekData(), v.bpmnId)) {
      throw new WorkflowDataError(`Missing data ${kind} '${v.bpmnId}'`, task.id, task.trace(), {
        specName: task.taskSpec.name,
      });
    }
    data[v.bpmnId] = task.getData(v.bpmnId);
  }
  task.data = data;
}

/** Behaviour shared by every BPMN task spec (SpiffWorkflow's `BpmnTaskSpec`). */
export const bpmnTaskLayer: Layer = {
  update(task, next) {
    const ready = next();
    const spec = task.taskSpec;
    for (const ref of spec.dataInputAssociations) task.data[ref.bpmnId] = readRef(task, ref);
    const inputs = spec.ioSpecification?.dataInputs ?? [];
    if (inputs.length > 0) keepOnly(task, inputs, 'input');
    return ready;
  },
  onComplete(task, next) {
    const spec = task.taskSpec;
    const outputs = spec.ioSpecification?.dataOutputs ?? [];
    if (outputs.length > 0) keepOnly(task, outputs, 'output');
    for (const ref of spec.dataOutputAssociations) writeRef(task, ref);
    for (const ref of spec.dataInputAssociations) delete task.data[ref.bpmnId];
    next();
    const parent = task.parent;
    if (parent && task.triggered && LOOP_TYPES.has(parent.taskSpec.typename)) {
      const loop = parent.taskSpec as BpmnSpec;
      if (loop.taskSpec === spec.name) mergeChild(parent as BTask, task);
    }
  },
};

/** Script tasks run their script. */
const scriptTaskLayer: Layer = {
  run(task, next) {
    engine(task).execute(task, task.taskSpec.script ?? '');
    return next();
  },
};

/** Service tasks call the host's service handler and store the result. */
const serviceTaskLayer: Layer = {
  run(task, next) {
    const spec = task.taskSpec;
    const handler = top(task).services;
    const operator = spec.operatorName ?? (spec.extensions['operatorName'] as string | undefined);
    if (!handler || operator === undefined) return next();
    const params: Record<string, unknown> = {};
    const raw =
      spec.operationParams ??
      (spec.extensions['operationParams'] as BpmnSpec['operationParams']) ??
      {};
    for (const [name, p] of Object.entries(raw)) {
      params[name] = engine(task).evaluateToData(task, p.value);
    }
    const result = handler(operator, params, task);
    const variable =
      spec.resultVariable ?? (spec.extensions['resultVariable'] as string | null | undefined);
    if (variable) task.data[variable] = cloneData(result);
    return next();
  },
};

/** Business rule tasks merge the result of their decision into their data. */
const businessRuleTaskLayer: Layer = {
  run(task, next) {
    const decide = top(task).decide;
    const ref = task.taskSpec.decisionRef;
    if (!decide || !ref) {
      throw new WorkflowTaskError(
        `No decision engine for business rule task '${task.taskSpec.name}'`,
        task.id,
        task.trace(),
      );
    }
    let result: DataObject;
    try {
      result = decide(ref, task.peekData(), task);
    } catch (error) {
      if (error instanceof WorkflowTaskError) throw error;
      throw new WorkflowTaskError(
        `Error evaluating decision '${ref}': ${error instanceof Error ? error.message : String(error)}`,
        task.id,
        task.trace(),
        { cause: error },
      );
    }
    deepMerge(task.data, result);
    return next();
  },
};

// --- gateways -------------------------------------------------------------------------------

function gatewayOutputs(task: BTask): { matches: BpmnSpec[]; defaults: BpmnSpec[] } {
  const matches: BpmnSpec[] = [];
  const defaults: BpmnSpec[] = [];
  for (const { condition, output } of task.taskSpec.condTaskSpecs ?? []) {
    if (condition === null) defaults.push(specOf(task, output));
    else if (evaluateCondition(task, condition)) matches.push(specOf(task, output));
  }
  return { matches, defaults };
}

function predictChildren(task: Task): void {
  // One child (a step of a sequence) needs no list at all.
  const only = task.onlyChild;
  if (only !== undefined) {
    only.predict(TaskState.FUTURE | TaskStateMask.PREDICTED);
    return;
  }
  for (const child of [...task.children]) {
    child.predict(TaskState.FUTURE | TaskStateMask.PREDICTED);
  }
}

/** A gateway spec's outputs without and with a condition, resolved once per spec. */
interface GatewayOutputs {
  readonly workflowSpec: unknown;
  readonly unconditional: readonly TaskSpecData[];
  readonly conditional: readonly TaskSpecData[];
}
const gatewayOutputSpecs = new WeakMap<TaskSpecData, GatewayOutputs>();

function outputsByCondition(task: BTask): GatewayOutputs {
  const known = gatewayOutputSpecs.get(task.taskSpec);
  if (known !== undefined && known.workflowSpec === task.workflow.spec) return known;
  const unconditional: TaskSpecData[] = [];
  const conditional: TaskSpecData[] = [];
  for (const { condition, output } of task.taskSpec.condTaskSpecs ?? []) {
    (condition === null ? unconditional : conditional).push(specOf(task, output));
  }
  const outputs = { workflowSpec: task.workflow.spec, unconditional, conditional };
  gatewayOutputSpecs.set(task.taskSpec, outputs);
  return outputs;
}

const multiChoicePredict: Layer['predict'] = (task) => {
  const { unconditional, conditional } = outputsByCondition(task);
  const state = task.state === TaskState.MAYBE ? TaskState.MAYBE : TaskState.LIKELY;
  task.syncChildren(unconditional, state);
  for (const s of conditional) task.addChild(s, TaskState.MAYBE);
};

const exclusiveGatewayLayer: Layer = {
  predict: multiChoicePredict,
  run(task) {
    let output: BpmnSpec | undefined;
    for (const { condition, output: name } of task.taskSpec.condTaskSpecs ?? []) {
      if (condition !== null && evaluateCondition(task, condition)) {
        output = specOf(task, name);
        break;
      }
    }
    const fallback = task.taskSpec.defaultTaskSpec;
    if (output === undefined && fallback) output = specOf(task, fallback);
    if (output === undefined) {
      // Matches SpiffWorkflow: a workflow-level error (it names the spec, not the task).
      throw new WorkflowError(`No conditions satisfied for ${task.taskSpec.name}`, {
        specName: task.taskSpec.name,
      });
    }
    task.syncChildren(onlyOutput(output), TaskState.FUTURE);
    predictChildren(task);
    return 'completed';
  },
};

/** One-spec lists of gateway outputs, made once per spec (a loop takes its gateway every step). */
const onlyOutputs = new WeakMap<BpmnSpec, readonly BpmnSpec[]>();

function onlyOutput(spec: BpmnSpec): readonly BpmnSpec[] {
  let list = onlyOutputs.get(spec);
  if (list === undefined) {
    list = Object.freeze([spec]);
    onlyOutputs.set(spec, list);
  }
  return list;
}

/** Typenames whose tasks look for the other tasks of their spec (unstructured joins). */
const JOIN_TYPES: ReadonlySet<string> = new Set([
  'ParallelGateway',
  'InclusiveGateway',
  '_EndJoin',
]);

/**
 * The instances of each unstructured join spec of a workflow, so that a join finds its other
 * instances without scanning its workflow (SpiffWorkflow scans it on every update, which makes a
 * loop through a parallel gateway quadratic). Kept up to date from state changes; a join
 * instance that never changed state is predicted and cannot matter. Seeded by one scan.
 */
interface JoinInstances {
  /** Instances that are not finished. */
  readonly active: Set<Task>;
  /** Finished instances, in the order they finished. */
  readonly finished: Task[];
  /** Input spec name → finished instances whose parent (of that spec) had completed. */
  readonly finishedInputs: Map<string, number>;
  /** Size of `active` at which removed instances (predictions dropped again) are cleared out. */
  pruneAt: number;
}

function newInstances(): JoinInstances {
  return { active: new Set(), finished: [], finishedInputs: new Map(), pruneAt: 16 };
}

/** A workflow's join bookkeeping (kept by its top workflow, see `BpmnWorkflow.joinState`). */
interface JoinState {
  /** The instances by join spec; `undefined` until seeded (again, after tasks were removed). */
  index: Map<TaskSpecData, JoinInstances> | undefined;
  /** Memo of {@link previousOf}. */
  readonly previous: Map<Task, Task | null>;
  /** Memo of {@link ancestorInputs}. */
  readonly chains: Map<Task, ReadonlyMap<string, number>>;
}

/** The join bookkeeping of a workflow family, by workflow. */
interface FamilyJoins {
  /**
   * Restored from a serialized form: join tasks may be in any state without having changed
   * state here, so a workflow's index is seeded by a scan.
   */
  readonly restored: boolean;
  readonly states: Map<Workflow, JoinState>;
}

/** Marks a restored workflow family (its join indexes are seeded by a scan). @internal */
export function markRestoredFamily(top: Workflow): void {
  const joins: FamilyJoins = { restored: true, states: new Map() };
  (top as unknown as { joinState: unknown }).joinState = joins;
}

/** The join bookkeeping of a workflow; `create: false` gives `undefined` when there is none. */
function joinStateOf(workflow: Workflow, create: true): JoinState;
function joinStateOf(workflow: Workflow, create: boolean): JoinState | undefined;
function joinStateOf(workflow: Workflow, create: boolean): JoinState | undefined {
  const holder = workflow.topWorkflow as unknown as { joinState: unknown };
  let family = holder.joinState as FamilyJoins | undefined;
  if (family === undefined) {
    if (!create) return undefined;
    family = { restored: false, states: new Map() };
    holder.joinState = family;
  }
  let state = family.states.get(workflow);
  if (state === undefined && create) {
    // Outside a restored family, the state is made at the first state change of a join task of
    // the workflow or before: the join tasks that came before never changed state (they are
    // predicted and cannot matter), and every change from then on is tracked. No scan needed.
    const index = family.restored ? undefined : new Map<TaskSpecData, JoinInstances>();
    state = { index, previous: new Map(), chains: new Map() };
    family.states.set(workflow, state);
  }
  return state;
}

function instancesOf(task: Task): JoinInstances {
  const state = joinStateOf(task.workflow, true);
  let index = state.index;
  if (!index) {
    index = new Map();
    state.index = index;
    const all = joinTasksOf(task.workflow);
    all.sort((a, b) => a.lastStateChange - b.lastStateChange);
    for (const t of all) record(index, t, 0);
  }
  let entry = index.get(task.taskSpec);
  if (!entry) {
    entry = newInstances();
    index.set(task.taskSpec, entry);
  }
  return entry;
}

/** The join tasks of a workflow (not of its sub-workflows), in tree order. */
function joinTasksOf(workflow: Workflow): Task[] {
  const out: Task[] = [];
  const stack: Task[] = [workflow.taskTree];
  while (stack.length > 0) {
    const t = stack.pop() as Task;
    if (JOIN_TYPES.has(t.taskSpec.typename)) out.push(t);
    const children = t.children;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i] as Task;
      // A sub-workflow's tasks all hang below its root, which is not this workflow's.
      if (child.workflow === workflow) stack.push(child);
    }
  }
  return out;
}

function record(index: Map<TaskSpecData, JoinInstances>, task: Task, previous: number): void {
  let entry = index.get(task.taskSpec);
  if (!entry) {
    entry = newInstances();
    index.set(task.taskSpec, entry);
  }
  const finished = task.hasState(TaskStateMask.FINISHED);
  if (!finished) {
    const active = entry.active;
    active.add(task);
    if (active.size >= entry.pruneAt) {
      for (const t of active) if (!alive(t) || t.hasState(TaskStateMask.FINISHED)) active.delete(t);
      entry.pruneAt = Math.max(16, 2 * active.size);
    }
    return;
  }
  if ((previous & TaskStateMask.FINISHED) !== 0) return;
  entry.active.delete(task);
  entry.finished.push(task);
  const parent = task.parent;
  if (parent?.state === TaskState.COMPLETED) {
    const name = parent.taskSpec.name;
    entry.finishedInputs.set(name, (entry.finishedInputs.get(name) ?? 0) + 1);
  }
}

/** Records a state change of a join task. @internal */
export function trackTask(task: Task, previous: number): void {
  if (!JOIN_TYPES.has(task.taskSpec.typename)) return;
  const index = joinStateOf(task.workflow, true).index;
  if (index) record(index, task, previous);
}

/** Forgets the join instances of a workflow (after tasks were removed); rebuilt on next use. */
export function forgetJoinInstances(workflow: Workflow): void {
  const state = joinStateOf(workflow, false);
  if (state) state.index = undefined;
}

/** Whether a task is still in its workflow's tree (the core's internal flag, else its id map). */
const alive = (t: Task): boolean => {
  const detached = (t as unknown as { readonly detached?: boolean }).detached;
  return detached === undefined ? t.workflow.tasks.get(t.id) === t : !detached;
};

/** The instances of multi-input parallel and inclusive gateways in a workflow family. */
export function joinInstancesIn(workflows: readonly Workflow[]): Task[] {
  const out: Task[] = [];
  for (const wf of workflows) {
    for (const t of wf.tasks.values()) {
      const spec = t.taskSpec as BpmnSpec;
      if (
        (spec.typename === 'ParallelGateway' || spec.typename === 'InclusiveGateway') &&
        spec.inputs.length > 1
      ) {
        out.push(t);
      }
    }
  }
  return out;
}

/**
 * After a reset removed tasks, withdraws the tokens they had brought to joins. The instances of
 * one join in one workflow form rounds (in the order they finished: cancelled instances whose
 * tokens the next one took over, closed by the instance that fired); a round that lost an
 * instance is undone: its holder (the instance that fired, or that still waits) waits again and
 * what came out of it is removed, or, when the holder itself was removed, the latest surviving
 * instance waits with the tokens of the others. Repeats for joins in what was removed.
 * SpiffWorkflow only removes the reset task's descendants, so work after a join that fired in
 * another branch stays active.
 */
export function withdrawJoinTokens(before: readonly Task[]): void {
  if (before.every(alive)) return;
  const bySpec = new Map<Workflow, Map<TaskSpecData, Task[]>>();
  for (const t of before) {
    const specs = bySpec.get(t.workflow) ?? new Map<TaskSpecData, Task[]>();
    bySpec.set(t.workflow, specs);
    specs.set(t.taskSpec, [...(specs.get(t.taskSpec) ?? []), t]);
  }
  // Rounds are taken before anything changes (a change of state moves lastStateChange).
  const rounds: Task[][] = [];
  for (const specs of bySpec.values()) {
    for (const instances of specs.values()) {
      instances.sort((a, b) => a.lastStateChange - b.lastStateChange);
      let current: Task[] = [];
      for (const t of instances) {
        current.push(t);
        if (t.state === TaskState.COMPLETED) {
          rounds.push(current);
          current = [];
        }
      }
      if (current.length > 0) rounds.push(current);
    }
  }
  // Each change puts a task of a round in WAITING for good, so this ends; a withdrawal removes
  // tasks, which may break further rounds.
  for (let changed = true; changed;) {
    changed = false;
    for (const round of rounds) {
      if (round.every(alive)) continue;
      const latest = [...round].reverse();
      const holder = latest.find((t) => t.state !== TaskState.CANCELLED);
      if (holder && alive(holder)) {
        if (holder.state !== TaskState.WAITING) {
          holder.dropChildren(true);
          holder.setState(TaskState.WAITING);
          changed = true;
        }
      } else {
        const survivor = latest.find(alive);
        if (survivor?.state === TaskState.CANCELLED) {
          survivor.setState(TaskState.WAITING);
          changed = true;
        }
      }
    }
  }
}

/** The unfinished instances of a task's spec (the task itself included). */
function activeInstances(task: Task): Task[] {
  const entry = instancesOf(task);
  const out: Task[] = [task];
  for (const t of entry.active) {
    if (!alive(t) || t.hasState(TaskStateMask.FINISHED)) entry.active.delete(t);
    else if (t !== task) out.push(t);
  }
  return out;
}

/** The nearest ancestor of the same spec (memoized: a loop hops from one round to the last). */
function previousOf(task: Task): Task | null {
  const previousInstance = joinStateOf(task.workflow, true).previous;
  let previous = previousInstance.get(task);
  if (previous === undefined) {
    previous = null;
    // In a top workflow every task of the spec is in the join index: when none but this one is
    // there, it has no such ancestor (no walk to the root, which in a long run is long).
    const alone = task.workflow.outerTask === undefined && isOnlyInstance(task);
    for (let p = alone ? undefined : task.parent; p; p = p.parent) {
      if (p.taskSpec === task.taskSpec) {
        previous = p;
        break;
      }
    }
    previousInstance.set(task, previous);
  }
  return previous;
}

/** Whether the join index of a task's workflow knows no other instance of its spec. */
function isOnlyInstance(task: Task): boolean {
  const entry = instancesOf(task);
  if (entry.finished.length > 0) return false;
  for (const t of entry.active) if (t !== task) return false;
  return true;
}

/** Input spec name → how many same-spec ancestors came from that input (memoized per task). */
function ancestorInputs(task: Task): ReadonlyMap<string, number> {
  const chainCounts = joinStateOf(task.workflow, true).chains;
  const known = chainCounts.get(task);
  if (known) return known;
  const add = (counts: ReadonlyMap<string, number>, instance: Task) => {
    const parent = instance.parent;
    if (parent?.state !== TaskState.COMPLETED) return counts;
    const next = new Map(counts);
    next.set(parent.taskSpec.name, (next.get(parent.taskSpec.name) ?? 0) + 1);
    return next;
  };
  // Walk back to the nearest ancestor whose counts are known, then fill the memo forwards.
  const chain: Task[] = [];
  let base: ReadonlyMap<string, number> = new Map();
  for (let p = previousOf(task); p; p = previousOf(p)) {
    const memo = chainCounts.get(p);
    if (memo) {
      base = add(memo, p);
      break;
    }
    chain.push(p);
  }
  for (let i = chain.length - 1; i >= 0; i--) {
    const instance = chain[i] as Task;
    chainCounts.set(instance, base);
    base = add(base, instance);
  }
  chainCounts.set(task, base);
  return base;
}

function unstructuredJoin(check: (task: BTask) => boolean): Layer {
  return {
    update(task) {
      const mayFire = check(task);
      for (const other of activeInstances(task)) {
        if (other !== task && other.state === TaskState.WAITING) other.cancel();
      }
      if (!mayFire) task.setState(TaskState.WAITING);
      else task.inheritData();
      return mayFire;
    },
    run(task, next) {
      // Merges the instances finished since the nearest same-spec ancestor ran (SpiffWorkflow
      // merges every finished instance ever; older ones only repeat what the ancestor merged).
      const previous = previousOf(task);
      const cutoff = previous ? previous.lastStateChange : -Infinity;
      const entry = instancesOf(task);
      const others: Task[] = [];
      for (let i = entry.finished.length - 1; i >= 0; i--) {
        const t = entry.finished[i] as Task;
        if (t.lastStateChange <= cutoff) break;
        if (t !== task && alive(t) && t.hasState(TaskStateMask.FINISHED)) others.push(t);
      }
      others.sort((a, b) => a.lastStateChange - b.lastStateChange);
      let dropped = false;
      for (const other of others) {
        if (other.parent) deepMerge(task.data, other.parent.peekData());
        if (other.hasState(TaskState.COMPLETED) && other.children.length > 0) {
          other.dropChildren(true);
          dropped = true;
        }
      }
      if (dropped) forgetJoinInstances(task.workflow);
      task.inheritData();
      return next();
    },
  };
}

/** Input spec name → position among the distinct inputs of a join spec (cached per spec). */
const inputPositions = new WeakMap<TaskSpecData, ReadonlyMap<string, number>>();
function inputPositionsOf(spec: TaskSpecData): ReadonlyMap<string, number> {
  let positions = inputPositions.get(spec);
  if (positions === undefined) {
    const map = new Map<string, number>();
    for (const name of spec.inputs) if (!map.has(name)) map.set(name, map.size);
    positions = map;
    inputPositions.set(spec, positions);
  }
  return positions;
}

function parallelCheck(task: BTask): boolean {
  // The inputs still waiting for a token: a flag per distinct input, and how many are left.
  const positions = inputPositionsOf(task.taskSpec);
  const arrived = new Uint8Array(positions.size);
  let waiting = positions.size;
  const arrive = (name: string): boolean => {
    const at = positions.get(name);
    if (at === undefined || arrived[at] === 1) return false;
    arrived[at] = 1;
    waiting -= 1;
    return true;
  };
  for (const t of activeInstances(task)) {
    if (t !== task && t.depth > task.depth && t.isDescendantOf(task)) continue;
    const parent = t.parent;
    if (parent?.state === TaskState.COMPLETED) arrive(parent.taskSpec.name);
  }
  // Then instances below this one (predicted, e.g. a loop back into the gateway) count for the
  // nearest waiting input above them (SpiffWorkflow visits them after this task, in tree order);
  // the predicted subtree is bounded by the model, not by the run.
  if (waiting > 0) {
    for (const t of iterateTasks(task)) {
      if (t !== task && t.taskSpec === task.taskSpec && t.workflow === task.workflow) {
        for (let x = t.parent; x; x = x.parent) {
          if (x.workflow === task.workflow && arrive(x.taskSpec.name)) break;
        }
        if (waiting === 0) break;
      }
    }
  }
  // A finished instance that is not an ancestor counts for its input, as in SpiffWorkflow.
  const finished = instancesOf(task).finishedInputs;
  const mine = ancestorInputs(task);
  if (waiting > 0) {
    for (const [name, at] of positions) {
      if (arrived[at] === 0 && (finished.get(name) ?? 0) > (mine.get(name) ?? 0)) {
        arrived[at] = 1;
        waiting -= 1;
      }
    }
  }
  return waiting === 0;
}

function inclusiveCheck(task: BTask): boolean {
  const spec = task.taskSpec;
  const tasks: Task[] = [];
  const sources: string[] = [];
  for (const t of iterateTasks(task.workflow.taskTree, { endAtSpec: spec.name })) {
    if (t.workflow !== task.workflow) continue;
    if (t.taskSpec === spec) tasks.push(t);
    else if (t.hasState(TaskState.READY | TaskState.WAITING)) sources.push(t.taskSpec.name);
  }
  const completed = new Set(
    tasks
      .filter((t) => t.parent?.state === TaskState.COMPLETED)
      .map((t) => t.parent?.taskSpec.name),
  );
  for (const t of tasks) {
    const p = t.parent;
    if (p && p.hasState(TaskStateMask.DEFINITE) && !completed.has(p.taskSpec.name)) return false;
  }
  const waitingInputs = spec.inputs.filter((i) => !completed.has(i));
  const specs = task.workflow.spec;
  let checked: string[] = [];
  const check = (name: string): string | undefined => {
    checked.push(name);
    // Walks back along the first unchecked input each time, as SpiffWorkflow does.
    const stack = [name];
    while (stack.length > 0) {
      const current = stack.pop() as string;
      for (const parent of specs.getTaskSpec(current)?.inputs ?? []) {
        if (checked.includes(parent)) continue;
        if (sources.includes(parent)) return parent;
        checked.push(parent);
        stack.push(parent);
        break;
      }
    }
    return undefined;
  };
  for (const name of completed) {
    if (name === undefined) continue;
    const source = check(name);
    if (source !== undefined) sources.splice(sources.indexOf(source), 1);
  }
  checked = [];
  for (const name of waitingInputs) {
    if (check(name) !== undefined) return false;
  }
  return true;
}

const parallelGatewayLayer = unstructuredJoin(parallelCheck);
const inclusiveJoin = unstructuredJoin(inclusiveCheck);
const inclusiveGatewayLayer: Layer = {
  predict: multiChoicePredict,
  update: inclusiveJoin.update,
  run(task) {
    inclusiveJoin.run?.(task, () => 'completed');
    const { matches, defaults } = gatewayOutputs(task);
    if (matches.length + defaults.length === 0) {
      throw new WorkflowTaskError('No conditions satisfied on gateway', task.id, task.trace(), {
        specName: task.taskSpec.name,
      });
    }
    task.syncChildren(matches.length > 0 ? matches : defaults, TaskState.FUTURE);
    predictChildren(task);
    return 'completed';
  },
};

const endJoinLayer = unstructuredJoin((task) => {
  // Armed event sub-processes (waiting for their start event) do not keep the process going.
  if (onlyUnfinishedBelow(task)) return true;
  const armed = armedEventSubprocesses(task.workflow);
  return !someTaskUpTo(task.workflow.taskTree, task.taskSpec.name, (t) => {
    if (t === task || t.workflow !== task.workflow || !t.hasState(TaskStateMask.NOT_FINISHED)) {
      return false;
    }
    return !(armed.length > 0 && underArmed(t, armed));
  });
});

/**
 * Whether every unfinished task of a task's workflow is the task or below it, told from the
 * workflow's count of unfinished tasks without walking the whole tree (`false`: not known).
 */
function onlyUnfinishedBelow(task: Task): boolean {
  const workflow = task.workflow;
  const total = (workflow as unknown as { readonly unfinishedTaskCount?: number })
    .unfinishedTaskCount;
  if (total === undefined) return false;
  let below = 0;
  const stack: Task[] = [task];
  while (stack.length > 0) {
    const t = stack.pop() as Task;
    if (t.workflow === workflow && t.hasState(TaskStateMask.NOT_FINISHED)) below += 1;
    const children = t.children;
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Task);
  }
  return below === total;
}

/**
 * Whether `test` holds for a task of the tree below `root`, not looking below tasks of spec
 * `endAtSpec` (what `iterateTasks(root, { endAtSpec })` visits, as one plain loop).
 */
function someTaskUpTo(root: Task, endAtSpec: string, test: (task: Task) => boolean): boolean {
  const stack: Task[] = [root];
  while (stack.length > 0) {
    const task = stack.pop() as Task;
    if (test(task)) return true;
    if (task.taskSpec.name === endAtSpec) continue;
    const children = task.children;
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Task);
  }
  return false;
}
const endJoinRun: Layer = {
  run(task, next) {
    for (const es of armedEventSubprocesses(task.workflow)) es.cancel();
    const result = endJoinLayer.run?.(task, next) ?? next();
    Object.assign(task.workflow.data, cloneData(task.peekData()));
    return result;
  },
};

// --- structured joins (boundary events, several start events) ----------------------------------

function structuredJoin(
  check: (task: BTask, split: Task) => { fire: boolean; cancel: Task[] },
): Layer {
  return {
    update(task) {
      task.inheritData();
      const split = task.findAncestor(task.taskSpec.splitTask ?? null);
      if (!split) {
        throw new WorkflowTaskError(
          `Split at ${String(task.taskSpec.splitTask)} was not reached`,
          task.id,
          task.trace(),
        );
      }
      const { fire, cancel } = check(task, split);
      if (fire) {
        for (const t of cancel) t.cancel();
        for (const t of iterateTasks(split, { specName: task.taskSpec.name })) {
          if (t !== task && t.hasState(TaskStateMask.NOT_FINISHED)) {
            t.setState(TaskState.CANCELLED);
            t.dropChildren();
          }
        }
        return true;
      }
      if (!task.hasState(TaskStateMask.FINISHED)) task.setState(TaskState.WAITING);
      return false;
    },
  };
}

const boundaryEventJoinLayer = structuredJoin((_task, split) => {
  let main: Task | undefined;
  const interrupting: Task[] = [];
  const nonInterrupting: Task[] = [];
  for (const t of split.children) {
    const s = t.taskSpec as BpmnSpec;
    if (s.typename !== 'BoundaryEvent') main = t;
    else if (s.cancelActivity) interrupting.push(t);
    else nonInterrupting.push(t);
  }
  const interrupt = interrupting.some((t) => t.hasState(TaskState.READY | TaskState.COMPLETED));
  const finished = (main?.hasState(TaskStateMask.FINISHED) ?? true) || interrupt;
  const cancel: Task[] = [];
  if (finished) {
    for (const t of [...interrupting, ...nonInterrupting]) {
      if (t.state === TaskState.WAITING) cancel.push(t);
    }
    if (interrupt && main) cancel.push(main);
  }
  return { fire: finished, cancel };
});

const startEventJoinLayer = structuredJoin((_task, split) => {
  let fire = false;
  const waiting: Task[] = [];
  for (const t of split.children) {
    if (t.state === TaskState.COMPLETED) fire = true;
    else waiting.push(t);
  }
  return { fire, cancel: waiting };
});

function eventSplit(eventType: string): Layer {
  return {
    predict(task) {
      task.syncChildren(task.workflow.outputSpecs(task.taskSpec), TaskState.MAYBE);
      const state = task.hasState(TaskStateMask.DEFINITE) ? TaskState.FUTURE : task.state;
      for (const child of task.children) {
        if (child.taskSpec.typename !== eventType) child.setState(state);
      }
    },
    run(task, next) {
      for (const child of task.children) {
        if (child.taskSpec.typename === eventType && child.hasState(TaskStateMask.PREDICTED)) {
          child.setState(TaskState.WAITING);
        }
      }
      return next();
    },
  };
}

// --- events -----------------------------------------------------------------------------------

function hasFired(task: BTask): boolean {
  const def = task.taskSpec.eventDefinition;
  if (def && isTimer(def)) return timerFired(task, def);
  if (def?.typename === 'MultipleEventDefinition') {
    const seen =
      (task.internalData['seen_events'] as { definition: EventDefinition }[] | undefined) ?? [];
    if (!def.parallel) return seen.length > 0;
    return (def.eventDefinitions ?? []).every((d) =>
      isTimer(d) ? timerFired(task, d) : seen.some((e) => definitionMatches(d, e.definition)),
    );
  }
  return task.internalData['event_fired'] === true;
}

/**
 * How events carry data: what a thrown event sends and where a caught payload lands (the part of
 * SpiffWorkflow's event definitions that flavours change). {@link eventLayers} builds the event
 * layers around one; the BPMN layers use {@link bpmnEventPayloads}.
 */
export interface EventPayloads {
  /** The payload of an event `task` throws (not called for none, terminate and cancel events). */
  thrown(task: Task<BpmnSpec>, def: EventDefinition): unknown;
  /** Puts the payload a catching task caught for `def` into its data. */
  caught(task: Task<BpmnSpec>, def: EventDefinition, payload: unknown): void;
  /** Called on each update of a catching task that still waits. */
  waiting?(task: Task<BpmnSpec>, def: EventDefinition): void;
}

/**
 * Plain BPMN: a thrown event carries a copy of the task data (a message its payload expression's
 * value, when it has one); a caught payload goes through the workflow's `payloadHandler`.
 */
export const bpmnEventPayloads: EventPayloads = {
  thrown(task, def) {
    if (def.typename === 'MessageEventDefinition' && typeof def.payloadExpression === 'string') {
      return engine(task).evaluateToData(task, def.payloadExpression);
    }
    return cloneData(task.data);
  },
  caught(task, def, payload) {
    if (payload === null || payload === undefined) return;
    top(task).payloadHandler(task, def, payload);
  },
};

/** Catching events wait until their event arrives (SpiffWorkflow's `CatchingEvent`). */
function catchingLayer(payloads: EventPayloads): Layer {
  return {
    update(task, next) {
      next();
      const def = task.taskSpec.eventDefinition;
      if (!def || def.typename === 'NoneEventDefinition') task.internalData['event_fired'] = true;
      if (hasFired(task)) return true;
      if (task.state !== TaskState.WAITING) task.setState(TaskState.WAITING);
      // A cycle timer adds a branch per occurrence; it counts as fired on the update after its last.
      if (def && isTimer(def)) timerUpdate(task, def);
      if (def && payloads.waiting) payloads.waiting(task, def);
      if (def?.typename === 'ConditionalEventDefinition' && def.expression) {
        if (evaluateCondition(task, def.expression)) {
          task.internalData['event_fired'] = true;
          return true;
        }
      }
      return false;
    },
    run(task, next) {
      const def = task.taskSpec.eventDefinition;
      if (def) deliverPayload(task, def, payloads);
      resetEvent(task);
      return next();
    },
    predict(task, next) {
      if (task.taskSpec.eventDefinition?.typename !== 'CycleTimerEventDefinition') next();
    },
  };
}

function deliverPayload(task: BTask, def: EventDefinition, payloads: EventPayloads): void {
  const defs = def.typename === 'MultipleEventDefinition' ? (def.eventDefinitions ?? []) : [def];
  for (const d of defs) {
    const key = `payload:${d.name ?? ''}`;
    if (!Object.hasOwn(task.internalData, key)) continue;
    payloads.caught(task, d, task.internalData[key]);
  }
}

function resetEvent(task: Task): void {
  for (const key of Object.keys(task.internalData)) {
    if (key.startsWith('payload:') || key === 'seen_events') delete task.internalData[key];
  }
  const def = (task.taskSpec as BpmnSpec).eventDefinition;
  if (def?.typename !== 'NoneEventDefinition') task.internalData['event_fired'] = false;
}

/** Throwing events throw their event when they run (SpiffWorkflow's `ThrowingEvent`). */
function throwingLayer(payloads: EventPayloads): Layer {
  return {
    run(task, next) {
      const result = next();
      const def = task.taskSpec.eventDefinition;
      if (def?.typename === 'CompensateEventDefinition') {
        // Waits (STARTED) until the handlers are done: see finishCompensation.
        const started = startCompensation(task, def.activityRef ?? null);
        return started && def.waitForCompletion !== false ? 'started' : result;
      }
      // A cancel end event compensates its transaction's completed activities first.
      if (def?.typename === 'CancelEventDefinition' && startCompensation(task, null)) {
        return 'started';
      }
      if (def && def.typename !== 'NoneEventDefinition') {
        throwingFrom(task, () => throwEvent(task, def, payloads));
      }
      return result;
    },
    onComplete(task, next) {
      next();
      // An interrupting event sub-process the event started takes over its scope now.
      interruptionsAfter(task);
    },
  };
}

/**
 * A compensation throw event, or a cancel end event, that waited for compensation handlers goes
 * on: the cancel end event cancels its transaction now, then the task completes.
 */
export function finishCompensation(thrower: Task): void {
  const task = thrower as BTask;
  const def = task.taskSpec.eventDefinition;
  if (def?.typename === 'CancelEventDefinition') {
    throwingFrom(task, () => throwEvent(task, def));
  }
  task.complete();
}

/** Throws an event from a task; `payloads` says what it carries (default: plain BPMN). */
export function throwEvent(
  task: BTask,
  def: EventDefinition,
  payloads: EventPayloads = bpmnEventPayloads,
): void {
  const workflow = top(task);
  switch (def.typename) {
    case 'NoneEventDefinition':
      return;
    case 'MultipleEventDefinition':
      for (const d of def.eventDefinitions ?? []) throwEvent(task, d, payloads);
      return;
    case 'TerminateEventDefinition':
      workflow.catch({ definition: def, target: task.workflow });
      return;
    case 'CancelEventDefinition':
      workflow.catch({ definition: def, target: task.workflow.outerTask?.workflow });
      return;
    case 'ErrorEventDefinition':
    case 'EscalationEventDefinition':
      workflow.catch({
        definition: def,
        payload: payloads.thrown(task, def),
        target: task.workflow,
      });
      return;
    case 'MessageEventDefinition': {
      const payload = payloads.thrown(task, def);
      const correlations = computeCorrelations(workflow, def.correlationProperties ?? [], payload);
      Object.assign(workflow.correlationsOf(task.workflow), correlations);
      workflow.catch({ definition: def, payload, correlations });
      return;
    }
    default:
      workflow.catch({ definition: def, payload: payloads.thrown(task, def) });
  }
}

const endEventLayer: Layer = {
  onComplete(task, next) {
    next();
    const def = task.taskSpec.eventDefinition;
    if (def?.typename === 'TerminateEventDefinition') {
      // SpiffWorkflow's EndEvent: the terminating task's data becomes the workflow data.
      Object.assign(task.workflow.data, cloneData(task.peekData()));
      task.workflow.cancel(true);
    } else if (def?.typename === 'CancelEventDefinition') {
      task.workflow.cancel();
    }
  },
};

/** Event types a non-interrupting boundary event is re-armed for after it fires. */
const REARMED_TYPES = new Set([
  'MessageEventDefinition',
  'SignalEventDefinition',
  'EscalationEventDefinition',
]);

function rearms(def: EventDefinition | undefined): boolean {
  if (def === undefined) return false;
  if (def.typename === 'MultipleEventDefinition') {
    const defs = def.eventDefinitions ?? [];
    return defs.length > 0 && defs.every((d) => REARMED_TYPES.has(d.typename));
  }
  return REARMED_TYPES.has(def.typename);
}

const boundaryEventLayer: Layer = {
  // Boundary events are created WAITING by their split; otherwise they behave as catching events.
  onReady(task, next) {
    // A non-interrupting boundary event stays armed while its activity is active (BPMN 2.0,
    // BoundaryEvent.cancelActivity): when it fires, a fresh instance waits next to it. The
    // reference arms it once per activation. Timers are not re-armed (a date or duration fires
    // once; cycles add their own branches), nor conditions (they would fire again at once).
    const split = task.parent;
    if (
      !task.taskSpec.cancelActivity &&
      rearms(task.taskSpec.eventDefinition) &&
      split?.taskSpec.typename === 'BoundaryEventSplit'
    ) {
      const main = split.children.find((c) => c.taskSpec.typename !== 'BoundaryEvent');
      if (main !== undefined && !main.hasState(TaskStateMask.FINISHED)) {
        const again = split.addChild(task.taskSpec, TaskState.WAITING);
        again.triggered = true;
        again.predict(TaskState.WAITING | TaskState.FUTURE | TaskStateMask.PREDICTED);
      }
    }
    next();
  },
};

const eventBasedGatewayLayer: Layer = {
  predict(task) {
    task.syncChildren(task.workflow.outputSpecs(task.taskSpec), TaskState.WAITING);
  },
  onReady(task, next) {
    for (const child of task.children) {
      if (child.internalData['event_fired'] !== true) child.cancel();
    }
    next();
  },
};

// --- sub-processes ------------------------------------------------------------------------------

function startSubprocess(task: BTask): void {
  const workflow = top(task);
  const name = task.taskSpec.spec ?? '';
  const spec = workflow.subprocessSpecs.get(name);
  if (!spec) {
    task.error();
    const what = task.taskSpec.typename === 'CallActivity' ? 'called process' : 'subprocess';
    throw new WorkflowTaskError(`The ${what} '${name}' was not found.`, task.id, task.trace(), {
      specName: task.taskSpec.name,
    });
  }
  const sub = task.workflow.createSubworkflow(task, spec, { deferStart: true });
  const root = sub.taskTree;
  root.triggered = true;
  const info = processInfo(spec);
  if (info.dataObjects.length > 0) {
    const objects: DataObject = {};
    for (const id of info.dataObjects) objects[id] = null;
    sub.data['data_objects'] = objects;
  }
  const inputs = task.taskSpec.typename === 'CallActivity' ? info.ioSpecification?.dataInputs : [];
  if (inputs && inputs.length > 0) {
    const data: DataObject = {};
    for (const v of inputs) {
      if (!Object.hasOwn(task.peekData(), v.bpmnId)) {
        throw new WorkflowDataError(
          'You are missing a required Data Input for a call activity.',
          task.id,
          task.trace(),
          { specName: task.taskSpec.name },
        );
      }
      data[v.bpmnId] = task.getData(v.bpmnId);
    }
    root.data = data;
  } else {
    root.data = cloneData(task.peekData()) as DataObject;
  }
  sub.start();
  root.run();
}

function finishSubprocess(task: BTask, sub: Workflow): void {
  const outputs =
    task.taskSpec.typename === 'CallActivity'
      ? processInfo(sub.spec).ioSpecification?.dataOutputs
      : [];
  if (outputs && outputs.length > 0) {
    const end = [...iterateTasks(sub.taskTree, { specName: 'End' })].find(
      (t) => t.workflow === sub,
    );
    const endData = end?.peekData() ?? {};
    for (const v of outputs) {
      if (!Object.hasOwn(endData, v.bpmnId)) {
        throw new WorkflowDataError(
          'The Data Output was not available in the subprocess output.',
          task.id,
          task.trace(),
          { specName: task.taskSpec.name },
        );
      }
      task.data[v.bpmnId] = cloneData(endData[v.bpmnId]);
    }
  } else {
    task.data = cloneData((sub.lastTask ?? sub.taskTree).peekData()) as DataObject;
  }
}

const subprocessLayer: Layer = {
  update(task, next) {
    const sub = task.workflow.subworkflows.get(task.id);
    if (sub === undefined) {
      next();
      startSubprocess(task);
      task.setState(TaskState.STARTED);
      return false;
    }
    if (sub.completed && task.state === TaskState.STARTED) {
      finishSubprocess(task, sub);
      return true;
    }
    return false;
  },
  onCancel(task, next) {
    const sub = task.workflow.subworkflows.get(task.id);
    if (sub && !sub.completed) sub.cancel();
    next();
  },
};

// --- loops and multi-instance -------------------------------------------------------------------

function instances(task: BTask): Task[] {
  return task.children.filter((c) => c.taskSpec.name === task.taskSpec.taskSpec);
}

function mergedList(task: Task): string[] {
  const merged = task.internalData['merged'];
  return Array.isArray(merged) ? (merged as string[]) : [];
}

function addInstance(task: BTask): Task {
  const spec = specOf(task, task.taskSpec.taskSpec ?? '');
  const child = task.addChild(spec, TaskState.WAITING);
  child.triggered = true;
  return child;
}

function loopComplete(task: BTask): boolean {
  const { maximum, condition } = task.taskSpec;
  const merged = mergedList(task);
  const maxDone = maximum !== null && maximum !== undefined && merged.length >= maximum;
  // Matches SpiffWorkflow: the loop ends when its condition no longer holds.
  const condDone = condition ? !evaluateCondition(task, condition) : false;
  return maxDone || condDone;
}

function createLoopChild(task: BTask): void {
  const child = addInstance(task);
  child.internalData['iteration'] = mergedList(task).length;
  child.update();
}

const standardLoopLayer: Layer = {
  update(task, next) {
    next();
    if (task.taskSpec.testBefore && loopComplete(task)) return true;
    task.setState(TaskState.STARTED);
    task.internalData['merged'] = [];
    createLoopChild(task);
    return false;
  },
};

function refValue(task: Task, ref: DataRef | null | undefined): unknown {
  if (!ref) return undefined;
  return task.peekData()[ref.bpmnId];
}

function isMapping(v: unknown): v is DataObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !isTagged(v);
}

function isTagged(v: object): boolean {
  return Object.hasOwn(v, 'typename') && Object.hasOwn(v, 'value') && Object.keys(v).length === 2;
}

/** The items of a multi-instance input: `[key or index, item]` pairs. */
function inputItems(task: BTask, value: unknown): [string | number | null, unknown][] {
  if (Array.isArray(value)) return value.map((v, i) => [i, v]);
  if (isMapping(value)) return Object.entries(value);
  if (value !== null && typeof value === 'object' && isTagged(value)) {
    const tagged = value as { typename: string; value: unknown };
    if (Array.isArray(tagged.value)) {
      if (tagged.typename === 'tuple') return tagged.value.map((v, i) => [i, v]);
      if (tagged.typename === 'set' || tagged.typename === 'frozenset') {
        return tagged.value.map((v) => [null, v]);
      }
    }
  }
  if (typeof value === 'string') return [...value].map((v, i) => [i, v]);
  throw new WorkflowDataError('Multiinstance data input must be iterable', task.id, task.trace());
}

function createMiChild(task: BTask, item: unknown, keyOrIndex: string | number | null): Task {
  const spec = task.taskSpec;
  const child = addInstance(task);
  if (spec.inputItem && Object.hasOwn(task.peekData(), spec.inputItem.bpmnId)) {
    throw new WorkflowDataError(
      `Multiinstance input item ${spec.inputItem.bpmnId} already exists.`,
      task.id,
      task.trace(),
    );
  }
  if (spec.outputItem && Object.hasOwn(task.peekData(), spec.outputItem.bpmnId)) {
    throw new WorkflowDataError(
      `Multiinstance output item ${spec.outputItem.bpmnId} already exists.`,
      task.id,
      task.trace(),
    );
  }
  if (spec.inputItem) child.data[spec.inputItem.bpmnId] = cloneData(item);
  if (keyOrIndex !== null) child.internalData['key_or_index'] = keyOrIndex;
  else child.internalData['item'] = cloneData(item);
  return child;
}

function initOutput(task: BTask, input: unknown, cardinality: boolean): void {
  const spec = task.taskSpec;
  const out = spec.dataOutput;
  if (!out) return;
  if (!Object.hasOwn(task.peekData(), out.bpmnId)) {
    task.data[out.bpmnId] = isMapping(input) ? {} : [];
    return;
  }
  const output = task.peekData()[out.bpmnId];
  const fail = (message: string): never => {
    throw new WorkflowDataError(message, task.id, task.trace(), { specName: spec.name });
  };
  if (!Array.isArray(output) && !isMapping(output)) {
    fail('Only a mutable map (dict) or sequence (list) can be used for output');
  }
  if (cardinality) {
    if (!isMapping(output) && (output as unknown[]).length > 0) {
      fail(
        'If loop cardinality is specificied, the output must be a map (dict) or empty sequence (list)',
      );
    }
  } else if (spec.dataInput?.bpmnId !== out.bpmnId && Array.isArray(output) && output.length > 0) {
    fail(
      'If the input is not being updated in place, the output must be empty or it must be a map (dict)',
    );
  }
}

function miChildrenComplete(task: BTask): boolean {
  if (task.taskSpec.dataInput) {
    const remaining = task.internalData['remaining'];
    return !Array.isArray(remaining) || remaining.length === 0;
  }
  return (task.internalData['current'] ?? 0) === (task.internalData['cardinality'] ?? 0);
}

function cardinalityOf(task: BTask): number {
  const value = engine(task).evaluate(task, task.taskSpec.cardinality ?? '0', dataObjects(task));
  return Number(value as PyValue as number | bigint);
}

const sequentialMiLayer: Layer = {
  update(task, next) {
    next();
    const spec = task.taskSpec;
    task.internalData['merged'] = [];
    if (spec.dataInput) {
      if (!Object.hasOwn(task.peekData(), spec.dataInput.bpmnId)) {
        throw new WorkflowDataError(
          'Missing data input for multiinstance task',
          task.id,
          task.trace(),
        );
      }
      const input = refValue(task, spec.dataInput);
      task.internalData['remaining'] = inputItems(task, input).map(([k, v]) =>
        k === null ? v : k,
      );
      initOutput(task, input, false);
    } else {
      task.internalData['cardinality'] = cardinalityOf(task);
      task.internalData['current'] = 0;
      initOutput(task, [], true);
    }
    if (!miChildrenComplete(task)) {
      addNextSequential(task);
      task.setState(TaskState.STARTED);
      return false;
    }
    return true;
  },
};

function addNextSequential(task: BTask): void {
  const spec = task.taskSpec;
  if (spec.dataInput) {
    const input = refValue(task, spec.dataInput);
    const remaining = (task.internalData['remaining'] as unknown[] | undefined) ?? [];
    if (remaining.length === 0) return;
    const first = remaining[0];
    task.internalData['remaining'] = remaining.slice(1);
    const items = inputItems(task, input);
    const keyed = items.length > 0 && items[0]?.[0] !== null;
    const item = keyed ? (items.find(([k]) => k === first)?.[1] ?? null) : first;
    createMiChild(task, item, keyed ? (first as string | number) : null).update();
  } else {
    const current = Number(task.internalData['current'] ?? 0);
    const cardinality = Number(task.internalData['cardinality'] ?? 0);
    if (current < cardinality) {
      task.internalData['current'] = current + 1;
      createMiChild(task, current, null).update();
    }
  }
}

const parallelMiLayer: Layer = {
  update(task, next) {
    next();
    const spec = task.taskSpec;
    task.internalData['merged'] = [];
    let items: [string | number | null, unknown][];
    if (spec.dataInput) {
      if (!Object.hasOwn(task.peekData(), spec.dataInput.bpmnId)) {
        throw new WorkflowDataError(
          'Missing data input for multiinstance task',
          task.id,
          task.trace(),
        );
      }
      const input = refValue(task, spec.dataInput);
      items = inputItems(task, input);
      initOutput(task, input, false);
    } else {
      const n = cardinalityOf(task);
      items = [];
      for (let i = 0; i < n; i++) items.push([null, i]);
      task.internalData['cardinality'] = n;
      initOutput(task, [], true);
    }
    const children = items.map(([k, v]) => createMiChild(task, v, k));
    for (const child of children) child.update();
    if (!parallelComplete(task)) {
      task.setState(TaskState.STARTED);
      return false;
    }
    return true;
  },
};

function parallelComplete(task: BTask): boolean {
  return instances(task).every((c) => c.hasState(TaskStateMask.FINISHED));
}

function completionCondition(task: BTask): boolean {
  const condition = task.taskSpec.condition;
  const merged = mergedList(task);
  if (!condition || merged.length === 0) return false;
  const last = task.children.find((c) => c.id === merged[merged.length - 1]);
  return last ? evaluateCondition(last, condition) : false;
}

/** Folds a finished instance into its loop task (SpiffWorkflow's `merge_child`). */
function mergeChild(task: BTask, child: Task): void {
  const spec = task.taskSpec;
  if (spec.typename === 'StandardLoopTask') {
    deepMerge(task.data, child.peekData());
    task.internalData['merged'] = [...mergedList(task), child.id];
    if (loopComplete(task)) task.setState(TaskState.READY);
    else createLoopChild(task);
    return;
  }
  if (spec.dataOutput && spec.outputItem) {
    if (!Object.hasOwn(child.peekData(), spec.outputItem.bpmnId)) {
      throw new WorkflowDataError('Expected an output item', child.id, child.trace());
    }
    const item = cloneData(child.peekData()[spec.outputItem.bpmnId]);
    const key = child.internalData['key_or_index'] as string | number | undefined;
    const output = task.data[spec.dataOutput.bpmnId];
    const sameAsInput = spec.dataInput?.bpmnId === spec.dataOutput.bpmnId;
    if (key !== undefined && (isMapping(output) || sameAsInput)) {
      (output as Record<string | number, unknown>)[key] = item;
    } else if (Array.isArray(output)) {
      output.push(item);
    }
  } else {
    deepMerge(task.data, child.peekData());
  }
  task.internalData['merged'] = [...mergedList(task), child.id];
  if (spec.typename === 'SequentialMultiInstanceTask') {
    if (miChildrenComplete(task) || completionCondition(task)) task.setState(TaskState.READY);
    else addNextSequential(task);
  } else if (completionCondition(task)) {
    for (const c of instances(task)) c.cancel();
    task.setState(TaskState.READY);
  } else if (parallelComplete(task)) {
    task.setState(TaskState.READY);
  }
}

const loopPredict: Layer = {
  predict(task) {
    // Instances are added by the loop; prediction only adds the outputs.
    defaultPredict(task);
  },
};

const manualLayer: Layer = {};

/** The BPMN layers by typename, most derived first (the Python MRO written down). */
export const bpmnLayers: Readonly<Record<string, readonly Layer[]>> = {
  BpmnStartTask: [bpmnTaskLayer],
  SimpleBpmnTask: [bpmnTaskLayer],
  _EndJoin: [endJoinRun, endJoinLayer, bpmnTaskLayer],
  NoneTask: [manualLayer, bpmnTaskLayer],
  UserTask: [manualLayer, bpmnTaskLayer],
  ManualTask: [manualLayer, bpmnTaskLayer],
  ScriptTask: [scriptTaskLayer, bpmnTaskLayer],
  ServiceTask: [serviceTaskLayer, bpmnTaskLayer],
  BusinessRuleTask: [businessRuleTaskLayer, bpmnTaskLayer],
  ExclusiveGateway: [exclusiveGatewayLayer, bpmnTaskLayer],
  InclusiveGateway: [inclusiveGatewayLayer, bpmnTaskLayer],
  ParallelGateway: [parallelGatewayLayer, bpmnTaskLayer],
  ...eventLayers(bpmnEventPayloads),
  SubWorkflowTask: [subprocessLayer, bpmnTaskLayer],
  CallActivity: [subprocessLayer, bpmnTaskLayer],
  TransactionSubprocess: [subprocessLayer, bpmnTaskLayer],
  EventSubprocess: [subprocessLayer, bpmnTaskLayer],
  BoundaryEventSplit: [eventSplit('BoundaryEvent'), bpmnTaskLayer],
  BoundaryEventJoin: [boundaryEventJoinLayer, bpmnTaskLayer],
  StartEventSplit: [eventSplit('StartEvent'), bpmnTaskLayer],
  StartEventJoin: [startEventJoinLayer, bpmnTaskLayer],
  StandardLoopTask: [loopPredict, standardLoopLayer, bpmnTaskLayer],
  SequentialMultiInstanceTask: [loopPredict, sequentialMiLayer, bpmnTaskLayer],
  ParallelMultiInstanceTask: [loopPredict, parallelMiLayer, bpmnTaskLayer],
};

/**
 * The layers of every event type, built around one way of carrying payloads. Flavours register
 * `eventLayers(theirPayloads)` over the BPMN layers.
 */
export function eventLayers(payloads: EventPayloads): Readonly<Record<string, readonly Layer[]>> {
  const catching = catchingLayer(payloads);
  const throwing = throwingLayer(payloads);
  return {
    EventBasedGateway: [eventBasedGatewayLayer, catching, bpmnTaskLayer],
    StartEvent: [eventSubprocessStartLayer, catching, bpmnTaskLayer],
    IntermediateCatchEvent: [catching, bpmnTaskLayer],
    ReceiveTask: [catching, bpmnTaskLayer],
    BoundaryEvent: [boundaryEventLayer, catching, bpmnTaskLayer],
    EndEvent: [endEventLayer, throwing, bpmnTaskLayer],
    IntermediateThrowEvent: [throwing, bpmnTaskLayer],
    SendTask: [throwing, bpmnTaskLayer],
  };
}

/** Re-exported for flavours that deliver payloads differently. @internal */
export { catchEvent, type BpmnEvent };
