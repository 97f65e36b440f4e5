/** What a timed workload prepares: a body timed as one run, doing `calls` operations. */
export interface PreparedWorkload {
  /** Operations per run, to report a per-call figure; 1 when a run is one operation. */
  readonly calls: number;
  /** Runs before each timed run, untimed (e.g. to reset inputs the body consumes). */
  readonly setup?: () => void;
  readonly body: () => void;
  /** Extra fields for the RESULT line (e.g. `tasks=100`). */
  readonly fields?: Readonly<Record<string, number>>;
  /** When set, also report `calls / median seconds` under this key (e.g. `instances_per_s`). */
  readonly rate?: string;
  /** Timed runs in a full run (default 20); a `--quick` run always does 3. */
  readonly runs?: number;
}

export interface MeasureOptions {
  /** A smoke run: fewer runs and smaller sizes, same validation. */
  readonly quick: boolean;
}

/** The figures of one RESULT line, after `workload=`, in print order. */
export type Figures = Readonly<Record<string, number>>;

/** A benchmark workload: validates its result once, then measures it. */
export interface Workload {
  readonly name: string;
  /** Reads `../shared/bench/models` (so it cannot run without them). */
  readonly needsModels: boolean;
  measure(options: MeasureOptions): Figures;
}
