/**
 * Local names of the BPMN flow nodes (activities, events, gateways) an executable process or
 * sub-process may contain: what the parser builds task specs from, and what it resolves by id.
 */
export const PROCESS_FLOW_NODES: readonly string[] = [
  'task',
  'userTask',
  'manualTask',
  'scriptTask',
  'serviceTask',
  'businessRuleTask',
  'sendTask',
  'receiveTask',
  'startEvent',
  'endEvent',
  'intermediateCatchEvent',
  'intermediateThrowEvent',
  'boundaryEvent',
  'implicitThrowEvent',
  'eventBasedGateway',
  'exclusiveGateway',
  'inclusiveGateway',
  'parallelGateway',
  'complexGateway',
  'subProcess',
  'adHocSubProcess',
  'transaction',
  'callActivity',
];
