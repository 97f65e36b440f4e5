import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BpmnParser, BpmnWorkflow, BpmnWorkflowSerializer, TaskState } from '@spiff-ts/bpmn';
import type { WorkflowSpec } from '@spiff-ts/core';
import { medianOf, timed } from './measure.js';
import { loopModel, shippedModel, waitModel } from './models.js';
import type { Figures, Workload } from './workload.js';

interface Parsed {
  readonly spec: WorkflowSpec;
  readonly subprocesses: ReadonlyMap<string, WorkflowSpec>;
}

/** Parses one model; its process id is `process`. The one place the bench builds a parser. */
function parse(process: string, text: string): Parsed {
  const parser = new BpmnParser();
  parser.addBpmnXml(text, `${process}.bpmn`);
  return { spec: parser.getSpec(process), subprocesses: parser.getSubprocessSpecs(process) };
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`Benchmark result is wrong: ${message}`);
}

function runToEnd(model: Parsed, data: Record<string, unknown> = {}): BpmnWorkflow {
  const workflow = new BpmnWorkflow(model.spec, model.subprocesses, { data });
  workflow.doEngineSteps();
  return workflow;
}

function once(body: () => void, fields?: Readonly<Record<string, number>>) {
  return { calls: 1, body, ...(fields ? { fields } : {}) };
}

export const parseSeq100 = timed('parse_seq100', true, () => {
  const text = shippedModel('seq100');
  check(parse('seq100', text).spec.taskSpecs.size > 100, 'seq100 should have 100+ task specs');
  return once(() => {
    parse('seq100', text);
  });
});

export const seq100 = timed('seq100', true, () => {
  const model = parse('seq100', shippedModel('seq100'));
  const probe = runToEnd(model, { counter: 0 });
  check(probe.isCompleted(), 'seq100 should complete');
  check(
    probe.data['counter'] === 100,
    `counter should be 100, is ${String(probe.data['counter'])}`,
  );
  return once(
    () => {
      runToEnd(model, { counter: 0 });
    },
    { tasks: 100 },
  );
});

export const par50 = timed('par50', true, () => {
  const model = parse('par50', shippedModel('par50'));
  const probe = runToEnd(model);
  check(probe.isCompleted(), 'par50 should complete');
  const branches = Object.keys(probe.data).filter((key) => /^b\d+$/.test(key));
  check(branches.length === 50, `50 branch variables expected, found ${String(branches.length)}`);
  check(
    branches.every((key) => probe.data[key] === Number(key.slice(1))),
    'each branch variable bNN should hold NN',
  );
  return once(
    () => {
      runToEnd(model);
    },
    { branches: 50 },
  );
});

function loopWorkload(iterations: number, runs: number): Workload {
  const process = `loop${String(iterations)}`;
  return timed(process, true, () => {
    const model = parse(process, loopModel(iterations));
    const probe = runToEnd(model, { i: 0 });
    check(probe.isCompleted(), `${process} should complete`);
    check(
      probe.data['i'] === iterations,
      `i should be ${String(iterations)}, is ${String(probe.data['i'])}`,
    );
    return {
      ...once(
        () => {
          runToEnd(model, { i: 0 });
        },
        { iterations },
      ),
      runs,
    };
  });
}

export const loop300 = loopWorkload(300, 20);
export const loop1000 = loopWorkload(1000, 20);
export const loop10000 = loopWorkload(10_000, 9);

export const many5 = timed('many5', true, ({ quick }) => {
  const model = parse('seq5', shippedModel('seq5'));
  const probe = runToEnd(model, { counter: 0 });
  check(probe.isCompleted() && probe.data['counter'] === 5, 'seq5 should count to 5');
  const instances = quick ? 100 : 1000;
  return {
    calls: instances,
    body: () => {
      for (let i = 0; i < instances; i += 1) runToEnd(model, { counter: 0 });
    },
    fields: { instances },
    rate: 'instances_per_s',
  };
});

function readyUserTasks(workflow: BpmnWorkflow) {
  return workflow.getTasks({ state: TaskState.READY, manual: true });
}

/**
 * A `waitN` model paused at its user task, serialized to JSON text and back `runs` times: the
 * median of each direction and the JSON size. Before timing, a restored copy must still wait at
 * the user task and, once approved, complete with `counter == N`.
 */
export function serde(name: string, scripts: number, text: () => string, fullRuns: number) {
  return {
    name,
    needsModels: name === 'serde100',
    measure({ quick }: { readonly quick: boolean }): Figures {
      const runs = quick ? Math.min(10, fullRuns) : fullRuns;
      const model = parse(`wait${String(scripts)}`, text());
      const serializer = new BpmnWorkflowSerializer();
      const workflow = runToEnd(model, { counter: 0 });
      const waiting = readyUserTasks(workflow);
      check(waiting.length === 1, `wait${String(scripts)} should wait at one user task`);
      check(
        waiting[0]?.data['counter'] === scripts,
        `counter should be ${String(scripts)} at the user task`,
      );
      const completed = workflow.getTasks({ state: TaskState.COMPLETED }).length;
      check(completed >= scripts, `${String(scripts)}+ tasks should be completed`);
      const json = serializer.serializeJson(workflow);
      const restored = serializer.deserializeJson(json);
      check(
        restored.getTasks({ state: TaskState.COMPLETED }).length === completed,
        'the restored copy should have as many completed tasks',
      );
      const approve = readyUserTasks(restored)[0];
      check(approve !== undefined, 'the restored copy should wait at the user task');
      approve?.run();
      restored.doEngineSteps();
      check(restored.isCompleted(), 'the restored copy should complete');
      check(
        restored.data['counter'] === scripts,
        `the restored copy should end with counter == ${String(scripts)}, not ${String(restored.data['counter'])}`,
      );
      const ser: number[] = [];
      const deser: number[] = [];
      const warmup = quick ? 1 : 5;
      for (let i = 0; i < runs + warmup; i += 1) {
        const t0 = performance.now();
        const text = serializer.serializeJson(workflow);
        const t1 = performance.now();
        serializer.deserializeJson(text);
        const t2 = performance.now();
        if (i >= warmup) {
          ser.push(t1 - t0);
          deser.push(t2 - t1);
        }
      }
      return {
        runs,
        ser_median_ms: medianOf(ser),
        deser_median_ms: medianOf(deser),
        json_bytes: Buffer.byteLength(json),
        ...(scripts === 100 ? {} : { completed_tasks: completed }),
      };
    },
  } satisfies Workload;
}

export const serde100 = serde('serde100', 100, () => shippedModel('wait100'), 100);
/** Serialization of a workflow paused after 1,000 completed script tasks (generated model). */
export const serde1000 = serde('serde1000', 1000, () => waitModel(1000), 20);

/**
 * Heap growth per waiting `userwait` instance, in KB; run it in a fresh process started with
 * `--expose-gc` (see {@link mem10k}).
 */
export function heapPerWaitingInstance(instances: number): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('mem10k needs node --expose-gc');
  const model = parse('userwait', shippedModel('userwait'));
  const probe = runToEnd(model);
  check(readyUserTasks(probe).length === 1, 'userwait should wait at its user task');
  gc();
  const before = process.memoryUsage().heapUsed;
  const held: BpmnWorkflow[] = [];
  for (let i = 0; i < instances; i += 1) held.push(runToEnd(model));
  gc();
  const after = process.memoryUsage().heapUsed;
  check(
    held.every((w) => !w.isCompleted()),
    'every instance should still be waiting',
  );
  return (after - before) / instances / 1024;
}

/** `mem10k` runs in a fresh process, so the heap it measures holds nothing else. */
export const mem10k: Workload = {
  name: 'mem10k',
  needsModels: true,
  measure({ quick }) {
    const instances = quick ? 1000 : 10_000;
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', fileURLToPath(new URL('./mem-child.js', import.meta.url)), String(instances)],
      { encoding: 'utf8' },
    );
    if (child.status !== 0) throw new Error(`mem10k failed: ${child.stderr}`);
    return { instances, heap_per_instance_kb: Number(child.stdout.trim()) };
  },
};

export const bpmnWorkloads: readonly Workload[] = [
  parseSeq100,
  seq100,
  par50,
  loop300,
  loop1000,
  loop10000,
  many5,
  serde100,
  serde1000,
  mem10k,
];
