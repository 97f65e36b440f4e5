import {
  TaskState,
  iterateTasks,
  type Task,
  type Workflow,
  type WorkflowSpec,
} from '@spiff-ts/core';
import type { BpmnSpec } from '../specs.js';

/**
 * Compensation (BPMN 2.0, 10.6.5), beyond SpiffWorkflow 3.1.2, which has none.
 *
 * An activity with a compensation boundary event has a handler (`compensationHandler`: the spec
 * of the activity its association leads to). A compensation throw event (intermediate or end
 * event with `compensateEventDefinition`) compensates the completed instances of such activities
 * in its own (sub-)process (for one in an event sub-process: the (sub-)process around that), or
 * those of `activityRef` only: in reverse order of completion, one handler after the other, each
 * instance once. A handler runs as a leaf task under the instance it compensates, with that
 * instance's data; what it changes stays with it. With `waitForCompletion` (the default), the
 * throw event stays STARTED until the last handler has completed. A completed sub-process
 * without a handler of its own is compensated through its inner activities (default
 * compensation). A cancel end event first compensates its transaction's completed activities,
 * then cancels it. Not done: compensation event sub-processes.
 */

/** Internal data of a compensating thrower: ids of the instances still to compensate, in order. */
const QUEUE = 'compensation_queue';
/** Internal data of a compensated instance. */
const COMPENSATED = 'compensated';
/** Internal data of a handler task: the id of the thrower it works for. */
const FOR = 'compensation_for';

/** A task by id anywhere in the thrower's workflow family, if it is still there. */
function findTask(near: Task, id: string): Task | undefined {
  try {
    return near.workflow.topWorkflow.getTaskFromId(id);
  } catch {
    return undefined;
  }
}

/**
 * Where a thrower compensates: its own (sub-)process, or, in an event sub-process, the
 * (sub-)process around it (the usual error handler that undoes its process' work).
 */
function scopeOf(thrower: Task): Workflow {
  const outer = thrower.workflow.outerTask;
  return outer?.taskSpec.typename === 'EventSubprocess' ? outer.workflow : thrower.workflow;
}

/**
 * Whether a task is in `scope`, or inside completed sub-processes of it that have no handler of
 * their own (whose compensation is that of their inner activities: BPMN's default compensation).
 */
function reaches(scope: Workflow, task: Task, activityRef: string | null): boolean {
  // With an activityRef, the task or a sub-process around it must be that activity.
  let named = activityRef === null || (task.taskSpec as BpmnSpec).bpmnId === activityRef;
  for (let wf = task.workflow; wf !== scope;) {
    const outer = wf.outerTask as Task<BpmnSpec> | undefined;
    if (
      outer === undefined ||
      outer.state !== TaskState.COMPLETED ||
      outer.taskSpec.compensationHandler !== undefined ||
      outer.taskSpec.typename === 'EventSubprocess'
    ) {
      return false;
    }
    if (outer.taskSpec.bpmnId === activityRef) named = true;
    wf = outer.workflow;
  }
  return named;
}

/** The completed, not yet compensated instances a thrower compensates, latest first. */
function compensable(thrower: Task, activityRef: string | null): Task[] {
  const scope = scopeOf(thrower);
  const out: Task[] = [];
  for (const t of iterateTasks(scope.taskTree, { state: TaskState.COMPLETED })) {
    const spec = t.taskSpec as BpmnSpec;
    if (spec.compensationHandler === undefined || !reaches(scope, t, activityRef)) continue;
    if (t.internalData[COMPENSATED] === true) continue;
    out.push(t);
  }
  return out.sort((a, b) => b.lastStateChange - a.lastStateChange);
}

/**
 * Starts compensating for `thrower`; returns false when there is nothing to compensate. The
 * rest is driven by {@link compensationStep} as handlers complete.
 */
export function startCompensation(thrower: Task, activityRef: string | null): boolean {
  const instances = compensable(thrower, activityRef);
  if (instances.length === 0) return false;
  thrower.internalData[QUEUE] = instances.map((t) => t.id);
  return nextHandler(thrower);
}

/** Starts the handler of the next instance in the thrower's queue; false when none is left. */
function nextHandler(thrower: Task): boolean {
  const queue = (thrower.internalData[QUEUE] as string[] | undefined) ?? [];
  while (queue.length > 0) {
    const instance = findTask(thrower, queue.shift() as string);
    const name = (instance?.taskSpec as BpmnSpec | undefined)?.compensationHandler;
    const spec = name === undefined ? undefined : instance?.workflow.spec.getTaskSpec(name);
    if (!instance || !spec || !instance.hasState(TaskState.COMPLETED)) continue;
    thrower.internalData[QUEUE] = queue;
    instance.internalData[COMPENSATED] = true;
    const handler = instance.addChild(spec, TaskState.FUTURE);
    handler.triggered = true;
    handler.internalData[FOR] = thrower.id;
    handler.update();
    return true;
  }
  delete thrower.internalData[QUEUE];
  return false;
}

/** How a thrower goes on once compensation is over (its spec type knows). */
export type AfterCompensation = (thrower: Task) => void;

/**
 * After a task completed: when it is a compensation handler, the next handler starts, or, after
 * the last one, the thrower goes on (`done`, when it waited).
 */
export function compensationStep(task: Task, done: AfterCompensation): void {
  const throwerId = task.internalData[FOR];
  if (typeof throwerId !== 'string') return;
  const thrower = findTask(task, throwerId);
  if (!thrower || nextHandler(thrower)) return;
  if (thrower.state === TaskState.STARTED) done(thrower);
}

const known = new WeakMap<WorkflowSpec, boolean>();

/** Whether any of the processes has an activity with a compensation handler. */
export function hasCompensation(
  spec: WorkflowSpec,
  library: ReadonlyMap<string, WorkflowSpec>,
): boolean {
  const has = (process: WorkflowSpec) => {
    let value = known.get(process);
    if (value === undefined) {
      value = [...process.taskSpecs.values()].some(
        (ts) => (ts as BpmnSpec).compensationHandler !== undefined,
      );
      known.set(process, value);
    }
    return value;
  };
  if (has(spec)) return true;
  for (const process of library.values()) if (has(process)) return true;
  return false;
}
