import { describe, expect, it } from 'vitest';
import { pyCondition, pyScript, resultLine, time } from '@spiff-ts/bench';

describe('benchmark workloads', () => {
  it.each([pyCondition, pyScript])('$name validates its result and runs', (workload) => {
    const prepared = workload.run({ quick: true });
    expect(prepared.calls).toBeGreaterThan(0);
    const timing = time(prepared.body, { runs: 1, warmup: 0, setup: prepared.setup });
    expect(timing.runs).toBe(1);
    expect(timing.medianMs).toBeGreaterThanOrEqual(0);
  });

  it('prints results in the reference format', () => {
    expect(resultLine('0.1.0', 'seq100', { runs: 20, median_ms: 1.912345, tasks: 100 })).toBe(
      'RESULT engine=spiff-ts version=0.1.0 workload=seq100 runs=20 median_ms=1.912 tasks=100',
    );
  });
});
