import type {
  BpmnParser,
  CorrelationProperty,
  ElementParser,
  EventDefinition,
  EventDefinitionSource,
  FlavourParseHooks,
  XmlElement,
} from '@spiff-ts/bpmn';
import type { SpiffServiceOperator } from './spiff-extensions.js';

const PREFIX = 'spiffworkflow:';

const childOf = (node: XmlElement, tag: string): XmlElement | undefined =>
  node.children.find((c) => c.tag === tag);

function* descendants(node: XmlElement): Generator<XmlElement> {
  for (const child of node.children) {
    yield child;
    yield* descendants(child);
  }
}

/** The `spiffworkflow:` children of a node's `extensionElements`. */
function extensionElements(node: XmlElement): XmlElement[] {
  const ext = childOf(node, 'bpmn:extensionElements');
  return ext ? ext.children.filter((e) => e.tag.startsWith(PREFIX)) : [];
}

/** An element's text as SpiffWorkflow reads it: `None` for an empty element. */
const textOf = (e: XmlElement | undefined): string | null =>
  e === undefined || e.text === '' ? null : e.text;

/**
 * Reads a node's `spiffworkflow:` extension elements into the record a spec keeps as
 * `extensions`, as SpiffWorkflow's spiff parser does: `properties`, `unitTests` and
 * `serviceTaskOperator` are structured, every other element gives its text under its local name
 * (`preScript`, `instructionsForEndUser`, `calledDecisionId`, …; `null` when empty).
 */
export function readSpiffExtensions(node: XmlElement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of extensionElements(node)) {
    switch (e.local) {
      case 'properties': {
        const props: Record<string, string> = {};
        for (const p of descendants(e)) {
          if (p.tag === 'spiffworkflow:property')
            props[p.attrs['name'] ?? ''] = p.attrs['value'] ?? '';
        }
        out['properties'] = props;
        break;
      }
      case 'unitTests': {
        const first = (test: XmlElement, tag: string) =>
          textOf([...descendants(test)].find((d) => d.tag === tag));
        out['unitTests'] = [...descendants(e)]
          .filter((t) => t.tag === 'spiffworkflow:unitTest')
          .map((t) => ({
            id: t.attrs['id'] ?? '',
            inputJson: first(t, 'spiffworkflow:inputJson'),
            expectedOutputJson: first(t, 'spiffworkflow:expectedOutputJson'),
          }));
        break;
      }
      case 'serviceTaskOperator':
        out['serviceTaskOperator'] = serviceOperator(e);
        break;
      default:
        out[e.local] = textOf(e);
    }
  }
  return out;
}

function serviceOperator(e: XmlElement): SpiffServiceOperator {
  // Matches SpiffWorkflow: a parameter without a value is left out.
  const parameters: Record<string, { value: string; type: string }> = {};
  for (const p of descendants(e)) {
    const value = p.attrs['value'];
    if (p.tag !== 'spiffworkflow:parameter' || value === undefined) continue;
    parameters[p.attrs['id'] ?? ''] = { value, type: p.attrs['type'] ?? '' };
  }
  const retries = Number(childOf(e, 'spiffworkflow:retry')?.attrs['retries']);
  return {
    name: e.attrs['id'] ?? '',
    resultVariable: e.attrs['resultVariable'] ?? null,
    parameters,
    // SpiffWorkflow after 3.1.2 reads the retry count too (the corpus records it).
    ...(Number.isInteger(retries) ? { retries } : {}),
  };
}

/** Trimmed texts of the `spiffworkflow:` extension elements of a node, by local name. */
function extensionTexts(node: XmlElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of extensionElements(node)) out[e.local] = e.text.trim();
  return out;
}

/** A service task calls the connector its `serviceTaskOperator` names. */
const serviceTaskParser: ElementParser = {
  create: (ctx, node) => {
    const spec = ctx.newSpec('ServiceTask', node);
    const operator = readSpiffExtensions(node)['serviceTaskOperator'] as
      SpiffServiceOperator | undefined;
    if (operator) {
      spec.operatorName = operator.name;
      spec.operationParams = operator.parameters;
      // Matches SpiffWorkflow: without a result variable the result goes to a generated name.
      spec.resultVariable =
        operator.resultVariable === null || operator.resultVariable === ''
          ? `spiff__${spec.name.replace(/-/g, '_')}_result`
          : operator.resultVariable;
    }
    return spec;
  },
};

/** A business rule task names its decision with `spiffworkflow:calledDecisionId`. */
const businessRuleTaskParser: ElementParser = {
  create: (ctx, node) => {
    const spec = ctx.newSpec('BusinessRuleTask', node);
    const called = readSpiffExtensions(node)['calledDecisionId'];
    spec.decisionRef = typeof called === 'string' ? called.trim() : null;
    return spec;
  },
};

/** The spiff flavour's element parsers, over the BPMN defaults. */
export const spiffParsers: Readonly<Record<string, ElementParser>> = {
  'bpmn:serviceTask': serviceTaskParser,
  'bpmn:businessRuleTask': businessRuleTaskParser,
};

/** The payload expression and variable of a message: on the message, else the event. */
function messageExtensions(holders: readonly XmlElement[]): {
  payloadExpression?: string;
  messageVar?: string;
} {
  const out: { payloadExpression?: string; messageVar?: string } = {};
  for (const holder of holders) {
    for (const e of descendants(holder)) {
      if (e.tag === 'spiffworkflow:messagePayload' && out.payloadExpression === undefined) {
        out.payloadExpression = e.text.trim();
      } else if (e.tag === 'spiffworkflow:messageVariable' && out.messageVar === undefined) {
        out.messageVar = e.text.trim();
      }
    }
    if (Object.keys(out).length > 0) break;
  }
  return out;
}

/** `spiffworkflow:processVariableCorrelation`s: correlations computed from the task's data. */
function processCorrelations(parser: BpmnParser, holders: readonly XmlElement[]) {
  const out: CorrelationProperty[] = [];
  for (const holder of holders) {
    for (const prop of descendants(holder)) {
      if (prop.tag !== 'spiffworkflow:processVariableCorrelation') continue;
      const key = childOf(prop, 'spiffworkflow:propertyId')?.text.trim() ?? '';
      const expression = childOf(prop, 'spiffworkflow:expression')?.text.trim() ?? '';
      out.push({
        name: key,
        retrievalExpression: expression,
        correlationKeys: parser.correlationKeysOf(key),
      });
    }
    if (out.length > 0) break;
  }
  return out;
}

// SpiffArena puts properties no correlation key lists under its main key.
const withMainKey = (props: readonly CorrelationProperty[]) =>
  props.map((p) =>
    p.correlationKeys.length > 0 ? p : { ...p, correlationKeys: ['MainCorrelationKey'] },
  );

function eventDefinition(def: EventDefinition, source: EventDefinitionSource): EventDefinition {
  switch (def.typename) {
    case 'MessageEventDefinition': {
      const { event, definition, referenced } = source;
      const fromMessage = referenced ? messageExtensions([referenced]) : {};
      return {
        ...def,
        correlationProperties: withMainKey(def.correlationProperties ?? []),
        processCorrelations: withMainKey(processCorrelations(source.parser, [definition, event])),
        ...(Object.keys(fromMessage).length > 0
          ? fromMessage
          : messageExtensions([definition, event])),
      };
    }
    case 'SignalEventDefinition':
    case 'ErrorEventDefinition':
    case 'EscalationEventDefinition': {
      const ext = source.referenced ? extensionTexts(source.referenced) : {};
      return {
        ...def,
        payloadExpression: ext['payloadExpression'] ?? null,
        variable: ext['variableName'] ?? null,
      };
    }
    default:
      return def;
  }
}

/** The spiff flavour's parser hooks. */
export const spiffParseHooks: FlavourParseHooks = {
  extensions: readSpiffExtensions,
  // A data object's `spiffworkflow:category` (SpiffWorkflow's spiff `DataObject`).
  dataObject: (node) => ({ category: readSpiffExtensions(node)['category'] ?? null }),
  eventDefinition,
  // Pre- and post-scripts run around the loop task, or around each instance with
  // `spiffworkflow:scriptsOnInstances="true"`.
  loopExtensions(characteristics, extensions) {
    const onInstances = characteristics.attrs['spiffworkflow:scriptsOnInstances'] === 'true';
    const withoutScripts = { ...extensions };
    delete withoutScripts['preScript'];
    delete withoutScripts['postScript'];
    return onInstances
      ? { loop: withoutScripts, instance: { ...extensions } }
      : { loop: { ...extensions }, instance: withoutScripts };
  },
};
