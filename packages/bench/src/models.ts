import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Where the benchmark models live: `../shared/bench/models`, beside the repository. */
export const MODELS_DIR = resolve(import.meta.dirname, '../../../../shared/bench/models');

/** Thrown when `../shared/bench` is absent, so the runner can say so instead of crashing. */
export class ModelsMissingError extends Error {
  override readonly name = 'ModelsMissingError';
}

/** The text of a shipped model (`seq100`, `loop300`, ...); process id = file name. */
export function shippedModel(name: string): string {
  const file = resolve(MODELS_DIR, `${name}.bpmn`);
  if (!existsSync(file)) {
    throw new ModelsMissingError(
      `Benchmark model not found: ${file} (the BPMN workloads read ../shared/bench/models)`,
    );
  }
  return readFileSync(file, 'utf8');
}

/** The `loopN` model: the shipped one when there is one, else loop300 with its bound rewritten. */
export function loopModel(iterations: number): string {
  const name = `loop${String(iterations)}`;
  if (existsSync(resolve(MODELS_DIR, `${name}.bpmn`))) return shippedModel(name);
  const text = shippedModel('loop300')
    .replaceAll('loop300', name)
    .replace('more = i &lt; 300', `more = i &lt; ${String(iterations)}`);
  if (!text.includes(`more = i &lt; ${String(iterations)}`)) {
    throw new Error('loop300.bpmn no longer has the script `more = i < 300` to rewrite');
  }
  return text;
}

const BPMN = 'http://www.omg.org/spec/BPMN/20100524/MODEL';

/**
 * `waitN`, generated: start → N script tasks (`counter = counter + 1`) → user task `Approve` →
 * end, the shape of the shipped `wait100` with any N. Needs no shared file.
 */
export function waitModel(scripts: number): string {
  const name = `wait${String(scripts)}`;
  const id = (i: number): string => `Script_${String(i).padStart(4, '0')}`;
  const nodes: string[] = [`<bpmn:startEvent id="StartEvent"/>`];
  const flows: string[] = [];
  let previous = 'StartEvent';
  const flowTo = (target: string): void => {
    flows.push(
      `<bpmn:sequenceFlow id="Flow_${String(flows.length + 1)}" sourceRef="${previous}" targetRef="${target}"/>`,
    );
    previous = target;
  };
  for (let i = 1; i <= scripts; i += 1) {
    nodes.push(
      `<bpmn:scriptTask id="${id(i)}" scriptFormat="python"><bpmn:script>counter = counter + 1</bpmn:script></bpmn:scriptTask>`,
    );
    flowTo(id(i));
  }
  nodes.push(`<bpmn:userTask id="Approve" name="Approve"/>`, `<bpmn:endEvent id="EndEvent"/>`);
  flowTo('Approve');
  flowTo('EndEvent');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="${BPMN}" id="Definitions_${name}" targetNamespace="http://bpmn.io/schema/bpmn">
<bpmn:process id="${name}" isExecutable="true">
${[...nodes, ...flows].join('\n')}
</bpmn:process>
</bpmn:definitions>
`;
}
