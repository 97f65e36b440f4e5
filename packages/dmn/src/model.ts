/**
 * The decision requirements graph of one or more DMN files: every decision, business knowledge
 * model, decision service and input data, indexed by id and name, with imports resolved by
 * namespace and the structural checks a model must pass before anything is evaluated.
 */
import {
  ValidationError,
  locate,
  readDmnXml,
  type DmnDocument,
  type DmnVersion,
  type ModdleElement,
} from '@spiff-ts/bpmn';

/** The two expression languages the engine evaluates. */
export type ExpressionLanguage = 'feel' | 'python';

/** A DMN file to load: its name (for messages and imports) and its text. */
export interface DmnSource {
  readonly path: string;
  readonly text: string;
}

/** Options of {@link parseDmn}. */
export interface ParseDmnOptions {
  /**
   * Language of expressions whose model does not declare one. Default: `python` for DMN 1.1
   * to 1.3 files (what SpiffWorkflow assumes: it evaluates every cell as Python) and `feel`
   * for DMN 1.4 and 1.5 files, which SpiffWorkflow cannot read.
   */
  readonly defaultExpressionLanguage?: ExpressionLanguage;
}

/** One read DMN file with its indexes. */
export interface DmnModel {
  readonly doc: DmnDocument;
  readonly file: string | undefined;
  readonly name: string;
  readonly namespace: string;
  readonly dmnVersion: DmnVersion;
  /** Language for expressions that name none. */
  readonly language: ExpressionLanguage;
  /** Import name → imported namespace. */
  readonly imports: ReadonlyMap<string, string>;
  readonly itemDefinitions: ReadonlyMap<string, ModdleElement>;
  /** DRG elements (decisions, BKMs, decision services, input data) by id. */
  readonly elements: ReadonlyMap<string, ModdleElement>;
  /** DRG elements by name. */
  readonly elementsByName: ReadonlyMap<string, ModdleElement>;
}

/** A DRG element and the model it belongs to. */
export interface Located {
  readonly element: ModdleElement;
  readonly model: DmnModel;
}

/** Every model of a set of loaded DMN files. */
export interface DmnModelSet {
  readonly models: readonly DmnModel[];
  readonly byNamespace: ReadonlyMap<string, DmnModel>;
}

const FEEL_URI = /feel/i;
const PYTHON_URI = /python/i;

/** The language an `expressionLanguage` attribute names, or undefined when it names none. */
export function languageOf(uri: unknown): ExpressionLanguage | 'other' | undefined {
  if (typeof uri !== 'string' || uri.trim() === '') return undefined;
  if (FEEL_URI.test(uri)) return 'feel';
  if (PYTHON_URI.test(uri)) return 'python';
  return 'other';
}

/** A string property of a moddle element ('' when absent). */
export function str(element: ModdleElement | undefined, property: string): string {
  const value = element?.[property];
  return typeof value === 'string' ? value : '';
}

/** A list property of a moddle element ([] when absent). */
export function many(element: ModdleElement | undefined, property: string): ModdleElement[] {
  const value = element?.[property];
  return Array.isArray(value) ? (value as ModdleElement[]) : [];
}

/** A single child element property of a moddle element. */
export function one(
  element: ModdleElement | undefined,
  property: string,
): ModdleElement | undefined {
  const value = element?.[property];
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as ModdleElement)
    : undefined;
}

/**
 * Reads DMN files and checks the requirements graph.
 *
 * @example
 * ```ts
 * const set = parseDmnModels([{ path: 'discount.dmn', text }]);
 * ```
 * @throws {@link ValidationError} when a file is not DMN, two DRG elements share an id, or a
 *   requirement names an element that does not exist
 */
export function parseDmnModels(
  sources: readonly DmnSource[],
  options: ParseDmnOptions = {},
): DmnModelSet {
  const models = sources.map((source) =>
    buildModel(readDmnXml(source.text, { file: source.path }), options),
  );
  const byNamespace = new Map<string, DmnModel>();
  const seenIds = new Map<string, DmnModel>();
  for (const model of models) {
    if (model.namespace !== '' && !byNamespace.has(model.namespace)) {
      byNamespace.set(model.namespace, model);
    }
    for (const id of model.elements.keys()) {
      const other = seenIds.get(id);
      // Files sharing a namespace share an id space.
      if (other !== undefined && other.namespace === model.namespace) {
        throw new ValidationError(
          `Duplicate DRG element id '${id}' (also in ${other.file ?? 'another file'})`,
          locate(model.doc, id),
        );
      }
      seenIds.set(id, model);
    }
  }
  const set: DmnModelSet = { models, byNamespace };
  for (const model of models) checkRequirements(set, model);
  return set;
}

function buildModel(doc: DmnDocument, options: ParseDmnOptions): DmnModel {
  const definitions = doc.definitions;
  const declared = languageOf(definitions.expressionLanguage);
  const fallback =
    options.defaultExpressionLanguage ??
    (doc.dmnVersion === '1.4' || doc.dmnVersion === '1.5' ? 'feel' : 'python');
  const language: ExpressionLanguage =
    declared === 'feel' || declared === 'python' ? declared : fallback;
  const imports = new Map<string, string>();
  for (const imp of many(definitions, 'import')) {
    imports.set(str(imp, 'name'), str(imp, 'namespace'));
  }
  const itemDefinitions = new Map<string, ModdleElement>();
  for (const def of many(definitions, 'itemDefinition')) itemDefinitions.set(str(def, 'name'), def);
  const elements = new Map<string, ModdleElement>();
  const elementsByName = new Map<string, ModdleElement>();
  for (const element of many(definitions, 'drgElement')) {
    const id = str(element, 'id');
    if (id !== '' && elements.has(id)) {
      throw new ValidationError(`Duplicate DRG element id '${id}'`, locate(doc, id));
    }
    if (id !== '') elements.set(id, element);
    const name = str(element, 'name');
    if (name !== '' && !elementsByName.has(name)) elementsByName.set(name, element);
  }
  return {
    doc,
    file: doc.file,
    name: str(definitions, 'name'),
    namespace: str(definitions, 'namespace'),
    dmnVersion: doc.dmnVersion,
    language,
    imports,
    itemDefinitions,
    elements,
    elementsByName,
  };
}

/** Resolves an `href` (`#id` or `namespace#id`) seen in `model`. */
export function resolveHref(set: DmnModelSet, model: DmnModel, href: string): Located | undefined {
  const hash = href.lastIndexOf('#');
  const namespace = hash <= 0 ? '' : href.slice(0, hash);
  const id = hash < 0 ? href : href.slice(hash + 1);
  const target =
    namespace === '' || namespace === model.namespace ? model : set.byNamespace.get(namespace);
  const element = target?.elements.get(id);
  return target === undefined || element === undefined ? undefined : { element, model: target };
}

const REQUIREMENTS: readonly (readonly [string, string])[] = [
  ['informationRequirement', 'requiredDecision'],
  ['informationRequirement', 'requiredInput'],
  ['knowledgeRequirement', 'requiredKnowledge'],
];

function checkRequirements(set: DmnModelSet, model: DmnModel): void {
  for (const [id, element] of model.elements) {
    for (const [list, property] of REQUIREMENTS) {
      for (const requirement of many(element, list)) {
        const href = str(one(requirement, property), 'href');
        if (href === '') continue;
        // A reference into a namespace that was not loaded is the host's business (imports
        // may be supplied later); a missing id in a loaded model is an error.
        const hash = href.lastIndexOf('#');
        const namespace = hash <= 0 ? '' : href.slice(0, hash);
        if (namespace !== '' && namespace !== model.namespace && !set.byNamespace.has(namespace)) {
          continue;
        }
        if (resolveHref(set, model, href) === undefined) {
          const what = property.replace(/^required/, '').toLowerCase();
          throw new ValidationError(
            `Unknown required ${what} '${href.slice(hash + 1)}' in '${id}'`,
            locate(model.doc, id),
          );
        }
      }
    }
  }
}
