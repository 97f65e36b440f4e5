import { Parser } from 'saxen';
import { ValidationError } from '@spiff-ts/core';

/** What a quick pass over the XML text learns before moddle reads it. */
export interface XmlScan {
  /** Qualified name of the root element as written, e.g. `bpmn:definitions`. */
  readonly rootName: string;
  /** Namespace URI of the root element, when declared. */
  readonly rootNamespace: string | undefined;
  /** 1-based line of the root element's start tag. */
  readonly rootLine: number;
  /** Element id → 1-based line of its start tag (first occurrence). */
  readonly lines: ReadonlyMap<string, number>;
  /**
   * `"line:column"` (0-based, as the XML tokenizer reports them) of each start tag → the id of
   * that element, or of its nearest ancestor that has one.
   */
  readonly owners: ReadonlyMap<string, string>;
}

/**
 * Checks that `xml` is well-formed and free of DTDs, and maps element ids to lines.
 *
 * DOCTYPE, ENTITY and other DTD declarations are refused outright: BPMN and DMN never need them,
 * and they are how entity-expansion and external-entity attacks get in.
 *
 * @throws {@link ValidationError} on a DTD, or when the XML is not well-formed
 * @internal
 */
export function scanXml(xml: string, file: string | undefined): XmlScan {
  const lines = new Map<string, number>();
  const owners = new Map<string, string>();
  const stack: (string | undefined)[] = [];
  let rootName: string | undefined;
  let rootNamespace: string | undefined;
  let rootLine = 1;
  let problem: ValidationError | undefined;

  const fail = (message: string, line: number | undefined): void => {
    problem ??= new ValidationError(message, { file, ...(line === undefined ? {} : { line }) });
  };

  // Namespace-aware, as moddle reads it: an undeclared prefix is caught here, with its line.
  const parser = new Parser({ proxy: true });
  parser
    // The `xml:` prefix is bound by definition (`xml:lang`, `xml:space`).
    .ns({ 'http://www.w3.org/XML/1998/namespace': 'xml' })
    .on('attention', (text, _decode, getContext) => {
      const kind = /^<!\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? 'DTD';
      fail(`${kind} declarations are not accepted in BPMN or DMN files`, getContext().line + 1);
    })
    .on('openTag', (tag, decode, selfClosing, getContext) => {
      const { line, column } = getContext();
      const attrs = tag.attrs === false ? {} : tag.attrs;
      const rawId = attrs['id'];
      const id = rawId === undefined ? undefined : decode(rawId);
      if (id !== undefined && !lines.has(id)) lines.set(id, line + 1);
      const owner = id ?? stack.at(-1);
      if (owner !== undefined) owners.set(`${line}:${column}`, owner);
      if (rootName === undefined) {
        rootName = tag.originalName;
        rootLine = line + 1;
        const colon = rootName.indexOf(':');
        const declaration = colon === -1 ? 'xmlns' : `xmlns:${rootName.slice(0, colon)}`;
        const uri = attrs[declaration];
        rootNamespace = uri === undefined ? undefined : decode(uri);
      }
      if (!selfClosing) stack.push(owner);
    })
    .on('closeTag', (_name, _decode, selfClosing) => {
      if (!selfClosing) stack.pop();
    })
    .on('error', (error, getContext) => {
      fail(`Malformed XML: ${error.message}`, getContext().line + 1);
    })
    .on('warn', (error, getContext) => {
      fail(`Malformed XML: ${error.message}`, getContext().line + 1);
    });
  parser.parse(xml);

  if (problem !== undefined) throw problem;
  if (rootName === undefined) throw new ValidationError('Malformed XML: no root element', { file });
  return { rootName, rootNamespace, rootLine, lines, owners };
}
