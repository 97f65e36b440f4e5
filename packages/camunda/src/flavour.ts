import { BpmnParser, type BpmnFlavour, type BpmnParserOptions } from '@spiff-ts/bpmn';
import { camundaInterop } from './interop.js';
import { camundaLayers } from './layers.js';
import { camundaPackage } from './moddle.js';
import { camundaParseHooks, camundaParsers } from './parser.js';

/**
 * Camunda 7's flavour: the `camunda:` namespace (`camunda-bpmn-moddle`'s package, so that a
 * `CamundaParser` checks the extensions as typed elements) and extensions (properties, forms,
 * `decisionRef`, message expressions and result variables, collection multi-instances),
 * Camunda's message payloads, and what SpiffWorkflow's camunda serializer config writes.
 */
export const camundaFlavour: BpmnFlavour = {
  name: 'camunda',
  moddle: [camundaPackage],
  parsers: camundaParsers,
  parse: camundaParseHooks,
  layers: camundaLayers,
  interop: camundaInterop,
};

/**
 * A {@link BpmnParser} that reads the `camunda:` extensions (SpiffWorkflow's `CamundaParser`).
 * It only passes {@link camundaFlavour} to `BpmnParser`: the flavour is data, the class a name
 * for `new BpmnParser({ flavour: camundaFlavour })`.
 *
 * @example
 * ```ts
 * const parser = new CamundaParser();
 * parser.addBpmnXml(xmlText, 'invoice.bpmn');
 * const registry = createBpmnRegistry(camundaFlavour);
 * const workflow = new BpmnWorkflow(parser.getSpec('invoice'), new Map(), { registry });
 * ```
 */
export class CamundaParser extends BpmnParser {
  constructor(options: Omit<BpmnParserOptions, 'flavour'> = {}) {
    super({ ...options, flavour: camundaFlavour });
  }
}
