import { Parser } from 'saxen';
import { ValidationError } from '@spiff-ts/core';
import { positionOf, startTagPositions } from './xml-positions.js';

/**
 * Namespace URIs the BPMN parser knows, normalised to one prefix each. Vendor namespaces come
 * from the flavour in use ({@link XmlNamespace}); others keep the prefix the file binds.
 */
export const KNOWN_NAMESPACES: Readonly<Record<string, string>> = {
  'http://www.omg.org/spec/BPMN/20100524/MODEL': 'bpmn',
  'http://www.omg.org/spec/BPMN/20100524/DI': 'bpmndi',
  'http://www.omg.org/spec/DD/20100524/DC': 'dc',
  'http://www.omg.org/spec/DD/20100524/DI': 'di',
  'http://www.w3.org/2001/XMLSchema-instance': 'xsi',
  'http://www.w3.org/XML/1998/namespace': 'xml',
};

/** A vendor namespace and the prefix its names are normalised to (`camunda:formKey`). */
export interface XmlNamespace {
  readonly prefix: string;
  readonly uri: string;
}

/**
 * A minimal element tree of an XML document, with namespace prefixes normalised (`bpmn:task`
 * whatever prefix the file uses) and the line of every start tag. Reading it checks that the
 * XML is well-formed and has no DTD; the BPMN parser reads specs from it, and the moddle reader
 * ({@link readBpmnXml}) checks the same text against the BPMN types.
 */
export interface XmlElement {
  /** Normalised qualified name, e.g. `bpmn:userTask`. */
  readonly tag: string;
  /** Local name, e.g. `userTask`. */
  readonly local: string;
  /** Attributes by normalised name (`camunda:formKey`, `id`, …). */
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  readonly parent: XmlElement | undefined;
  /** Text content directly inside the element (CDATA included). */
  readonly text: string;
  /** 1-based line of the start tag. */
  readonly line: number;
  /** 1-based column of the start tag's `<`. */
  readonly column: number;
}

interface MutableElement {
  tag: string;
  local: string;
  attrs: Record<string, string>;
  children: MutableElement[];
  parent: MutableElement | undefined;
  text: string;
  line: number;
  column: number;
}

/** An {@link XmlElement} tree and what the readers need to know about its root. */
export interface XmlTree {
  readonly root: XmlElement;
  /** Qualified name of the root element as written, e.g. `semantic:definitions`. */
  readonly rootName: string;
  /** Namespace URI of the root element, when declared. */
  readonly rootNamespace: string | undefined;
}

/**
 * Parses XML text into an {@link XmlElement} tree. BPMN 2.0's namespaces are read as `bpmn:`,
 * `bpmndi:`, `dc:` and `di:`, each of `namespaces` (a flavour's `moddle`) as its prefix, and any
 * other as the file binds it.
 *
 * @example
 * ```ts
 * const root = parseXmlTree(text, 'order.bpmn', spiffFlavour.moddle);
 * root.children[0]?.tag; // 'bpmn:process', whatever prefix order.bpmn uses
 * ```
 * @throws {@link ValidationError} when the text is not well-formed or contains a DTD
 */
export function parseXmlTree(
  xml: string,
  file: string | undefined,
  namespaces: readonly XmlNamespace[] = [],
): XmlElement {
  return readXmlTree(xml, file, namespaces).root;
}

/**
 * Parses XML text into an {@link XmlElement} tree in one pass, checking what the readers promise:
 * the text is well-formed (an undeclared prefix, a repeated attribute or a bad attribute is
 * refused too), and has no DTD. DOCTYPE, ENTITY and other declarations are refused outright:
 * BPMN and DMN never need them, and they are how entity-expansion and external-entity attacks
 * get in.
 *
 * @throws {@link ValidationError} naming the file and line of the first problem
 * @internal
 */
export function readXmlTree(
  xml: string,
  file: string | undefined,
  namespaces: readonly XmlNamespace[] = [],
): XmlTree {
  const prefixes: Record<string, string> = { ...KNOWN_NAMESPACES };
  for (const { uri, prefix } of namespaces) prefixes[uri] = prefix;
  const read = readTree(xml, file, prefixes, startTagPositions(xml));
  // The positions are found by a scan of their own; should it ever disagree with the tokenizer
  // about how many start tags there are, read again with the tokenizer's (slow) positions.
  return read.consistent ? read : readTree(xml, file, prefixes, new Int32Array(0));
}

function readTree(
  xml: string,
  file: string | undefined,
  prefixes: Readonly<Record<string, string>>,
  positions: Int32Array,
): XmlTree & { consistent: boolean } {
  const parser = new Parser({ proxy: true });
  const stack: MutableElement[] = [];
  let root: MutableElement | undefined;
  let rootName: string | undefined;
  let rootNamespace: string | undefined;
  let problem: ValidationError | undefined;
  let index = 0;
  const fail = (message: string, line: number): void => {
    problem ??= new ValidationError(message, { file, line });
  };
  parser
    .ns(prefixes)
    .on('attention', (text, _decode, getContext) => {
      const kind = /^<!\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? 'DTD';
      fail(`${kind} declarations are not accepted in BPMN or DMN files`, getContext().line + 1);
    })
    .on('openTag', (tag, decode, selfClosing, getContext) => {
      const name = tag.name;
      const raw = tag.attrs;
      const attrs: Record<string, string> = {};
      if (raw !== false) {
        for (const k in raw) {
          if (k.startsWith('xmlns')) continue;
          attrs[k] = decode(raw[k] as string);
        }
      }
      const { line, column } = positionOf(positions, index++, getContext);
      const colon = name.indexOf(':');
      const parent = stack.length === 0 ? undefined : stack[stack.length - 1];
      const element: MutableElement = {
        tag: name,
        local: colon === -1 ? name : name.slice(colon + 1),
        attrs,
        children: [],
        parent,
        text: '',
        line: line + 1,
        column: column + 1,
      };
      if (parent) parent.children.push(element);
      else if (root === undefined) {
        root = element;
        rootName = tag.originalName;
        const prefix = rootName.indexOf(':');
        const declaration = prefix === -1 ? 'xmlns' : `xmlns:${rootName.slice(0, prefix)}`;
        const uri = raw === false ? undefined : raw[declaration];
        rootNamespace = uri === undefined ? undefined : decode(uri);
      }
      if (!selfClosing) stack.push(element);
    })
    .on('closeTag', (_name, _decode, selfClosing) => {
      if (!selfClosing) stack.pop();
    })
    .on('text', (text, decodeEntities) => {
      const top = stack.length === 0 ? undefined : stack[stack.length - 1];
      if (top) top.text += decodeEntities(text);
    })
    .on('cdata', (text) => {
      const top = stack.length === 0 ? undefined : stack[stack.length - 1];
      if (top) top.text += text;
    })
    .on('error', (error, getContext) => {
      fail(`Malformed XML: ${error.message}`, getContext().line + 1);
    })
    .on('warn', (error, getContext) => {
      fail(`Malformed XML: ${error.message}`, getContext().line + 1);
    });
  parser.parse(xml);
  if (problem !== undefined) throw problem;
  if (root === undefined || rootName === undefined) {
    throw new ValidationError('Malformed XML: no root element', { file });
  }
  const consistent = positions.length === 0 || index * 2 === positions.length;
  return { root, rootName, rootNamespace, consistent };
}

/** Child elements with the given normalised tag. */
export function childrenOf(element: XmlElement, tag: string): XmlElement[] {
  return element.children.filter((c) => c.tag === tag);
}

/** The first child element with the given tag. */
export function childOf(element: XmlElement, tag: string): XmlElement | undefined {
  return element.children.find((c) => c.tag === tag);
}

/** All descendants (not the element itself) in document order, iteratively. */
export function descendants(element: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  const stack: XmlElement[] = [...element.children].reverse();
  while (stack.length > 0) {
    const e = stack.pop() as XmlElement;
    out.push(e);
    for (let i = e.children.length - 1; i >= 0; i--) stack.push(e.children[i] as XmlElement);
  }
  return out;
}
