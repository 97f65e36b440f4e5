#!/usr/bin/env node
/**
 * `npm run bench [-- --quick] [-- --only a,b]`: runs the benchmark workloads and prints one
 * `RESULT engine=spiff-ts ...` line per figure. Benchmarks never run inside `npm test`, except a
 * `--quick` smoke run proving the suite still works.
 */
import { resultLine, time } from './measure.js';
import { pyCondition, pyScript } from './python-workloads.js';
import type { Workload } from './workload.js';

const VERSION = '0.1.0';
const WORKLOADS: readonly Workload[] = [pyCondition, pyScript];

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

function main(argv: readonly string[]): number {
  const { quick, only } = parseArgs(argv);
  const unknown = [...(only ?? [])].filter((name) => !WORKLOADS.some((w) => w.name === name));
  if (unknown.length > 0) {
    console.error(`Unknown workload(s): ${unknown.join(', ')}`);
    console.error(`Known: ${WORKLOADS.map((w) => w.name).join(', ')}`);
    return 2;
  }
  for (const workload of WORKLOADS) {
    if (only && !only.has(workload.name)) continue;
    const prepared = workload.run({ quick });
    const runs = quick ? 3 : 15;
    const warmup = quick ? 1 : 3;
    const samples = time(
      () => {
        prepared.body();
      },
      { runs, warmup, setup: prepared.setup },
    );
    console.log(
      resultLine(VERSION, workload.name, {
        runs,
        median_ms: samples.medianMs,
        min_ms: samples.minMs,
        max_ms: samples.maxMs,
        calls: prepared.calls,
        per_call_us: (samples.medianMs * 1000) / prepared.calls,
      }),
    );
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
