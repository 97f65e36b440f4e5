import type { Figures, MeasureOptions, PreparedWorkload, Workload } from './workload.js';

/** Timing figures of one workload, in milliseconds per run. */
export interface Timing {
  readonly runs: number;
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
 * and max of `runs` timed calls, each measured with `performance.now()`.
 */
export function time(
  run: () => void,
  options: { runs: number; warmup: number; setup?: (() => void) | undefined },
): Timing {
  for (let i = 0; i < options.warmup; i += 1) {
    options.setup?.();
    run();
  }
  const samples: number[] = [];
  for (let i = 0; i < options.runs; i += 1) {
    options.setup?.();
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return {
    runs: options.runs,
    medianMs: median(samples),
    minMs: samples[0] as number,
    maxMs: samples[samples.length - 1] as number,
  };
}

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
      });
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
