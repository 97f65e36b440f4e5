import { describe, expect, it } from 'vitest';
import { BpmnWorkflowSerializer, TaskState, type BpmnWorkflow } from '@spiff-ts/bpmn';
import { loadWorkflow } from './helpers.js';

const FILE = 'sibling-escalations.bpmn';

const ids = (workflow: BpmnWorkflow, state: TaskState) =>
  workflow
    .getTasks({ state })
    .map((t) => t.taskSpec.name)
    .filter((name) => !name.includes('.') && name !== 'Start' && name !== 'End');

/** Runs the one READY task named `name`, then the engine. */
function finish(workflow: BpmnWorkflow, name: string, data: Record<string, unknown> = {}): void {
  const task = workflow.getTasks({ state: TaskState.READY }).find((t) => t.taskSpec.name === name);
  if (task === undefined) throw new Error(`${name} is not ready`);
  task.setData(data);
  task.run();
  workflow.doEngineSteps();
}

/** The `bpmn_events` SpiffWorkflow's JSON format holds for the workflow. */
function writtenEvents(workflow: BpmnWorkflow): unknown {
  return new BpmnWorkflowSerializer().toSpiffJson(workflow)['bpmn_events'];
}

describe('errors and escalations thrown inside an activity', () => {
  it('are caught by the boundary events of that activity only', () => {
    // given: sub_a and sub_b run side by side, each with a non-interrupting escalation boundary
    // event for the code both throw when their work is done
    const wf = loadWorkflow(FILE, 'escalations');
    wf.doEngineSteps();
    expect(ids(wf, TaskState.WAITING)).toEqual(['on_a', 'on_b']);

    // when: sub_a escalates
    finish(wf, 'a_work');

    // then: on_a fires; on_b keeps waiting for sub_b's own escalation
    expect(ids(wf, TaskState.READY)).toEqual(['noted_a', 'b_work', 'c_work']);
    expect(ids(wf, TaskState.WAITING)).toContain('on_b');
    finish(wf, 'b_work');
    expect(ids(wf, TaskState.READY)).toEqual(['noted_a', 'noted_b', 'c_work']);
    // both escalations were caught: nothing for the host
    expect(writtenEvents(wf)).toEqual([]);
    expect(wf.getEvents()).toEqual([]);
  });

  it('queue an escalation no activity around the thrower catches for the host', () => {
    // given: sub_a and sub_b are still running (their boundary events wait) when sub_c, which
    // has no boundary event, escalates
    const wf = loadWorkflow(FILE, 'escalations');
    wf.doEngineSteps();

    // when
    finish(wf, 'c_work', { reason: 'late' });

    // then: the boundary events of the other activities do not catch it; it is queued, and the
    // JSON written for SpiffWorkflow holds the same queue that getEvents() hands out (the join
    // waits for sub_a and sub_b)
    expect(ids(wf, TaskState.WAITING).sort()).toEqual(['join', 'on_a', 'on_b']);
    expect(ids(wf, TaskState.READY)).toEqual(['a_work', 'b_work']);
    expect(writtenEvents(wf)).toEqual([
      {
        event_definition: {
          description: 'Escalation',
          name: 'Up',
          code: 'up',
          typename: 'EscalationEventDefinition',
        },
        payload: { reason: 'late' },
        correlations: {},
        typename: 'BpmnEvent',
      },
    ]);
    const serializer = new BpmnWorkflowSerializer();
    const restored = serializer.fromSpiffJson(serializer.toSpiffJson(wf));
    const [event, ...more] = restored.getEvents();
    expect(more).toEqual([]);
    expect(event?.definition).toMatchObject({ typename: 'EscalationEventDefinition', code: 'up' });
    expect(event?.payload).toEqual({ reason: 'late' });
    // reading the queue empties it
    expect(wf.getEvents()).toHaveLength(1);
    expect(wf.getEvents()).toEqual([]);
    expect(writtenEvents(wf)).toEqual([]);
  });

  it('do not let an uncaught error cancel an unrelated activity through its boundary event', () => {
    // given: sub_y, next to sub_x, has an interrupting catch-all error boundary event
    const wf = loadWorkflow(FILE, 'errors');
    wf.doEngineSteps();
    expect(ids(wf, TaskState.WAITING)).toEqual(['y_failed']);

    // when: sub_x ends with an error nothing around it catches
    finish(wf, 'x_work');

    // then: sub_y goes on, and the error is the host's to handle
    expect(ids(wf, TaskState.READY)).toEqual(['y_work']);
    expect(ids(wf, TaskState.WAITING)).toEqual(['y_failed']);
    expect(wf.getEvents().map((e) => [e.definition.typename, e.definition.code])).toEqual([
      ['ErrorEventDefinition', 'broken'],
    ]);
    finish(wf, 'y_work');
    expect(wf.isCompleted()).toBe(true);
  });
});
