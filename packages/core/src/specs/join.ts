import { WorkflowError } from '../errors.js';
import { iterateTasks } from '../iterator.js';
import { valueOf } from '../operators.js';
import type { TaskSpecLayer } from '../registry.js';
import type { JoinSpec, TaskSpecData } from '../spec.js';
import type { Task } from '../task.js';
import { TaskState, TaskStateMask } from '../task-state.js';
import { deepMerge } from './deep-merge.js';

function thresholdOf(task: Task<JoinSpec>, fallback: number): number {
  const value = valueOf(task, task.taskSpec.threshold);
  return value === undefined || value === null ? fallback : Number(value);
}

/**
 * The branches a split started towards `destination`: the split task's children, except that a
 * ThreadSplit's branches are the children of the ThreadStart above `destination`.
 */
export function activatedTasks(split: Task, destination: Task): readonly Task[] {
  const spec = split.taskSpec as TaskSpecData & { threadStarter?: string };
  if (spec.typename === 'ThreadSplit' && spec.threadStarter !== undefined) {
    return destination.findAncestor(spec.threadStarter)?.children ?? [];
  }
  return split.children;
}

/** Counts completed input tasks anywhere in the tree (no split task). */
function checkUnstructured(task: Task<JoinSpec>): [boolean, Task[]] {
  const spec = task.taskSpec;
  const threshold = thresholdOf(task, spec.inputs.length);
  const inputs = new Set(spec.inputs);
  const waiting: Task[] = [];
  let completed = 0;
  for (const t of iterateTasks(task.workflow.taskTree, { endAtSpec: spec.name })) {
    if (!inputs.has(t.taskSpec.name)) continue;
    if (t.parent === undefined || t.hasState(TaskState.COMPLETED)) completed += 1;
    else if (!t.hasState(TaskStateMask.FINISHED) && spec.cancelRemaining) waiting.push(t);
    // Matches SpiffWorkflow: a cancelling join without a split task never breaks out of this
    // loop, so it never reports that it may fire (Python's for/else resets the flag).
    if (completed >= threshold && !spec.cancelRemaining) return [true, waiting];
  }
  return [false, waiting];
}

/** Whether the branch below `task` may still reach this join. */
export function branchMayMerge(join: TaskSpecData, task: Task): boolean {
  for (const child of iterateTasks(task, { endAtSpec: join.name })) {
    if (child.triggered) continue;
    if (child.taskSpec === join) return true;
    // A predicted task with fewer children than outputs may not be fully predicted yet.
    if (
      child.hasState(TaskStateMask.PREDICTED) &&
      child.taskSpec.outputs.length > child.children.length
    ) {
      return true;
    }
  }
  return false;
}

/** Whether nothing but this join is unfinished in the branch below `task`. */
export function branchIsComplete(join: TaskSpecData, task: Task): boolean {
  for (const child of iterateTasks(task, {
    state: TaskStateMask.NOT_FINISHED,
    endAtSpec: join.name,
  })) {
    if (child.taskSpec !== join) return false;
  }
  return true;
}

/** Counts the completed branches started by the split task. */
function checkStructured(task: Task<JoinSpec>): [boolean, Task[]] {
  const spec = task.taskSpec;
  const split = task.findAncestor(spec.splitTask);
  if (split === undefined) {
    throw new WorkflowError(`Split task ${String(spec.splitTask)} which was not reached`, {
      specName: spec.name,
    });
  }
  const tasks = activatedTasks(split, task);
  const threshold = thresholdOf(task, tasks.length);
  const waiting: Task[] = [];
  let completed = 0;
  for (const t of tasks) {
    if (branchIsComplete(spec, t) || !branchMayMerge(spec, t)) completed += 1;
    else waiting.push(t);
  }
  return [completed >= threshold, waiting];
}

/** The instances of this join in the task's thread (below the split task, if any). */
export function findJoinTasks(join: JoinSpec, task: Task): Task[] {
  const split = task.findAncestor(join.splitTask) ?? task.workflow.taskTree;
  const found: Task[] = [];
  for (const t of iterateTasks(split, { specName: join.name, endAtSpec: join.name })) {
    if (t.threadId !== task.threadId) continue;
    if (join.splitTask !== null && t.isDescendantOf(task)) continue;
    found.push(t);
  }
  return found;
}

/** Continues from `task`: the other instances of the join are cancelled. */
function doJoin(task: Task<JoinSpec>): void {
  for (const t of findJoinTasks(task.taskSpec, task)) {
    if (t !== task) {
      t.setState(TaskState.CANCELLED);
      t.dropChildren();
    }
  }
}

/** Merge's variant: deep-merges the data of every input task (in input order) first. */
function mergeThenJoin(task: Task<JoinSpec>): void {
  for (const input of task.taskSpec.inputs) {
    for (const t of iterateTasks(task.workflow.taskTree)) {
      if (t.taskSpec.name === input) deepMerge(task.data, t.peekData());
    }
  }
  doJoin(task);
}

/** Builds the Join layer around the step that runs once the join fires. */
export function createJoinLayer(onFire: (task: Task<JoinSpec>) => void): TaskSpecLayer<JoinSpec> {
  return {
    /** Ready once enough branches completed; otherwise WAITING. No `update` event. */
    update(task) {
      task.inheritData();
      const spec = task.taskSpec;
      const [mayFire, waiting] =
        spec.splitTask === null ? checkUnstructured(task) : checkStructured(task);
      if (mayFire) {
        if (spec.cancelRemaining) for (const t of waiting) t.cancel();
        onFire(task);
      } else if (!task.hasState(TaskStateMask.FINISHED)) {
        task.setState(TaskState.WAITING);
      }
      return mayFire;
    },
    /** Fires early: the most recently changed instance becomes READY, the others are cancelled. */
    trigger(spec, context) {
      const tasks = findJoinTasks(spec, context).sort(
        (a, b) => a.lastStateChange - b.lastStateChange,
      );
      const last = tasks.pop();
      for (const t of tasks) {
        t.setState(TaskState.CANCELLED);
        t.dropChildren();
      }
      last?.makeReady();
    },
  };
}

/** Synchronises branches. */
export const joinLayer = createJoinLayer(doJoin);
/** A join that merges its inputs' data. */
export const mergeLayer = createJoinLayer(mergeThenJoin);
