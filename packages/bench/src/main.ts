#!/usr/bin/env node
/**
 * `npm run bench [-- --quick] [-- --only a,b]`: runs the benchmark workloads of
 * `shared/bench/README.md` plus the interpreter and decision-table micro-benchmarks, and prints one
 * `RESULT engine=spiff-ts ...` line per figure. Every workload checks its result before timing.
 * Benchmarks never run inside `npm test`, except a `--quick` smoke run proving the suite works.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ModelsMissingError, bpmnWorkloads, serde100 } from './bpmn-workloads.js';
import { dmn50Feel, dmn50Python } from './dmn-workloads.js';
import { resultLine, time } from './measure.js';
import { pyCondition, pyScript } from './python-workloads.js';
import type { Workload } from './workload.js';

const VERSION = '0.1.0';
const TIMED: readonly Workload[] = [
  ...bpmnWorkloads,
  pyCondition,
  pyScript,
  dmn50Feel,
  dmn50Python,
];
const SPECIAL = ['serde100', 'mem10k'] as const;
const ALL = [...TIMED.map((w) => w.name), ...SPECIAL];

function parseArgs(argv: readonly string[]): { quick: boolean; only: Set<string> | undefined } {
  let quick = false;
  let only: Set<string> | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--quick') quick = true;
    else if (arg === '--only') only = new Set((argv[(i += 1)] ?? '').split(','));
    else if (arg.startsWith('--only=')) only = new Set(arg.slice('--only='.length).split(','));
    else throw new Error(`Unknown option '${arg}' (expected --quick or --only a,b)`);
  }
  return { quick, only };
}

function runTimed(workload: Workload, quick: boolean): string {
  const prepared = workload.run({ quick });
  const runs = quick ? 3 : workload.name === 'loop10000' ? 5 : 20;
  const timing = time(prepared.body, { runs, warmup: quick ? 1 : 3, setup: prepared.setup });
  const fields: Record<string, number> = {
    runs,
    median_ms: timing.medianMs,
    min_ms: timing.minMs,
    max_ms: timing.maxMs,
    ...prepared.fields,
  };
  if (prepared.rate !== undefined) {
    fields[prepared.rate] = Math.round(prepared.calls / (timing.medianMs / 1000));
  } else if (prepared.calls > 1) {
    fields['calls'] = prepared.calls;
    fields['per_call_us'] = (timing.medianMs * 1000) / prepared.calls;
  }
  return resultLine(VERSION, workload.name, fields);
}

/** mem10k runs in a fresh process so the heap it measures holds nothing else. */
function runMem10k(quick: boolean): string {
  const instances = quick ? 1000 : 10_000;
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', fileURLToPath(new URL('./mem-child.js', import.meta.url)), String(instances)],
    { encoding: 'utf8' },
  );
  if (child.status !== 0) throw new Error(`mem10k failed: ${child.stderr}`);
  const kb = Number(child.stdout.trim());
  return resultLine(VERSION, 'mem10k', { instances, heap_per_instance_kb: kb });
}

function main(argv: readonly string[]): number {
  const { quick, only } = parseArgs(argv);
  const unknown = [...(only ?? [])].filter((name) => !ALL.includes(name));
  if (unknown.length > 0) {
    console.error(`Unknown workload(s): ${unknown.join(', ')}\nKnown: ${ALL.join(', ')}`);
    return 2;
  }
  const wanted = (name: string): boolean => only === undefined || only.has(name);
  try {
    for (const workload of TIMED) if (wanted(workload.name)) console.log(runTimed(workload, quick));
    if (wanted('serde100')) {
      const runs = quick ? 10 : 100;
      const r = serde100(runs);
      console.log(
        resultLine(VERSION, 'serde100', {
          runs,
          ser_median_ms: r.serMedianMs,
          deser_median_ms: r.deserMedianMs,
          json_bytes: r.jsonBytes,
        }),
      );
    }
    if (wanted('mem10k')) console.log(runMem10k(quick));
  } catch (error) {
    if (error instanceof ModelsMissingError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
