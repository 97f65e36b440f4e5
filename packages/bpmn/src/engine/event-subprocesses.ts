import {
  TaskState,
  TaskStateMask,
  cloneData,
  type Task,
  type TaskSpecData,
  type TaskSpecLayer,
  type Workflow,
  type WorkflowSpec,
} from '@spiff-ts/core';
import type { BpmnSpec } from '../specs.js';
import { definitionMatches, type BpmnEvent, type BpmnWorkflow } from './workflow.js';

/**
 * Event sub-processes (`subProcess triggeredByEvent="true"`) and the other specs a process
 * starts on an event (collaboration participants).
 *
 * An event sub-process belongs to a scope: the (sub-)workflow whose spec lists it. It runs as a
 * nested workflow under an `EventSubprocess` task hanging from the scope's root: one made when
 * the scope starts for a timer or a condition (it waits, *armed*; conditions are evaluated again
 * whenever a task of the scope completes), or one made when an event its start event catches
 * arrives (the start spec's `triggerSpecs`). While the rest of the scope runs, armed event
 * sub-processes do not keep it from ending, and they are cancelled when it ends.
 *
 * When the start event of an interrupting one fires, everything else in the scope is cancelled
 * (other event sub-processes included) and no other event sub-process of the scope starts; when
 * it completes, the scope ends through its usual end join (BPMN 2.0, 10.3.5). A non-interrupting
 * one runs next to the rest, once per event, and the scope waits for it.
 *
 * Beyond SpiffWorkflow 3.1.2, which has no event sub-processes (later versions start them, but
 * never interrupt).
 */

type BTask = Task<BpmnSpec>;

/** Key in a scope root's internal data: the id of the event sub-process task that interrupted. */
const INTERRUPTED_BY = 'event_subprocess_interrupted_by';

/** The event sub-process task that took over a scope, if any (a reset may have removed it). */
function interrupter(scope: Workflow): Task | undefined {
  const by = scope.taskTree.internalData[INTERRUPTED_BY];
  return typeof by === 'string' ? scope.tasks.get(by) : undefined;
}

/** Whether an event sub-process of `scope` may still start: it runs and was not interrupted. */
function accepts(scope: Workflow): boolean {
  return !scope.completed && interrupter(scope) === undefined;
}

/**
 * Whether a task is an event sub-process whose start event waits: started with its scope, not
 * triggered yet.
 */
export function isArmedEventSubprocess(task: Task): boolean {
  if (task.taskSpec.typename !== 'EventSubprocess' || task.state !== TaskState.STARTED) {
    return false;
  }
  const sub = task.workflow.subworkflows.get(task.id);
  if (sub === undefined || sub.completed) return false;
  let starts = 0;
  for (const child of sub.taskTree.children) {
    const events = child.taskSpec.typename === 'StartEventSplit' ? child.children : [child];
    for (const event of events) {
      if (event.taskSpec.typename !== 'StartEvent') continue;
      if (event.state !== TaskState.WAITING) return false;
      starts += 1;
    }
  }
  return starts > 0;
}

/** Whether a process spec has event sub-processes (memoized). */
const withEventSubprocesses = new WeakMap<WorkflowSpec, boolean>();
const NONE: readonly Task[] = [];

/** The armed event sub-processes of a workflow (they hang from its root). */
export function armedEventSubprocesses(workflow: Workflow): readonly Task[] {
  let has = withEventSubprocesses.get(workflow.spec);
  if (has === undefined) {
    has = [...workflow.spec.taskSpecs.values()].some((ts) => ts.typename === 'EventSubprocess');
    withEventSubprocesses.set(workflow.spec, has);
  }
  if (!has) return NONE;
  const out: Task[] = [];
  for (const child of workflow.taskTree.children) {
    if (child.taskSpec.typename === 'EventSubprocess' && isArmedEventSubprocess(child)) {
      out.push(child);
    }
  }
  return out;
}

/** Whether `task` is one of `armed` or below one of them (in the same workflow). */
export function underArmed(task: Task, armed: readonly Task[]): boolean {
  const root = task.workflow.taskTree;
  for (let t: Task | undefined = task; t !== undefined && t !== root; t = t.parent) {
    if (armed.includes(t)) return true;
  }
  return false;
}

/**
 * Starts (or finds, when one already waits) the triggered specs of `scopes` whose start event
 * catches `event` (SpiffWorkflow's `update_collaboration`, for every scope); returns the start
 * events now waiting for it.
 */
export function startTriggeredSpecs(
  top: BpmnWorkflow,
  scopes: Iterable<Workflow>,
  event: BpmnEvent,
): BTask[] {
  const waiting: BTask[] = [];
  for (const scope of scopes) {
    const triggers = (scope.spec.start as BpmnSpec).extensions['triggerSpecs'];
    if (!Array.isArray(triggers)) continue;
    for (const name of triggers as string[]) {
      const trigger = scope.spec.getTaskSpec(name) as BpmnSpec | undefined;
      const subSpec = top.subprocessSpecs.get(trigger?.spec ?? '');
      if (!trigger || !subSpec) continue;
      if (trigger.typename === 'EventSubprocess' && !accepts(scope)) continue;
      for (const ts of subSpec.taskSpecs.values()) {
        const def = (ts as BpmnSpec).eventDefinition;
        if (ts.typename !== 'StartEvent' || !def || !definitionMatches(def, event.definition)) {
          continue;
        }
        const query = { state: TaskState.WAITING, specName: ts.name };
        let sub = [...scope.subworkflows.values()].find(
          (wf) => wf.spec === subSpec && wf.getNextTask(query) !== undefined,
        );
        if (!sub) {
          const child = scope.taskTree.addChild(trigger, TaskState.FUTURE);
          child.triggered = true;
          // An event sub-process ends through its scope's end join, like the rest of the scope.
          if (trigger.typename === 'EventSubprocess') {
            child.predict(TaskState.FUTURE | TaskStateMask.PREDICTED);
          }
          child.update();
          sub = scope.subworkflows.get(child.id);
        }
        if (!sub) continue;
        const last = scope.lastTask;
        if (trigger.typename === 'EventSubprocess' && last?.workflow === scope) {
          // It starts from where the scope is: the data of its latest completed task.
          sub.taskTree.data = cloneData(last.peekData());
        }
        Object.assign(top.correlationsOf(sub), cloneData(event.correlations ?? {}));
        const start = sub.getNextTask(query);
        if (start) waiting.push(start as BTask);
      }
    }
  }
  return waiting;
}

const hasTriggers = (spec: WorkflowSpec) =>
  Array.isArray((spec.start as BpmnSpec).extensions['triggerSpecs']);

/** Whether any sub-process spec of a library starts something on an event (memoized). */
const libraryTriggers = new WeakMap<ReadonlyMap<string, WorkflowSpec>, boolean>();

/** Every workflow of `top` whose spec starts something on an event, outermost first. */
export function triggerScopes(top: BpmnWorkflow): Workflow[] {
  const out: Workflow[] = hasTriggers(top.spec) ? [top] : [];
  const library = top.subprocessSpecs;
  let nested = libraryTriggers.get(library);
  if (nested === undefined) {
    nested = [...library.values()].some(hasTriggers);
    libraryTriggers.set(library, nested);
  }
  if (!nested) return out;
  for (const wf of top.allSubprocesses()) if (!wf.completed && hasTriggers(wf.spec)) out.push(wf);
  return out;
}

// --- conditions ---------------------------------------------------------------------------------

/** Whether a start event spec waits for a condition. */
const conditional = (ts: TaskSpecData) =>
  ts.typename === 'StartEvent' &&
  (ts as BpmnSpec).eventDefinition?.typename === 'ConditionalEventDefinition';

/** Whether a process spec has a start event waiting for a condition (memoized). */
const startsOnCondition = new WeakMap<WorkflowSpec, boolean>();

/** Whether a workflow of a spec and library may have conditional event sub-processes. */
const conditionalFamilies = new WeakMap<
  ReadonlyMap<string, WorkflowSpec>,
  WeakMap<WorkflowSpec, boolean>
>();

/** Whether any of the processes has an event sub-process started by a condition (memoized). */
export function hasConditionalEventSubprocesses(
  spec: WorkflowSpec,
  library: ReadonlyMap<string, WorkflowSpec>,
): boolean {
  let bySpec = conditionalFamilies.get(library);
  if (bySpec === undefined) {
    bySpec = new WeakMap();
    conditionalFamilies.set(library, bySpec);
  }
  let value = bySpec.get(spec);
  if (value === undefined) {
    value = findConditionalEventSubprocesses(spec, library);
    bySpec.set(spec, value);
  }
  return value;
}

function findConditionalEventSubprocesses(
  spec: WorkflowSpec,
  library: ReadonlyMap<string, WorkflowSpec>,
): boolean {
  // An event sub-process' own spec is in the library: look for conditional start events there.
  for (const process of library.values()) {
    let value = startsOnCondition.get(process);
    if (value === undefined) {
      value = [...process.taskSpecs.values()].some(conditional);
      startsOnCondition.set(process, value);
    }
    if (!value) continue;
    for (const p of [spec, ...library.values()]) {
      for (const ts of p.taskSpecs.values()) {
        if (ts.typename === 'EventSubprocess' && (ts as BpmnSpec).spec === process.name) {
          return true;
        }
      }
    }
  }
  return false;
}

/**
 * After a task completed: the conditions of its workflow's armed event sub-processes are
 * evaluated again, against that task's data (which a sub-process started by one begins with).
 */
export function evaluateConditions(task: Task): void {
  for (const es of armedEventSubprocesses(task.workflow)) {
    const sub = task.workflow.subworkflows.get(es.id);
    if (sub === undefined) continue;
    const starts = sub
      .getTasks({ state: TaskState.WAITING })
      .filter((t) => conditional(t.taskSpec));
    if (starts.length === 0) continue;
    sub.taskTree.data = cloneData(task.peekData());
    for (const start of starts) if (start.state === TaskState.WAITING) start.update();
  }
}

// --- interrupting -------------------------------------------------------------------------------

/** The task throwing an event right now, per top workflow. */
const throwers = new WeakMap<Workflow, Task>();
/** Interruptions an event thrown by a task caused, done once that task has completed. */
const afterThrow = new WeakMap<Task, Task[]>();

/**
 * Runs `fn` (which throws an event from `task`) with `task` known as the thrower: interruptions
 * it causes wait until the thrower completes ({@link interruptionsAfter}), so that the thrower,
 * which may be in the scope being interrupted, is not cancelled while it runs.
 */
export function throwingFrom(task: Task, fn: () => void): void {
  const top = task.workflow.topWorkflow;
  const outer = throwers.get(top);
  throwers.set(top, task);
  try {
    fn();
  } finally {
    if (outer === undefined) throwers.delete(top);
    else throwers.set(top, outer);
  }
}

/** The task whose event is being thrown in a workflow (inside {@link throwingFrom}), if any. */
export function currentThrower(top: Workflow): Task | undefined {
  return throwers.get(top);
}

/** Carries out the interruptions caused by the event a task threw (call when it completed). */
export function interruptionsAfter(task: Task): void {
  const pending = afterThrow.get(task);
  if (pending === undefined) return;
  afterThrow.delete(task);
  for (const es of pending) interruptScope(es);
}

/** Tasks an interruption cancelled: an event being delivered skips them. */
const interrupted = new WeakSet<Task>();

/** Whether an interrupting event sub-process cancelled the task. */
export function wasInterrupted(task: Task): boolean {
  return interrupted.has(task);
}

/** Cancels everything in the event sub-process' scope except the event sub-process. */
function interruptScope(es: Task): void {
  if (es.hasState(TaskStateMask.FINISHED)) return;
  const scope = es.workflow;
  const cancel: Task[] = [];
  const stack: Task[] = [scope.taskTree];
  while (stack.length > 0) {
    const task = stack.pop() as Task;
    for (const child of task.children) {
      if (child === es || (task === scope.taskTree && child.workflow !== scope)) continue;
      // Nested workflows included: the tasks an event may be on its way to.
      if (child.hasState(TaskStateMask.NOT_FINISHED)) interrupted.add(child);
      stack.push(child);
    }
  }
  for (const child of scope.taskTree.children) {
    if (child !== es && child.workflow === scope) cancel.push(child);
  }
  for (const task of cancel) task.cancel();
}

/**
 * On the start events of every workflow: when the start event of an event sub-process fires,
 * an interrupting one takes over its scope; one firing in a scope already taken over is
 * cancelled.
 */
export const eventSubprocessStartLayer: TaskSpecLayer<BpmnSpec> = {
  onReady(task, next) {
    next();
    const es = task.workflow.outerTask as BTask | undefined;
    if (es?.taskSpec.typename !== 'EventSubprocess' || es.hasState(TaskStateMask.FINISHED)) {
      return;
    }
    const by = interrupter(es.workflow);
    if (by !== undefined && by !== es) {
      es.cancel();
      return;
    }
    if (es.taskSpec.cancelActivity === false) return;
    es.workflow.taskTree.internalData[INTERRUPTED_BY] = es.id;
    const thrower = throwers.get(task.workflow.topWorkflow);
    if (thrower !== undefined && !thrower.hasState(TaskStateMask.FINISHED)) {
      afterThrow.set(thrower, [...(afterThrow.get(thrower) ?? []), es]);
    } else {
      interruptScope(es);
    }
  },
};
