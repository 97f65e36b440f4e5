import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readBpmnXml, type BpmnDocument, type ModdleElement } from '@spiff-ts/bpmn';
import {
  SPIFFWORKFLOW_NS,
  SpiffBpmnParser,
  spiffExtensions,
  spiffFlavour,
  spiffworkflowPackage,
} from '@spiff-ts/spiff';

const text = readFileSync(new URL('./fixtures/spiff-extensions.bpmn', import.meta.url), 'utf8');
const doc: BpmnDocument = readBpmnXml(text, { moddle: spiffFlavour.moddle });
const extensionsOf = (id: string) => {
  const element = doc.elementsById.get(id);
  if (element === undefined) throw new Error(`no element '${id}'`);
  return spiffExtensions(element);
};

describe('spiffExtensions', () => {
  it('reads pre- and post-scripts as text, entities and CDATA decoded', () => {
    expect(extensionsOf('scripted')).toEqual({
      preScript: 'x = a * 2\ny = x < 3',
      postScript: 'z = x & 1',
    });
  });

  it('reads a user task: properties, variable, instructions and Arena settings', () => {
    expect(extensionsOf('form')).toEqual({
      properties: {
        formJsonSchemaFilename: 'order-schema.json',
        formUiSchemaFilename: 'order-uischema.json',
      },
      variableName: 'order',
      instructionsForEndUser: 'Enter **{{ name }}**',
      allowGuest: 'true',
      guestConfirmation: 'Thanks',
      processModelToStartOnTaskAvailable: 'group/notify',
      taskMetadataValues: { dynamic: 'my_var', empty: null },
    });
  });

  it('gives null for an empty text element, as SpiffWorkflow does', () => {
    expect(extensionsOf('form_no_variable')).toEqual({ variableName: null });
  });

  it('reads a service task operator, leaving out parameters without a value', () => {
    expect(extensionsOf('service')).toEqual({
      serviceTaskOperator: {
        name: 'weather/CurrentTemp',
        resultVariable: 'weather',
        parameters: {
          zipcode: { type: 'int', value: '22980' },
          units: { type: 'str', value: "'metric'" },
        },
        retries: 3,
        retryBackoffBase: 2,
      },
    });
  });

  it('reads script unit tests', () => {
    expect(extensionsOf('script')).toEqual({
      unitTests: [
        { id: 'sets_flag', inputJson: '{"flag": false}', expectedOutputJson: '{"flag": true}' },
      ],
    });
  });

  it('reads the decision of a business rule task and the category of a data object', () => {
    expect(extensionsOf('rules')).toEqual({ calledDecisionId: 'discount' });
    expect(extensionsOf('order_data')).toEqual({ category: 'orders' });
  });

  it('reads message variables and process variable correlations of an event definition', () => {
    expect(extensionsOf('reply_definition')).toEqual({
      messageVariable: 'response',
      processVariableCorrelations: [{ propertyId: 'order_id', expression: "order['id']" }],
    });
  });

  it('reads payload extensions of a signal', () => {
    expect(extensionsOf('done_signal')).toEqual({
      payloadExpression: "{'id': order['id']}",
      variableName: 'done_payload',
      signalButtonLabel: 'Finish',
    });
  });

  it('gives nothing for an element without extensions', () => {
    expect(extensionsOf('end')).toEqual({});
  });

  it('gives nothing from a tree read without the spiffworkflow: package', () => {
    const plain = readBpmnXml(text).elementsById.get('scripted');
    expect(plain === undefined ? undefined : spiffExtensions(plain)).toEqual({});
  });
});

describe('the spiffworkflow: moddle package', () => {
  it("is the flavour's, for the spiffworkflow namespace", () => {
    expect(spiffFlavour.moddle).toEqual([spiffworkflowPackage]);
    expect([spiffworkflowPackage.prefix, spiffworkflowPackage.uri]).toEqual([
      'spiffworkflow',
      SPIFFWORKFLOW_NS,
    ]);
  });

  it('reads extension elements as typed moddle elements', () => {
    const scripted = doc.elementsById.get('scripted');
    const values = (scripted?.['extensionElements'] as { values: ModdleElement[] }).values;
    expect(values.map((v) => v.$type)).toEqual([
      'spiffworkflow:PreScript',
      'spiffworkflow:PostScript',
    ]);
    expect(doc.warnings).toEqual([]);
  });

  it('reads extension attributes with their types', () => {
    const loop = doc.elementsById.get('scripted')?.['loopCharacteristics'] as ModdleElement;
    expect(loop.get('spiffworkflow:scriptsOnInstances')).toBe(true);
    expect(doc.elementsById.get('wait_reply')?.get('spiffworkflow:isMatchingCorrelation')).toBe(
      true,
    );
    expect(doc.elementsById.get('sub')?.get('spiffworkflow:isOutputSynced')).toBe(false);
    expect(doc.elementsById.get('reply')?.get('spiffworkflow:jsonSchemaId')).toBe('reply-schema');
  });

  it('makes SpiffBpmnParser skip a misspelt spiffworkflow: element with a warning', () => {
    const misspelt = text.replace(
      /<spiffworkflow:preScript>([^]*?)<\/spiffworkflow:preScript>/,
      '<spiffworkflow:preScrip>$1</spiffworkflow:preScrip>',
    );
    const parser = new SpiffBpmnParser();
    parser.addBpmnXml(misspelt, 'misspelt.bpmn');
    expect(parser.warnings).toEqual([
      expect.objectContaining({
        message: 'Skipped <spiffworkflow:preScrip>: unknown type <spiffworkflow:PreScrip>',
        elementId: 'scripted',
      }),
    ]);
    // A plain reader does not know the namespace, so it has nothing to warn about.
    expect(readBpmnXml(misspelt).warnings).toEqual([]);
  });
});
