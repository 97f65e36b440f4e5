/** What one corpus run produced: counts plus one human-readable line per failure. */
export interface CorpusReport {
  readonly passed: number;
  readonly failed: number;
  /** One line per failure, naming the case and the first difference. */
  readonly lines: readonly string[];
  /** Optional extra lines printed before the closing count (summaries per folder, level, ...). */
  readonly summary?: readonly string[];
}

/** A corpus kind: `npm run -s conformance -- <kind> <path>` calls `run(path)`. */
export interface CorpusKind {
  readonly description: string;
  /** What the path argument names, for the usage text (e.g. "a directory of pattern specs"). */
  readonly argument: string;
  /** A default path relative to the repository root, used when none is given. */
  readonly defaultPath: string;
  /** Options after the path, for the usage text (only kinds that set it accept any). */
  readonly options?: string;
  /** `args` holds whatever followed the path on the command line. */
  readonly run: (path: string, args: readonly string[]) => Promise<CorpusReport>;
}

/** Raised when the corpus path does not exist or is not what the kind expects. */
export class CorpusMissingError extends Error {
  override readonly name = 'CorpusMissingError';
}

/** The closing line every runner prints; CI reads it. */
export function closingLine(report: Pick<CorpusReport, 'passed' | 'failed'>): string {
  return `${report.passed} passed, ${report.failed} failed`;
}
