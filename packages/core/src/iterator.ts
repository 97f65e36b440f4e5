import { TaskState, TaskStateMask } from './task-state.js';
import type { Task } from './task.js';

/** Criteria a task must meet; all given criteria must match. SpiffWorkflow's `TaskFilter`. */
export interface TaskFilter {
  /** A state or mask (default: any). */
  readonly state?: number;
  /** Only tasks whose `lastStateChange` is at or after this time. */
  readonly updatedSince?: number;
  /** Match the spec's `manual` flag. */
  readonly manual?: boolean;
  /** Match the spec's name. */
  readonly specName?: string;
  /** Match the spec's typename (SpiffWorkflow's `spec_class`). */
  readonly typename?: string;
}

/** How to walk the tree, in addition to a {@link TaskFilter}. */
export interface TaskQuery extends TaskFilter {
  /** Start here instead of the root. */
  readonly from?: Task;
  /** Do not descend below tasks of this spec name. */
  readonly endAtSpec?: string;
  /** Do not descend below this depth relative to the start (default: unlimited). */
  readonly maxDepth?: number;
}

/** Whether a task meets a filter. */
export function matchesFilter(task: Task, filter: TaskFilter): boolean {
  if ((task.state & (filter.state ?? TaskStateMask.ANY)) === 0) return false;
  if (filter.updatedSince !== undefined && !(task.lastStateChange >= filter.updatedSince)) {
    return false;
  }
  if (filter.manual !== undefined && task.taskSpec.manual !== filter.manual) return false;
  if (filter.specName !== undefined && task.taskSpec.name !== filter.specName) return false;
  if (filter.typename !== undefined && task.taskSpec.typename !== filter.typename) return false;
  return true;
}

/**
 * Walks a task tree depth-first (pre-order) without recursion, yielding the tasks that match.
 * Like SpiffWorkflow's `TaskIterator`: a task's children are read when the task is reached,
 * and the walk does not descend below tasks that cannot have matching descendants (predicted
 * tasks when only definite states are asked for, unfinished ones when only finished states are).
 */
export function* iterateTasks(root: Task, query: TaskQuery = {}): Generator<Task, void, undefined> {
  const state = query.state ?? TaskStateMask.ANY;
  const minState =
    state & TaskStateMask.PREDICTED
      ? TaskState.MAYBE
      : state & TaskStateMask.DEFINITE
        ? TaskState.FUTURE
        : TaskState.COMPLETED;
  const maxDepth = query.maxDepth ?? Infinity;
  const stack: Task[] = [root];
  const depths: number[] = [0];
  while (stack.length > 0) {
    const task = stack.pop() as Task;
    const depth = depths.pop() as number;
    const children = task.children;
    if (
      children.length > 0 &&
      task.state >= minState &&
      depth < maxDepth &&
      task.taskSpec.name !== query.endAtSpec
    ) {
      for (let i = children.length - 1; i >= 0; i--) {
        stack.push(children[i] as Task);
        depths.push(depth + 1);
      }
    }
    if (matchesFilter(task, query)) yield task;
  }
}

/**
 * Compares two tasks' positions in a depth-first walk of the tree they share (negative: `a`
 * first). Costs O(depth), not O(size of the tree).
 */
export function compareTreeOrder(a: Task, b: Task): number {
  return compareOrder(a, b, false);
}

/**
 * {@link compareTreeOrder} for two tasks known to be in the tree (e.g. from a state index): the
 * scan of their siblings stops at the first of the two. @internal
 */
export function compareTreeOrderAttached(a: Task, b: Task): number {
  return compareOrder(a, b, true);
}

function compareOrder(a: Task, b: Task, attached: boolean): number {
  if (a === b) return 0;
  let x: Task = a;
  let y: Task = b;
  while (x.depth > y.depth) x = x.parent as Task;
  if (x === b) return 1;
  while (y.depth > x.depth) y = y.parent as Task;
  if (y === a) return -1;
  while (x.parent !== y.parent) {
    x = x.parent as Task;
    y = y.parent as Task;
  }
  // Siblings: their positions, found in one scan that stops once both are seen.
  const siblings = x.parent?.children ?? [];
  let ix = -1;
  let iy = -1;
  for (let i = 0; i < siblings.length && (ix < 0 || iy < 0); i++) {
    const sibling = siblings[i];
    if (sibling === x) {
      if (attached) return -1;
      ix = i;
    } else if (sibling === y) {
      if (attached) return 1;
      iy = i;
    }
  }
  return ix - iy;
}

/** The first task in tree order among `tasks`, if any. */
export function firstInTreeOrder(tasks: Iterable<Task>): Task | undefined {
  let best: Task | undefined;
  for (const task of tasks) {
    if (best === undefined || compareTreeOrder(task, best) < 0) best = task;
  }
  return best;
}

/** Whether `task` is `ancestor` or below it. */
export function isInSubtree(task: Task, ancestor: Task): boolean {
  let t: Task | undefined = task;
  while (t !== undefined && t.depth > ancestor.depth) t = t.parent;
  return t === ancestor;
}
