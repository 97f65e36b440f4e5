import type { XmlElement, XmlTree } from './dom.js';
import { readXmlTree } from './dom.js';

/** What the readers learn from the element tree before moddle reads a file. */
export interface XmlScan {
  /** Qualified name of the root element as written, e.g. `bpmn:definitions`. */
  readonly rootName: string;
  /** Namespace URI of the root element, when declared. */
  readonly rootNamespace: string | undefined;
  /** 1-based line of the root element's start tag. */
  readonly rootLine: number;
  /** Element id → 1-based line of its start tag (first occurrence). */
  readonly lines: ReadonlyMap<string, number>;
  /** Ids used by more than one element → those elements, in document order. */
  readonly duplicates: ReadonlyMap<string, readonly XmlElement[]>;
  /**
   * The id of the element whose start tag is at `line`:`column` (0-based, as the XML tokenizer
   * reports them), or of its nearest ancestor that has one.
   */
  owner(line: number, column: number): string | undefined;
}

/**
 * Checks that `xml` is well-formed and free of DTDs, and maps element ids to lines.
 *
 * @throws {@link ValidationError} on a DTD, or when the XML is not well-formed
 * @internal
 */
export function scanXml(xml: string, file: string | undefined): XmlScan {
  return scanTree(readXmlTree(xml, file));
}

/** The {@link XmlScan} of a tree already read. @internal */
export function scanTree(tree: XmlTree): XmlScan {
  const lines = new Map<string, number>();
  const first = new Map<string, XmlElement>();
  const duplicates = new Map<string, XmlElement[]>();
  const pending: XmlElement[] = [tree.root];
  while (pending.length > 0) {
    const element = pending.pop() as XmlElement;
    const id = element.attrs['id'];
    // Visited in document order, so the first occurrence of an id keeps its line.
    if (id !== undefined) {
      const earlier = first.get(id);
      if (earlier === undefined) {
        first.set(id, element);
        lines.set(id, element.line);
      } else {
        const list = duplicates.get(id);
        if (list === undefined) duplicates.set(id, [earlier, element]);
        else list.push(element);
      }
    }
    for (let i = element.children.length - 1; i >= 0; i--) {
      pending.push(element.children[i] as XmlElement);
    }
  }
  let owners: Map<string, string> | undefined;
  return {
    rootName: tree.rootName,
    rootNamespace: tree.rootNamespace,
    rootLine: tree.root.line,
    lines,
    duplicates,
    owner(line, column) {
      owners ??= ownersOf(tree.root);
      return owners.get(`${String(line + 1)}:${String(column + 1)}`);
    },
  };
}

/** 1-based `"line:column"` of each start tag → its element's id or nearest ancestor's. */
function ownersOf(root: XmlElement): Map<string, string> {
  const owners = new Map<string, string>();
  const pending: [XmlElement, string | undefined][] = [[root, undefined]];
  while (pending.length > 0) {
    const [element, inherited] = pending.pop() as [XmlElement, string | undefined];
    const owner = element.attrs['id'] ?? inherited;
    if (owner !== undefined) owners.set(`${String(element.line)}:${String(element.column)}`, owner);
    for (const child of element.children) pending.push([child, owner]);
  }
  return owners;
}
