import { ValidationError } from '../errors.js';
import {
  attrib,
  type Assign,
  type Operator,
  type OperatorTypename,
  type Term,
} from '../operators.js';
import {
  baseSpecFields,
  WorkflowSpec,
  type ConditionalOutput,
  type TaskSpecData,
} from '../spec.js';
import { parseXml, type XmlElement } from './dom.js';

/** Reads a file's text; the host supplies it (the core does no I/O). */
export type FileReader = (path: string) => string;

/** Options of {@link loadSpiffXml}. */
export interface SpiffXmlOptions {
  /** Reads included files (`<sub-workflow file="…">`). */
  readonly readFile: FileReader;
  /** Resolves `file` relative to the including file (default: POSIX-style path join). */
  readonly resolvePath?: (fromFile: string, file: string) => string;
}

/** Joins `file` to the directory of `fromFile`, normalising `.` and `..` (POSIX separators). */
export function resolveRelative(fromFile: string, file: string): string {
  const normalized = fromFile.replace(/\\/g, '/');
  const target = file.replace(/\\/g, '/');
  if (target.startsWith('/')) return normalize(target);
  const dir = normalized.includes('/') ? normalized.slice(0, normalized.lastIndexOf('/')) : '.';
  return normalize(`${dir}/${target}`);
}
function normalize(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out.at(-1) !== '..') out.pop();
    else if (part !== '..' || !absolute) out.push(part);
  }
  const joined = out.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

/** Tag → typename of the task spec elements (SpiffWorkflow's `spec_map`). */
const SPEC_TAGS: Readonly<Record<string, string>> = {
  'acquire-mutex': 'AcquireMutex',
  cancel: 'Cancel',
  'cancel-task': 'CancelTask',
  choose: 'Choose',
  'exclusive-choice': 'ExclusiveChoice',
  execute: 'Execute',
  gate: 'Gate',
  join: 'Join',
  merge: 'Merge',
  'multi-choice': 'MultiChoice',
  'multi-instance': 'MultiInstance',
  'release-mutex': 'ReleaseMutex',
  simple: 'Simple',
  'start-task': 'StartTask',
  'sub-workflow': 'SubWorkflow',
  'thread-start': 'ThreadStart',
  'thread-merge': 'ThreadMerge',
  'thread-split': 'ThreadSplit',
  transform: 'Transform',
  trigger: 'Trigger',
  task: 'Simple',
};
const OPERATOR_TAGS: Readonly<Record<string, OperatorTypename>> = {
  equals: 'Equal',
  'not-equals': 'NotEqual',
  'less-than': 'LessThan',
  'greater-than': 'GreaterThan',
  matches: 'Match',
};

type Spec = TaskSpecData & Record<string, unknown>;
/** The spec element an error belongs to. */
interface Owner {
  readonly tag: string;
  readonly name: string;
}
interface Read {
  readonly spec: Spec;
  readonly element: XmlElement | undefined;
  readonly successors: readonly { condition: Operator | null; name: string; element: XmlElement }[];
}

class SpecReader {
  readonly #file: string | undefined;
  readonly #resolve: ((file: string) => string) | undefined;
  readonly subFiles: string[] = [];
  constructor(file: string | undefined, resolve: ((file: string) => string) | undefined) {
    this.#file = file;
    this.#resolve = resolve;
  }

  /**
   * Throws a ValidationError at `element`'s line, naming the spec element it belongs to
   * (`owner`: tag and name) or else `element` itself.
   */
  fail(message: string, element: XmlElement, owner?: Owner | string): never {
    const own: Owner =
      owner === undefined || typeof owner === 'string'
        ? { tag: element.tag, name: owner ?? '' }
        : owner;
    const label = own.name ? `<${own.tag} name="${own.name}">` : `<${own.tag}>`;
    throw new ValidationError(
      `${message} in ${label} (${this.#file ?? '<string>'}, line ${element.line})`,
      {
        ...(this.#file !== undefined ? { file: this.#file } : {}),
        tag: own.tag,
        ...(own.name ? { elementId: own.name } : {}),
        line: element.line,
        column: element.column,
      },
    );
  }

  readAssign(element: XmlElement, owner: Owner): Assign {
    const name = element.attributes['name'];
    const field = element.attributes['field'];
    const value = element.attributes['value'];
    if (!name) this.fail('name attribute required', element, owner);
    if (field !== undefined && value !== undefined) {
      this.fail('Both, field and right-value attributes found', element, owner);
    }
    if (field === undefined && value === undefined)
      this.fail('field or value attribute required', element, owner);
    return value !== undefined
      ? { typename: 'Assign', left: name, right: value }
      : { typename: 'Assign', left: name, rightAttribute: field as string };
  }

  readAssignList(element: XmlElement, owner: Owner): Assign[] {
    return element.children.map((child) =>
      child.tag.toLowerCase() === 'assign'
        ? this.readAssign(child, owner)
        : this.fail(`Unknown node <${child.tag}>`, child, owner),
    );
  }

  readTerm(element: XmlElement, side: 'left' | 'right', owner: Owner): Term {
    const field = element.attributes[`${side}-field`];
    const value = element.attributes[`${side}-value`];
    if (field !== undefined && value !== undefined) {
      this.fail(`Both, ${side}-field and ${side}-value attributes found`, element, owner);
    }
    if (field === undefined && value === undefined) {
      this.fail(`${side}-field or ${side}-value attribute required`, element, owner);
    }
    return value !== undefined ? value : attrib(field as string);
  }

  readOperator(element: XmlElement, owner: Owner): Operator {
    const typename = OPERATOR_TAGS[element.tag.toLowerCase()];
    if (!typename) this.fail('Invalid operator', element, owner);
    const left = this.readTerm(element, 'left', owner);
    const right = this.readTerm(element, 'right', owner);
    // Matches SpiffWorkflow's loader: for <matches>, the left term is the pattern.
    if (typename === 'Match') return { typename, args: [right], regex: String(left) };
    return { typename, args: [left, right] };
  }

  readCondition(element: XmlElement, owner: Owner): { condition: Operator; name: string } {
    let condition: Operator | undefined;
    let name: string | undefined;
    for (const child of element.children) {
      const tag = child.tag.toLowerCase();
      if (tag === 'successor') {
        if (name !== undefined) this.fail(`Duplicate task name ${name}`, child, owner);
        if (!child.text) this.fail('Successor tag without a task name', child, owner);
        name = child.text;
      } else if (tag in OPERATOR_TAGS) {
        if (condition !== undefined)
          this.fail('Multiple conditions are not yet supported', child, owner);
        condition = this.readOperator(child, owner);
      } else {
        this.fail(`Unknown node <${child.tag}>`, child, owner);
      }
    }
    if (condition === undefined)
      this.fail('Missing condition in conditional statement', element, owner);
    if (name === undefined) this.fail(`A ${element.tag} has no task specified`, element, owner);
    return { condition, name };
  }

  readTaskSpec(element: XmlElement, read: Map<string, Read>): void {
    const tag = element.tag.toLowerCase();
    const typename = SPEC_TAGS[tag];
    const attr = (key: string) => (element.attributes[key] ?? '').toLowerCase();
    // Matches SpiffWorkflow's loader: names and contexts are lower-cased.
    let name = attr('name');
    if (!typename) this.fail(`Invalid task type "${tag}"`, element, name);
    if (tag === 'start-task') name = 'start';
    if (name === '') this.fail(`Invalid task name "${name}"`, element);
    if (read.has(name)) this.fail(`Duplicate task name "${name}"`, element, name);
    const specName = tag === 'start-task' ? 'Start' : name;
    const owner: Owner = { tag: element.tag, name };
    const num = (key: string): number => {
      const text = element.attributes[key] ?? '';
      if (!/^\s*[+-]?\d+\s*$/.test(text))
        this.fail(`Attribute ${key} must be an integer, got "${text}"`, element, name);
      return Number.parseInt(text, 10);
    };
    const spec: Spec = { typename, ...baseSpecFields(specName) } as Spec;
    const data: Record<string, unknown> = {};
    const defines: Record<string, unknown> = {};
    const preAssign: Assign[] = [];
    const postAssign: Assign[] = [];
    let context: string | string[] = attr('context');
    const mutex = attr('mutex');
    const choice: string[] = [];
    let inAssign: Assign[] = [];
    let outAssign: Assign[] = [];
    const successors: { condition: Operator | null; name: string; element: XmlElement }[] = [];
    if (typename === 'Trigger') context = context === '' ? [] : [context];

    for (const child of element.children) {
      const ctag = child.tag;
      if (ctag === 'description') (spec as Record<string, unknown>)['description'] = child.text;
      else if (ctag === 'successor' || ctag === 'default-successor') {
        if (!child.text) this.fail(`Empty ${ctag} tag`, child, owner);
        successors.push({ condition: null, name: child.text, element: child });
      } else if (ctag === 'conditional-successor') {
        const { condition, name: target } = this.readCondition(child, owner);
        successors.push({ condition, name: target, element: child });
      } else if (ctag === 'define')
        defines[child.attributes['name'] ?? ''] = child.attributes['value'] ?? null;
      else if (ctag === 'data' || ctag === 'property') {
        data[child.attributes['name'] ?? ''] = child.attributes['value'] ?? null;
      } else if (ctag === 'pre-assign') preAssign.push(this.readAssign(child, owner));
      else if (ctag === 'post-assign') postAssign.push(this.readAssign(child, owner));
      else if (ctag === 'in') inAssign = this.readAssignList(child, owner);
      else if (ctag === 'out') outAssign = this.readAssignList(child, owner);
      else if (ctag === 'cancel') {
        if (!child.text) this.fail(`Empty ${ctag} tag`, child, owner);
        context = context === '' ? [] : Array.isArray(context) ? context : [context];
        context.push(child.text);
      } else if (ctag === 'pick') {
        if (!child.text) this.fail(`Empty ${ctag} tag`, child, owner);
        choice.push(child.text);
      } else {
        this.fail(`Unknown node <${ctag}>`, child, owner);
      }
    }
    Object.assign(spec, { data: { ...data, ...defines }, defines, preAssign, postAssign });

    const times = (): Term => {
      const t = element.attributes['times'];
      const field = element.attributes['times-field'];
      if (t !== undefined && t !== '' && field !== undefined && field !== '') {
        this.fail(`Both, "times" and "times-field" in "${name}"`, element, name);
      }
      if (field !== undefined && field !== '') return attrib(field.toLowerCase());
      if (t !== undefined && t !== '') return num('times');
      return null;
    };
    const contextList = Array.isArray(context) ? context : context === '' ? [] : [context];
    switch (typename) {
      case 'Join':
      case 'Merge':
      case 'ThreadMerge': {
        const threshold = element.attributes['threshold-field']
          ? attrib(attr('threshold-field'))
          : element.attributes['threshold']
            ? num('threshold')
            : null;
        const cancel = attr('cancel');
        Object.assign(spec, {
          splitTask: typeof context === 'string' && context !== '' ? context : null,
          threshold,
          cancelRemaining: cancel !== '' && cancel !== '0',
        });
        break;
      }
      case 'MultiChoice':
      case 'ExclusiveChoice':
        Object.assign(spec, { condTaskSpecs: [], choice: null });
        if (typename === 'ExclusiveChoice') spec['defaultTaskSpec'] = null;
        break;
      case 'MultiInstance':
      case 'ThreadSplit': {
        const t = times();
        if (t === null) this.fail(`Missing "times" or "times-field" in "${name}"`, element, name);
        spec['times'] = t;
        if (typename === 'ThreadSplit') spec['threadStarter'] = 'ThreadStart';
        break;
      }
      case 'Trigger':
      case 'CancelTask': {
        const t = times();
        Object.assign(spec, { context: contextList, times: t ?? 1 });
        break;
      }
      case 'Cancel': {
        const success = attr('success');
        spec['cancelSuccessfully'] = success !== '' && success !== '0';
        break;
      }
      case 'Choose':
        Object.assign(spec, { context: contextList[0] ?? '', choice });
        break;
      case 'Gate':
        spec['context'] = contextList[0] ?? '';
        break;
      case 'AcquireMutex':
      case 'ReleaseMutex':
        spec['mutex'] = mutex !== '' ? mutex : (contextList[0] ?? '');
        if (spec['mutex'] === '') this.fail('A mutex name is required', element, name);
        break;
      case 'SubWorkflow': {
        const fileAttr = element.attributes['file'];
        const fileField = element.attributes['file-field'];
        let file: Term = null;
        if (fileField) file = attrib(fileField.toLowerCase());
        else if (fileAttr) {
          if (!this.#resolve) this.fail('Sub-workflow files need a file reader', element, name);
          file = this.#resolve(fileAttr);
          this.subFiles.push(file);
        }
        if (file === null)
          this.fail('A sub-workflow needs a file or file-field attribute', element, name);
        Object.assign(spec, { file, inAssign, outAssign });
        break;
      }
      case 'Transform':
        spec['transforms'] = [];
        break;
      case 'Execute':
        // The command is taken verbatim (not lower-cased like other contexts).
        spec['args'] = element.attributes['context'] ? [element.attributes['context']] : [];
        break;
      default:
        break;
    }
    read.set(name, { spec, element, successors });
  }

  read(root: XmlElement): WorkflowSpec {
    if (root.tag !== 'process-definition' && root.tag !== 'workflow-spec') {
      this.fail(`Expected <process-definition>, found <${root.tag}>`, root);
    }
    let name = root.attributes['name'] ?? '';
    if (name === '') this.fail(`${root.tag} without a name attribute`, root);
    let description = '';
    const end: Spec = { typename: 'Simple', ...baseSpecFields('End') } as Spec;
    const read = new Map<string, Read>([
      ['end', { spec: end, element: undefined, successors: [] }],
    ]);
    for (const child of root.children) {
      const tag = child.tag.toLowerCase();
      if (child.tag === 'name') name = child.text;
      else if (child.tag === 'description') description = child.text;
      else if (tag in SPEC_TAGS) this.readTaskSpec(child, read);
      else this.fail(`Unknown node <${child.tag}>`, child, { tag: root.tag, name });
    }
    if (!read.has('start')) this.fail('No <start-task> found', root);
    // Specs in creation order: End first, then document order, a ThreadSplit's ThreadStart right after it.
    const specs: Spec[] = [];
    const byName = new Map<string, Spec>();
    for (const { spec } of read.values()) {
      specs.push(spec);
      byName.set(spec.name, spec);
      if (spec.typename === 'ThreadSplit') {
        if (byName.has('ThreadStart')) {
          this.fail(
            'Only one thread-split per workflow is supported',
            read.get(spec.name)?.element ?? root,
            spec.name,
          );
        }
        const starter = {
          ...baseSpecFields('ThreadStart'),
          typename: 'ThreadStart',
          data: spec.data,
          defines: spec.defines,
          preAssign: spec.preAssign,
          postAssign: spec.postAssign,
        } as Spec;
        specs.push(starter);
        byName.set(starter.name, starter);
        connect(spec, starter);
      }
    }
    for (const [key, { spec, element, successors }] of read) {
      for (const { condition, name: target, element: at } of successors) {
        const successor = read.get(target)?.spec;
        const owner = { tag: element?.tag ?? 'task', name: key };
        if (!successor) this.fail(`Unknown successor: "${target}"`, at, owner);
        if (successor.typename === 'StartTask') {
          this.fail('StartTask can not have any inputs', at, owner);
        }
        connectSpec(spec, condition, successor, byName);
      }
    }
    return new WorkflowSpec({
      name,
      description,
      file: this.#file ?? null,
      taskSpecs: specs,
      start: 'Start',
    });
  }
}

function connect(from: Spec, to: Spec): void {
  (from.outputs as string[]).push(to.name);
  (to.inputs as string[]).push(from.name);
}

/** Connects like the Python spec classes' `connect` / `connect_if` overrides do. */
function connectSpec(
  from: Spec,
  condition: Operator | null,
  to: Spec,
  byName: Map<string, Spec>,
): void {
  if (from.typename === 'ThreadSplit') {
    const starter = byName.get(from['threadStarter'] as string) as Spec;
    connect(starter, to);
    return;
  }
  if (from.typename === 'MultiChoice' || from.typename === 'ExclusiveChoice') {
    if (from.typename === 'ExclusiveChoice' && condition === null)
      from['defaultTaskSpec'] = to.name;
    (from['condTaskSpecs'] as ConditionalOutput[]).push({ condition, output: to.name });
    connect(from, to);
    return;
  }
  if (condition !== null) {
    throw new ValidationError(`Task spec '${from.name}' cannot have conditional successors`, {
      elementId: from.name,
    });
  }
  connect(from, to);
}

/**
 * Parses one legacy Spiff XML spec (`<process-definition>`) without loading sub-workflows;
 * `<sub-workflow file>` paths are resolved with `resolve` and listed in `subFiles`.
 * @throws {@link ValidationError} naming the file, the element (tag and name) and the line.
 */
export function parseSpiffXml(
  text: string,
  options: { file?: string; resolve?: (file: string) => string } = {},
): { spec: WorkflowSpec; subFiles: string[] } {
  const root = parseXml(text, options.file);
  const reader = new SpecReader(options.file, options.resolve);
  const spec = reader.read(root);
  return { spec, subFiles: reader.subFiles };
}

/**
 * Loads a legacy Spiff XML spec and, transitively, every `<sub-workflow file="…">` it names
 * (resolved relative to the including file, read through `readFile`). All loaded specs share
 * one library (`spec.subSpecs`, keyed by resolved path), so recursive specs work. Either the
 * whole set loads or an error is thrown.
 * @throws {@link ValidationError} for malformed XML or specs, or unreadable files.
 * @example
 * ```ts
 * const spec = loadSpiffXml('flows/order.xml', { readFile: (p) => readFileSync(p, 'utf8') });
 * ```
 */
export function loadSpiffXml(file: string, options: SpiffXmlOptions): WorkflowSpec {
  const resolvePath = options.resolvePath ?? resolveRelative;
  const library = new Map<string, WorkflowSpec>();
  const read = (path: string): { spec: WorkflowSpec; subFiles: string[] } => {
    let text: string;
    try {
      text = options.readFile(path);
    } catch (cause) {
      throw new ValidationError(`Cannot read spec file '${path}'`, { file: path }, { cause });
    }
    return parseSpiffXml(text, { file: path, resolve: (f) => resolvePath(path, f) });
  };
  const first = read(file);
  const parsed = new Map<string, WorkflowSpec>([[file, first.spec]]);
  const queue = [...first.subFiles];
  const referenced = new Set(queue);
  while (queue.length > 0) {
    const next = queue.shift() as string;
    if (parsed.has(next)) continue;
    const result = read(next);
    parsed.set(next, result.spec);
    for (const sub of result.subFiles) {
      referenced.add(sub);
      if (!parsed.has(sub)) queue.push(sub);
    }
  }
  // Rebuild every spec with the shared library (a spec may include itself).
  const withLibrary = (spec: WorkflowSpec) =>
    new WorkflowSpec({
      name: spec.name,
      description: spec.description,
      file: spec.file,
      taskSpecs: spec.taskSpecs.values(),
      start: spec.start.name,
      subSpecs: library,
    });
  const rootSpec = withLibrary(first.spec);
  for (const [path, spec] of parsed) {
    if (referenced.has(path)) library.set(path, path === file ? rootSpec : withLibrary(spec));
  }
  return rootSpec;
}
