import { SaxesParser } from 'saxes';
import { ValidationError } from '../errors.js';

/** A parsed XML element with its position. @internal */
export interface XmlElement {
  readonly tag: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  /** Concatenated text directly inside the element. */
  text: string;
  readonly line: number;
  readonly column: number;
}

/**
 * Parses XML text into elements with saxes (strict, well-formedness checked). DOCTYPE
 * declarations are refused, so no DTD, entity expansion or external entity is ever processed.
 * @throws {@link ValidationError} naming the file, line and column.
 */
export function parseXml(text: string, file?: string): XmlElement {
  const parser = new SaxesParser({ position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const where = (extra: { tag?: string; elementId?: string } = {}) => ({
    ...(file !== undefined ? { file } : {}),
    line: parser.line,
    column: parser.column + 1,
    ...extra,
  });
  const fail = (message: string, extra: { tag?: string; elementId?: string } = {}): never => {
    const loc = where(extra);
    throw new ValidationError(`${message} (${file ?? '<string>'}, line ${loc.line})`, loc);
  };
  parser.on('doctype', () => fail('DOCTYPE declarations are not allowed in spec XML'));
  parser.on('opentag', (node) => {
    const element: XmlElement = {
      tag: node.name,
      attributes: { ...(node.attributes as Record<string, string>) },
      children: [],
      text: '',
      line: parser.line,
      column: parser.column + 1,
    };
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else root = element;
    stack.push(element);
  });
  let lastClosed: XmlElement | undefined;
  parser.on('closetag', () => {
    lastClosed = stack.pop();
  });
  const onText = (t: string) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  // Name the element where the error most likely starts: for a stray close tag, saxes has just
  // closed the unclosed element implicitly; otherwise the innermost open element.
  const context = (message: string): { tag?: string; elementId?: string; suffix: string } => {
    const strayClose = message.includes('unexpected close tag') && lastClosed !== undefined;
    const culprit = strayClose ? lastClosed : stack.at(-1);
    if (!culprit) return { suffix: '' };
    const name = culprit.attributes['name'];
    const label = name ? `<${culprit.tag} name="${name}">` : `<${culprit.tag}>`;
    return {
      tag: culprit.tag,
      ...(name ? { elementId: name } : {}),
      suffix: strayClose
        ? `; ${label} opened at line ${culprit.line} is not closed`
        : ` in ${label} opened at line ${culprit.line}`,
    };
  };
  parser.on('error', (err) => {
    const message = err.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '').replace(/\.$/, '');
    const { suffix, ...extra } = context(message);
    fail(`Malformed XML: ${message}${suffix}`, extra);
  });
  try {
    parser.write(text).close();
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    fail(`Malformed XML: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!root) return fail('No root element');
  return root;
}
