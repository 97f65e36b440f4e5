import type { BpmnSpec, InteropConverters } from '@spiff-ts/bpmn';
import type { Json, JsonObject } from '@spiff-ts/core';
import type { CamundaForm, CamundaFormField } from './parser.js';

type Obj = Readonly<Record<string, unknown>>;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' ? (v as Obj) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const MULTI_INSTANCE: ReadonlySet<string> = new Set([
  'ParallelMultiInstanceTask',
  'SequentialMultiInstanceTask',
]);

/** A form as SpiffWorkflow's camunda `UserTaskConverter` writes it (snake_case keys). */
function formOut(form: CamundaForm): JsonObject {
  return {
    key: form.key,
    fields: form.fields.map((f) => {
      const out: JsonObject = {
        id: f.id,
        default_value: f.defaultValue,
        label: f.label,
        type: f.type,
        properties: f.properties.map((p) => ({ id: p.id, value: p.value })),
        validation: f.validation.map((v) => ({ name: v.name, config: v.config })),
      };
      if (f.type === 'enum') out['options'] = (f.options ?? []).map((o) => ({ ...o }));
      return out;
    }),
  };
}

function formIn(v: unknown): CamundaForm {
  const o = obj(v);
  const pairs = <K extends string>(items: unknown, a: K, b: K) =>
    list(items).map(
      (p) => ({ [a]: str(obj(p)[a]), [b]: str(obj(p)[b]) }) as Record<K, string | null>,
    );
  return {
    key: str(o['key']) ?? '',
    fields: list(o['fields']).map((x): CamundaFormField => {
      const f = obj(x);
      const type = str(f['type']);
      return {
        id: str(f['id']),
        type,
        label: str(f['label']),
        defaultValue: str(f['default_value']),
        properties: pairs(f['properties'], 'id', 'value') as CamundaFormField['properties'],
        validation: pairs(f['validation'], 'name', 'config') as CamundaFormField['validation'],
        ...(type === 'enum'
          ? { options: pairs(f['options'], 'id', 'name') as CamundaFormField['options'] }
          : {}),
      };
    }),
  };
}

/**
 * What SpiffWorkflow's camunda serializer config writes besides the BPMN fields: a message's
 * expression and result variable, a user task's form, and multi-instance tasks whose input is
 * filled in when they start.
 *
 * A collection loop (no cardinality) is written with its input already filled in (the collection
 * and element variable), as the reference's spec reads once the task has been reached: reaching
 * it there sets the same references again, and a state saved mid-loop needs them to merge the
 * outputs into the collection.
 */
export const camundaInterop: InteropConverters = {
  readEventDefinition(json, def) {
    if (def.typename !== 'MessageEventDefinition') return def;
    return {
      ...def,
      payloadExpression: str(json['expression']),
      resultVar: str(json['result_var']),
    };
  },
  writeEventDefinition(def, out) {
    if (def.typename !== 'MessageEventDefinition') return;
    out['description'] = null;
    out['expression'] = def.payloadExpression ?? null;
    out['result_var'] = def.resultVar ?? null;
  },
  readTaskSpec(json, spec) {
    const typename = json['typename'];
    if (typename === 'CallActivity' && json['description'] === 'Subprocess') {
      // An embedded sub-process (see writeTaskSpec).
      spec['typename'] = 'SubWorkflowTask';
    }
    if (typename === 'UserTask' && json['form'] !== undefined) spec['form'] = formIn(json['form']);
    if (
      typeof typename === 'string' &&
      MULTI_INSTANCE.has(typename) &&
      spec['cardinality'] === null &&
      spec['dataInput'] === null
    ) {
      // The reference fills these in when the task starts: the collection is both.
      spec['dataInput'] = spec['dataOutput'];
      spec['inputItem'] = spec['outputItem'];
    }
  },
  writeTaskSpec(spec: BpmnSpec, out) {
    // The camunda parser builds embedded sub-processes as call activities (the same run for a
    // process without inputs or outputs of its own).
    if (spec.typename === 'SubWorkflowTask') out['typename'] = 'CallActivity';
    if (spec.typename === 'UserTask') {
      const form = (spec as BpmnSpec & { form?: CamundaForm }).form;
      out['form'] = formOut(form ?? { key: '', fields: [] }) as Json;
    }
  },
};
