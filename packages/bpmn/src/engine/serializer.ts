import {
  Serializer,
  SerializerRegistry,
  type Json,
  type JsonObject,
  type TaskSpecData,
  type Workflow,
} from '@spiff-ts/core';
import { fromSpiffWorkflowJson, toSpiffWorkflowJson } from './interop.js';
import { bpmnLayers } from './layers.js';
import { BpmnWorkflow, type BpmnWorkflowOptions, type Correlations } from './workflow.js';

/** BPMN specs are plain JSON data: they are written as they are (keys kept). */
const plainSpecConverter = {
  toJson: (spec: TaskSpecData) => JSON.parse(JSON.stringify(spec)) as JsonObject,
  fromJson: (json: JsonObject) => JSON.parse(JSON.stringify(json)) as TaskSpecData,
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

  constructor(options: Omit<BpmnWorkflowOptions, 'restore' | 'data'> = {}) {
    this.#options = options;
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
    doc['bpmn_events'] = workflow.bpmnEvents.map((e) => ({
      definition: e.definition as unknown as Json,
      payload: (e.payload ?? null) as Json,
      correlations: (e.correlations ?? {}) as Json,
    }));
    doc['correlations'] = workflow.correlations as Json;
    const subs: JsonObject = {};
    for (const [wf, c] of workflow.subCorrelations) {
      const id = wf.outerTask?.id;
      if (id !== undefined) subs[id] = c as Json;
    }
    doc['subprocess_correlations'] = subs;
    return doc;
  }

  /** Rebuilds a workflow from {@link BpmnWorkflowSerializer.toJson}'s document. */
  fromJson(doc: JsonObject): BpmnWorkflow {
    const workflow = this.#core.workflowFromJson(structuredClone(doc)) as BpmnWorkflow;
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

  /**
   * The workflow as SpiffWorkflow's `BpmnWorkflowSerializer` writes it (see
   * {@link toSpiffWorkflowJson}); `flavor` picks the flavour's event fields.
   */
  toSpiffJson(workflow: BpmnWorkflow, flavor: 'bpmn' | 'spiff' | 'camunda' = 'bpmn'): JsonObject {
    return toSpiffWorkflowJson(workflow, flavor);
  }

  /** Reads a workflow SpiffWorkflow's `BpmnWorkflowSerializer` wrote. */
  fromSpiffJson(doc: JsonObject, flavor: 'bpmn' | 'spiff' | 'camunda' = 'bpmn'): BpmnWorkflow {
    return this.fromJson(fromSpiffWorkflowJson(doc, flavor));
  }

  /** {@link BpmnWorkflowSerializer.toJson} as text. */
  serializeJson(workflow: BpmnWorkflow): string {
    return JSON.stringify(this.toJson(workflow));
  }

  /** {@link BpmnWorkflowSerializer.fromJson} from text. */
  deserializeJson(text: string): BpmnWorkflow {
    return this.fromJson(JSON.parse(text) as JsonObject);
  }
}

function findSub(workflow: BpmnWorkflow, taskId: string): Workflow | undefined {
  for (const sub of workflow.allSubprocesses()) if (sub.outerTask?.id === taskId) return sub;
  return undefined;
}
