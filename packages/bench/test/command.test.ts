import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  bpmnWorkloads,
  dmn50Feel,
  dmn50Python,
  MODELS_DIR,
  pyCondition,
  pyScript,
} from '@spiff-ts/bench';

const ROOT = resolve(import.meta.dirname, '../../..');
const haveModels = existsSync(MODELS_DIR);
if (!haveModels) console.warn(`Benchmark models not found at ${MODELS_DIR}`);

/** Every workload, in the order the bench runs them; some need no shared model. */
const ALL = [...bpmnWorkloads, pyCondition, pyScript, dmn50Feel, dmn50Python];
const withoutModels = ALL.filter((w) => !w.needsModels).map((w) => w.name);

/**
 * Runs `npm run -s bench -- ...args` from the repository root, as a user would; with `built`,
 * the compiled entry point that command runs after its `tsc -b`, to save a build check.
 */
function bench(args: string[], built = false) {
  const env = { ...process.env };
  delete env['SPIFF_REFERENCE']; // a developer's reference checkout must not slow the test down
  const [command, prefix] = built
    ? [process.execPath, ['packages/bench/dist/main.js']]
    : ['npm', ['run', '-s', 'bench', '--']];
  const child = spawnSync(command, [...prefix, ...args], { cwd: ROOT, encoding: 'utf8', env });
  const workloads = child.stdout
    .split('\n')
    .filter((line) => line.startsWith('RESULT engine=spiff-ts '))
    .map((line) => /workload=(\S+)/.exec(line)?.[1]);
  return { ...child, workloads };
}

// The first test runs the real command, whose `tsc -b` leaves dist/ current for the others.
describe('npm run bench', () => {
  it('--quick runs every workload and prints a RESULT line for each', { timeout: 300_000 }, () => {
    const run = bench(['--quick']);
    if (haveModels) {
      expect(run.stderr).not.toMatch(/FAILED|not found/);
      expect(run.status).toBe(0);
      expect(run.workloads).toEqual(ALL.map((w) => w.name));
    } else {
      // Without ../shared the workloads reading its models are skipped, loudly, and the run says
      // it is incomplete.
      expect(run.stderr).toContain(`Benchmark models not found at ${MODELS_DIR}`);
      expect(run.status).toBe(2);
      expect(run.workloads).toEqual(withoutModels);
    }
    expect(run.stdout).toMatch(/^Total wall time: \d+\.\d s/m);
    expect(run.stdout).toContain('comparing with SpiffWorkflow 3.1.2');
  });

  it('--only picks workloads', { timeout: 120_000 }, () => {
    const run = bench(['--quick', '--only', 'py_condition,dmn50_python'], true);
    expect(run.status).toBe(0);
    expect(run.workloads).toEqual(['py_condition', 'dmn50_python']);
  });

  it(
    'refuses an unknown workload or a folder that is not a SpiffWorkflow checkout',
    { timeout: 120_000 },
    () => {
      const unknown = bench(['--only', 'seq1000000'], true);
      expect(unknown.status).toBe(2);
      expect(unknown.stderr).toContain('Unknown workload(s): seq1000000');
      const notCheckout = bench(['--quick', '--reference', ROOT], true);
      expect(notCheckout.status).toBe(2);
      expect(notCheckout.stderr).toContain('not a SpiffWorkflow checkout');
      expect(notCheckout.workloads).toEqual([]);
    },
  );
});
