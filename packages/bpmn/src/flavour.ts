import type { TaskSpecLayer, WorkflowSpec } from '@spiff-ts/core';
import type { InteropConverters } from './engine/interop.js';
import type { BpmnParser, ElementParser, ParseContext, SpecDraft } from './parser/bpmn-parser.js';
import type { XmlElement } from './parser/dom.js';
import type { ModdlePackage } from './parser/read-xml.js';
import type { EventDefinition } from './specs.js';

/**
 * Where an event definition was read from, for {@link FlavourParseHooks.eventDefinition}.
 */
export interface EventDefinitionSource {
  readonly parser: BpmnParser;
  /** The event (or send / receive task) element. */
  readonly event: XmlElement;
  /** The event definition element; the task itself for send and receive tasks. */
  readonly definition: XmlElement;
  /** The `message`, `signal`, `error` or `escalation` element the definition refers to. */
  readonly referenced: XmlElement | undefined;
}

/** Parser hooks of a flavour, for what no single element parser sees. */
export interface FlavourParseHooks {
  /** The flavour's extension elements of a flow node, merged into `spec.extensions`. */
  readonly extensions?: (node: XmlElement) => Record<string, unknown>;
  /** The flavour's fields of a `dataObject` (kept in the process' `dataObjectInfo`). */
  readonly dataObject?: (node: XmlElement) => Record<string, unknown>;
  /**
   * Refines a message, signal, error or escalation definition the BPMN parser built (payload
   * expressions, result variables, extra correlations).
   */
  readonly eventDefinition?: (
    def: EventDefinition,
    source: EventDefinitionSource,
  ) => EventDefinition;
  /**
   * Reads a `multiInstanceLoopCharacteristics` the flavour's own way: the loop task's fields, or
   * `undefined` to read it as standard BPMN.
   */
  readonly multiInstance?: (
    ctx: ParseContext,
    spec: SpecDraft,
    characteristics: XmlElement,
  ) => Partial<SpecDraft> | undefined;
  /**
   * Splits an element's extensions between its loop task and the instance spec; by default both
   * get all of them.
   */
  readonly loopExtensions?: (
    characteristics: XmlElement,
    extensions: Readonly<Record<string, unknown>>,
  ) => {
    readonly loop: Record<string, unknown>;
    readonly instance: Record<string, unknown>;
  };
}

/**
 * A BPMN flavour: what a vendor's extensions (`spiffworkflow:`, `camunda:`) change, as plain
 * data the BPMN package reads. Flavours replace element parsers and registry entries; they never
 * subclass. `@spiff-ts/spiff` and `@spiff-ts/camunda` each export one.
 *
 * @example
 * ```ts
 * const parser = new BpmnParser({ flavour: spiffFlavour });
 * const registry = createBpmnRegistry(spiffFlavour);
 * const workflow = new BpmnWorkflow(parser.getSpec('main'), new Map(), { registry });
 * const json = new BpmnWorkflowSerializer({ registry }).toSpiffJson(workflow, spiffFlavour);
 * ```
 */
export interface BpmnFlavour {
  /** Short name for messages (`spiff`, `camunda`). */
  readonly name: string;
  /**
   * The vendor's XML namespaces, each a moddle package (`camunda-bpmn-moddle`'s `camunda.json`,
   * `@spiff-ts/spiff`'s `spiffworkflowPackage`). A parser with the flavour reads their elements
   * and attributes under the package's prefix whatever prefix a file binds (`camunda:formKey`),
   * and its moddle check reads them as typed elements. Without them a file's extensions are
   * still read, as generic elements under the file's own prefixes.
   */
  readonly moddle?: readonly ModdlePackage[];
  /** Element parsers by normalised tag (`bpmn:userTask`), over the BPMN defaults. */
  readonly parsers?: Readonly<Record<string, ElementParser>>;
  readonly parse?: FlavourParseHooks;
  /** Layers by typename, registered over the BPMN layers (see `createBpmnRegistry`). */
  readonly layers?: { readonly [typename: string]: readonly TaskSpecLayer<never>[] };
  /** How SpiffWorkflow's serializer for this flavour writes what the BPMN one does not. */
  readonly interop?: InteropConverters;
}

/** The flavour each parsed spec was read with (specs are shared and immutable, so a side table). */
const readWith = new WeakMap<WorkflowSpec, BpmnFlavour>();

/**
 * Records that a parser with `flavour` built `spec`, so that a workflow of it runs with the
 * flavour's layers and a writer uses its converters when the host names none.
 * @internal
 */
export function recordFlavour(spec: WorkflowSpec, flavour: BpmnFlavour | undefined): void {
  if (flavour) readWith.set(spec, flavour);
}

/** The flavour `spec` was parsed with, if a flavoured parser built it. */
export function flavourOf(spec: WorkflowSpec): BpmnFlavour | undefined {
  return readWith.get(spec);
}
