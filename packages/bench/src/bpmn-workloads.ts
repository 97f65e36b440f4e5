import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BpmnParser, BpmnWorkflow, BpmnWorkflowSerializer, TaskState } from '@spiff-ts/bpmn';
import type { WorkflowSpec } from '@spiff-ts/core';
import type { PreparedWorkload, Workload } from './workload.js';

/** Where the benchmark models live: `../shared/bench/models`, beside the repository. */
export const MODELS_DIR = resolve(import.meta.dirname, '../../../../shared/bench/models');

/** Thrown when `../shared/bench` is absent, so the runner can say so instead of crashing. */
export class ModelsMissingError extends Error {
  override readonly name = 'ModelsMissingError';
}

function modelText(name: string): string {
  const file = resolve(MODELS_DIR, `${name}.bpmn`);
  if (!existsSync(file)) {
    throw new ModelsMissingError(
      `Benchmark model not found: ${file} (the BPMN workloads read ../shared/bench/models)`,
    );
  }
  return readFileSync(file, 'utf8');
}

interface Parsed {
  readonly spec: WorkflowSpec;
  readonly subprocesses: ReadonlyMap<string, WorkflowSpec>;
}

function parse(process: string, text = modelText(process)): Parsed {
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

/** The `loopN` model for any N: the shipped loop300 model with its bound rewritten. */
export function loopModel(iterations: number): string {
  return modelText('loop300')
    .replaceAll('loop300', `loop${String(iterations)}`)
    .replace('more = i &lt; 300', `more = i &lt; ${String(iterations)}`);
}

function once(body: () => void, extra: Partial<PreparedWorkload> = {}): PreparedWorkload {
  return { calls: 1, body, ...extra };
}

export const parseSeq100: Workload = {
  name: 'parse_seq100',
  run() {
    const text = modelText('seq100');
    check(parse('seq100', text).spec.taskSpecs.size > 100, 'seq100 should have 100+ task specs');
    return once(() => {
      parse('seq100', text);
    });
  },
};

export const seq100: Workload = {
  name: 'seq100',
  run() {
    const model = parse('seq100');
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
      { fields: { tasks: 100 } },
    );
  },
};

export const par50: Workload = {
  name: 'par50',
  run() {
    const model = parse('par50');
    const probe = runToEnd(model);
    check(probe.isCompleted(), 'par50 should complete');
    const branches = Object.keys(probe.data).filter((key) => /^b\d+$/.test(key));
    check(branches.length === 50, `50 branch variables expected, found ${String(branches.length)}`);
    return once(
      () => {
        runToEnd(model);
      },
      { fields: { branches: 50 } },
    );
  },
};

function loopWorkload(iterations: number): Workload {
  return {
    name: `loop${String(iterations)}`,
    run() {
      const process = `loop${String(iterations)}`;
      const model = parse(process, loopModel(iterations));
      const probe = runToEnd(model, { i: 0 });
      check(probe.isCompleted(), `${process} should complete`);
      check(probe.data['i'] === iterations, `i should be ${String(iterations)}`);
      return once(
        () => {
          runToEnd(model, { i: 0 });
        },
        { fields: { iterations } },
      );
    },
  };
}

export const loop300 = loopWorkload(300);
export const loop1000 = loopWorkload(1000);
export const loop10000 = loopWorkload(10_000);

export const many5: Workload = {
  name: 'many5',
  run({ quick }) {
    const model = parse('seq5');
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
  },
};

function waitingAtApprove(model: Parsed): BpmnWorkflow {
  const workflow = runToEnd(model, { counter: 0 });
  const ready = workflow.getTasks({ state: TaskState.READY, manual: true });
  check(ready.length === 1, 'wait100 should wait at one user task');
  return workflow;
}

/** Serializes wait100 paused at its user task and restores it (two figures). */
export function serde100(runs: number): {
  serMedianMs: number;
  deserMedianMs: number;
  jsonBytes: number;
} {
  const model = parse('wait100');
  const serializer = new BpmnWorkflowSerializer();
  const workflow = waitingAtApprove(model);
  const text = serializer.serializeJson(workflow);
  const restored = serializer.deserializeJson(text);
  const approve = restored.getTasks({ state: TaskState.READY, manual: true })[0];
  check(approve !== undefined, 'the restored copy should wait at the user task');
  approve?.run();
  restored.doEngineSteps();
  check(restored.isCompleted(), 'the restored copy should complete');
  check(restored.data['counter'] === 100, 'the restored copy should end with counter == 100');
  const ser: number[] = [];
  const deser: number[] = [];
  for (let i = 0; i < runs + 5; i += 1) {
    const t0 = performance.now();
    const json = serializer.serializeJson(workflow);
    const t1 = performance.now();
    serializer.deserializeJson(json);
    const t2 = performance.now();
    if (i >= 5) {
      ser.push(t1 - t0);
      deser.push(t2 - t1);
    }
  }
  const mid = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1] as number;
  return { serMedianMs: mid(ser), deserMedianMs: mid(deser), jsonBytes: Buffer.byteLength(text) };
}

/** Heap per waiting userwait instance; run it in a fresh process started with --expose-gc. */
export function mem10k(instances: number): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('mem10k needs node --expose-gc');
  const model = parse('userwait');
  const probe = runToEnd(model);
  check(probe.getTasks({ state: TaskState.READY, manual: true }).length === 1, 'userwait waits');
  gc();
  const before = process.memoryUsage().heapUsed;
  const held: BpmnWorkflow[] = [];
  for (let i = 0; i < instances; i += 1) held.push(runToEnd(model));
  gc();
  const after = process.memoryUsage().heapUsed;
  check(held.length === instances, 'every instance is held');
  return (after - before) / instances / 1024;
}

export const bpmnWorkloads: readonly Workload[] = [
  parseSeq100,
  seq100,
  par50,
  loop300,
  loop1000,
  loop10000,
  many5,
];
