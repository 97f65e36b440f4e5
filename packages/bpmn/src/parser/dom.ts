import { Parser } from 'saxen';
import { ValidationError } from '@spiff-ts/core';

/** Namespace URIs the BPMN parser knows, normalised to one prefix each. */
export const KNOWN_NAMESPACES: Readonly<Record<string, string>> = {
  'http://www.omg.org/spec/BPMN/20100524/MODEL': 'bpmn',
  'http://www.omg.org/spec/BPMN/20100524/DI': 'bpmndi',
  'http://www.omg.org/spec/DD/20100524/DC': 'dc',
  'http://www.omg.org/spec/DD/20100524/DI': 'di',
  'http://spiffworkflow.org/bpmn/schema/1.0/core': 'spiffworkflow',
  'http://camunda.org/schema/1.0/bpmn': 'camunda',
  'http://www.w3.org/2001/XMLSchema-instance': 'xsi',
  'http://www.w3.org/XML/1998/namespace': 'xml',
};

/**
 * A minimal element tree of an XML document, with namespace prefixes normalised (`bpmn:task`
 * whatever prefix the file uses) and the line of every start tag. The BPMN parser reads specs
 * from it; the moddle reader ({@link readBpmnXml}) does the checking.
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
}

interface MutableElement {
  tag: string;
  local: string;
  attrs: Record<string, string>;
  children: MutableElement[];
  parent: MutableElement | undefined;
  text: string;
  line: number;
}

/**
 * Parses XML text into an {@link XmlElement} tree.
 * @throws {@link ValidationError} when the text is not well-formed
 */
export function parseXmlTree(xml: string, file: string | undefined): XmlElement {
  const parser = new Parser({ proxy: true });
  const stack: MutableElement[] = [];
  let root: MutableElement | undefined;
  let problem: string | undefined;
  parser
    .ns({ ...KNOWN_NAMESPACES })
    .on('openTag', (tag, decode, selfClosing, getContext) => {
      const name = tag.name;
      const attrs: Record<string, string> = {};
      if (tag.attrs !== false) {
        for (const [k, v] of Object.entries(tag.attrs)) {
          if (k.startsWith('xmlns')) continue;
          attrs[k] = decode(v);
        }
      }
      const colon = name.indexOf(':');
      const element: MutableElement = {
        tag: name,
        local: colon === -1 ? name : name.slice(colon + 1),
        attrs,
        children: [],
        parent: stack.at(-1),
        text: '',
        line: getContext().line + 1,
      };
      if (element.parent) element.parent.children.push(element);
      else root ??= element;
      if (!selfClosing) stack.push(element);
    })
    .on('closeTag', (_name, _decode, selfClosing) => {
      if (!selfClosing) stack.pop();
    })
    .on('text', (text, decodeEntities) => {
      const top = stack.at(-1);
      if (top) top.text += decodeEntities(text);
    })
    .on('cdata', (text) => {
      const top = stack.at(-1);
      if (top) top.text += text;
    })
    .on('error', (error) => {
      problem ??= error.message;
    });
  parser.parse(xml);
  if (problem !== undefined || root === undefined) {
    throw new ValidationError(`Malformed XML: ${problem ?? 'no root element'}`, { file });
  }
  return root;
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
