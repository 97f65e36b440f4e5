import { WorkflowError } from '../errors.js';
import { matches } from '../operators.js';
import type { TaskSpecLayer } from '../registry.js';
import type { ExclusiveChoiceSpec, MultiChoiceSpec, TaskSpecData } from '../spec.js';
import type { Task } from '../task.js';
import { TaskState, TaskStateMask } from '../task-state.js';

/** The outputs a Choose narrowed this choice to (per workflow), else the spec's own choice. */
function currentChoice(task: Task<MultiChoiceSpec>): readonly string[] | null {
  const chosen = task.workflow.specState(task.taskSpec.name)['choice'];
  return Array.isArray(chosen) ? (chosen as string[]) : task.taskSpec.choice;
}

function spec(task: Task, name: string): TaskSpecData {
  const found = task.workflow.spec.getTaskSpec(name);
  if (!found)
    throw new WorkflowError(`Unknown task spec '${name}'`, { specName: task.taskSpec.name });
  return found;
}

function predictChildren(task: Task): void {
  for (const child of [...task.children]) child.predict(TaskState.FUTURE | TaskStateMask.PREDICTED);
}

/** Takes every output whose condition holds plus the unconditional ones. */
export const multiChoiceLayer: TaskSpecLayer<MultiChoiceSpec> = {
  /** Unconditional outputs are LIKELY (MAYBE below a MAYBE task); conditional ones MAYBE. */
  predict(task) {
    const choice = currentChoice(task);
    const conditional: TaskSpecData[] = [];
    const unconditional: TaskSpecData[] = [];
    for (const { condition, output } of task.taskSpec.condTaskSpecs) {
      if (choice !== null && !choice.includes(output)) continue;
      (condition === null ? unconditional : conditional).push(spec(task, output));
    }
    const state = task.state === TaskState.MAYBE ? TaskState.MAYBE : TaskState.LIKELY;
    task.syncChildren(unconditional, state);
    for (const s of conditional) task.addChild(s, TaskState.MAYBE);
  },
  run(task) {
    const choice = currentChoice(task);
    const matched: TaskSpecData[] = [];
    const defaults: TaskSpecData[] = [];
    for (const { condition, output } of task.taskSpec.condTaskSpecs) {
      if (choice !== null && !choice.includes(output)) continue;
      if (condition === null) defaults.push(spec(task, output));
      else if (matches(condition, task)) matched.push(spec(task, output));
    }
    task.syncChildren([...matched, ...defaults], TaskState.FUTURE);
    predictChildren(task);
    return 'completed';
  },
  /** A Choose narrows the outputs: `args[0]` is the list of output names. */
  trigger(s, context, args) {
    context.workflow.specState(s.name)['choice'] = args[0] ?? null;
  },
};

/** Takes the first output whose condition holds, else the default. */
export const exclusiveChoiceLayer: TaskSpecLayer<ExclusiveChoiceSpec> = {
  run(task) {
    const { defaultTaskSpec, condTaskSpecs, name } = task.taskSpec;
    let output = defaultTaskSpec === null ? undefined : spec(task, defaultTaskSpec);
    for (const { condition, output: target } of condTaskSpecs) {
      if (condition !== null && matches(condition, task)) {
        output = spec(task, target);
        break;
      }
    }
    if (output === undefined) {
      throw new WorkflowError(`No conditions satisfied for '${name}'`, { specName: name });
    }
    task.syncChildren([output], TaskState.FUTURE);
    predictChildren(task);
    return 'completed';
  },
};
