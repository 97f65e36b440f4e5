/**
 * FEEL errors that evaluate to null. feelin reports them as warnings next to a null value, and
 * the functions added here do the same; while an evaluation runs they are collected, so that
 * callers can tell "null because of an error" from a plain null.
 */
let sink: string[] | undefined;

/** Records a FEEL error of the evaluation that is running, if any. */
export function reportWarning(message: string): void {
  sink?.push(message);
}

/** Runs `fn`, returning its value and the FEEL warnings raised while it ran. */
export function collectWarnings<T>(fn: () => T): { value: T; warnings: string[] } {
  const outer = sink;
  const warnings: string[] = [];
  sink = warnings;
  try {
    return { value: fn(), warnings };
  } finally {
    sink = outer;
    outer?.push(...warnings);
  }
}
