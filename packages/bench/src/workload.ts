/** What a workload prepares: a body timed as one run, doing `calls` operations. */
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
}

/** A benchmark workload: validates its result once, then returns what to time. */
export interface Workload {
  readonly name: string;
  run(options: { readonly quick: boolean }): PreparedWorkload;
}
