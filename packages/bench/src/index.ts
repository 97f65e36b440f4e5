/**
 * @packageDocumentation
 * The benchmark suite behind `npm run bench`: workloads that validate their result before timing
 * and print `RESULT engine=spiff-ts ...` lines in the format of `shared/bench/README.md`.
 */
export { pyCondition, pyScript } from './python-workloads.js';
export { resultLine, time, type Timing } from './measure.js';
export type { PreparedWorkload, Workload } from './workload.js';
