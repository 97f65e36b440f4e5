/**
 * @packageDocumentation
 * The benchmark suite behind `npm run bench`: workloads that validate their result before timing
 * and print `RESULT engine=spiff-ts ...` lines in the format of `shared/bench/README.md`, and the
 * side-by-side comparison with SpiffWorkflow (`--reference`).
 */
export {
  bpmnWorkloads,
  heapPerWaitingInstance,
  loop1000,
  loop300,
  loop10000,
  many5,
  mem10k,
  par50,
  parseSeq100,
  seq100,
  serde,
  serde100,
  serde1000,
} from './bpmn-workloads.js';
export { byWorkload, COMPARED, comparisonTable, PUBLISHED } from './compare.js';
export {
  DMN_CONTEXT,
  dmn50Feel,
  dmn50Python,
  expectedDecision,
  fiftyRuleTable,
} from './dmn-workloads.js';
export { loopModel, MODELS_DIR, ModelsMissingError, shippedModel, waitModel } from './models.js';
export {
  CONDITION,
  pyCondition,
  pyScript,
  SCRIPT,
  SCRIPT_RESULT,
  TEN_VARIABLES,
} from './python-workloads.js';
export {
  medianOf,
  parseResultLine,
  resultLine,
  round,
  time,
  timed,
  type ResultRecord,
  type Timing,
} from './measure.js';
export {
  DRIVER,
  findPython,
  referenceCheckout,
  runReference,
  type ReferenceRun,
} from './reference.js';
export type { Figures, MeasureOptions, PreparedWorkload, Workload } from './workload.js';
