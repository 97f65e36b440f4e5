import { TaskState, Workflow, WorkflowEvents, type Task } from '@spiff-ts/core';
import { createNodeRegistry, loadSpiffXmlFile } from '@spiff-ts/core/node';
import { readText } from './answers.js';

/** What running a legacy Spiff XML spec to the end produced. */
export interface SpecRunResult {
  /** One line per completed task, indented by its depth in the task tree. */
  readonly trace: readonly string[];
  readonly completed: boolean;
  /** The data of the last completed task (the workflow's end state). */
  readonly data: Readonly<Record<string, unknown>>;
}

function depthOf(task: Task): number {
  let depth = 0;
  for (let t = task.parent; t !== undefined; t = t.parent) depth += 1;
  return depth;
}

/**
 * Loads a spec in SpiffWorkflow's legacy XML format and runs every ready task until the workflow
 * completes or nothing is left to run.
 * @throws SpiffError naming the file when it cannot be read
 */
export function runSpecFile(
  file: string,
  data: Readonly<Record<string, unknown>> = {},
): SpecRunResult {
  readText(file); // a missing file fails with one clear line, not Node's ENOENT
  const spec = loadSpiffXmlFile(file);
  const events = new WorkflowEvents();
  const trace: string[] = [];
  let last: Task | undefined;
  events.on('completed', ({ task }) => {
    trace.push(`${'  '.repeat(depthOf(task))}${task.taskSpec.name}`);
    last = task;
  });
  const workflow = new Workflow(spec, { events, registry: createNodeRegistry() });
  // Initial data goes to the root task, so every task inherits it (as the XML's pre-assigns do).
  Object.assign(workflow.taskTree.data, data);
  workflow.runAll();
  const stuck = workflow.getTasks({ state: TaskState.READY | TaskState.WAITING });
  if (!workflow.isCompleted() && stuck.length > 0) {
    trace.push(`(stopped with ${String(stuck.length)} task(s) ready or waiting)`);
  }
  return { trace, completed: workflow.isCompleted(), data: { ...(last?.data ?? {}) } };
}
