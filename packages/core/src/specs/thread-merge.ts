import { WorkflowError } from '../errors.js';
import { iterateTasks } from '../iterator.js';
import { valueOf } from '../operators.js';
import type { TaskSpecLayer } from '../registry.js';
import type { JoinSpec, ThreadMergeSpec } from '../spec.js';
import type { Task } from '../task.js';
import { TaskState } from '../task-state.js';
import { branchIsComplete } from './join.js';

/** Whether enough threads completed (re-predicting each thread first). */
function mayStart(task: Task<JoinSpec>): boolean {
  if (task.hasState(TaskState.COMPLETED)) return false;
  if (task.hasState(TaskState.READY)) return true;
  const spec = task.taskSpec;
  const split = task.findAncestor(spec.splitTask);
  if (split === undefined) {
    throw new WorkflowError(`Join with ${String(spec.splitTask)}, which was not reached`, {
      specName: spec.name,
    });
  }
  const threads = split.children;
  const raw = valueOf(task, spec.threshold);
  const threshold = raw === undefined || raw === null ? threads.length : Number(raw);
  const waiting: Task[] = [];
  let completed = 0;
  for (const thread of [...threads]) {
    thread.predict();
    if (branchIsComplete(spec, thread)) completed += 1;
    else waiting.push(thread);
  }
  if (completed < threshold) return false;
  if (spec.cancelRemaining) for (const t of waiting) t.cancel();
  return true;
}

/**
 * Merges the threads of a ThreadSplit: once all (or `threshold`) threads are done, the instance
 * whose parent changed last becomes READY and the other instances are marked COMPLETED.
 * Replaces Join's update; Join's trigger still applies.
 */
export const threadMergeLayer: TaskSpecLayer<ThreadMergeSpec> = {
  update(task) {
    task.inheritData();
    if (!mayStart(task)) {
      task.setState(TaskState.WAITING);
      return false;
    }
    const spec = task.taskSpec;
    const split = task.findAncestor(spec.splitTask) as Task;
    let lastChanged: Task | undefined;
    const tasks: Task[] = [];
    for (const t of iterateTasks(split, { specName: spec.name })) {
      if (spec.splitTask !== null && t.isDescendantOf(task)) continue;
      const changed = (t.parent as Task).lastStateChange;
      if (lastChanged === undefined || changed > (lastChanged.parent as Task).lastStateChange) {
        lastChanged = t;
      }
      tasks.push(t);
    }
    for (const t of tasks) {
      if (t === lastChanged) {
        task.workflow.emitTask('update', task);
        t.makeReady();
      } else {
        t.setState(TaskState.COMPLETED);
        t.dropChildren();
      }
    }
    return false;
  },
};
