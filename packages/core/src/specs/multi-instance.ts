import { WorkflowError } from '../errors.js';
import { iterateTasks } from '../iterator.js';
import { pyStr, valueOf, type Term } from '../operators.js';
import type { TaskSpecLayer } from '../registry.js';
import type { MultiInstanceSpec, TaskSpecData, ThreadSplitSpec } from '../spec.js';
import type { Task } from '../task.js';
import { TaskState, TaskStateMask } from '../task-state.js';

/** Python's `int(valueof(task, times, fallback))`. */
export function timesOf(task: Task, times: Term, fallback?: number): number {
  const value = valueOf(task, times, fallback);
  const n = typeof value === 'number' ? Math.trunc(value) : Number.parseInt(pyStr(value), 10);
  if (!Number.isFinite(n)) {
    throw new WorkflowError(`Invalid number of times: '${pyStr(value)}'`, {
      specName: task.taskSpec.name,
    });
  }
  return n;
}

function repeat<T>(items: readonly T[], n: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(...items);
  return out;
}

/** Creates `times` copies of its outputs; a trigger adds one more set. */
export const multiInstanceLayer: TaskSpecLayer<MultiInstanceSpec> = {
  predict(task) {
    const outputs = repeat(
      task.workflow.outputSpecs(task.taskSpec),
      timesOf(task, task.taskSpec.times, 1),
    );
    const definite = task.hasState(TaskStateMask.DEFINITE);
    task.syncChildren(outputs, definite ? TaskState.FUTURE : TaskState.LIKELY);
  },
  run(task) {
    const outputs = repeat(
      task.workflow.outputSpecs(task.taskSpec),
      timesOf(task, task.taskSpec.times, 1),
    );
    task.syncChildren(outputs, TaskState.FUTURE);
    task.predict(TaskState.FUTURE | TaskStateMask.PREDICTED);
    return 'completed';
  },
  trigger(spec, context) {
    let mine: Task | undefined;
    for (const t of iterateTasks(context.workflow.taskTree)) {
      if (t.threadId === context.threadId && t.taskSpec === spec) {
        mine = t;
        break;
      }
    }
    if (mine === undefined) return;
    const state = mine.hasState(TaskState.COMPLETED) ? TaskState.READY : TaskState.FUTURE;
    for (const output of context.workflow.outputSpecs(spec)) {
      const child = mine.addChild(output, state);
      child.triggered = true;
      child.predict(TaskState.FUTURE | TaskState.READY | TaskStateMask.PREDICTED);
    }
  },
};

function threadStarter(task: Task<ThreadSplitSpec>): TaskSpecData {
  const found = task.workflow.spec.getTaskSpec(task.taskSpec.threadStarter);
  if (!found) {
    throw new WorkflowError(`Unknown thread start spec '${task.taskSpec.threadStarter}'`, {
      specName: task.taskSpec.name,
    });
  }
  return found;
}

/** Starts `times` threads, each through the spec's ThreadStart. */
export const threadSplitLayer: TaskSpecLayer<ThreadSplitSpec> = {
  predict(task) {
    const outputs = repeat([threadStarter(task)], timesOf(task, task.taskSpec.times));
    const definite = task.hasState(TaskStateMask.DEFINITE);
    task.syncChildren(outputs, definite ? TaskState.FUTURE : TaskState.LIKELY);
  },
  run(task) {
    task.syncChildren(
      repeat([threadStarter(task)], timesOf(task, task.taskSpec.times)),
      TaskState.FUTURE,
    );
    return 'completed';
  },
  /** Starts one more thread below the triggering task. */
  trigger(spec, context) {
    for (const output of context.workflow.outputSpecs(spec)) {
      context.addChild(output, TaskState.READY).triggered = true;
    }
  },
};
