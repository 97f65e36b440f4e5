import type { XmlElement } from './dom.js';
import { PROCESS_FLOW_NODES } from './flow-nodes.js';
import type { XmlWarning } from './read-xml.js';

// What the engine finds by id when it builds or runs a process: processes, the flow nodes,
// sequence flows and data of executable processes, and the root elements that event definitions,
// collaborations, correlations and data stores point at. Two of these with one id would make
// the engine pick one of them where another tool might pick the other.
const RESOLVED_IN_PROCESS: ReadonlySet<string> = new Set([
  ...PROCESS_FLOW_NODES,
  'sequenceFlow',
  'dataObject',
  'dataObjectReference',
  'dataStoreReference',
]);
const RESOLVED_AT_ROOT: ReadonlySet<string> = new Set([
  'message',
  'signal',
  'error',
  'escalation',
  'collaboration',
  'correlationProperty',
  'dataStore',
]);

/**
 * Whether an id used by all of `elements` (in document order, at least two) can be read as the
 * first of them without changing what the engine executes: when at most one of them is a
 * process and none is something the engine resolves by id (diagram elements, documentation,
 * extension elements, lanes, labels, I/O specifications, elements of non-executable processes,
 * ...), or when they are identical copies under different parents (each scope then sees one
 * element, and lookups by id find the same content whichever copy they get).
 *
 * @internal
 */
export function duplicateIsHarmless(elements: readonly XmlElement[]): boolean {
  // Matches SpiffWorkflow: two processes never share an id, executable or not.
  if (elements.filter((e) => e.tag === 'bpmn:process').length > 1) return false;
  if (!elements.some(resolvedByEngine)) return true;
  const [first, ...others] = elements;
  if (first === undefined) return true;
  const parents = new Set(elements.map((e) => e.parent));
  return parents.size === elements.length && others.every((e) => sameContent(first, e));
}

/** The warnings for an id the reader tolerates twice: the first element keeps it. @internal */
export function duplicateWarning(
  elements: readonly XmlElement[],
  file: string | undefined,
): XmlWarning[] {
  const [first, ...others] = elements;
  if (first === undefined) return [];
  const id = first.attrs['id'] ?? '';
  return others.map((e) => ({
    message:
      `Id <${id}> of <${e.tag}> is already used by <${first.tag}> on line ${String(first.line)}` +
      `${sameContent(first, e) ? ' (an identical copy)' : ''}; lookups by id find the first`,
    file,
    elementId: id,
    tag: e.tag,
    line: e.line,
  }));
}

function resolvedByEngine(element: XmlElement): boolean {
  if (!element.tag.startsWith('bpmn:')) return false;
  let process: XmlElement | undefined;
  for (let p = element.parent; p !== undefined; p = p.parent) {
    if (p.tag === 'bpmn:extensionElements' || p.tag === 'bpmn:documentation') return false;
    if (p.tag === 'bpmn:process') process ??= p;
  }
  if (element.tag === 'bpmn:process') return executable(element);
  if (element.parent?.tag === 'bpmn:definitions') return RESOLVED_AT_ROOT.has(element.local);
  return process !== undefined && executable(process) && RESOLVED_IN_PROCESS.has(element.local);
}

/** As the parser reads `isExecutable`: executable unless it says `false`. */
function executable(process: XmlElement): boolean {
  return process.attrs['isExecutable'] !== 'false';
}

function sameContent(a: XmlElement, b: XmlElement): boolean {
  if (
    a.tag !== b.tag ||
    a.text.trim() !== b.text.trim() ||
    a.children.length !== b.children.length
  ) {
    return false;
  }
  const keys = Object.keys(a.attrs);
  if (keys.length !== Object.keys(b.attrs).length) return false;
  if (keys.some((k) => a.attrs[k] !== b.attrs[k])) return false;
  return a.children.every((child, i) => sameContent(child, b.children[i] as XmlElement));
}
