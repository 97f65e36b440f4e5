import { DMN_NAMESPACES } from '../parser/read-xml.js';
import type { XsdSchema } from './xsd-schema.js';

/**
 * Validates a BPMN file against the BPMN 2.0 schema (`BPMN20.xsd` and its imports, compiled
 * into `schema`), as SpiffWorkflow's `BpmnValidator` does when `validate` is on.
 *
 * Matches SpiffWorkflow: a `formalExpression` directly inside a
 * `correlationPropertyRetrievalExpression` (which bpmn-js writes, though the schema wants
 * `messagePath`) is accepted. Extension elements (`camunda:`, `spiffworkflow:`) are checked by
 * the moddle packages of the parser's flavour, not here: the BPMN schema lets them through (`lax`).
 *
 * @example
 * ```ts
 * const schema = loadBpmnSchema(); // from '@spiff-ts/bpmn/node', or XsdSchema.compile(files)
 * validateBpmn(text, 'order.bpmn', schema);
 * ```
 * @throws {@link ValidationError} at the first schema violation, naming file, line and element
 */
export function validateBpmn(xml: string, file: string | undefined, schema: XsdSchema): void {
  schema.validate(acceptRetrievalFormalExpressions(xml), file);
}

/**
 * Validates a DMN 1.1, 1.2 or 1.3 file against the DMN 1.3 schema (compiled into `schema`),
 * reading older namespaces as DMN 1.3 just as `readDmnXml` does.
 *
 * Departs from SpiffWorkflow, which checks each version against its own schema: the 1.1 and 1.2
 * schemas are not shipped by any package this project uses. Every DMN file of the conformance
 * corpus is valid under both.
 *
 * @throws {@link ValidationError} at the first schema violation, naming file, line and element
 */
export function validateDmn(xml: string, file: string | undefined, schema: XsdSchema): void {
  schema.validate(asDmn13(xml), file);
}

const DMN13_MODEL = 'https://www.omg.org/spec/DMN/20191111/MODEL/';
const OLDER_NAMESPACES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    Object.entries(DMN_NAMESPACES)
      .filter(([, version]) => version !== '1.3')
      .map(([uri]) => [uri, DMN13_MODEL]),
  ),
  'http://www.omg.org/spec/DMN/20180521/DMNDI/': 'https://www.omg.org/spec/DMN/20191111/DMNDI/',
};

/** Rewrites older DMN namespace declarations to DMN 1.3 (same length of text per line). */
function asDmn13(xml: string): string {
  return xml.replace(
    /(\sxmlns(?::[\w.-]+)?\s*=\s*)(["'])([^"']*)\2/g,
    (whole, head: string, quote: string, uri: string) => {
      const replacement = OLDER_NAMESPACES[uri];
      return replacement === undefined ? whole : `${head}${quote}${replacement}${quote}`;
    },
  );
}

/** Renames `formalExpression` to `messagePath` inside retrieval expressions, keeping lines. */
function acceptRetrievalFormalExpressions(xml: string): string {
  return xml.replace(
    /(<(?:[\w.-]+:)?correlationPropertyRetrievalExpression\b[^>]*>\s*<(?:[\w.-]+:)?)formalExpression\b([\s\S]*?<\/(?:[\w.-]+:)?)formalExpression\s*>/g,
    '$1messagePath$2messagePath>',
  );
}
