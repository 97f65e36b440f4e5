import { round, type ResultRecord } from './measure.js';
import type { Figures } from './workload.js';

/** One compared figure of one workload. */
interface Figure {
  readonly workload: string;
  readonly key: string;
  readonly unit: string;
  readonly better: 'lower' | 'higher';
  /**
   * How many times better than the reference ours must be (default 1: at least as good). Set a
   * workload's factor here when an issue asks for one.
   */
  readonly factor?: number;
  /** An absolute upper bound from the issues, in `unit`, besides the reference. */
  readonly below?: number;
  /** An absolute lower bound from the issues, in `unit`, besides the reference. */
  readonly above?: number;
}

/**
 * The figures the comparison table shows, in order, with issue #6's targets: seq100 and par50 at
 * least 25× faster than the reference in the same run; loop1000 under 50 ms and loop10000 at most
 * 12× loop1000; many5 at least 40,000 instances/s; serde100 under 0.5 ms each way (3× and 4× the
 * reference) with JSON no larger; mem10k at most 2 KB; parse_seq100 at most the reference's time.
 */
export const COMPARED: readonly Figure[] = [
  { workload: 'parse_seq100', key: 'median_ms', unit: 'ms', better: 'lower' },
  { workload: 'seq100', key: 'median_ms', unit: 'ms', better: 'lower', factor: 25 },
  { workload: 'par50', key: 'median_ms', unit: 'ms', better: 'lower', factor: 25 },
  { workload: 'loop300', key: 'median_ms', unit: 'ms', better: 'lower' },
  { workload: 'loop1000', key: 'median_ms', unit: 'ms', better: 'lower', below: 50 },
  { workload: 'loop10000', key: 'median_ms', unit: 'ms', better: 'lower' },
  { workload: 'many5', key: 'instances_per_s', unit: '/s', better: 'higher', above: 40_000 },
  {
    workload: 'serde100',
    key: 'ser_median_ms',
    unit: 'ms',
    better: 'lower',
    factor: 3,
    below: 0.5,
  },
  {
    workload: 'serde100',
    key: 'deser_median_ms',
    unit: 'ms',
    better: 'lower',
    factor: 4,
    below: 0.5,
  },
  { workload: 'serde100', key: 'json_bytes', unit: 'B', better: 'lower' },
  { workload: 'serde1000', key: 'ser_median_ms', unit: 'ms', better: 'lower' },
  { workload: 'serde1000', key: 'deser_median_ms', unit: 'ms', better: 'lower' },
  { workload: 'serde1000', key: 'json_bytes', unit: 'B', better: 'lower' },
  { workload: 'mem10k', key: 'heap_per_instance_kb', unit: 'KB', better: 'lower', below: 2 },
  { workload: 'py_condition', key: 'per_call_us', unit: 'µs', better: 'lower', below: 3 },
  { workload: 'py_script', key: 'per_call_us', unit: 'µs', better: 'lower', below: 30 },
  { workload: 'dmn50_feel', key: 'per_call_us', unit: 'µs', better: 'lower', below: 20 },
  { workload: 'dmn50_python', key: 'per_call_us', unit: 'µs', better: 'lower', below: 20 },
];

/**
 * SpiffWorkflow 3.1.2's figures as published in `shared/bench/README.md` (idle 2-core machine,
 * CPython 3.11, median of runs), and what it did where it gave no figure. Used only when no
 * reference run happened.
 */
export const PUBLISHED: {
  readonly version: string;
  readonly figures: Readonly<Record<string, Figures>>;
  readonly notes: Readonly<Record<string, string>>;
} = {
  version: '3.1.2',
  figures: {
    parse_seq100: { median_ms: 8.9 },
    seq100: { median_ms: 28.3 },
    par50: { median_ms: 63.6 },
    loop300: { median_ms: 875 },
    many5: { instances_per_s: 1837 },
    serde100: { ser_median_ms: 1.54, deser_median_ms: 2.09, json_bytes: 85_600 },
    mem10k: { heap_per_instance_kb: 4.5 },
  },
  notes: {
    loop1000:
      'stops silently at iteration 333 (task search depth cap); 7.7 s with the cap lifted (quadratic)',
  },
};

/** Ours against one reference figure: e.g. `12.3× faster`, `1.4× larger`. */
function ratioText(figure: Figure, ours: number, reference: number): string {
  if (ours <= 0 || reference <= 0) return '-';
  const oursBetter = figure.better === 'lower' ? ours <= reference : ours >= reference;
  const factor = Math.max(ours, reference) / Math.min(ours, reference);
  const size = figure.unit === 'B' || figure.unit === 'KB';
  const word = size ? (oursBetter ? 'smaller' : 'larger') : oursBetter ? 'faster' : 'slower';
  return `${factor >= 10 ? Math.round(factor) : factor.toFixed(1)}× ${word}`;
}

function withUnit(value: number, unit: string): string {
  if (unit === 'B') return value >= 10_000 ? `${round(value / 1000)} KB` : `${round(value)} B`;
  if (unit === '/s') return `${round(value)}/s`;
  return `${round(value)} ${unit}`;
}

/** Whether ours meets the figure's target: as good as the reference, and any absolute bound. */
function targetOf(
  figure: Figure,
  ours: number,
  reference: number | undefined,
  all: ReadonlyMap<string, Figures>,
  referenceFailed: boolean,
): { target: string; met: string } {
  const parts: string[] = [];
  const verdicts: boolean[] = [];
  if (reference !== undefined) {
    const factor = figure.factor ?? 1;
    const bound = figure.better === 'lower' ? reference / factor : reference * factor;
    const times = factor === 1 ? 'ref' : `${String(factor)}× ref`;
    if (figure.better === 'lower') {
      parts.push(factor === 1 ? '≤ ref' : `≤ ref / ${String(factor)}`);
      verdicts.push(ours <= bound);
    } else {
      parts.push(`≥ ${times}`);
      verdicts.push(ours >= bound);
    }
  }
  if (figure.below !== undefined) {
    parts.push(`< ${String(figure.below)} ${figure.unit}`);
    verdicts.push(ours < figure.below);
  }
  if (figure.above !== undefined) {
    parts.push(`≥ ${String(figure.above)} ${figure.unit}`);
    verdicts.push(ours >= figure.above);
  }
  if (figure.workload === 'loop10000') {
    // The README asks that the loop's cost grow linearly: 10× the iterations of loop1000.
    const base = all.get('loop1000')?.['median_ms'];
    if (base !== undefined && base > 0) {
      parts.push('linear (≤ 12× loop1000)');
      verdicts.push(ours <= 12 * base);
    }
  }
  if (reference === undefined && referenceFailed) {
    // The reference gave no figure (it failed its own validation): ours validated, so it completes.
    parts.push('completes');
    verdicts.push(true);
  }
  if (verdicts.length === 0) return { target: '-', met: '-' };
  return { target: parts.join(', '), met: verdicts.every(Boolean) ? 'yes' : 'NO' };
}

/** A plain-text table with a header rule, columns padded to width. */
function table(rows: readonly (readonly string[])[]): string {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]): string =>
    r
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join(' | ')
      .trimEnd();
  const [head, ...body] = rows;
  return [line(head ?? []), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join(
    '\n',
  );
}

/**
 * The comparison table: ours, the reference (measured in this run, or the published figure),
 * the ratio and whether the target is met. Only workloads that ran on our side appear.
 */
export function comparisonTable(
  ours: ReadonlyMap<string, Figures>,
  reference: {
    readonly label: string;
    readonly figures: ReadonlyMap<string, Figures>;
    readonly notes: ReadonlyMap<string, string>;
  },
): string {
  const rows: string[][] = [
    ['workload', 'figure', 'spiff-ts', reference.label, 'ratio', 'target', 'met?'],
  ];
  const footnotes: string[] = [];
  const footnoteOf = new Map<string, number>();
  for (const figure of COMPARED) {
    const mine = ours.get(figure.workload)?.[figure.key];
    if (mine === undefined) continue;
    const theirs = reference.figures.get(figure.workload)?.[figure.key];
    const note = reference.notes.get(figure.workload);
    let refCell = theirs === undefined ? 'n/a' : withUnit(theirs, figure.unit);
    if (theirs === undefined && note !== undefined) {
      let n = footnoteOf.get(figure.workload);
      if (n === undefined) {
        footnotes.push(`[${String(footnotes.length + 1)}] ${figure.workload}: ${note}`);
        n = footnotes.length;
        footnoteOf.set(figure.workload, n);
      }
      refCell = `no figure [${String(n)}]`;
    }
    // A note without a figure: the reference failed its validation (it did not complete), or
    // it lacks the feature altogether.
    const refFailed = note !== undefined && !note.startsWith('not supported');
    const { target, met } = targetOf(figure, mine, theirs, ours, refFailed);
    rows.push([
      figure.workload,
      figure.key,
      withUnit(mine, figure.unit),
      refCell,
      theirs === undefined ? '-' : ratioText(figure, mine, theirs),
      target,
      met,
    ]);
  }
  return [table(rows), ...footnotes].join('\n');
}

/** Figures by workload from RESULT records of one engine. */
export function byWorkload(records: readonly ResultRecord[]): Map<string, Figures> {
  return new Map(records.map((r) => [r.workload, r.figures]));
}
