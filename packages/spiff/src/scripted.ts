/**
 * Task spec types with pre- and post-scripts: the ones SpiffWorkflow's spiff flavour builds on
 * `SpiffBpmnTask` (events have none).
 */
export const SCRIPTED_TYPES: ReadonlySet<string> = new Set([
  'NoneTask',
  'UserTask',
  'ManualTask',
  'ScriptTask',
  'ServiceTask',
  'BusinessRuleTask',
  'CallActivity',
  'SubWorkflowTask',
  'TransactionSubprocess',
  'SendTask',
  'ReceiveTask',
  'ParallelMultiInstanceTask',
  'SequentialMultiInstanceTask',
  'StandardLoopTask',
]);
