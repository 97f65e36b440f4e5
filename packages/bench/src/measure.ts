import type { Figures, MeasureOptions, PreparedWorkload, Workload } from './workload.js';

/** Timing figures of one workload, in milliseconds per run. */
export interface Timing {
  readonly runs: number;
  /** Runs per timed sample (see {@link time}). */
  readonly batch: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Times `run` after `warmup` untimed calls (each preceded by the untimed `setup`): the median, min
 * and max of `runs` timed samples, each measured with `performance.now()`, per run.
 *
 * A sample is one run, or, for a run shorter than `minSampleMs` (and no `setup`), a batch of runs
 * lasting about that long. The median of single short runs leaves garbage collection out: a run
 * that allocates less than V8's young generation holds is timed between two collections most of
 * the time, so the collections it causes land in runs the median drops. A batch carries its share.
 */
export function time(
  run: () => void,
  options: {
    runs: number;
    warmup: number;
    setup?: (() => void) | undefined;
    /** Keep warming up (beyond `warmup` runs) until this much time has passed. */
    warmupMs?: number | undefined;
    minSampleMs?: number | undefined;
  },
): Timing {
  // Warm up by count and by time: V8 optimises a function only after many calls, so a few runs
  // of a sub-millisecond workload would time the interpreter, not the engine.
  let fastest = Infinity;
  const warmupEnd = performance.now() + (options.warmupMs ?? 0);
  for (
    let i = 0;
    i < options.warmup || (i < MAX_WARMUP_RUNS && performance.now() < warmupEnd);
    i += 1
  ) {
    options.setup?.();
    const start = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  const wanted = options.minSampleMs ?? 0;
  const batch =
    options.setup || !Number.isFinite(fastest) || fastest >= wanted
      ? 1
      : Math.min(200, Math.ceil(wanted / Math.max(fastest, 0.001)));
  const samples: number[] = [];
  for (let i = 0; i < options.runs; i += 1) {
    options.setup?.();
    const start = performance.now();
    for (let j = 0; j < batch; j += 1) run();
    samples.push((performance.now() - start) / batch);
  }
  samples.sort((a, b) => a - b);
  return {
    runs: options.runs,
    batch,
    medianMs: median(samples),
    minMs: samples[0] as number,
    maxMs: samples[samples.length - 1] as number,
  };
}

/**
 * The shortest timed sample: about what it takes to allocate a young generation's worth (16 MB)
 * in the loop workloads, so every sample carries its share of collections.
 */
const SAMPLE_MS = 25;
const QUICK_SAMPLE_MS = 5;
/** How long a workload warms up at least (a full run; `--quick` barely). */
const WARMUP_MS = 500;
const QUICK_WARMUP_MS = 20;
/** A bound on warm-up runs, whatever their time. */
const MAX_WARMUP_RUNS = 5000;

/**
 * A workload timed with {@link time}: `prepare` validates the result once and returns the body.
 * Reports runs, median/min/max ms, the body's own fields, and a rate or a per-call figure.
 */
export function timed(
  name: string,
  needsModels: boolean,
  prepare: (options: MeasureOptions) => PreparedWorkload,
): Workload & { prepare: typeof prepare } {
  return {
    name,
    needsModels,
    prepare,
    measure(options): Figures {
      const start = performance.now();
      const prepared = prepare(options);
      // In a smoke run, a slow workload's validation run is warm-up enough.
      const slow = performance.now() - start > 300;
      const runs = options.quick ? (slow ? 1 : 3) : (prepared.runs ?? 20);
      const timing = time(prepared.body, {
        runs,
        warmup: options.quick ? (slow ? 0 : 1) : 3,
        setup: prepared.setup,
        warmupMs: options.quick ? QUICK_WARMUP_MS : WARMUP_MS,
        minSampleMs: options.quick ? QUICK_SAMPLE_MS : SAMPLE_MS,
      });
      const fields: Record<string, number> = {
        runs,
        median_ms: timing.medianMs,
        min_ms: timing.minMs,
        max_ms: timing.maxMs,
        ...prepared.fields,
      };
      if (timing.batch > 1) fields['batch'] = timing.batch;
      if (prepared.rate !== undefined) {
        fields[prepared.rate] = Math.round(prepared.calls / (timing.medianMs / 1000));
      } else if (prepared.calls > 1) {
        fields['calls'] = prepared.calls;
        fields['per_call_us'] = (timing.medianMs * 1000) / prepared.calls;
      }
      return fields;
    },
  };
}

/** The median of some samples (sorted in place). */
export function medianOf(samples: number[]): number {
  return median(samples.sort((a, b) => a - b));
}

/** Rounds to a few significant digits for printing. */
export function round(value: number): string {
  if (value === 0) return '0';
  const digits = Math.max(0, 3 - Math.floor(Math.log10(Math.abs(value))));
  return String(Number(value.toFixed(Math.min(digits, 6))));
}

/** One `RESULT engine=spiff-ts ...` line in the format of `shared/bench/README.md`. */
export function resultLine(
  version: string,
  workload: string,
  fields: Readonly<Record<string, string | number>>,
  engine = 'spiff-ts',
): string {
  const rest = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'number' ? round(value) : value}`)
    .join(' ');
  return `RESULT engine=${engine} version=${version} workload=${workload} ${rest}`;
}

/** One parsed RESULT line. */
export interface ResultRecord {
  readonly engine: string;
  readonly version: string;
  readonly workload: string;
  readonly figures: Figures;
}

/** Reads a `RESULT engine=... workload=... key=number ...` line; undefined for any other line. */
export function parseResultLine(line: string): ResultRecord | undefined {
  const words = line.trim().split(/\s+/);
  if (words[0] !== 'RESULT') return undefined;
  const pairs = new Map<string, string>();
  for (const word of words.slice(1)) {
    const eq = word.indexOf('=');
    if (eq > 0) pairs.set(word.slice(0, eq), word.slice(eq + 1));
  }
  const engine = pairs.get('engine');
  const workload = pairs.get('workload');
  if (engine === undefined || workload === undefined) return undefined;
  const figures: Record<string, number> = {};
  for (const [key, value] of pairs) {
    if (key !== 'engine' && key !== 'version' && key !== 'workload' && value !== '') {
      const n = Number(value);
      if (Number.isFinite(n)) figures[key] = n;
    }
  }
  return { engine, version: pairs.get('version') ?? '', workload, figures };
}
