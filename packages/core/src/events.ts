import type { TaskSpecData } from './spec.js';
import type { Task } from './task.js';
import type { Workflow } from './workflow.js';

/** The payload of a task event. */
export interface TaskEvent {
  readonly task: Task;
  readonly workflow: Workflow;
}

/** Events a host can subscribe to; listeners run synchronously, in subscription order. */
export interface WorkflowEventMap {
  /** A task reached WAITING or READY (from a state that was neither). */
  readonly entered: TaskEvent;
  /** A task's update ran (it may become READY). SpiffWorkflow's `update_event`. */
  readonly update: TaskEvent;
  /** A task became READY (after its pre-assignments). SpiffWorkflow's `ready_event`. */
  readonly ready: TaskEvent;
  /** A task's run hook is executing. SpiffWorkflow's `run_event`. */
  readonly run: TaskEvent;
  /** A task completed (before its children are updated). SpiffWorkflow's `completed_event`. */
  readonly completed: TaskEvent;
  /** A task went to ERROR. */
  readonly error: TaskEvent;
  /** A task was cancelled. */
  readonly cancelled: TaskEvent;
  /** Any state change of a task. */
  readonly stateChanged: TaskEvent & { readonly previous: number };
  /** A workflow (or a sub-workflow) completed. */
  readonly workflowCompleted: { readonly workflow: Workflow };
}

/** Name of a {@link WorkflowEventMap} event. */
export type WorkflowEventName = keyof WorkflowEventMap;

/** Restricts a listener to the tasks of one spec: the spec object itself, or its name. */
export interface EventFilter {
  readonly spec?: TaskSpecData | string;
}

type Listener<K extends WorkflowEventName> = (event: WorkflowEventMap[K]) => void;
interface Entry {
  readonly listener: (event: never) => void;
  readonly spec: TaskSpecData | string | undefined;
}

/**
 * A synchronous, typed event bus. A workflow and its sub-workflows share one, so a host that
 * subscribes once sees the tasks of every nested workflow too.
 *
 * @example
 * ```ts
 * const events = new WorkflowEvents();
 * const off = events.on('completed', ({ task }) => console.log(task.taskSpec.name));
 * const workflow = new Workflow(spec, { events });
 * off(); // unsubscribe
 * ```
 */
export class WorkflowEvents {
  readonly #listeners = new Map<WorkflowEventName, Entry[]>();

  /** Subscribes; returns a function that unsubscribes. */
  on<K extends WorkflowEventName>(
    type: K,
    listener: Listener<K>,
    filter: EventFilter = {},
  ): () => void {
    const entry: Entry = { listener, spec: filter.spec };
    const list = this.#listeners.get(type);
    if (list) list.push(entry);
    else this.#listeners.set(type, [entry]);
    return () => {
      const current = this.#listeners.get(type);
      const at = current?.indexOf(entry) ?? -1;
      if (current && at >= 0) current.splice(at, 1);
    };
  }

  /** Whether anything listens to `type` (lets the engine skip building payloads). */
  has(type: WorkflowEventName): boolean {
    return (this.#listeners.get(type)?.length ?? 0) > 0;
  }

  /** Emits an event; a listener added during emission is not called for it. */
  emit<K extends WorkflowEventName>(type: K, event: WorkflowEventMap[K]): void {
    const list = this.#listeners.get(type);
    if (!list || list.length === 0) return;
    const spec = 'task' in event ? (event as TaskEvent).task.taskSpec : undefined;
    for (const entry of [...list]) {
      if (entry.spec !== undefined) {
        if (spec === undefined) continue;
        if (typeof entry.spec === 'string' ? spec.name !== entry.spec : spec !== entry.spec) {
          continue;
        }
      }
      (entry.listener as Listener<K>)(event);
    }
  }
}
