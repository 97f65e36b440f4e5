import {
  combineInterop,
  type BpmnFlavour,
  type BpmnSpec,
  type InteropConverters,
  type ModdleElement,
} from '@spiff-ts/bpmn';
import type { Json, JsonObject } from '@spiff-ts/core';
import { resolveDecisionRef } from './business-rule.js';
import type { DmnEngine } from './engine.js';
import { decisionLogic } from './feel/evaluator.js';

const many = (e: ModdleElement, key: string): ModdleElement[] => {
  const v = e[key];
  return Array.isArray(v) ? (v as ModdleElement[]) : [];
};
const one = (e: ModdleElement, key: string): ModdleElement | undefined => {
  const v = e[key];
  return v !== null && typeof v === 'object' ? (v as ModdleElement) : undefined;
};
const attr = (e: ModdleElement | undefined, key: string): string | undefined => {
  const v = e?.[key] ?? e?.$attrs?.[key];
  return typeof v === 'string' ? v : undefined;
};
/** An element's text as lxml gives it: an empty element has none. */
const text = (e: ModdleElement | undefined): string | null => {
  const v = e?.['text'];
  return typeof v === 'string' && v !== '' ? v : null;
};
/** A text child (`description`, `text`): absent gives SpiffWorkflow's default, empty gives null. */
const child = (e: ModdleElement, key: string): string | null => {
  const v = e[key];
  if (typeof v !== 'string') return '';
  return v === '' ? null : v;
};

/**
 * A decision table as SpiffWorkflow's DMN serializer writes it in a business rule task's
 * `decision_table`: inputs, outputs and rules with SpiffWorkflow's field names and defaults (an
 * input entry of `-` is no test, `null`).
 */
export function decisionTableJson(table: ModdleElement): JsonObject {
  const hitPolicy = attr(table, 'hitPolicy') ?? 'UNIQUE';
  const inputs = many(table, 'input');
  const outputs = many(table, 'output');
  return {
    id: attr(table, 'id') ?? '',
    name: attr(table, 'name') ?? '',
    hit_policy: hitPolicy.toUpperCase(),
    inputs: inputs.map((input) => {
      const expression = one(input, 'inputExpression');
      return {
        id: attr(input, 'id') ?? '',
        label: attr(input, 'label') ?? '',
        name: attr(input, 'name') ?? '',
        expression: expression ? text(expression) : null,
        typeRef: expression ? (attr(expression, 'typeRef') ?? '') : null,
      };
    }),
    outputs: outputs.map((output) => ({
      id: attr(output, 'id') ?? '',
      label: attr(output, 'label') ?? '',
      name: attr(output, 'name') ?? '',
      typeRef: attr(output, 'typeRef') ?? '',
    })),
    rules: many(table, 'rule').map((rule, row) => ({
      id: attr(rule, 'id') ?? '',
      row_number: row + 1,
      description: child(rule, 'description'),
      input_entries: many(rule, 'inputEntry').map((entry, i) => {
        const lhs = text(entry);
        return {
          id: attr(entry, 'id') ?? '',
          input_id: attr(inputs[i], 'id') ?? null,
          description: child(entry, 'description'),
          lhs: [lhs === '-' ? null : lhs],
        };
      }),
      output_entries: many(rule, 'outputEntry').map((entry, i) => ({
        id: attr(entry, 'id') ?? '',
        output_id: attr(outputs[i], 'id') ?? null,
        description: child(entry, 'description'),
        text: child(entry, 'text'),
      })),
    })),
  };
}

/** The decision table a business rule task's reference names, if the engine has one. */
export function decisionTableOf(engine: DmnEngine, ref: string): ModdleElement | undefined {
  const id = resolveDecisionRef(engine, ref);
  for (const model of engine.models.models) {
    const decision = model.elements.get(id) ?? model.elementsByName.get(id);
    const logic = decision ? decisionLogic(decision) : undefined;
    if (logic?.$type === 'dmn:DecisionTable') return logic;
  }
  return undefined;
}

type WithTable = BpmnSpec & { readonly decisionTable?: Json };

/**
 * SpiffWorkflow JSON converters for business rule tasks (its DMN serializer): a task written
 * carries its `decision_table`, kept from the JSON it was read from or built from `engine`'s
 * decision; a task read without a decision reference gets the table's id, which
 * {@link resolveDecisionRef} resolves to its decision.
 */
export function dmnInterop(engine?: DmnEngine): InteropConverters {
  return {
    readTaskSpec(json, spec) {
      if (json['typename'] !== 'BusinessRuleTask') return;
      const table = json['decision_table'];
      if (table === null || typeof table !== 'object' || Array.isArray(table)) return;
      spec['decisionTable'] = table;
      const id = (table as { id?: unknown }).id;
      if (typeof spec['decisionRef'] !== 'string' && typeof id === 'string') {
        spec['decisionRef'] = id;
      }
    },
    writeTaskSpec(spec, out) {
      if (spec.typename !== 'BusinessRuleTask') return;
      const kept = (spec as WithTable).decisionTable;
      if (kept !== undefined) {
        out['decision_table'] = JSON.parse(JSON.stringify(kept)) as Json;
        return;
      }
      const table =
        engine && spec.decisionRef ? decisionTableOf(engine, spec.decisionRef) : undefined;
      if (table) out['decision_table'] = decisionTableJson(table);
    },
  };
}

/**
 * `flavour` (or plain BPMN) with {@link dmnInterop}'s converters after its own, for
 * `toSpiffJson` / `fromSpiffJson` of workflows whose business rule tasks `engine` decides.
 *
 * @example
 * ```ts
 * const flavour = withDecisionTables(spiffFlavour, engine);
 * const json = serializer.toSpiffJson(workflow, flavour); // business rule tasks carry decision_table
 * ```
 */
export function withDecisionTables(
  flavour: BpmnFlavour | undefined,
  engine: DmnEngine,
): BpmnFlavour {
  return {
    ...(flavour ?? { name: 'bpmn' }),
    interop: combineInterop(flavour?.interop, dmnInterop(engine)),
  };
}
