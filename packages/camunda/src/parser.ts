import type {
  ElementParser,
  EventDefinition,
  EventDefinitionSource,
  FlavourParseHooks,
  XmlElement,
} from '@spiff-ts/bpmn';

/** The namespace URI of Camunda 7's BPMN extensions. */
export const CAMUNDA_NS = 'http://camunda.org/schema/1.0/bpmn';

const childOf = (node: XmlElement, tag: string): XmlElement | undefined =>
  node.children.find((c) => c.tag === tag);
const childrenOf = (node: XmlElement, tag: string): XmlElement[] =>
  node.children.filter((c) => c.tag === tag);

/**
 * One field of a Camunda generated form (`camunda:formField`). As in SpiffWorkflow, an attribute
 * the model leaves out is `null`.
 */
export interface CamundaFormField {
  readonly id: string | null;
  /** `string`, `long`, `boolean`, `date`, `enum`, … */
  readonly type: string | null;
  readonly label: string | null;
  readonly defaultValue: string | null;
  readonly properties: readonly { readonly id: string | null; readonly value: string | null }[];
  readonly validation: readonly { readonly name: string | null; readonly config: string | null }[];
  /** `enum` fields: the choices. */
  readonly options?: readonly { readonly id: string | null; readonly name: string | null }[];
}

/** A user task's Camunda form: its `camunda:formKey` and `camunda:formData` fields. */
export interface CamundaForm {
  readonly key: string;
  readonly fields: readonly CamundaFormField[];
}

/**
 * Reads a user task's form. Matches SpiffWorkflow: without a `camunda:formKey` the form is empty,
 * even when the task has `formData`.
 */
export function readCamundaForm(node: XmlElement): CamundaForm {
  const key = node.attrs['camunda:formKey'];
  if (key === undefined) return { key: '', fields: [] };
  const fields: CamundaFormField[] = [];
  const ext = childOf(node, 'bpmn:extensionElements');
  for (const data of ext ? childrenOf(ext, 'camunda:formData') : []) {
    for (const f of childrenOf(data, 'camunda:formField')) {
      const attr = (e: XmlElement, name: string) => e.attrs[name] ?? null;
      const type = attr(f, 'type');
      fields.push({
        id: attr(f, 'id'),
        type,
        label: attr(f, 'label'),
        defaultValue: attr(f, 'defaultValue'),
        properties: childrenOf(f, 'camunda:properties').flatMap((ps) =>
          childrenOf(ps, 'camunda:property').map((p) => ({
            id: attr(p, 'id'),
            value: attr(p, 'value'),
          })),
        ),
        validation: childrenOf(f, 'camunda:validation').flatMap((vs) =>
          childrenOf(vs, 'camunda:constraint').map((v) => ({
            name: attr(v, 'name'),
            config: attr(v, 'config'),
          })),
        ),
        ...(type === 'enum'
          ? {
              options: childrenOf(f, 'camunda:value').map((v) => ({
                id: attr(v, 'id'),
                name: attr(v, 'name'),
              })),
            }
          : {}),
      });
    }
  }
  return { key, fields };
}

/** `camunda:properties` of a flow node: each property's name and value. */
export function readCamundaProperties(node: XmlElement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const ext = childOf(node, 'bpmn:extensionElements');
  for (const props of ext ? childrenOf(ext, 'camunda:properties') : []) {
    for (const p of childrenOf(props, 'camunda:property')) {
      out[p.attrs['name'] ?? ''] = p.attrs['value'] ?? null;
    }
  }
  return out;
}

/** The camunda flavour's element parsers, over the BPMN defaults. */
export const camundaParsers: Readonly<Record<string, ElementParser>> = {
  'bpmn:userTask': {
    create: (ctx, node) => {
      const spec = ctx.newSpec('UserTask', node);
      // The form is a field of its own, as on SpiffWorkflow's camunda UserTask.
      (spec as typeof spec & { form: CamundaForm }).form = readCamundaForm(node);
      return spec;
    },
  },
  'bpmn:businessRuleTask': {
    create: (ctx, node) => {
      const spec = ctx.newSpec('BusinessRuleTask', node);
      spec.decisionRef = node.attrs['camunda:decisionRef'] ?? null;
      return spec;
    },
  },
};

function eventDefinition(def: EventDefinition, source: EventDefinitionSource): EventDefinition {
  if (def.typename !== 'MessageEventDefinition') return def;
  return {
    ...def,
    payloadExpression: source.definition.attrs['camunda:expression'] ?? null,
    resultVar: source.definition.attrs['camunda:resultVariable'] ?? null,
  };
}

/** The camunda flavour's parser hooks. */
export const camundaParseHooks: FlavourParseHooks = {
  extensions: readCamundaProperties,
  eventDefinition,
  // `camunda:collection` is both input and output (or the output of a cardinality loop), and the
  // element variable both the input and the output item.
  multiInstance(_ctx, _spec, mi) {
    const collection = mi.attrs['camunda:collection'];
    if (collection === undefined || childOf(mi, 'bpmn:loopDataInputRef')) return undefined;
    const text = (tag: string) => childOf(mi, tag)?.text.trim() ?? null;
    const cardinality = text('bpmn:loopCardinality');
    const element = mi.attrs['camunda:elementVariable'];
    const item =
      element === undefined ? null : ({ bpmnId: element, bpmnName: null, kind: 'task' } as const);
    const ref = { bpmnId: collection, bpmnName: null, kind: 'task' } as const;
    const sequential = mi.attrs['isSequential'] === 'true';
    return {
      typename: sequential ? 'SequentialMultiInstanceTask' : 'ParallelMultiInstanceTask',
      description: sequential ? 'Sequential MultiInstance' : 'Parallel MultiInstance',
      cardinality,
      dataInput: cardinality === null ? ref : null,
      dataOutput: ref,
      inputItem: item,
      outputItem: item,
      condition: text('bpmn:completionCondition'),
    };
  },
};
