/**
 * The moddle descriptor of the `spiffworkflow:` namespace: every extension element and attribute
 * that SpiffArena's modeler writes and SpiffWorkflow reads. Written for this project from the
 * reference's `spiffworkflow.xsd`, its parser, and the SpiffArena extension reference.
 */
import type { ModdlePackage } from '@spiff-ts/bpmn';

/** The namespace URI of SpiffArena's BPMN extensions. */
export const SPIFFWORKFLOW_NS = 'http://spiffworkflow.org/bpmn/schema/1.0/core';

/** Extension elements whose whole content is their text. */
const TEXT_ELEMENTS = [
  'PreScript',
  'PostScript',
  'CalledDecisionId',
  'InstructionsForEndUser',
  'MessagePayload',
  'MessageVariable',
  'PayloadExpression',
  'VariableName',
  'AllowGuest',
  'GuestConfirmation',
  'SignalButtonLabel',
  'ProcessModelToStartOnTaskAvailable',
  'Category',
] as const;

const attr = (name: string, type = 'String') => ({ name, type, isAttr: true });

/**
 * moddle package for `xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"`.
 * Type names are PascalCase and serialise in lower camel case (`PreScript` is
 * `<spiffworkflow:preScript>`), as in SpiffArena's own modeler.
 */
export const spiffworkflowPackage: ModdlePackage = {
  name: 'SpiffWorkflow',
  uri: SPIFFWORKFLOW_NS,
  prefix: 'spiffworkflow',
  xml: { tagAlias: 'lowerCase' },
  associations: [],
  types: [
    ...TEXT_ELEMENTS.map((name) => ({
      name,
      superClass: ['Element'],
      properties: [{ name: 'value', type: 'String', isBody: true }],
    })),
    {
      name: 'Properties',
      superClass: ['Element'],
      properties: [{ name: 'properties', type: 'Property', isMany: true }],
    },
    { name: 'Property', superClass: ['Element'], properties: [attr('name'), attr('value')] },
    {
      name: 'UnitTests',
      superClass: ['Element'],
      properties: [{ name: 'unitTests', type: 'UnitTest', isMany: true }],
    },
    {
      name: 'UnitTest',
      superClass: ['Element'],
      properties: [
        attr('id'),
        { name: 'inputJson', type: 'String' },
        { name: 'expectedOutputJson', type: 'String' },
      ],
    },
    {
      name: 'ServiceTaskOperator',
      superClass: ['Element'],
      properties: [
        attr('id'),
        attr('resultVariable'),
        { name: 'parameters', type: 'Parameters' },
        { name: 'retry', type: 'Retry' },
      ],
    },
    {
      name: 'Parameters',
      superClass: ['Element'],
      properties: [{ name: 'parameters', type: 'Parameter', isMany: true }],
    },
    {
      name: 'Parameter',
      superClass: ['Element'],
      properties: [attr('id'), attr('type'), attr('value')],
    },
    {
      name: 'Retry',
      superClass: ['Element'],
      properties: [attr('retries', 'Integer'), attr('backoff_base', 'Integer')],
    },
    {
      name: 'ProcessVariableCorrelation',
      superClass: ['Element'],
      properties: [
        { name: 'propertyId', type: 'String' },
        { name: 'expression', type: 'String' },
      ],
    },
    {
      name: 'TaskMetadataValues',
      superClass: ['Element'],
      properties: [{ name: 'taskMetadataValues', type: 'TaskMetadataValue', isMany: true }],
    },
    {
      name: 'TaskMetadataValue',
      superClass: ['Element'],
      properties: [attr('name'), attr('value')],
    },
    // Extension attributes on BPMN elements.
    {
      name: 'LoopScripts',
      extends: ['bpmn:MultiInstanceLoopCharacteristics', 'bpmn:StandardLoopCharacteristics'],
      properties: [attr('scriptsOnInstances', 'Boolean')],
    },
    {
      name: 'MatchingCorrelation',
      extends: ['bpmn:Event', 'bpmn:ReceiveTask', 'bpmn:SendTask'],
      properties: [attr('isMatchingCorrelation', 'Boolean')],
    },
    {
      name: 'OutputSynced',
      extends: ['bpmn:Activity'],
      properties: [attr('isOutputSynced', 'Boolean')],
    },
    {
      name: 'MessageSchema',
      extends: ['bpmn:Message'],
      properties: [attr('jsonSchemaId')],
    },
  ],
};
