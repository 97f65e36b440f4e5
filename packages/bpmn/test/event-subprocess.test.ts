import { describe, expect, it } from 'vitest';
import { ValidationError, type JsonObject, type Task } from '@spiff-ts/core';
import { BpmnWorkflowSerializer, TaskState, type BpmnWorkflow } from '@spiff-ts/bpmn';
import { loadWorkflow, parserFor, saveRestore } from './helpers.js';

const FILE = 'event-subprocess.bpmn';
const names = (tasks: readonly Task[]) => tasks.map((t) => t.taskSpec.name).sort();
const ready = (wf: BpmnWorkflow) => names(wf.getTasks({ state: TaskState.READY }));
const waiting = (wf: BpmnWorkflow) => names(wf.waitingTasks());
const stateOf = (wf: BpmnWorkflow, name: string) =>
  wf
    .getTasks()
    .filter((t) => t.taskSpec.name === name)
    .map((t) => t.state);
const message = (name: string, payload?: unknown) => ({
  definition: { typename: 'MessageEventDefinition', name },
  ...(payload === undefined ? {} : { payload }),
});
/** Through SpiffWorkflow's JSON format (as text) and back. */
const spiffRoundTrip = (wf: BpmnWorkflow, clock?: () => number) => {
  const serializer = new BpmnWorkflowSerializer(clock === undefined ? {} : { clock });
  const text = JSON.stringify(serializer.toSpiffJson(wf));
  return serializer.fromSpiffJson(JSON.parse(text) as JsonObject);
};
const complete = (wf: BpmnWorkflow, name: string) => {
  const task = wf.getTasks({ state: TaskState.READY }).find((t) => t.taskSpec.name === name);
  if (task === undefined) throw new Error(`${name} is not ready`);
  task.run();
  wf.doEngineSteps();
};

describe('interrupting event sub-processes', () => {
  it('a message cancels the rest of the process, runs the handler and ends the process', () => {
    const wf = loadWorkflow(FILE, 'message_interrupting');
    wf.doEngineSteps();
    expect(ready(wf)).toEqual(['mi_prepare']);
    wf.getTasks({ state: TaskState.READY })[0]?.setData({ order: 42 });
    complete(wf, 'mi_prepare');
    expect(ready(wf)).toEqual(['mi_work']);
    wf.sendEvent(message('cancel_order', { reason: 'customer' }));
    // Interrupted at once, before any engine step.
    expect(stateOf(wf, 'mi_work')).toEqual([TaskState.CANCELLED]);
    wf.doEngineSteps();
    expect(wf.isCompleted()).toBe(true);
    expect(wf.data['cancelled']).toBe('customer');
    // The handler started from the process' latest data, plus the message.
    expect(wf.data['order']).toBe(42);
    expect(wf.data['worked']).toBeUndefined();
    expect(stateOf(wf, 'mi_done')).toEqual([]);
  });

  it('a second message after the interruption finds nothing waiting', () => {
    const wf = loadWorkflow(FILE, 'message_interrupting');
    wf.doEngineSteps();
    wf.sendEvent(message('cancel_order', { reason: 'first' }));
    expect(() => wf.sendEvent(message('cancel_order', { reason: 'second' }))).toThrow(
      /not waiting/,
    );
    wf.doEngineSteps();
    expect(wf.data['cancelled']).toBe('first');
  });

  it('is disarmed when the process ends first', () => {
    const wf = loadWorkflow(FILE, 'message_interrupting');
    wf.doEngineSteps();
    complete(wf, 'mi_prepare');
    complete(wf, 'mi_work');
    expect(wf.isCompleted()).toBe(true);
    expect(wf.data['worked']).toBe(true);
    expect(() => wf.sendEvent(message('cancel_order', { reason: 'late' }))).toThrow(/not waiting/);
  });

  it('an error end event in one branch cancels the other branch', () => {
    const wf = loadWorkflow(FILE, 'error_interrupting');
    wf.doEngineSteps();
    expect(ready(wf)).toEqual(['ei_check', 'ei_other']);
    wf.getTasks({ state: TaskState.READY })
      .find((t) => t.taskSpec.name === 'ei_check')
      ?.setData({ checked: 'yes' });
    complete(wf, 'ei_check');
    expect(stateOf(wf, 'ei_other')).toEqual([TaskState.CANCELLED]);
    expect(wf.isCompleted()).toBe(true);
    expect(wf.data['repaired']).toBe('yes');
    expect(wf.getEvents()).toEqual([]);
  });

  it('a timer on the injected clock interrupts the work; done in time, nothing fires', () => {
    let now = Date.parse('2026-03-01T09:00:00Z');
    const wf = loadWorkflow(FILE, 'timer_interrupting', { clock: () => now });
    wf.doEngineSteps();
    expect(ready(wf)).toEqual(['ti_work']);
    expect(waiting(wf)).toEqual(['ti_timeout_start']);
    now += 60_000;
    wf.refreshWaitingTasks();
    expect(stateOf(wf, 'ti_work')).toEqual([TaskState.READY]);
    now += 1;
    wf.refreshWaitingTasks();
    expect(stateOf(wf, 'ti_work')).toEqual([TaskState.CANCELLED]);
    wf.doEngineSteps();
    expect(wf.isCompleted()).toBe(true);
    expect(wf.data['expired']).toBe(true);

    const early = loadWorkflow(FILE, 'timer_interrupting', { clock: () => now });
    early.doEngineSteps();
    complete(early, 'ti_work');
    expect(early.isCompleted()).toBe(true);
    expect(early.waitingTasks()).toEqual([]);
    expect(stateOf(early, 'ti_on_timeout')).toEqual([TaskState.CANCELLED]);
    now += 3_600_000;
    early.refreshWaitingTasks();
    expect(early.data['expired']).toBeUndefined();
  });

  it('inside an embedded sub-process, a message ends that sub-process and the process goes on', () => {
    const wf = loadWorkflow(FILE, 'nested', { data: { fail: false } });
    wf.doEngineSteps();
    expect(ready(wf)).toEqual(['n_inner_work']);
    wf.sendEvent(message('stop'));
    expect(stateOf(wf, 'n_inner_work')).toEqual([TaskState.CANCELLED]);
    wf.doEngineSteps();
    expect(ready(wf)).toEqual(['n_after']);
    expect(stateOf(wf, 'n_inner')).toEqual([TaskState.COMPLETED]);
    complete(wf, 'n_after');
    expect(wf.isCompleted()).toBe(true);
    expect(wf.data['stopped']).toBe(true);
  });

  it('inside an embedded sub-process, an error is handled there and the process goes on', () => {
    const wf = loadWorkflow(FILE, 'nested', { data: { fail: true } });
    wf.doEngineSteps();
    expect(ready(wf)).toEqual(['n_after']);
    expect(stateOf(wf, 'n_inner')).toEqual([TaskState.COMPLETED]);
    complete(wf, 'n_after');
    expect(wf.isCompleted()).toBe(true);
    expect(wf.data['recovered']).toBe(true);
    expect(wf.data['stopped']).toBeUndefined();
  });

  it('in a called process, a message ends the called process and the caller goes on', () => {
    const wf = loadWorkflow(FILE, 'caller');
    wf.doEngineSteps();
    expect(ready(wf)).toEqual(['mi_prepare']);
    wf.sendEvent(message('cancel_order', { reason: 'called' }));
    wf.doEngineSteps();
    expect(stateOf(wf, 'mi_prepare')).toEqual([TaskState.CANCELLED]);
    expect(stateOf(wf, 'c_call')).toEqual([TaskState.COMPLETED]);
    expect(ready(wf)).toEqual(['c_after']);
    complete(wf, 'c_after');
    expect(wf.isCompleted()).toBe(true);
    expect(wf.data['cancelled']).toBe('called');
  });

  it('a timer inside an embedded sub-process is armed while the sub-process runs', () => {
    let now = Date.parse('2026-03-01T09:00:00Z');
    const wf = loadWorkflow(FILE, 'nested_timer', { clock: () => now });
    wf.doEngineSteps();
    expect(waiting(wf)).toEqual(['nt_timeout_start']);
    now += 5 * 60_000 + 1;
    wf.refreshWaitingTasks();
    wf.doEngineSteps();
    expect(stateOf(wf, 'nt_inner_work')).toEqual([TaskState.CANCELLED]);
    expect(ready(wf)).toEqual(['nt_after']);
    complete(wf, 'nt_after');
    expect(wf.isCompleted()).toBe(true);
    expect(wf.data['expired']).toBe(true);
  });

  it('survives a save and restore while waiting, and while handling', () => {
    let now = Date.parse('2026-03-01T09:00:00Z');
    const options = { clock: () => now };
    let wf = loadWorkflow(FILE, 'nested_timer', options);
    wf.doEngineSteps();
    wf = saveRestore(wf, options);
    expect(waiting(wf)).toEqual(['nt_timeout_start']);
    now += 5 * 60_000 + 1;
    wf.refreshWaitingTasks();
    expect(stateOf(wf, 'nt_inner_work')).toEqual([TaskState.CANCELLED]);
    wf = saveRestore(wf, options);
    wf.doEngineSteps();
    expect(ready(wf)).toEqual(['nt_after']);

    let msg = loadWorkflow(FILE, 'message_interrupting');
    msg.doEngineSteps();
    msg = saveRestore(msg);
    msg.sendEvent(message('cancel_order', { reason: 'restored' }));
    msg = saveRestore(msg);
    expect(() => msg.sendEvent(message('cancel_order', { reason: 'again' }))).toThrow(
      /not waiting/,
    );
    msg.doEngineSteps();
    expect(msg.isCompleted()).toBe(true);
    expect(msg.data['cancelled']).toBe('restored');
  });
});

describe('conditional event sub-processes', () => {
  it('fire when a task of their process completes with data meeting the condition', () => {
    const run = (level: number) => {
      const wf = loadWorkflow(FILE, 'conditional_interrupting', { data: { level: 0 } });
      wf.doEngineSteps();
      expect(waiting(wf)).toEqual(['ci_high_start']);
      wf.getTasks({ state: TaskState.READY })
        .find((t) => t.taskSpec.name === 'ci_enter')
        ?.setData({ level });
      complete(wf, 'ci_enter');
      return wf;
    };
    const low = run(1);
    expect(ready(low)).toEqual(['ci_review']);
    complete(low, 'ci_review');
    expect(low.isCompleted()).toBe(true);
    expect(low.data['escalated']).toBeUndefined();

    const high = run(5);
    expect(stateOf(high, 'ci_review')).not.toContain(TaskState.READY);
    expect(high.isCompleted()).toBe(true);
    expect(high.data['escalated']).toBe(5);
  });
});

describe('interrupting event sub-processes and the thrower', () => {
  it('an escalation thrown in an embedded sub-process completes, then the sub-process is cancelled', () => {
    const wf = loadWorkflow(FILE, 'escalation_interrupting');
    wf.doEngineSteps();
    expect(stateOf(wf, 'ex_raise')).toEqual([TaskState.COMPLETED]);
    expect(stateOf(wf, 'ex_inner')).toEqual([TaskState.CANCELLED]);
    expect(stateOf(wf, 'ex_after')).toEqual([]);
    expect(wf.isCompleted()).toBe(true);
    expect(wf.data['notified']).toBe(true);
  });

  it('refuses an error start event that does not interrupt, naming it', () => {
    const build = () => parserFor(FILE).getSpec('error_non_interrupting');
    expect(build).toThrow(ValidationError);
    expect(build).toThrow(/must be interrupting/);
    expect(build).toThrow(
      expect.objectContaining({
        location: expect.objectContaining({ elementId: 'en_error_start' }),
      }),
    );
  });
});

describe('event sub-processes in SpiffWorkflow JSON', () => {
  it('keep waiting, interrupting or not, through the format', () => {
    let now = Date.parse('2026-03-01T09:00:00Z');
    let timer = loadWorkflow(FILE, 'nested_timer', { clock: () => now });
    timer.doEngineSteps();
    timer = spiffRoundTrip(timer, () => now);
    expect(waiting(timer)).toEqual(['nt_timeout_start']);
    now += 5 * 60_000 + 1;
    timer.refreshWaitingTasks();
    timer.doEngineSteps();
    expect(stateOf(timer, 'nt_inner_work')).toEqual([TaskState.CANCELLED]);
    expect(ready(timer)).toEqual(['nt_after']);

    let notes = loadWorkflow(FILE, 'message_non_interrupting');
    notes.doEngineSteps();
    notes = spiffRoundTrip(notes);
    notes.sendEvent(message('note'));
    notes.doEngineSteps();
    // Still non-interrupting after the round trip: the user task keeps running.
    expect(ready(notes)).toEqual(['mn_read_note', 'mn_work']);
  });
});

describe('non-interrupting event sub-processes', () => {
  it('run next to the process, once per message, and the process waits for them', () => {
    const wf = loadWorkflow(FILE, 'message_non_interrupting');
    wf.doEngineSteps();
    wf.sendEvent(message('note'));
    wf.sendEvent(message('note'));
    wf.doEngineSteps();
    expect(ready(wf)).toEqual(['mn_read_note', 'mn_read_note', 'mn_work']);
    complete(wf, 'mn_work');
    expect(wf.isCompleted()).toBe(false);
    complete(wf, 'mn_read_note');
    const restored = saveRestore(wf);
    expect(ready(restored)).toEqual(['mn_read_note']);
    complete(restored, 'mn_read_note');
    expect(restored.isCompleted()).toBe(true);
  });

  it('an escalation from an embedded sub-process starts the handler; the work goes on', () => {
    const wf = loadWorkflow(FILE, 'escalation_from_inner');
    wf.doEngineSteps();
    expect(ready(wf)).toEqual(['es_inner_work']);
    expect(wf.data['notified']).toBeUndefined();
    expect(stateOf(wf, 'es_notify')).toEqual([TaskState.COMPLETED]);
    complete(wf, 'es_inner_work');
    expect(wf.isCompleted()).toBe(true);
    expect(wf.data['notified']).toBe(true);
  });
});
