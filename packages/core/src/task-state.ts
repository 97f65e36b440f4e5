/**
 * Lifecycle states of a task, as bit flags. Values match SpiffWorkflow's `TaskState`.
 *
 * - `MAYBE` / `LIKELY`: predicted (a conditional / the default branch of a choice); may be dropped.
 * - `FUTURE`: will be reached whatever choices are made.
 * - `WAITING`: reached, but its conditions to run are not met yet (e.g. a join).
 * - `READY`: may run now. `STARTED`: ran and has not finished (e.g. waits on a host).
 * - `COMPLETED`, `ERROR`, `CANCELLED`: finished.
 */
export const TaskState = {
  MAYBE: 1,
  LIKELY: 2,
  FUTURE: 4,
  WAITING: 8,
  READY: 16,
  STARTED: 32,
  COMPLETED: 64,
  ERROR: 128,
  CANCELLED: 256,
} as const;
/** One of the {@link TaskState} values. */
export type TaskState = (typeof TaskState)[keyof typeof TaskState];

const FINISHED = TaskState.CANCELLED | TaskState.ERROR | TaskState.COMPLETED;
const DEFINITE = TaskState.FUTURE | TaskState.WAITING | TaskState.READY | TaskState.STARTED;
const PREDICTED = TaskState.LIKELY | TaskState.MAYBE;

/** Combinations of {@link TaskState} flags, as in SpiffWorkflow (`TaskState.FINISHED_MASK` …). */
export const TaskStateMask = {
  FINISHED: FINISHED,
  DEFINITE: DEFINITE,
  PREDICTED: PREDICTED,
  NOT_FINISHED: PREDICTED | DEFINITE,
  ANY: FINISHED | PREDICTED | DEFINITE,
} as const;

const STATE_NAMES: readonly [number, string][] = Object.entries(TaskState).map(([k, v]) => [v, k]);
const MASK_NAMES = new Map<number, string>(
  Object.entries(TaskStateMask).map(([k, v]) => [v, `${k}_MASK`]),
);

/**
 * The name of a state or mask: `16` → `'READY'`, `448` → `'FINISHED_MASK'`, `17` → `'MAYBE|READY'`.
 * Matches SpiffWorkflow's `TaskState.get_name`.
 */
export function taskStateName(state: number): string {
  const single = STATE_NAMES.find(([v]) => v === state);
  if (single) return single[1];
  const mask = MASK_NAMES.get(state);
  if (mask !== undefined) return mask;
  return STATE_NAMES.filter(([v]) => (v & state) !== 0)
    .map(([, n]) => n)
    .join('|');
}

/**
 * The value of a state or mask name, case-insensitive; `'READY|WAITING'` combines flags and
 * `'FINISHED_MASK'` names a mask. Unknown names give 0, as in SpiffWorkflow's `TaskState.get_value`.
 */
export function taskStateValue(name: string): number {
  let value = 0;
  for (const part of name.toUpperCase().split('|')) {
    const key = part.trim();
    const single = (TaskState as Record<string, number>)[key];
    if (single !== undefined) {
      value |= single;
      continue;
    }
    const mask = (TaskStateMask as Record<string, number>)[key.replace(/_MASK$/, '')];
    if (mask !== undefined && key.endsWith('_MASK')) value |= mask;
  }
  return value;
}
