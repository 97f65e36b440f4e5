import { BpmnModdle } from 'bpmn-moddle';
import { DmnModdle } from 'dmn-moddle';
import { Reader, type ReaderContext, type RootHandler } from 'moddle-xml';
import { ValidationError, type ValidationLocation } from '@spiff-ts/core';
import { dmn15Package } from './dmn15-moddle.js';
import { readXmlTree, type XmlNamespace, type XmlTree } from './dom.js';
import { duplicateIsHarmless, duplicateWarning } from './duplicate-ids.js';
import { scanTree, type XmlScan } from './xml-scan.js';

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

/**
 * A problem that does not stop a file from loading: a reference to a missing id, an element or
 * attribute the reader does not know (vendor extensions, HTML in documentation, an attribute on
 * the wrong element), an id that is not a valid `xs:ID` but is unique.
 */
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

/**
 * A moddle package: the types of one vendor XML namespace as moddle reads them
 * (`camunda-bpmn-moddle`'s `camunda.json`, `@spiff-ts/spiff`'s `spiffworkflowPackage`). Its
 * `prefix` names the namespace's types (`camunda:FormData`) and, in the BPMN parser's element
 * tree, its elements and attributes.
 */
export interface ModdlePackage extends XmlNamespace {
  /** The package's name (`Camunda`). */
  readonly name: string;
  /** moddle type descriptors. */
  readonly types: readonly object[];
  /** How the types' names are written (`{ tagAlias: 'lowerCase' }`: `FormData` as `formData`). */
  readonly xml?: { readonly tagAlias?: string; readonly typePrefix?: string };
  readonly enumerations?: readonly object[];
  readonly associations?: readonly object[];
}

/** Options of {@link readBpmnXml}. */
export interface ReadBpmnXmlOptions extends ReadXmlOptions {
  /**
   * Vendor namespaces read as typed elements, usually a flavour's (`spiffFlavour.moddle`).
   * Elements and attributes of any other namespace are kept as generic elements and `$attrs`.
   */
  readonly moddle?: readonly ModdlePackage[] | undefined;
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

// A moddle model is costly to build (some milliseconds), so there is one per distinct set of
// packages, keyed by the packages' identities: a flavour's packages are built into a model once.
const bpmnModels = new Map<string, unknown>();
const packageKeys = new WeakMap<ModdlePackage, number>();
let packageCount = 0;
let dmnModel: unknown;

function bpmnModdle(packages: readonly ModdlePackage[]): unknown {
  let key = '';
  for (const pkg of packages) {
    let id = packageKeys.get(pkg);
    if (id === undefined) {
      id = packageCount++;
      packageKeys.set(pkg, id);
    }
    key += `${id},`;
  }
  let model = bpmnModels.get(key);
  if (model === undefined) {
    const byPrefix: Record<string, ModdlePackage> = {};
    for (const pkg of packages) {
      const other = byPrefix[pkg.prefix];
      if (other !== undefined && other !== pkg) {
        throw new Error(`Two moddle packages use the prefix '${pkg.prefix}'`);
      }
      byPrefix[pkg.prefix] = pkg;
    }
    model = BpmnModdle(byPrefix);
    bpmnModels.set(key, model);
  }
  return model;
}

function dmnModdle(): unknown {
  dmnModel ??= DmnModdle({ dmn: dmn15Package }, { nsMap: { ...DMN_NS_ALIASES } });
  return dmnModel;
}

/**
 * Reads a BPMN 2.0 file into a moddle tree; the vendor namespaces of `options.moddle` (a
 * flavour's, such as `spiffFlavour.moddle`) are read as typed elements.
 *
 * Lenient where execution is not at stake, as modelling tools' exports need (the BPMN MIWG
 * corpus): unknown elements or attributes, even in a namespace the reader knows (`bpmn:`, or
 * `camunda:` with camunda's package, ...), elements where the schema allows none (HTML inside
 * `documentation`), ids that are not valid `xs:ID`s but are unique, references to ids that do
 * not exist, and ids used twice where the engine never resolves them (diagram elements, lane
 * sets, elements of non-executable processes, identical copies in different scopes, ...: the
 * first element keeps the id) are {@link XmlWarning}s naming file, element and line. Unknown
 * elements are left out of the moddle tree (the spec builder reads its own tree); elements and
 * attributes of namespaces without a package are kept as generic elements and in `$attrs`,
 * without warnings.
 *
 * @example
 * ```ts
 * const doc = readBpmnXml(text, { file: 'order.bpmn', moddle: spiffFlavour.moddle });
 * const process = doc.elementsById.get('order');
 * ```
 * @throws {@link ValidationError} when the text is not well-formed XML, contains a DTD, is not
 *   a BPMN `definitions` document, or uses an id twice where the engine could resolve either
 *   element (a process, or a flow node, sequence flow or data object of an executable process,
 *   or a message, signal, error, escalation, collaboration, correlation property or data store)
 */
export function readBpmnXml(xml: string, options: ReadBpmnXmlOptions = {}): BpmnDocument {
  const text = stripBom(xml);
  return readBpmnTree(text, readXmlTree(text, options.file, options.moddle), options);
}

/**
 * {@link readBpmnXml} for a text (without byte order mark) whose element tree is already read.
 * @internal
 */
export function readBpmnTree(
  text: string,
  tree: XmlTree,
  options: ReadBpmnXmlOptions,
): BpmnDocument {
  const scan = scanTree(tree);
  const read = readModdle(
    bpmnModdle(options.moddle ?? []),
    text,
    'bpmn:Definitions',
    scan,
    options,
    'lenient',
  );
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
 * Stricter than {@link readBpmnXml}: unknown elements and attributes of the DMN namespace are
 * errors (except the business context elements dmn-moddle has no types for, skipped with a
 * warning), as are ids that are not valid `xs:ID`s.
 *
 * @throws {@link ValidationError} when the text is not well-formed XML, contains a DTD, uses an
 *   id twice or unknown DMN elements or attributes, and when the root element is not a
 *   `definitions` element of a known DMN namespace
 */
export function readDmnXml(xml: string, options: ReadXmlOptions = {}): DmnDocument {
  const text = stripBom(xml);
  const scan = scanTree(readXmlTree(text, options.file));
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

/** What moddle-xml's parse context does with each element it creates (not in its typings). */
interface ElementRegistry {
  elementsById: Record<string, unknown>;
  addElement(element: unknown): void;
}

// moddle-xml's own check of an id (a QName, http://www.w3.org/TR/REC-xml/#NT-NameChar).
const MODDLE_ID = /^([a-z][\w-.]*:)?[a-z_][\w-.]*$/i;

/**
 * Makes moddle-xml keep elements whose unique id it would refuse as illegal (ids starting with a
 * digit, or with spaces, as several modelling tools write them), recording those ids. Hooked in
 * when `fromXML` hands the root handler its parse context, before anything is parsed.
 */
function acceptAnyUniqueId(
  rootHandler: RootHandler,
  illegal: string[],
  tolerated: ReadonlySet<string>,
  repeated: Set<string>,
): void {
  let stored: ReaderContext | undefined;
  Object.defineProperty(rootHandler, 'context', {
    configurable: true,
    get: () => stored,
    set: (context: ReaderContext) => {
      stored = context;
      const registry = context as unknown as ElementRegistry;
      const addElement = registry.addElement.bind(registry);
      registry.addElement = (element: unknown): void => {
        const described = element as {
          $descriptor?: { idProperty?: { name: string } };
          get(name: string): unknown;
        };
        const idProperty = described.$descriptor?.idProperty;
        const id = idProperty === undefined ? undefined : described.get(idProperty.name);
        // A harmless duplicate: the first element keeps the id (see duplicateIsHarmless).
        if (
          typeof id === 'string' &&
          tolerated.has(id) &&
          registry.elementsById[id] !== undefined
        ) {
          repeated.add(id);
          return;
        }
        if (typeof id === 'string' && id !== '' && !MODDLE_ID.test(id)) {
          if (registry.elementsById[id] !== undefined) throw new Error(`duplicate ID <${id}>`);
          registry.elementsById[id] = element;
          illegal.push(id);
          return;
        }
        addElement(element);
      };
    },
  });
}

/** `lenient`: the BPMN reader's leniency; otherwise the patterns of problems to skip. */
type Tolerance = 'lenient' | RegExp | undefined;

function readModdle(
  model: unknown,
  xml: string,
  rootType: string,
  scan: XmlScan,
  options: ReadXmlOptions,
  tolerated: Tolerance,
): ModelDocument {
  const file = options.file;
  // moddle-xml's fromXML parses synchronously inside the Promise executor and only hands the
  // result over asynchronously. The root handler keeps the same result (its element and parse
  // context), so reading it right after the call gives the engine a synchronous parser.
  // `lax: true` turns parse errors into warnings, which are classified below.
  const reader = new Reader({ model, lax: true });
  const rootHandler = reader.handler(rootType);
  const illegalIds: string[] = [];
  // Ids moddle met twice (it registers only elements of the types it knows) that may be read as
  // their first element: a warning each, not an error.
  const repeated = new Set<string>();
  if (tolerated === 'lenient') {
    const harmless = new Set<string>();
    for (const [id, elements] of scan.duplicates) {
      if (duplicateIsHarmless(elements)) harmless.add(id);
    }
    acceptAnyUniqueId(rootHandler, illegalIds, harmless, repeated);
  }
  reader.fromXML(xml, rootHandler).catch(() => undefined); // outcome already read synchronously
  const context = rootHandler.context;
  const root = rootHandler.element as ModdleElement | undefined;
  if (context === undefined) throw new Error('moddle-xml did not parse synchronously');

  const lines = scan.lines;
  const fatal: ValidationError[] = [];
  const warnings: XmlWarning[] = [];
  for (const [id, elements] of scan.duplicates) {
    if (repeated.has(id)) warnings.push(...duplicateWarning(elements, file));
  }
  for (const id of illegalIds) {
    const line = lines.get(id);
    warnings.push({
      message: `Id <${id}> is not a valid xs:ID (it is unique, so it is kept)`,
      file,
      elementId: id,
      ...(line === undefined ? {} : { line }),
    });
  }
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

// What the BPMN reader skips with a warning: elements it has no type for, or that are not allowed
// where they are (HTML in documentation, vendor elements inside typed elements, an `xsi:type`
// it does not know). None of them is something the engine executes.
const LENIENT_SKIPS = /^(unknown type|unrecognized element) </;

function classify(
  raw: RawWarning,
  scan: XmlScan,
  file: string | undefined,
  tolerated: Tolerance,
): Classified {
  const lenient = tolerated === 'lenient';
  const unparsable = UNPARSABLE.exec(raw.message);
  if (unparsable !== null) {
    const [, tag = '', line0 = '0', column0 = '0'] = unparsable;
    const nested = raw.error?.message ?? raw.message;
    const duplicate = /^duplicate ID <(.*)>$/.exec(nested);
    const elementId = duplicate?.[1] ?? scan.owner(Number(line0), Number(column0));
    const skipped = lenient ? LENIENT_SKIPS.test(nested) : tolerated?.test(nested) === true;
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
    // Vendor attributes and attributes on the wrong element (`completionQuantity` on a global
    // task) change nothing the engine reads: kept in `$attrs`, reported.
    return { fatal: !lenient, message: capitalize(raw.message), location };
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
