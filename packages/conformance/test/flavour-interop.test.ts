/**
 * What the flavours and the DMN converters write for SpiffWorkflow, checked against the states
 * SpiffWorkflow itself wrote (the spiff corpus' `interop/` cases): camunda user task forms and
 * business rule task decision tables must come out exactly as the reference serialized them.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BpmnParser,
  BpmnWorkflow,
  toSpiffWorkflowJson,
  type BpmnFlavour,
  type BpmnSpec,
} from '@spiff-ts/bpmn';
import { CamundaParser, camundaFlavour, camundaInterop } from '@spiff-ts/camunda';
import { SpiffBpmnParser, spiffFlavour } from '@spiff-ts/spiff';
import type { JsonObject } from '@spiff-ts/core';
import { DmnEngine, decisionTableJson, decisionTableOf } from '@spiff-ts/dmn';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const corpus = resolve(repoRoot, '../shared/conformance/spiff');
const present = existsSync(resolve(corpus, 'interop'));
const absence = `Interop cases not found at ${corpus}/interop: the reference's forms and decision tables cannot be compared here`;
if (!present) console.warn(absence);

interface Case {
  readonly load: {
    readonly flavor?: string;
    readonly bpmn: string[];
    readonly dmn?: string[];
    readonly process?: string;
  };
  readonly state: {
    readonly spec: SpecJson;
    readonly subprocess_specs: Record<string, SpecJson>;
  };
}
interface SpecJson {
  readonly name: string;
  readonly data_objects: unknown;
  readonly task_specs: Record<string, Record<string, unknown>>;
}

/** The scenario's parser and flavour, as the spiff runner picks them. */
function parserOf(c: Case): { parser: BpmnParser; flavour?: BpmnFlavour } {
  const options = { validate: false };
  const made =
    c.load.flavor === 'spiff'
      ? { parser: new SpiffBpmnParser(options), flavour: spiffFlavour }
      : c.load.flavor === 'camunda'
        ? { parser: new CamundaParser(options), flavour: camundaFlavour }
        : { parser: new BpmnParser(options) };
  for (const path of c.load.bpmn) made.parser.addBpmnXml(model(path), path);
  return made;
}

const cases = (): [string, Case][] =>
  readdirSync(resolve(corpus, 'interop'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, JSON.parse(readFileSync(resolve(corpus, 'interop', f), 'utf8')) as Case]);
const model = (path: string) => readFileSync(resolve(corpus, 'models', path), 'utf8');
const specsOf = (c: Case) => [c.state.spec, ...Object.values(c.state.subprocess_specs)];

describe('flavour fields written as SpiffWorkflow writes them', () => {
  if (present) {
    it('camunda user task forms', () => {
      let compared = 0;
      for (const [file, c] of cases()) {
        if (c.load.flavor !== 'camunda') continue;
        const parser = new CamundaParser({ validate: false });
        for (const path of c.load.bpmn) parser.addBpmnXml(model(path), path);
        for (const process of specsOf(c)) {
          for (const json of Object.values(process.task_specs)) {
            if (json['typename'] !== 'UserTask') continue;
            const spec = parser.getSpec(process.name).getTaskSpec(String(json['name']));
            const out: JsonObject = {};
            camundaInterop.writeTaskSpec?.(spec as BpmnSpec, out);
            expect(out['form'], `${file}: ${String(json['name'])}`).toEqual(json['form']);
            compared += 1;
          }
        }
      }
      expect(compared).toBeGreaterThan(0);
    });

    it('business rule task decision tables, key order included', () => {
      let compared = 0;
      for (const [file, c] of cases()) {
        const dmn = c.load.dmn ?? [];
        if (dmn.length === 0) continue;
        const engine = DmnEngine.parse(dmn.map((path) => ({ path, text: model(path) })));
        for (const process of specsOf(c)) {
          for (const json of Object.values(process.task_specs)) {
            const recorded = json['decision_table'] as { id: string } | undefined;
            if (recorded === undefined) continue;
            const extensions = json['extensions'] as { calledDecisionId?: string } | undefined;
            const table = decisionTableOf(engine, extensions?.calledDecisionId ?? recorded.id);
            expect(table, file).toBeDefined();
            const written = table ? decisionTableJson(table) : undefined;
            expect(JSON.stringify(written), file).toBe(JSON.stringify(recorded));
            compared += 1;
          }
        }
      }
      expect(compared).toBeGreaterThan(0);
    });

    it('spiff task extensions (scripts aside, written as fields of their own)', () => {
      let compared = 0;
      for (const [file, c] of cases()) {
        if (c.load.flavor !== 'spiff') continue;
        const { parser } = parserOf(c);
        for (const process of specsOf(c)) {
          for (const json of Object.values(process.task_specs)) {
            const recorded = json['extensions'] as Record<string, unknown> | undefined;
            if (recorded === undefined) continue;
            const spec = parser.getSpec(process.name).getTaskSpec(String(json['name'])) as BpmnSpec;
            const without = (ext: Readonly<Record<string, unknown>>) => {
              const { preScript: _pre, postScript: _post, triggerSpecs: _t, ...rest } = ext;
              return rest;
            };
            expect(without(spec.extensions), `${file}: ${spec.name}`).toEqual(without(recorded));
            compared += 1;
          }
        }
      }
      expect(compared).toBeGreaterThan(0);
    });

    it('data objects, with their names and spiff categories', () => {
      let compared = 0;
      for (const [file, c] of cases()) {
        const hasObjects = specsOf(c).some((p) => Object.keys(p.data_objects as object).length > 0);
        if (c.load.process === undefined || !hasObjects) continue;
        const { parser, flavour } = parserOf(c);
        const workflow = new BpmnWorkflow(
          parser.getSpec(c.load.process),
          parser.getSubprocessSpecs(c.load.process, false),
        );
        const written = toSpiffWorkflowJson(workflow, flavour) as unknown as Case['state'];
        for (const process of specsOf(c)) {
          const mine =
            process.name === written.spec.name
              ? written.spec
              : written.subprocess_specs[process.name];
          if (mine === undefined) continue;
          expect(JSON.stringify(mine.data_objects), file).toBe(
            JSON.stringify(process.data_objects),
          );
          compared += 1;
        }
      }
      expect(compared).toBeGreaterThan(0);
    });
  } else {
    it('says clearly that the cases are absent', () => {
      expect(absence).toContain('not found');
    });
  }
});
