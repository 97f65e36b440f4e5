#!/usr/bin/env node
/**
 * `npm run bench [-- --quick] [-- --only a,b] [-- --reference <SpiffWorkflow checkout>]`: runs
 * the workloads of `shared/bench/README.md` plus the interpreter and decision-table
 * micro-benchmarks, printing one `RESULT engine=spiff-ts ...` line per workload. Every workload
 * checks its result before timing. With a reference checkout (or `$SPIFF_REFERENCE`), a Python
 * driver then times the same workloads with SpiffWorkflow in the same run; a table compares the
 * two (or, without one, ours with the README's published figures). Benchmarks never run inside
 * `npm test`, except a `--quick` smoke run proving the command works.
 */
import { existsSync } from 'node:fs';
import { bpmnWorkloads } from './bpmn-workloads.js';
import { byWorkload, comparisonTable, PUBLISHED } from './compare.js';
import { dmn50Feel, dmn50Python } from './dmn-workloads.js';
import { resultLine } from './measure.js';
import { MODELS_DIR, ModelsMissingError } from './models.js';
import { pyCondition, pyScript } from './python-workloads.js';
import { findPython, referenceCheckout, runReference, type ReferenceRun } from './reference.js';
import type { Figures, Workload } from './workload.js';

const VERSION = '0.1.0';
const WORKLOADS: readonly Workload[] = [
  ...bpmnWorkloads,
  pyCondition,
  pyScript,
  dmn50Feel,
  dmn50Python,
];
const NAMES = WORKLOADS.map((w) => w.name);

const USAGE = `Usage: npm run bench -- [--quick] [--only a,b] [--reference <SpiffWorkflow checkout>]

  --quick             a smoke run (about 30 s): fewer runs and smaller sizes, same validation
  --only a,b          run only these workloads: ${NAMES.join(', ')}
  --reference <path>  also time the same workloads with SpiffWorkflow from this checkout (the
                      folder holding SpiffWorkflow/; needs python3 with lxml, or SPIFF_PYTHON)
                      and compare side by side; default: $SPIFF_REFERENCE
Models are read from ${MODELS_DIR}.`;

interface Options {
  readonly quick: boolean;
  readonly only: readonly string[] | undefined;
  readonly reference: string | undefined;
  readonly help: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  let quick = false;
  let help = false;
  let only: string[] | undefined;
  let reference: string | undefined;
  const value = (i: number, name: string): string => {
    const next = argv[i];
    if (next === undefined || next.startsWith('--')) throw new UsageError(`${name} needs a value`);
    return next;
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--quick') quick = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--only') only = value((i += 1), arg).split(',');
    else if (arg.startsWith('--only=')) only = arg.slice('--only='.length).split(',');
    else if (arg === '--reference') reference = value((i += 1), arg);
    else if (arg.startsWith('--reference=')) reference = arg.slice('--reference='.length);
    else throw new UsageError(`Unknown option '${arg}'`);
  }
  only = only?.map((name) => name.trim()).filter((name) => name !== '');
  const unknown = (only ?? []).filter((name) => !NAMES.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(`Unknown workload(s): ${unknown.join(', ')}\nKnown: ${NAMES.join(', ')}`);
  }
  return { quick, only, reference, help };
}

class UsageError extends Error {
  override readonly name = 'UsageError';
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function main(argv: readonly string[]): Promise<number> {
  const started = performance.now();
  const options = parseArgs(argv);
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  // Check the reference before spending minutes on our side.
  const checkout = referenceCheckout(options.reference);
  if (checkout !== undefined) findPython();

  let wanted = WORKLOADS.filter((w) => options.only?.includes(w.name) ?? true);
  let exitCode = 0;
  if (!existsSync(MODELS_DIR)) {
    const skipped = wanted.filter((w) => w.needsModels).map((w) => w.name);
    if (skipped.length > 0) {
      console.error(
        `Benchmark models not found at ${MODELS_DIR} (../shared/bench/models beside the ` +
          `repository): skipping ${skipped.join(', ')}`,
      );
      wanted = wanted.filter((w) => !w.needsModels);
      exitCode = 2;
    }
  }

  const ours = new Map<string, Figures>();
  for (const workload of wanted) {
    try {
      const figures = workload.measure({ quick: options.quick });
      ours.set(workload.name, figures);
      console.log(resultLine(VERSION, workload.name, figures));
    } catch (error) {
      if (error instanceof ModelsMissingError) {
        console.error(`${workload.name}: ${error.message}`);
        exitCode = Math.max(exitCode, 2);
      } else {
        console.error(`FAILED workload=${workload.name}: ${String(error)}`);
        exitCode = Math.max(exitCode, 1);
      }
    }
  }
  const oursDone = performance.now();

  let reference: ReferenceRun | undefined;
  if (checkout !== undefined && ours.size > 0) {
    console.log(`\nReference: SpiffWorkflow from ${checkout}, same models, same run`);
    reference = await runReference(checkout, [...ours.keys()], options.quick, (line) => {
      console.log(line);
    });
    if (reference.failure !== undefined) {
      console.error(`Reference run incomplete: ${reference.failure}`);
      exitCode = Math.max(exitCode, 1);
    }
  }
  const referenceDone = performance.now();

  console.log('');
  if (reference !== undefined) {
    const version = reference.results[0]?.version ?? '?';
    console.log(
      `Comparison with SpiffWorkflow ${version} measured in this run (${reference.python}):`,
    );
    console.log(
      comparisonTable(ours, {
        label: 'SpiffWorkflow',
        figures: byWorkload(reference.results),
        notes: reference.notes,
      }),
    );
  } else {
    console.log(
      `No reference run (give --reference <SpiffWorkflow checkout> or set SPIFF_REFERENCE):\n` +
        `comparing with SpiffWorkflow ${PUBLISHED.version}'s figures PUBLISHED in ` +
        `shared/bench/README.md (an idle machine, not this run; under load they rise ~50%).`,
    );
    console.log(
      comparisonTable(ours, {
        label: 'SpiffWorkflow (published)',
        figures: new Map(Object.entries(PUBLISHED.figures)),
        notes: new Map(Object.entries(PUBLISHED.notes)),
      }),
    );
  }
  if (options.quick) {
    console.log('(--quick: smoke-run figures from few runs; do not judge targets by them)');
  }

  const total = performance.now(); // since the process started
  console.log(
    `\nTotal wall time: ${seconds(total)} (spiff-ts ${seconds(oursDone - started)}` +
      (reference !== undefined ? `, SpiffWorkflow ${seconds(referenceDone - oursDone)})` : ')'),
  );
  return exitCode;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
    } else {
      console.error(error instanceof Error ? error.message : String(error));
    }
    process.exitCode = 2;
  },
);
