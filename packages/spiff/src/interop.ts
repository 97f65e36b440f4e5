import type { BpmnSpec, CorrelationProperty, InteropConverters } from '@spiff-ts/bpmn';
import type { Json, JsonObject } from '@spiff-ts/core';
import { SCRIPTED_TYPES } from './scripted.js';

type Obj = Readonly<Record<string, unknown>>;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' ? (v as Obj) : {});

function correlationsIn(v: unknown): CorrelationProperty[] {
  return list(v).map((p) => {
    const o = (p ?? {}) as Obj;
    return {
      name: str(o['name']) ?? '',
      retrievalExpression: str(o['retrieval_expression']) ?? '',
      correlationKeys: list(o['correlation_keys']).map(String),
    };
  });
}

function correlationsOut(props: readonly CorrelationProperty[] | undefined): JsonObject[] {
  return (props ?? []).map((p) => ({
    name: p.name,
    retrieval_expression: p.retrievalExpression,
    correlation_keys: [...p.correlationKeys],
  }));
}

const ITEM_EVENTS: ReadonlySet<string> = new Set([
  'SignalEventDefinition',
  'ErrorEventDefinition',
  'EscalationEventDefinition',
]);

/**
 * What SpiffWorkflow's spiff serializer config writes besides the BPMN fields: message payload
 * expressions, variables and process correlations; signal, error and escalation payloads; task
 * pre- and post-scripts and a user task's form variable as fields of their own; service task
 * operators; called decisions; data object categories.
 */
export const spiffInterop: InteropConverters = {
  readEventDefinition(json, def) {
    if (def.typename === 'MessageEventDefinition') {
      return {
        ...def,
        payloadExpression: str(json['expression']),
        messageVar: str(json['message_var']),
        processCorrelations: correlationsIn(json['process_correlations']),
      };
    }
    if (ITEM_EVENTS.has(def.typename)) {
      return {
        ...def,
        payloadExpression: str(json['expression']),
        variable: str(json['variable']),
      };
    }
    return def;
  },
  writeEventDefinition(def, out) {
    if (def.typename === 'MessageEventDefinition') {
      out['description'] = null;
      out['expression'] = def.payloadExpression ?? null;
      out['message_var'] = def.messageVar ?? null;
      out['process_correlations'] = correlationsOut(def.processCorrelations);
    } else if (ITEM_EVENTS.has(def.typename)) {
      // The spiff error and escalation definitions have no description; the signal keeps its own.
      if (def.typename !== 'SignalEventDefinition') out['description'] = null;
      out['expression'] = def.payloadExpression ?? null;
      out['variable'] = def.variable ?? null;
    }
  },
  readTaskSpec(json, spec) {
    const extensions = spec['extensions'] as Record<string, unknown>;
    const typename = json['typename'];
    if (typeof typename === 'string' && SCRIPTED_TYPES.has(typename)) {
      // What runs is the `prescript` / `postscript` field: the extensions keep the element's
      // scripts even where they moved to the loop task.
      for (const [field, key] of [
        ['prescript', 'preScript'],
        ['postscript', 'postScript'],
      ] as const) {
        const script = str(json[field]);
        if (script) extensions[key] = script;
        else delete extensions[key];
      }
    }
    if (typename === 'UserTask' && str(json['variable'])) {
      extensions['variableName'] = json['variable'];
    }
    if (typename === 'ServiceTask') {
      const operator = obj(extensions['serviceTaskOperator']);
      spec['operatorName'] = str(json['operation_name']) ?? str(operator['name']);
      spec['operationParams'] = json['operation_params'] ?? operator['parameters'] ?? {};
      spec['resultVariable'] =
        str(json['result_variable']) ??
        str(operator['resultVariable']) ??
        `spiff__${String(json['name']).replace(/-/g, '_')}_result`;
    }
    if (typename === 'BusinessRuleTask') {
      spec['decisionRef'] = str(extensions['calledDecisionId']);
    }
  },
  readDataObject(json, info) {
    return { ...info, extensions: { ...info.extensions, category: str(json['category']) } };
  },
  writeDataObject(info, out) {
    out['category'] = (info.extensions['category'] as string | null | undefined) ?? null;
  },
  writeTaskSpec(spec: BpmnSpec, out, process) {
    if (out['extensions'] !== undefined) {
      // A loop's instances keep the element's scripts among their extensions (the loop task
      // runs them, and has their fields): as SpiffWorkflow's parser leaves them.
      const loop = [...process.taskSpecs.values()].find(
        (ts) => (ts as BpmnSpec).taskSpec === spec.name,
      ) as BpmnSpec | undefined;
      const extensions = out['extensions'] as JsonObject;
      for (const key of ['preScript', 'postScript']) {
        const script = loop?.extensions[key];
        if (typeof script === 'string' && extensions[key] === undefined) extensions[key] = script;
      }
    }
    if (spec.typename === 'ServiceTask') {
      out['operation_name'] = spec.operatorName ?? null;
      out['operation_params'] = JSON.parse(JSON.stringify(spec.operationParams ?? {})) as Json;
      out['result_variable'] = spec.resultVariable ?? null;
      out['retries'] = null;
    }
    if (!SCRIPTED_TYPES.has(spec.typename)) return;
    const text = (key: string) => {
      const value = spec.extensions[key];
      return typeof value === 'string' ? value : null;
    };
    out['prescript'] = text('preScript');
    out['postscript'] = text('postScript');
    if (spec.typename === 'UserTask') out['variable'] = text('variableName');
  },
};
