import {
  Serializer,
  SerializerRegistry,
  type Json,
  type JsonObject,
  type TaskSpecData,
  type Workflow,
} from '@spiff-ts/core';
import { flavourOf, type BpmnFlavour } from '../flavour.js';
import { fromSpiffWorkflowJson, toSpiffWorkflowJson } from './interop.js';
import { bpmnLayers } from './layers.js';
import {
  BpmnWorkflow,
  flavourRegistry,
  type BpmnWorkflowOptions,
  type Correlations,
} from './workflow.js';

/**
 * BPMN specs are plain JSON data: they are written as they are (keys kept). The documents this
 * serializer reads are its own (parsed from text, or a copy of the caller's), so their specs are
 * taken as they are.
 */
const plainSpecConverter = {
  toJson: (spec: TaskSpecData) => JSON.parse(JSON.stringify(spec)) as JsonObject,
  toText: (spec: TaskSpecData) => JSON.stringify(spec),
  fromJson: (json: JsonObject) => json as unknown as TaskSpecData,
};

/**
 * Serializes running BPMN workflows to the JSON shape of SpiffWorkflow's
 * `BpmnWorkflowSerializer` (`serializer_version` 1.4) and back.
 *
 * @example
 * ```ts
 * const serializer = new BpmnWorkflowSerializer();
 * const text = serializer.serializeJson(workflow);
 * const restored = serializer.deserializeJson(text, { scriptEngine });
 * ```
 */
export class BpmnWorkflowSerializer {
  readonly #options: Omit<BpmnWorkflowOptions, 'restore'>;
  readonly #core: Serializer;
  /** The flavour restored workflows run with and SpiffWorkflow JSON is read and written in. */
  readonly flavour: BpmnFlavour | undefined;

  /**
   * `flavour` (e.g. `spiffFlavour`) sets the registry restored workflows run with (unless
   * `registry` is given) and the serializer config of {@link toSpiffJson}/{@link fromSpiffJson}.
   */
  constructor(
    options: Omit<BpmnWorkflowOptions, 'restore' | 'data'> & {
      readonly flavour?: BpmnFlavour;
    } = {},
  ) {
    const { flavour, ...rest } = options;
    this.flavour = flavour;
    this.#options =
      flavour && !rest.registry ? { ...rest, registry: flavourRegistry(flavour) } : rest;
    const registry = new SerializerRegistry();
    for (const typename of Object.keys(bpmnLayers)) {
      registry.registerSpec(typename, plainSpecConverter);
    }
    this.#core = new Serializer({
      registry,
      workflowTypename: 'BpmnWorkflow',
      createWorkflow: (spec, wfOptions) =>
        new BpmnWorkflow(spec, wfOptions.library ?? new Map(), {
          ...this.#options,
          restore: true,
          ...(wfOptions.newId ? { newId: wfOptions.newId } : {}),
          ...(wfOptions.clock ? { stateClock: wfOptions.clock } : {}),
        }),
    });
  }

  /** The workflow as a JSON document. */
  toJson(workflow: BpmnWorkflow): JsonObject {
    const doc = this.#core.workflowToJson(workflow) as unknown as JsonObject;
    // The core writes the spec's own library; a BPMN workflow's library is its subprocess specs.
    const specs: JsonObject = {};
    for (const [key, spec] of workflow.subprocessSpecs) {
      specs[key] = this.#core.workflowSpecToJson(spec) as unknown as Json;
    }
    doc['subprocess_specs'] = specs;
    return Object.assign(doc, bpmnFields(workflow));
  }

  /** Rebuilds a workflow from {@link BpmnWorkflowSerializer.toJson}'s document. */
  fromJson(doc: JsonObject): BpmnWorkflow {
    const workflow = this.#core.workflowFromJson(structuredClone(doc)) as BpmnWorkflow;
    return restoreBpmnFields(workflow, doc);
  }

  /**
   * The workflow as SpiffWorkflow's `BpmnWorkflowSerializer` writes it (see
   * {@link toSpiffWorkflowJson}), with the fields of `flavour`'s serializer config (default: the
   * serializer's flavour, else the one the workflow's spec was parsed with).
   */
  toSpiffJson(
    workflow: BpmnWorkflow,
    flavour: BpmnFlavour | undefined = this.flavour ?? flavourOf(workflow.spec),
  ): JsonObject {
    return toSpiffWorkflowJson(workflow, flavour);
  }

  /**
   * Reads a workflow SpiffWorkflow's `BpmnWorkflowSerializer` wrote with `flavour`'s config
   * (default: the serializer's). The restored workflow runs with this serializer's registry.
   */
  fromSpiffJson(doc: JsonObject, flavour: BpmnFlavour | undefined = this.flavour): BpmnWorkflow {
    return this.fromJson(fromSpiffWorkflowJson(doc, flavour));
  }

  /** {@link BpmnWorkflowSerializer.toJson} as text (written in one pass, specs' text kept). */
  serializeJson(workflow: BpmnWorkflow): string {
    return this.#core.writeWorkflow(workflow, {
      library: workflow.subprocessSpecs,
      extra: bpmnFields(workflow),
    });
  }

  /**
   * {@link BpmnWorkflowSerializer.fromJson} from text. Documents beginning with the same spec
   * text as a recent one share its (immutable) specs.
   */
  deserializeJson(text: string): BpmnWorkflow {
    const { workflow, doc } = this.#core.readWorkflow(text);
    return restoreBpmnFields(workflow as BpmnWorkflow, doc);
  }
}

/** What a BPMN document adds to the core's: events, correlations. */
function bpmnFields(workflow: BpmnWorkflow): JsonObject {
  const subs: JsonObject = {};
  for (const [wf, c] of workflow.subCorrelations) {
    const id = wf.outerTask?.id;
    if (id !== undefined) subs[id] = c as Json;
  }
  return {
    bpmn_events: workflow.bpmnEvents.map((e) => ({
      definition: e.definition as unknown as Json,
      payload: (e.payload ?? null) as Json,
      correlations: (e.correlations ?? {}) as Json,
    })),
    correlations: workflow.correlations as Json,
    subprocess_correlations: subs,
  };
}

/** Sets what {@link bpmnFields} wrote on a restored workflow. */
function restoreBpmnFields(workflow: BpmnWorkflow, doc: JsonObject): BpmnWorkflow {
  const events = (doc['bpmn_events'] as JsonObject[] | undefined) ?? [];
  workflow.bpmnEvents = events.map((e) => ({
    definition: e['definition'] as never,
    payload: e['payload'],
    correlations: e['correlations'] as Correlations,
  }));
  workflow.correlations = (doc['correlations'] as Correlations | undefined) ?? {};
  const subs = (doc['subprocess_correlations'] as Record<string, Correlations> | undefined) ?? {};
  for (const [taskId, c] of Object.entries(subs)) {
    const sub = findSub(workflow, taskId);
    if (sub) workflow.subCorrelations.set(sub, c);
  }
  return workflow;
}

function findSub(workflow: BpmnWorkflow, taskId: string): Workflow | undefined {
  for (const sub of workflow.allSubprocesses()) if (sub.outerTask?.id === taskId) return sub;
  return undefined;
}
