import { WorkflowError } from '../errors.js';
import { iterateTasks } from '../iterator.js';
import type { TaskSpecLayer } from '../registry.js';
import type {
  AcquireMutexSpec,
  CancelSpec,
  CancelTaskSpec,
  ChooseSpec,
  GateSpec,
  ReleaseMutexSpec,
  TransformSpec,
  TriggerSpec,
} from '../spec.js';
import { TaskState } from '../task-state.js';
import { timesOf } from './multi-instance.js';

/** Triggers the specs in `context` `times` times, plus the triggers queued on it meanwhile. */
export const triggerLayer: TaskSpecLayer<TriggerSpec> = {
  run(task) {
    const state = task.workflow.specState(task.taskSpec.name);
    const times = timesOf(task, task.taskSpec.times, 1) + Number(state['queued'] ?? 0);
    for (let i = 0; i < times; i++) {
      for (const name of task.taskSpec.context) {
        const target = task.workflow.spec.getTaskSpec(name);
        if (!target)
          throw new WorkflowError(`Unknown task spec '${name}'`, { specName: task.taskSpec.name });
        task.workflow.triggerSpec(target, task, []);
      }
    }
    state['queued'] = 0;
    return 'completed';
  },
  /** Queues a trigger and puts this spec's completed tasks (same thread) back to READY. */
  trigger(spec, context) {
    const state = context.workflow.specState(spec.name);
    state['queued'] = Number(state['queued'] ?? 0) + 1;
    for (const t of iterateTasks(context.workflow.taskTree)) {
      if (t.threadId !== context.threadId) continue;
      if (t.taskSpec === spec && t.hasState(TaskState.COMPLETED)) {
        t.setState(TaskState.FUTURE);
        t.makeReady();
      }
    }
  },
};

/** Cancels every task of the specs named in `context`. */
export const cancelTaskLayer: TaskSpecLayer<CancelTaskSpec> = {
  run(task) {
    for (const name of task.taskSpec.context) {
      for (const t of task.workflow.getTasks({ specName: name })) t.cancel();
    }
    return 'completed';
  },
};

/** Cancels the whole workflow. */
export const cancelLayer: TaskSpecLayer<CancelSpec> = {
  run(task) {
    task.workflow.cancel(task.taskSpec.cancelSuccessfully);
    return 'completed';
  },
};

/** Narrows the outputs of the MultiChoice named `context` (same thread), then re-predicts it. */
export const chooseLayer: TaskSpecLayer<ChooseSpec> = {
  run(task) {
    const context = task.workflow.spec.getTaskSpec(task.taskSpec.context);
    const triggered = [];
    for (const t of iterateTasks(task.workflow.taskTree)) {
      if (t.threadId !== task.threadId) continue;
      if (t.taskSpec === context) {
        t.trigger(task.taskSpec.choice);
        triggered.push(t);
      }
    }
    for (const t of triggered) t.predict();
    return 'completed';
  },
};

/** Waits until every task of the `context` spec in this thread has completed. */
export const gateLayer: TaskSpecLayer<GateSpec> = {
  update(task, next) {
    next();
    for (const t of iterateTasks(task.workflow.taskTree, { specName: task.taskSpec.context })) {
      if (t.threadId !== task.threadId) continue;
      if (!t.hasState(TaskState.COMPLETED)) {
        task.setState(TaskState.WAITING);
        return false;
      }
    }
    return true;
  },
};

/** Waits for the workflow mutex, then holds it. */
export const acquireMutexLayer: TaskSpecLayer<AcquireMutexSpec> = {
  update(task, next) {
    next();
    if (task.workflow.acquireMutex(task.taskSpec.mutex)) {
      task.workflow.emitTask('update', task);
      return true;
    }
    task.setState(TaskState.WAITING);
    return false;
  },
};

/** Releases the workflow mutex. */
export const releaseMutexLayer: TaskSpecLayer<ReleaseMutexSpec> = {
  run(task) {
    task.workflow.releaseMutex(task.taskSpec.mutex);
    return 'completed';
  },
};

/**
 * Runs each transform through the host's script engine when the task is updated (SpiffWorkflow
 * `exec`s Python here; the core has no language of its own).
 */
export const transformLayer: TaskSpecLayer<TransformSpec> = {
  update(task, next) {
    next();
    const { transforms, name } = task.taskSpec;
    if (transforms.length === 0) return true;
    const engine = task.workflow.scriptEngine;
    if (!engine) {
      throw new WorkflowError(`Transform '${name}' needs a script engine`, {
        specName: name,
        notes: ['Pass scriptEngine in the workflow options'],
      });
    }
    for (const code of transforms) engine.execute(task, code);
    return true;
  },
};
