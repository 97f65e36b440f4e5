/**
 * @packageDocumentation
 * The conformance runner: replays the corpora in `../shared/conformance` against the engine.
 * Run it with `npm run -s conformance -- <kind> <path>`.
 */
export { kinds } from './kinds.js';
export { closingLine, CorpusMissingError } from './report.js';
export type { CorpusKind, CorpusReport } from './report.js';
