import { BpmnParser, type BpmnFlavour, type BpmnParserOptions } from '@spiff-ts/bpmn';
import { spiffInterop } from './interop.js';
import { spiffLayers } from './layers.js';
import { spiffworkflowPackage } from './moddle.js';
import { spiffParseHooks, spiffParsers } from './parser.js';

/**
 * SpiffArena's flavour: the `spiffworkflow:` namespace (its moddle package, so that a
 * `SpiffBpmnParser` checks the extensions as typed elements) and extensions (pre- and
 * post-scripts, properties, service task operators, called decisions, message payloads and
 * variables, process correlations), SpiffArena's event payloads, and what its serializer config
 * writes.
 */
export const spiffFlavour: BpmnFlavour = {
  name: 'spiff',
  moddle: [spiffworkflowPackage],
  parsers: spiffParsers,
  parse: spiffParseHooks,
  layers: spiffLayers,
  interop: spiffInterop,
};

/**
 * A {@link BpmnParser} that reads the `spiffworkflow:` extensions (SpiffWorkflow's
 * `SpiffBpmnParser`). It only passes {@link spiffFlavour} to `BpmnParser`: the flavour is data,
 * the class is a name for `new BpmnParser({ flavour: spiffFlavour })`.
 *
 * @example
 * ```ts
 * const parser = new SpiffBpmnParser();
 * parser.addBpmnXml(xmlText, 'order.bpmn');
 * const registry = createBpmnRegistry(spiffFlavour);
 * const workflow = new BpmnWorkflow(parser.getSpec('order'), parser.getSubprocessSpecs('order'), { registry });
 * ```
 */
export class SpiffBpmnParser extends BpmnParser {
  constructor(options: Omit<BpmnParserOptions, 'flavour'> = {}) {
    super({ ...options, flavour: spiffFlavour });
  }
}
