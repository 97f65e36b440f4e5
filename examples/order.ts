// The order example driven through the engine API directly: what `spiff run` does with the
// answers file, written out by hand (the README's Usage section shows this code).
// packages/cli/test/example.test.ts runs it.
import { readFileSync } from 'node:fs';
import { BpmnParser, BpmnWorkflow, TaskState } from '@spiff-ts/bpmn';

export function runOrder(file: string): BpmnWorkflow {
  const parser = new BpmnParser(); // plain BPMN; ValidationError names file, element and line
  parser.addBpmnXml(readFileSync(file, 'utf8'), file);

  let now = Date.parse('2026-03-02T09:00:00Z'); // the engine clock: timers only ever read it
  const workflow = new BpmnWorkflow(parser.getSpec('order'), parser.getSubprocessSpecs('order'), {
    clock: () => now,
  });
  const forms: Record<string, Record<string, unknown>> = {
    enter_order: {
      customer: 'Acme Tools',
      lines: [{ sku: 'DRILL-18V', quantity: 3, unit_price: 349.5 }],
    },
    manager_approval: { approved: true, approved_by: 'Dana' },
  };

  workflow.doEngineSteps(); // runs scripts and gateways up to the first user task
  for (;;) {
    const task = workflow.getNextTask({ state: TaskState.READY, manual: true });
    if (task === undefined) break;
    task.setData(forms[task.taskSpec.name] ?? {}); // the user's form data
    task.run();
    workflow.doEngineSteps();
  }

  now += (2 * 60 + 1) * 60_000; // 2 h 1 min later: timers fire strictly after their due time
  workflow.refreshWaitingTasks();
  workflow.doEngineSteps();

  workflow.sendEvent({
    definition: { typename: 'MessageEventDefinition', name: 'payment_received' },
    payload: { payment: { amount: 1048.5, reference: 'PAY-1' } },
  });
  workflow.doEngineSteps();
  return workflow;
}
