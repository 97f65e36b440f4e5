import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ValidationError, WorkflowTaskError } from '@spiff-ts/bpmn';
import { loadBpmnSchema } from '@spiff-ts/bpmn/node';
import { validateBpmn } from '@spiff-ts/bpmn/xsd';
import {
  AnswersError,
  formatError,
  loadAnswersFile,
  parseAnswers,
  runBpmn,
  runBpmnFiles,
  type Answers,
} from '@spiff-ts/cli';

const examples = (name: string) =>
  fileURLToPath(new URL(`../../../examples/${name}`, import.meta.url));
const model = examples('order.bpmn');
const modelText = readFileSync(model, 'utf8');
const demoAnswers = (): Answers => loadAnswersFile(examples('order.answers.json'));
const source = (text = modelText) => [{ text, file: 'order.bpmn' }];

/** The demo answers with some keys replaced. */
function answersWith(changes: Record<string, unknown>): Answers {
  const doc = JSON.parse(readFileSync(examples('order.answers.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  return parseAnswers({ ...doc, ...changes }, 'test-answers.json');
}

const smallOrder = {
  customer: 'Corner Shop',
  lines: [{ sku: 'BIT-SET', quantity: 2, unit_price: 24.75 }],
};

describe('the demo: examples/order.bpmn with examples/order.answers.json', () => {
  it('is valid BPMN 2.0 (schema) with a diagram', () => {
    expect(() => validateBpmn(modelText, 'order.bpmn', loadBpmnSchema())).not.toThrow();
    expect(modelText).toContain('<bpmndi:BPMNDiagram');
  });

  it('runs to the end through the manager approval, the timer and the message', () => {
    const result = runBpmnFiles([model], { process: 'order', answers: demoAnswers() });
    expect(result.completed).toBe(true);
    expect(result.path).toEqual([
      'order_placed',
      'enter_order',
      'compute_total',
      'check_total',
      'manager_approval',
      'approval_done',
      'check_approved',
      'wait_for_warehouse',
      'wait_for_payment',
      'ship_order',
      'order_shipped',
    ]);
    expect(result.data).toEqual({
      customer: 'Acme Tools',
      lines: [
        { sku: 'DRILL-18V', quantity: 3, unit_price: 349.5 },
        { sku: 'BIT-SET', quantity: 4, unit_price: 24.75 },
      ],
      total: 1147.5,
      item_count: 7,
      approved: true,
      approved_by: 'Dana (sales manager)',
      payment: { amount: 1147.5, reference: 'PAY-2026-0042' },
      paid_in_full: true,
      status: 'shipped',
      // The injected clock: three steps of PT1H, as the 2-hour timer fires strictly after 11:00.
      shipped_at: '2026-03-02T12:00:00',
    });
    expect(result.clock).toBe(Date.parse('2026-03-02T12:00:00Z'));
    expect(result.log).toEqual([
      "started process 'order' at 2026-03-02T09:00:00+00:00",
      "answered user task 'enter_order' (Enter order): customer, lines",
      "answered user task 'manager_approval' (Approve order): approved, approved_by",
      "advanced the clock to 2026-03-02T12:00:00+00:00 in 3 × PT1H: fired 'wait_for_warehouse' (Wait 2 hours for the warehouse), due 2026-03-02T11:00:00+00:00",
      "delivered message 'payment_received' at 2026-03-02T12:00:00+00:00",
      'completed at 2026-03-02T12:00:00+00:00',
    ]);
  });

  it('prints a tree without the internal Start, EndJoin and End tasks, indented by depth', () => {
    const { tree } = runBpmnFiles([model], { answers: demoAnswers() });
    expect(tree.slice(0, 3)).toEqual([
      {
        depth: 0,
        id: 'order_placed',
        name: 'Order placed',
        typename: 'StartEvent',
        state: 'COMPLETED',
      },
      {
        depth: 1,
        id: 'enter_order',
        name: 'Enter order',
        typename: 'UserTask',
        state: 'COMPLETED',
      },
      {
        depth: 2,
        id: 'compute_total',
        name: 'Compute total',
        typename: 'ScriptTask',
        state: 'COMPLETED',
      },
    ]);
    expect(tree.map((t) => t.id)).not.toContain('Start');
    expect(tree.map((t) => t.id)).not.toContain('End');
  });

  it('approves a small order automatically and jumps the clock just past the due timer', () => {
    const result = runBpmn(source(), {
      answers: parseAnswers(
        {
          startTime: '2026-03-02T09:00:00Z',
          tasks: { enter_order: smallOrder, manager_approval: { approved: true } },
          messages: [{ name: 'payment_received', payload: { payment: { amount: 10 } } }],
        },
        'small.json',
      ),
    });
    expect(result.completed).toBe(true);
    expect(result.path).toContain('auto_approve');
    expect(result.path).not.toContain('manager_approval');
    expect(result.log).toContain("1 answer(s) for 'manager_approval' were not used");
    expect(result.data).toMatchObject({
      total: 49.5,
      approved: true,
      approved_by: 'system',
      paid_in_full: false,
      status: 'shipped, balance due',
      shipped_at: '2026-03-02T11:00:01',
    });
  });

  it('ends at the rejection when the manager says no, before any timer', () => {
    const answers = answersWith({
      tasks: {
        enter_order: demoAnswers().tasks['enter_order']?.[0],
        manager_approval: { approved: false, approved_by: 'Dana' },
      },
    });
    const result = runBpmn(source(), { answers });
    expect(result.completed).toBe(true);
    expect(result.path.slice(-2)).toEqual(['check_approved', 'order_rejected']);
    expect(result.clock).toBe(Date.parse('2026-03-02T09:00:00Z'));
    expect(result.log.slice(-2)).toEqual([
      'completed at 2026-03-02T09:00:00+00:00',
      "message 'payment_received' was never waited for",
    ]);
  });

  it('takes data and the start time from the options over the answers', () => {
    const result = runBpmn(source(), {
      answers: demoAnswers(),
      data: { channel: 'phone' },
      startTime: '2026-06-01T08:00:00Z',
    });
    expect(result.data).toMatchObject({ channel: 'phone', shipped_at: '2026-06-01T11:00:00' });
  });

  it('stops, not completed, when the message never comes', () => {
    const result = runBpmn(source(), { answers: answersWith({ messages: [] }) });
    expect(result.completed).toBe(false);
    expect(result.log.at(-1)).toBe(
      "stopped: waiting for 'wait_for_payment' (Payment received) (message 'payment_received'), which the answers do not provide",
    );
    expect(result.tree.find((t) => t.id === 'wait_for_payment')?.state).toBe('WAITING');
  });
});

describe('answers errors', () => {
  it('names the task that has no answer, and the answers file', () => {
    const answers = answersWith({
      tasks: { enter_order: demoAnswers().tasks['enter_order']?.[0] },
    });
    expect(() => runBpmn(source(), { answers })).toThrow(
      new AnswersError(
        'test-answers.json has no answer for the user task \'manager_approval\' (Approve order): add "tasks": { "manager_approval": { ... } }',
      ),
    );
  });

  it('asks for an answers file when a user task is ready and there is none', () => {
    expect(() => runBpmn(source())).toThrow(/'enter_order'.*--answers/);
  });

  it('says when a task is ready more often than it has answers', () => {
    const loop = modelText
      .replace('targetRef="order_rejected"', 'targetRef="manager_approval"')
      .replace(
        '<bpmn:incoming>large_order</bpmn:incoming>',
        '$&<bpmn:incoming>rejected</bpmn:incoming>',
      )
      .replace('<bpmn:incoming>rejected</bpmn:incoming>\n    </bpmn:endEvent>', '</bpmn:endEvent>');
    const answers = answersWith({
      tasks: {
        enter_order: demoAnswers().tasks['enter_order']?.[0],
        manager_approval: [{ approved: false }, { approved: true }],
      },
    });
    expect(runBpmn(source(loop), { answers }).completed).toBe(true);
    const once = answersWith({
      tasks: {
        enter_order: demoAnswers().tasks['enter_order']?.[0],
        manager_approval: [{ approved: false }],
      },
    });
    expect(() => runBpmn(source(loop), { answers: once })).toThrow(
      /has 1 answer\(s\) for the user task 'manager_approval'.*ready again/,
    );
  });

  it('refuses answers for tasks the process does not have', () => {
    const answers = answersWith({ tasks: { enter_ordr: {} } });
    expect(() => runBpmn(source(), { answers })).toThrow(
      "test-answers.json: 'tasks.enter_ordr' names no task of process 'order'",
    );
  });

  it.each([
    [[], 'expected a JSON object'],
    [{ task: {} }, "unknown key 'task'"],
    [{ tasks: { a: 1 } }, "'tasks.a' must be an object or a list of objects"],
    [{ messages: {} }, "'messages' must be a list"],
    [{ messages: [{ payload: 1 }] }, "'messages[0]' must be an object with a string 'name'"],
    [{ startTime: 'soon' }, "'startTime' must be an ISO 8601 date and time"],
    [{ advanceClock: 'P1M' }, "'advanceClock' must be a positive ISO 8601 duration"],
  ])('rejects %j: %s', (doc, message) => {
    expect(() => parseAnswers(doc, 'a.json')).toThrow(`a.json: ${message}`);
  });

  it('names the answers file when it is missing or not JSON', () => {
    expect(() => loadAnswersFile('no/such/answers.json')).toThrow(
      "Cannot read 'no/such/answers.json': no such file",
    );
    expect(() => loadAnswersFile(model)).toThrow(/order\.bpmn: not valid JSON/);
  });
});

describe('model errors', () => {
  it('names the process ids when the process is unknown', () => {
    const error = new ValidationError("No process 'shipping' (the processes are: order)", {
      file: 'order.bpmn',
    });
    expect(() => runBpmn(source(), { process: 'shipping' })).toThrow(error);
    expect(formatError(error)).toBe(
      "ValidationError: order.bpmn: No process 'shipping' (the processes are: order)",
    );
  });

  it('picks the only executable process when none is given', () => {
    expect(runBpmn(source(), { answers: demoAnswers() }).process).toBe('order');
  });

  it('gives file, line and element of a malformed model in one line', () => {
    const broken = modelText.replace('targetRef="ship_order"', 'targetRef="ship"');
    let error: unknown;
    try {
      runBpmn(source(broken), { answers: demoAnswers() });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(formatError(error as ValidationError)).toMatch(
      /^ValidationError: order\.bpmn:\d+: .*'ship'.* \(element 'to_ship_order'\)$/,
    );
  });

  it('reports XML that is not well formed with the file', () => {
    expect(() => runBpmn(source(modelText.slice(0, 2000)))).toThrow(ValidationError);
    expect(() => runBpmn(source('<definitions/>'))).toThrow(/definitions/);
  });

  it('names a missing model file', () => {
    expect(() => runBpmnFiles(['no/such/model.bpmn'])).toThrow(
      "Cannot read 'no/such/model.bpmn': no such file",
    );
  });
});

describe('script errors', () => {
  it('names the task whose script failed', () => {
    const answers = answersWith({ tasks: { enter_order: { customer: 'Acme' } } });
    let error: unknown;
    try {
      runBpmn(source(), { answers });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WorkflowTaskError);
    expect(formatError(error as WorkflowTaskError)).toMatch(
      /^WorkflowTaskError: .*NameError: name 'lines' is not defined.* \(task 'compute_total'\)$/,
    );
  });
});

describe('runBpmn with a flavour', () => {
  const scripted = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:scriptTask id="s">
      <bpmn:extensionElements><spiffworkflow:preScript>a = 2</spiffworkflow:preScript></bpmn:extensionElements>
      <bpmn:script>b = 3</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="s" />
    <bpmn:sequenceFlow id="f2" sourceRef="s" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;
  const sources = [{ text: scripted, file: 'scripted.bpmn' }];

  it('runs spiffworkflow: pre-scripts only with --flavour spiff', () => {
    expect(runBpmn(sources, { flavour: 'spiff' }).data).toEqual({ a: 2, b: 3 });
    expect(runBpmn(sources).data).toEqual({ b: 3 });
  });
});
