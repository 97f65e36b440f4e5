import type { TaskSpecLayer } from '../registry.js';
import type { SimpleSpec, StartTaskSpec, ThreadStartSpec } from '../spec.js';
import { TaskState } from '../task-state.js';

/** Simple and StartTask use the engine's base behaviour only. */
export const simpleLayers: readonly TaskSpecLayer<SimpleSpec>[] = [];
/** See {@link simpleLayers}. */
export const startTaskLayers: readonly TaskSpecLayer<StartTaskSpec>[] = [];

/** Starts a thread: a new thread id for the subtree, outputs created READY. No `run` event. */
export const threadStartLayer: TaskSpecLayer<ThreadStartSpec> = {
  run(task) {
    task.assignNewThreadId();
    task.syncChildren(task.workflow.outputSpecs(task.taskSpec), TaskState.READY);
    return 'completed';
  },
};
