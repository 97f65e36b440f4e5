import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import {
  bpmnWorkloads,
  dmn50Feel,
  dmn50Python,
  MODELS_DIR,
  pyCondition,
  pyScript,
  resultLine,
  serde100,
  time,
} from '@spiff-ts/bench';

const haveModels = existsSync(MODELS_DIR);
if (!haveModels)
  console.warn(`Benchmark models not found at ${MODELS_DIR}: BPMN workloads untested`);

describe('benchmark workloads', () => {
  it.each([pyCondition, pyScript, dmn50Feel, dmn50Python])(
    '$name validates its result and runs',
    (workload) => {
      const prepared = workload.run({ quick: true });
      expect(prepared.calls).toBeGreaterThan(0);
      const timing = time(prepared.body, { runs: 1, warmup: 0, setup: prepared.setup });
      expect(timing.runs).toBe(1);
      expect(timing.medianMs).toBeGreaterThanOrEqual(0);
    },
  );

  if (haveModels) {
    it.each(bpmnWorkloads.filter((w) => w.name !== 'loop10000'))(
      '$name validates its result and runs',
      (workload) => {
        const prepared = workload.run({ quick: true });
        prepared.body();
        expect(prepared.calls).toBeGreaterThan(0);
      },
    );

    it('serde100 restores a workflow that still completes', () => {
      const result = serde100(2);
      expect(result.jsonBytes).toBeGreaterThan(1000);
    });
  } else {
    it('says where the missing benchmark models were expected', () => {
      expect(MODELS_DIR).toMatch(/shared[\\/]bench[\\/]models$/);
    });
  }

  it('prints results in the reference format', () => {
    expect(resultLine('0.1.0', 'seq100', { runs: 20, median_ms: 1.912345, tasks: 100 })).toBe(
      'RESULT engine=spiff-ts version=0.1.0 workload=seq100 runs=20 median_ms=1.912 tasks=100',
    );
  });
});
