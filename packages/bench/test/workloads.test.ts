import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { BpmnParser, BpmnWorkflow, BpmnWorkflowSerializer, TaskState } from '@spiff-ts/bpmn';
import {
  comparisonTable,
  DRIVER,
  parseResultLine,
  pyCondition,
  resultLine,
  time,
  waitModel,
} from '@spiff-ts/bench';

describe('benchmark helpers', () => {
  it('prints results in the reference format and reads them back', () => {
    const line = resultLine('0.1.0', 'seq100', { runs: 20, median_ms: 1.912345, tasks: 100 });
    expect(line).toBe(
      'RESULT engine=spiff-ts version=0.1.0 workload=seq100 runs=20 median_ms=1.912 tasks=100',
    );
    expect(parseResultLine(line)).toEqual({
      engine: 'spiff-ts',
      version: '0.1.0',
      workload: 'seq100',
      figures: { runs: 20, median_ms: 1.912, tasks: 100 },
    });
    expect(parseResultLine('NOTE engine=spiffworkflow workload=loop1000 stalled')).toBeUndefined();
  });

  it('times a body after warm-up, running setup before every call', () => {
    let setups = 0;
    let calls = 0;
    const timing = time(
      () => {
        calls += 1;
      },
      { runs: 5, warmup: 2, setup: () => (setups += 1) },
    );
    expect([timing.runs, calls, setups]).toEqual([5, 7, 7]);
    expect(timing.minMs).toBeLessThanOrEqual(timing.medianMs);
    expect(timing.medianMs).toBeLessThanOrEqual(timing.maxMs);
  });

  it('a timed workload validates, then reports runs and a per-call figure', () => {
    const figures = pyCondition.measure({ quick: true });
    expect(figures['runs']).toBe(3);
    expect(figures['calls']).toBe(20_000);
    expect(figures['per_call_us']).toBeCloseTo(((figures['median_ms'] ?? 0) * 1000) / 20_000);
  });

  it('compares with the reference: ratio, target, and a note where it gave no figure', () => {
    const ours = new Map([
      ['seq100', { median_ms: 0.5 }],
      ['par50', { median_ms: 4 }],
      ['loop1000', { median_ms: 30 }],
      ['many5', { instances_per_s: 500 }],
      ['py_condition', { per_call_us: 4 }],
    ]);
    const text = comparisonTable(ours, {
      label: 'ref',
      figures: new Map([
        ['seq100', { median_ms: 20 }],
        ['par50', { median_ms: 20 }],
        ['many5', { instances_per_s: 1000 }],
        ['py_condition', { per_call_us: 8 }],
      ]),
      notes: new Map([['loop1000', 'stopped at i=333']]),
    });
    const row = (name: string) => text.split('\n').find((l) => l.startsWith(`${name} `)) ?? '';
    // 0.5 ms against 20 ms: 40 times faster, so the 25× target is met.
    expect(row('seq100')).toMatch(/0\.5 ms +\| 20 ms +\| 40× faster +\| ≤ ref \/ 25 +\| yes/);
    // 4 ms against 20 ms: faster, but only 5×, so the 25× target is missed.
    expect(row('par50')).toMatch(/4 ms +\| 20 ms +\| 5\.0× faster +\| ≤ ref \/ 25 +\| NO/);
    // 500/s against 1000/s: half the rate, and far from the absolute 40,000/s.
    expect(row('many5')).toMatch(/2\.0× slower +\| ≥ ref, ≥ 40000 \/s +\| NO/);
    // Twice as fast as the reference, but above the absolute bound of 3 µs.
    expect(row('py_condition')).toMatch(/2\.0× faster +\| ≤ ref, < 3 µs +\| NO/);
    expect(row('loop1000')).toContain('no figure [1]');
    expect(text).toContain('[1] loop1000: stopped at i=333');
  });

  it('ships the reference driver, which uses SpiffWorkflow only through imports', () => {
    expect(existsSync(DRIVER)).toBe(true);
    const source = readFileSync(DRIVER, 'utf8');
    expect(source).toContain('from SpiffWorkflow.bpmn import BpmnWorkflow');
    expect(source).not.toMatch(/^\s*(class|def) (BpmnWorkflow|BpmnParser|Task)\b/m);
  });
});

describe('the generated waitN model', () => {
  it('runs N script tasks, waits at Approve, and survives a serialization round trip', () => {
    const parser = new BpmnParser();
    parser.addBpmnXml(waitModel(30), 'wait30.bpmn');
    const workflow = new BpmnWorkflow(
      parser.getSpec('wait30'),
      parser.getSubprocessSpecs('wait30'),
      {
        data: { counter: 0 },
      },
    );
    workflow.doEngineSteps();
    const [approve] = workflow.getTasks({ state: TaskState.READY, manual: true });
    expect(approve?.taskSpec.name).toBe('Approve');
    expect(approve?.data['counter']).toBe(30);
    const serializer = new BpmnWorkflowSerializer();
    const restored = serializer.deserializeJson(serializer.serializeJson(workflow));
    restored.getTasks({ state: TaskState.READY, manual: true })[0]?.run();
    restored.doEngineSteps();
    expect(restored.isCompleted()).toBe(true);
    expect(restored.data['counter']).toBe(30);
  });
});
