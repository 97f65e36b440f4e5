/**
 * @packageDocumentation
 * The benchmark suite behind `npm run bench`: workloads that validate their result before timing
 * and print `RESULT engine=spiff-ts ...` lines in the format of `shared/bench/README.md`.
 */
export {
  bpmnWorkloads,
  loopModel,
  mem10k,
  ModelsMissingError,
  MODELS_DIR,
  serde100,
} from './bpmn-workloads.js';
export { dmn50Feel, dmn50Python, fiftyRuleTable } from './dmn-workloads.js';
export { pyCondition, pyScript } from './python-workloads.js';
export { resultLine, time, type Timing } from './measure.js';
export type { PreparedWorkload, Workload } from './workload.js';
