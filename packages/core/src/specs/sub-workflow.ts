import { WorkflowTaskError } from '../errors.js';
import { applyAssign, pyStr, valueOf } from '../operators.js';
import type { TaskSpecLayer } from '../registry.js';
import type { SubWorkflowSpec } from '../spec.js';
import { TaskState, TaskStateMask } from '../task-state.js';

/**
 * Runs a nested workflow. Deliberately departs from SpiffWorkflow 3.1.2, whose in/out
 * assignments never take effect (see README): here the task becomes READY like any other; running
 * it creates the nested workflow below it, applies `inAssign` to the nested start task before it
 * becomes READY and leaves the task STARTED; when the nested workflow completes, `outAssign`
 * copies its data into the task, which then completes (its children inherit from it).
 */
export const subWorkflowLayer: TaskSpecLayer<SubWorkflowSpec> = {
  predict(task) {
    // Once the nested workflow exists its root is a child that prediction must leave alone.
    if (task.workflow.subworkflows.has(task.id)) return;
    const outputs = task.workflow.outputSpecs(task.taskSpec);
    const definite = task.hasState(TaskStateMask.DEFINITE);
    task.syncChildren(outputs, definite ? TaskState.LIKELY : task.state);
  },
  update(task, next) {
    const sub = task.workflow.subworkflows.get(task.id);
    if (sub === undefined) return next();
    if (sub.completed && task.hasState(TaskState.STARTED)) {
      for (const a of task.taskSpec.outAssign) applyAssign(a, sub, task);
      task.complete();
    }
    return false;
  },
  run(task) {
    const key = pyStr(valueOf(task, task.taskSpec.file));
    const spec = task.workflow.library.get(key);
    if (spec === undefined) {
      throw new WorkflowTaskError(
        `No workflow spec '${key}' for sub-workflow '${task.taskSpec.name}'`,
        task.id,
        task.trace(),
        {
          specName: task.taskSpec.name,
          notes: [`Known specs: ${[...task.workflow.library.keys()].join(', ') || 'none'}`],
        },
      );
    }
    task.syncChildren(task.workflow.outputSpecs(task.taskSpec), TaskState.FUTURE);
    const sub = task.workflow.createSubworkflow(task, spec, { deferStart: true });
    for (const a of task.taskSpec.inAssign) applyAssign(a, task, sub.taskTree);
    sub.start();
    return 'started';
  },
};
