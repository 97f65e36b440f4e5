/**
 * The corrected expectations of the non-DMN `divergent/*.json` scenarios: what a correct engine
 * observes instead of the reference's recorded defect, written from each file's
 * `divergence.correct` (step numbers count from 0). Observations `correct` does not name stay
 * as recorded.
 */
import type { Expectation, Scenario, Step, WaitingEvent } from './scenario.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Patch = (expect: Mutable<Expectation>) => void;

/** Steps `from`..`to`, inclusive. */
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

const sorted = (list: readonly string[]): string[] => [...list].sort();

/** `ready` becomes `ids`; `ready_data` and `ready_order`, where observed, keep only those ids. */
function ready(...ids: string[]): Patch {
  return (e) => {
    e.ready = sorted(ids);
    if (e.ready_data) e.ready_data = e.ready_data.filter((d) => ids.includes(d.task));
    if (e.ready_order) e.ready_order = e.ready_order.filter((id) => ids.includes(id));
  };
}
const waiting =
  (...ids: string[]): Patch =>
  (e) => {
    e.waiting = sorted(ids);
  };
const completed =
  (value: boolean): Patch =>
  (e) => {
    e.completed = value;
  };
/** No outgoing events, where events are observed. */
const noEvents: Patch = (e) => {
  if (e.events) e.events = [];
};
/** `id` is also WAITING (once). */
const alsoWaiting =
  (id: string): Patch =>
  (e) => {
    if (e.waiting && !e.waiting.includes(id)) e.waiting = sorted([...e.waiting, id]);
  };
/** A message event is also waited for, where waiting events are observed. */
const alsoWaitingMessage =
  (name: string): Patch =>
  (e) => {
    if (!e.waiting_events) return;
    const entry: WaitingEvent = { type: 'MessageEventDefinition', name, value: [] };
    if (!e.waiting_events.some((w) => w.type === entry.type && w.name === name))
      e.waiting_events = [...e.waiting_events, entry];
  };

type Corrections = readonly (readonly [readonly number[], ...Patch[]])[];

const terminateNotReported = (step: number): Corrections => [[[step], noEvents]];

const resetCompleted = (from: number, to: number): Corrections => [
  [range(from, to), completed(false)],
];

const nonInterruptRearmed = (
  id: string,
  from: number,
  to: number,
  message?: { name: string; steps: number[] },
): Corrections => [
  [range(from, to), alsoWaiting(id)],
  ...(message ? [[message.steps, alsoWaitingMessage(message.name)] as const] : []),
];

const NI_MESSAGE = 'sid-067AF0E4-F644-4962-BC02-E767C63647D5';
const NI_SP_MESSAGE = 'sid-84C7CE67-D0B6-486A-B097-486DA924FF9D';

/** Corrections by scenario file name (without `.json`). */
export const DIVERGENT_CORRECTIONS: Readonly<Record<string, Corrections>> = {
  'bpmn-approvals-happy-other-orders': terminateNotReported(19),
  'bpmn-approvals-happy': terminateNotReported(19),
  'bpmn-approvals-save-restore-waiting': terminateNotReported(27),
  'bpmn-approvals-save-restore': terminateNotReported(22),
  'camunda-call-activity-message-save-restore': terminateNotReported(23),
  'camunda-call-activity-message': terminateNotReported(16),
  'camunda-start-message-event-save-restore': terminateNotReported(22),
  'camunda-start-message-event': terminateNotReported(15),
  'events-action-management-cancel-after-approved': terminateNotReported(6),
  'events-action-management-cancel-after-work-started': terminateNotReported(13),

  'bpmn-nested-processes-reset-to-intermediate': [
    ...resetCompleted(12, 18),
    [[16], ready('sid-D55DA431-BFBE-4EB9-9B86-918CD1792C65')],
  ],
  'bpmn-nested-processes-reset-to-subworkflow': resetCompleted(12, 20),
  'bpmn-nested-processes-reset-to-top': resetCompleted(12, 21),
  'bpmn-reset-token-boundary-subprocess': [[[10], ready('Event_0u7p7aw')]],

  'camunda-reset-token-nested-parallel-alt-save-restore': [
    [[19, 20], waiting('Gateway_0dz54nb', 'Gateway_0jvgeem')],
    [[21], waiting('Gateway_0dz54nb')],
  ],
  'camunda-reset-token-nested-parallel-alt': [
    [[13, 14], waiting('Gateway_0dz54nb', 'Gateway_0jvgeem')],
    [[15], waiting('Gateway_0dz54nb')],
  ],
  'camunda-reset-token-nested-parallel-save-restore': [
    [[31, 32, 33], ready('FormB2'), waiting('Gateway_0dz54nb', 'Gateway_15gtvvn')],
    [[34], ready('Gateway_0dz54nb'), waiting('Gateway_15gtvvn')],
    [[35], ready('FormD'), waiting()],
  ],
  'camunda-reset-token-nested-parallel': [
    [[21, 22, 23], ready('FormB2'), waiting('Gateway_0dz54nb', 'Gateway_15gtvvn')],
    [[24], ready('Gateway_0dz54nb'), waiting('Gateway_15gtvvn')],
    [[25], ready('FormD'), waiting()],
  ],
  'camunda-reset-token-parallel-matrix-save-restore': [
    [[31, 32], ready('FormB2'), waiting('Gateway_15gtvvn')],
    [[33, 34, 35], ready('FormB3'), waiting('Gateway_15gtvvn')],
    [[36], ready('Gateway_15gtvvn'), waiting()],
    [[37], ready('FormD')],
  ],
  'camunda-reset-token-parallel-matrix': [
    [[21, 22], ready('FormB2'), waiting('Gateway_15gtvvn')],
    [[23, 24], ready('FormB3'), waiting('Gateway_15gtvvn')],
    [[25], ready('Gateway_15gtvvn'), waiting()],
    [[26], ready('FormD')],
  ],
  'camunda-reset-token-subprocess-save-restore': [
    [[15, 16, 17], ready('FormA2')],
    [[18, 19, 20], ready('FormA3')],
    [[21], ready('Event_04w2s7z')],
  ],
  'camunda-reset-token-subprocess': [
    [[11, 12], ready('FormA2')],
    [[13, 14], ready('FormA3')],
    [[15], ready('Event_04w2s7z')],
  ],

  'camunda-external-message-boundary-save-restore': nonInterruptRearmed('Event_1jmy075', 2, 10, {
    name: 'Interrupt',
    steps: [5, 10],
  }),
  'camunda-external-message-boundary': nonInterruptRearmed('Event_1jmy075', 1, 7, {
    name: 'Interrupt',
    steps: [3, 7],
  }),
  'camunda-ni-message-boundary-save-restore': nonInterruptRearmed(
    'Event_InterruptBoundary',
    18,
    33,
    { name: 'Message_Tardy', steps: [22] },
  ),
  'camunda-ni-message-boundary': nonInterruptRearmed('Event_InterruptBoundary', 15, 27, {
    name: 'Message_Tardy',
    steps: [18],
  }),
  'events-message-non-interrupt-message-other-order-save-restore': nonInterruptRearmed(
    NI_MESSAGE,
    6,
    10,
  ),
  'events-message-non-interrupt-message-other-order': nonInterruptRearmed(NI_MESSAGE, 4, 7),
  'events-message-non-interrupt-message-save-restore': nonInterruptRearmed(NI_MESSAGE, 6, 15),
  'events-message-non-interrupt-message': nonInterruptRearmed(NI_MESSAGE, 4, 11),
  'events-message-non-interrupt-sp-message-order-2-save-restore': nonInterruptRearmed(
    NI_SP_MESSAGE,
    4,
    6,
  ),
  'events-message-non-interrupt-sp-message-order-3-save-restore': nonInterruptRearmed(
    NI_SP_MESSAGE,
    4,
    10,
  ),
  'events-message-non-interrupt-sp-message-save-restore': nonInterruptRearmed(NI_SP_MESSAGE, 4, 6),

  'events-event-based-gateway-message-save-restore': [[range(3, 6), completed(true)]],
  'events-transaction-cancel-event': [[range(2, 6), completed(true)]],
  'events-transaction-error-code-none': [[range(4, 8), completed(true)]],
  'events-transaction-error-code-one': [
    [range(4, 7), completed(true)],
    [
      [5],
      (e) => {
        e.task_data = [{ task: 'Catch_Error_None', state: 'CANCELLED', data: {} }];
      },
    ],
  ],

  'spiff-business-rule-task': [
    [
      [1],
      (e) => {
        e.error = { kind: 'task', task: 'Activity_0diq2z1' };
        e.failed = ['Activity_0diq2z1'];
        e.completed = false;
      },
    ],
    [
      [2],
      (e) => {
        e.failed = ['Activity_0diq2z1'];
        e.completed = false;
        e.data = {};
        e.ready_data = [];
        e.waiting_events = [];
        e.events = [];
      },
    ],
  ],
};

/** Raised when a divergent scenario has no corrections or they name a step it lacks. */
export class UncorrectedScenarioError extends Error {}

/**
 * The scenario with its expectations replaced by what a correct engine observes, for a
 * divergent scenario file named `name` (without `.json`).
 */
export function correctedScenario(scenario: Scenario, name: string): Scenario {
  const corrections = DIVERGENT_CORRECTIONS[name];
  if (!corrections) throw new UncorrectedScenarioError(`no corrections for ${name}`);
  const steps: Step[] = scenario.steps.map((s) =>
    s.expect ? ({ ...s, expect: structuredClone(s.expect) } as Step) : s,
  );
  for (const [indices, ...patches] of corrections) {
    for (const i of indices) {
      const expect = steps[i]?.expect;
      if (!expect) throw new UncorrectedScenarioError(`${name}: step ${i} has no expectation`);
      for (const patch of patches) patch(expect as Mutable<Expectation>);
    }
  }
  return { ...scenario, steps };
}
