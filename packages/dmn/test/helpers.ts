/** Small DMN models written in code for the unit tests. */
import { DmnEngine, type ParseDmnOptions } from '@spiff-ts/dmn';

export const DMN15 = 'https://www.omg.org/spec/DMN/20230324/MODEL/';
export const DMN13 = 'https://www.omg.org/spec/DMN/20191111/MODEL/';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface TableSpec {
  readonly id?: string;
  readonly hitPolicy?: string;
  readonly aggregation?: string;
  /** Input expressions. */
  readonly inputs: readonly string[];
  readonly outputs: readonly {
    readonly name: string;
    readonly values?: string;
    readonly typeRef?: string;
  }[];
  readonly rules: readonly (readonly [inputs: readonly string[], outputs: readonly string[]])[];
  readonly inputLanguage?: string;
}

/** A decision table decision, as XML. */
export function tableDecision(spec: TableSpec): string {
  const id = spec.id ?? 'decision';
  const attrs = [
    spec.hitPolicy === undefined ? '' : ` hitPolicy="${spec.hitPolicy}"`,
    spec.aggregation === undefined ? '' : ` aggregation="${spec.aggregation}"`,
  ].join('');
  const inputs = spec.inputs
    .map(
      (text, i) =>
        `<input id="${id}_in${i}" label="in${i}"><inputExpression id="${id}_ie${i}"${
          spec.inputLanguage === undefined ? '' : ` expressionLanguage="${spec.inputLanguage}"`
        }><text>${esc(text)}</text></inputExpression></input>`,
    )
    .join('');
  const outputs = spec.outputs
    .map(
      (o, i) =>
        `<output id="${id}_out${i}" name="${o.name}"${o.typeRef === undefined ? '' : ` typeRef="${o.typeRef}"`}>${
          o.values === undefined ? '' : `<outputValues><text>${esc(o.values)}</text></outputValues>`
        }</output>`,
    )
    .join('');
  const rules = spec.rules
    .map(
      ([ins, outs], r) =>
        `<rule id="r${r + 1}">${ins
          .map((t, i) => `<inputEntry id="${id}_r${r}_i${i}"><text>${esc(t)}</text></inputEntry>`)
          .join('')}${outs
          .map((t, i) => `<outputEntry id="${id}_r${r}_o${i}"><text>${esc(t)}</text></outputEntry>`)
          .join('')}</rule>`,
    )
    .join('');
  return `<decision id="${id}" name="${id}"><decisionTable id="${id}_table"${attrs}>${inputs}${outputs}${rules}</decisionTable></decision>`;
}

/** A `definitions` document around `body`. */
export function definitions(
  body: string,
  options: { namespace?: string; dmn?: string; expressionLanguage?: string; name?: string } = {},
): string {
  const language =
    options.expressionLanguage === undefined
      ? ''
      : ` expressionLanguage="${options.expressionLanguage}"`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="${options.dmn ?? DMN15}" id="defs" name="${options.name ?? 'test'}" namespace="${
    options.namespace ?? 'http://example.com/test'
  }"${language}>
${body}
</definitions>`;
}

/** An engine for one document. */
export function engineFor(xml: string, options: ParseDmnOptions = {}): DmnEngine {
  return DmnEngine.parse([{ path: 'test.dmn', text: xml }], options);
}
