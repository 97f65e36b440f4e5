import { describe, expect, it } from 'vitest';
import {
  BpmnWorkflow,
  TaskState,
  bpmnLayers,
  createBpmnRegistry,
  type BpmnSpec,
} from '@spiff-ts/bpmn';
import type { TaskSpecLayer } from '@spiff-ts/core';
import { parserFor } from './helpers.js';

describe('layer stacks', () => {
  it('runs a script task through [scriptTask, bpmnTask] after a host layer, in that order', () => {
    const calls: string[] = [];
    const recorder = (name: string): TaskSpecLayer<BpmnSpec> => ({
      run(task, next) {
        calls.push(`${name}:before`);
        const result = next();
        calls.push(`${name}:after:${String(task.data['amount'])}`);
        return result;
      },
    });
    const registry = createBpmnRegistry().register('ScriptTask', [
      recorder('host'),
      ...(bpmnLayers['ScriptTask'] ?? []),
    ]);
    expect(bpmnLayers['ScriptTask']).toHaveLength(2);
    const parser = parserFor('engine-basic.bpmn');
    const workflow = new BpmnWorkflow(parser.getSpec('main'), new Map(), { registry });
    workflow.doEngineSteps();
    // The script ran inside the host layer's next(): its result is visible after it.
    expect(calls).toEqual(['host:before', 'host:after:150']);
  });

  it('gives every BPMN typename the shared bpmnTask layer last', () => {
    for (const [typename, layers] of Object.entries(bpmnLayers)) {
      expect(layers.length, typename).toBeGreaterThan(0);
      expect(layers.at(-1), typename).toBe(bpmnLayers['SimpleBpmnTask']?.[0]);
    }
  });
});

describe('collaboration', () => {
  it('starts the participant whose start event catches the message another one sends', () => {
    const { spec, subprocessSpecs } = parserFor('collaboration.bpmn').getCollaborationSpec('shop');
    const workflow = new BpmnWorkflow(spec, subprocessSpecs);
    workflow.doEngineSteps();
    const ready = workflow.getTasks({ state: TaskState.READY });
    expect(ready.map((t) => t.taskSpec.name)).toEqual(['ship']);
    expect(ready[0]?.data['item']).toBe('book');
    ready[0]?.run();
    workflow.doEngineSteps();
    expect(workflow.isCompleted()).toBe(true);
  });
});
