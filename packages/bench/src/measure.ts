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
 * Times `run` after `warmup` untimed calls (each preceded by the untimed `setup`): the median, min and max of `runs` timed calls, each
 * measured with `performance.now()`.
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
): string {
  const rest = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'number' ? round(value) : value}`)
    .join(' ');
  return `RESULT engine=spiff-ts version=${version} workload=${workload} ${rest}`;
}
