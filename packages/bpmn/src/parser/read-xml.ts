import { BpmnModdle } from 'bpmn-moddle';
import camundaPackage from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { DmnModdle } from 'dmn-moddle';
import { Reader, type ReaderContext } from 'moddle-xml';
import { ValidationError, type ValidationLocation } from '@spiff-ts/core';
import { dmn15Package } from './dmn15-moddle.js';
import { spiffworkflowPackage } from './spiff-moddle.js';
import { scanXml, type XmlScan } from './xml-scan.js';

/**
 * An element of a moddle tree: `$type` is its qualified type (`bpmn:UserTask`), known
 * properties are plain fields, and attributes from unknown namespaces sit in `$attrs`.
 */
export interface ModdleElement {
  readonly $type: string;
  readonly $parent?: ModdleElement;
  readonly $attrs?: Readonly<Record<string, string>>;
  readonly id?: string;
  get(name: string): unknown;
  readonly [property: string]: unknown;
}

/** A problem that does not stop a file from loading, e.g. a reference to a missing id. */
export interface XmlWarning extends ValidationLocation {
  readonly message: string;
}

/** What every read model file carries besides its tree. */
export interface ModelDocument {
  readonly file: string | undefined;
  /** The root `definitions` element. */
  readonly definitions: ModdleElement;
  /** Every element with an id. */
  readonly elementsById: ReadonlyMap<string, ModdleElement>;
  /** Element id → 1-based line of its start tag, for error messages. */
  readonly lines: ReadonlyMap<string, number>;
  readonly warnings: readonly XmlWarning[];
}

/** A BPMN 2.0 file read into a moddle tree. */
export interface BpmnDocument extends ModelDocument {
  readonly kind: 'bpmn';
}

/** DMN versions the reader accepts; each is read with DMN 1.3's types (plus 1.4/1.5's additions). */
export type DmnVersion = '1.1' | '1.2' | '1.3' | '1.4' | '1.5';

/** A DMN file read into a moddle tree (DMN 1.3 types whatever version the file declares). */
export interface DmnDocument extends ModelDocument {
  readonly kind: 'dmn';
  readonly dmnVersion: DmnVersion;
}

/** Options of {@link readBpmnXml} and {@link readDmnXml}. */
export interface ReadXmlOptions {
  /** File name for error messages; not opened. */
  readonly file?: string;
}

/** Model namespace URI → DMN version. */
export const DMN_NAMESPACES: Readonly<Record<string, DmnVersion>> = {
  'http://www.omg.org/spec/DMN/20151101/dmn.xsd': '1.1',
  'http://www.omg.org/spec/DMN/20180521/MODEL/': '1.2',
  'https://www.omg.org/spec/DMN/20191111/MODEL/': '1.3',
  'https://www.omg.org/spec/DMN/20211108/MODEL/': '1.4',
  'https://www.omg.org/spec/DMN/20230324/MODEL/': '1.5',
};

// Older DMN namespaces are read with the DMN 1.3 types, as dmn-js's migration does: the
// elements a decision table uses are the same in 1.1, 1.2 and 1.3.
const DMN_NS_ALIASES: Readonly<Record<string, string>> = {
  'http://www.omg.org/spec/DMN/20151101/dmn.xsd': 'dmn',
  'http://www.omg.org/spec/DMN/20180521/MODEL/': 'dmn',
  'http://www.omg.org/spec/DMN/20180521/DMNDI/': 'dmndi',
  // DMN 1.4 and 1.5 are read with DMN 1.3's types plus their new boxed expressions.
  'https://www.omg.org/spec/DMN/20211108/MODEL/': 'dmn',
  'https://www.omg.org/spec/DMN/20211108/DMNDI/': 'dmndi',
  'https://www.omg.org/spec/DMN/20230324/MODEL/': 'dmn',
  'https://www.omg.org/spec/DMN/20230324/DMNDI/': 'dmndi',
};

// DMN 1.3 business context elements that dmn-moddle has no types for. A decision engine does not
// need them, so they are skipped with a warning instead of failing the file.
const DMN_TYPES_MODDLE_LACKS = /^unknown type <dmn:(OrganizationUnit|PerformanceIndicator)>$/;

let bpmnModel: unknown;
let dmnModel: unknown;

function bpmnModdle(): unknown {
  bpmnModel ??= BpmnModdle({ camunda: camundaPackage, spiffworkflow: spiffworkflowPackage });
  return bpmnModel;
}

function dmnModdle(): unknown {
  dmnModel ??= DmnModdle({ dmn: dmn15Package }, { nsMap: { ...DMN_NS_ALIASES } });
  return dmnModel;
}

/**
 * Reads a BPMN 2.0 file (with `camunda:` and `spiffworkflow:` extensions) into a moddle tree.
 *
 * Unknown elements or attributes in a namespace the reader knows (`bpmn:`, `bpmndi:`, `camunda:`,
 * `spiffworkflow:`, ...) are errors; elements from other namespaces are kept as generic elements.
 * References to ids that do not exist are only warnings: SpiffWorkflow loads such files.
 *
 * @example
 * ```ts
 * const doc = readBpmnXml(text, { file: 'order.bpmn' });
 * const process = doc.elementsById.get('order');
 * ```
 * @throws {@link ValidationError} when the text is not well-formed XML, contains a DTD, is not
 *   a BPMN `definitions` document, or uses unknown elements or attributes of a known namespace
 */
export function readBpmnXml(xml: string, options: ReadXmlOptions = {}): BpmnDocument {
  const text = stripBom(xml);
  const scan = scanXml(text, options.file);
  const read = readModdle(bpmnModdle(), text, 'bpmn:Definitions', scan, options, undefined);
  return { kind: 'bpmn', ...read };
}

/**
 * Reads a DMN 1.1 to 1.5 file into a moddle tree of DMN 1.3 types (plus the boxed conditional,
 * filter and iterators of DMN 1.5). The DMN namespace may be the default one or bound to any
 * prefix.
 *
 * @example
 * ```ts
 * const doc = readDmnXml(text, { file: 'discount.dmn' });
 * doc.dmnVersion; // '1.3'
 * ```
 * @throws {@link ValidationError} as {@link readBpmnXml} does, and when the root element is not
 *   a `definitions` element of a known DMN namespace
 */
export function readDmnXml(xml: string, options: ReadXmlOptions = {}): DmnDocument {
  const text = stripBom(xml);
  const scan = scanXml(text, options.file);
  const dmnVersion =
    scan.rootNamespace === undefined ? undefined : DMN_NAMESPACES[scan.rootNamespace];
  if (dmnVersion === undefined) {
    const namespace =
      scan.rootNamespace === undefined ? 'no namespace' : `namespace '${scan.rootNamespace}'`;
    throw new ValidationError(
      `Not a DMN file: the root element <${scan.rootName}> is in ${namespace}`,
      { file: options.file, line: scan.rootLine },
    );
  }
  return {
    kind: 'dmn',
    dmnVersion,
    ...readModdle(dmnModdle(), text, 'dmn:Definitions', scan, options, DMN_TYPES_MODDLE_LACKS),
  };
}

/**
 * Where the element `elementId` of `doc` is, for a {@link ValidationError}.
 *
 * @example
 * ```ts
 * throw new ValidationError(`Unknown call activity target 'x'`, locate(doc, 'call_1'));
 * ```
 */
export function locate(doc: ModelDocument, elementId: string): ValidationLocation {
  const line = doc.lines.get(elementId);
  return { file: doc.file, elementId, ...(line === undefined ? {} : { line }) };
}

function stripBom(xml: string): string {
  return xml.startsWith('\uFEFF') ? xml.slice(1) : xml;
}

type RawWarning = ReaderContext['warnings'][number];

function readModdle(
  model: unknown,
  xml: string,
  rootType: string,
  scan: XmlScan,
  options: ReadXmlOptions,
  tolerated: RegExp | undefined,
): ModelDocument {
  const file = options.file;
  // moddle-xml's fromXML parses synchronously inside the Promise executor and only hands the
  // result over asynchronously. The root handler keeps the same result (its element and parse
  // context), so reading it right after the call gives the engine a synchronous parser.
  // `lax: true` turns parse errors into warnings, which are classified below.
  const reader = new Reader({ model, lax: true });
  const rootHandler = reader.handler(rootType);
  reader.fromXML(xml, rootHandler).catch(() => undefined); // outcome already read synchronously
  const context = rootHandler.context;
  const root = rootHandler.element as ModdleElement | undefined;
  if (context === undefined) throw new Error('moddle-xml did not parse synchronously');

  const lines = scan.lines;
  const fatal: ValidationError[] = [];
  const warnings: XmlWarning[] = [];
  for (const raw of context.warnings) {
    const problem = classify(raw, scan, file, tolerated);
    if (problem.fatal) fatal.push(new ValidationError(problem.message, problem.location));
    else warnings.push({ message: problem.message, ...problem.location });
  }
  const [first, ...others] = fatal;
  if (first !== undefined) {
    for (const other of others) {
      const line = other.location.line;
      first.addNote(`${other.message}${line === undefined ? '' : ` (line ${line})`}`);
    }
    throw first;
  }
  if (root === undefined) {
    throw new ValidationError(
      `Expected a <${rootType.replace(/:D/, ':d')}> document, found <${scan.rootName}>`,
      { file, line: scan.rootLine },
    );
  }
  const elementsById = new Map(Object.entries(context.elementsById)) as Map<string, ModdleElement>;
  return { file, definitions: root, elementsById, lines, warnings };
}

interface Classified {
  readonly fatal: boolean;
  readonly message: string;
  readonly location: ValidationLocation;
}

const UNPARSABLE = /^unparsable content (<[^>]*>) ?detected\s+line: (\d+)\s+column: (\d+)/;

function classify(
  raw: RawWarning,
  scan: XmlScan,
  file: string | undefined,
  tolerated: RegExp | undefined,
): Classified {
  const unparsable = UNPARSABLE.exec(raw.message);
  if (unparsable !== null) {
    const [, tag = '', line0 = '0', column0 = '0'] = unparsable;
    const nested = raw.error?.message ?? raw.message;
    const duplicate = /^duplicate ID <(.*)>$/.exec(nested);
    const elementId = duplicate?.[1] ?? scan.owners.get(`${line0}:${column0}`);
    const skipped = tolerated?.test(nested) === true;
    return {
      fatal: !skipped,
      message: skipped ? `Skipped ${tag}: ${nested}` : `Cannot read ${tag}: ${nested}`,
      location: {
        file,
        ...(elementId === undefined ? {} : { elementId }),
        tag: tag.replace(/^<|\/?>$/g, ''),
        line: Number(line0) + 1,
        column: Number(column0) + 1,
      },
    };
  }
  const elementId = ownerId(raw.element);
  const line = elementId === undefined ? undefined : scan.lines.get(elementId);
  const location: ValidationLocation = {
    file,
    ...(elementId === undefined ? {} : { elementId }),
    ...(line === undefined ? {} : { line }),
  };
  if (raw.message.startsWith('unknown attribute')) {
    return { fatal: true, message: capitalize(raw.message), location };
  }
  // SpiffWorkflow loads files with dangling references (lane flowNodeRefs, stale data inputs, ...)
  // and files declaring an encoding other than UTF-8, so these stay warnings.
  const benign = /^(unresolved reference|unsupported document encoding)/.test(raw.message);
  return { fatal: !benign, message: capitalize(raw.message), location };
}

/** The id of `element`, or of its nearest ancestor with one. */
function ownerId(element: unknown): string | undefined {
  let current = element as ModdleElement | undefined;
  while (current !== undefined) {
    if (typeof current.id === 'string' && current.id !== '') return current.id;
    current = current.$parent;
  }
  return undefined;
}

function capitalize(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
