import { describe, expect, it } from 'vitest';
import {
  BpmnWorkflow,
  BpmnWorkflowSerializer,
  TaskState,
  WorkflowTaskError,
  flavourOf,
  bpmnLayers,
  bpmnTaskLayer,
  createBpmnRegistry,
} from '@spiff-ts/bpmn';
import {
  SCRIPTED_TYPES,
  SpiffBpmnParser,
  spiffFlavour,
  spiffLayers,
  spiffScriptLayer,
} from '@spiff-ts/spiff';

describe('spiff layers', () => {
  it('cover every BPMN spec type; tasks have the script layer right above the BPMN task layer', () => {
    expect(Object.keys(spiffLayers).sort()).toEqual(Object.keys(bpmnLayers).sort());
    for (const [typename, layers] of Object.entries(spiffLayers)) {
      const scripts = layers.filter((l) => l === spiffScriptLayer);
      if (!SCRIPTED_TYPES.has(typename)) {
        expect(scripts, typename).toHaveLength(0);
        continue;
      }
      const at = layers.indexOf(bpmnTaskLayer);
      expect(at, typename).toBeGreaterThan(0);
      expect(layers[at - 1], typename).toBe(spiffScriptLayer);
      expect(scripts, typename).toHaveLength(1);
    }
    // Matches SpiffWorkflow: events have no pre- or post-scripts.
    expect(spiffLayers['IntermediateThrowEvent']).not.toContain(spiffScriptLayer);
    expect(spiffLayers['ScriptTask']).toContain(spiffScriptLayer);
  });

  it('say which script of a task failed', () => {
    const parser = new SpiffBpmnParser();
    parser.addBpmnXml(
      `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:manualTask id="m">
      <bpmn:extensionElements>
        <spiffworkflow:preScript>x = missing + 1</spiffworkflow:preScript>
      </bpmn:extensionElements>
    </bpmn:manualTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="m" />
    <bpmn:sequenceFlow id="f2" sourceRef="m" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`,
      'pre.bpmn',
    );
    const workflow = new BpmnWorkflow(parser.getSpec('p'), new Map(), {
      registry: createBpmnRegistry(spiffFlavour),
    });
    let error: unknown;
    try {
      workflow.doEngineSteps();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WorkflowTaskError);
    expect((error as WorkflowTaskError).notes).toContain('Error occurred in the Pre-Script');
  });

  it('run with the parsing flavour by default, and a flavoured serializer keeps it', () => {
    const parser = new SpiffBpmnParser();
    parser.addBpmnXml(
      `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:manualTask id="m">
      <bpmn:extensionElements>
        <spiffworkflow:preScript>before = 1</spiffworkflow:preScript>
        <spiffworkflow:postScript>after = before + 1</spiffworkflow:postScript>
      </bpmn:extensionElements>
    </bpmn:manualTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="m" />
    <bpmn:sequenceFlow id="f2" sourceRef="m" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`,
      'defaults.bpmn',
    );
    const spec = parser.getSpec('p');
    expect(flavourOf(spec)).toBe(spiffFlavour);
    // No registry passed: the spec's flavour supplies the pre- and post-script layer.
    const workflow = new BpmnWorkflow(spec, new Map());
    workflow.doEngineSteps();
    const [manual] = workflow.getTasks({ state: TaskState.READY, specName: 'm' });
    expect(manual?.data).toMatchObject({ before: 1 });

    const serializer = new BpmnWorkflowSerializer({ flavour: spiffFlavour });
    const restored = serializer.fromSpiffJson(serializer.toSpiffJson(workflow));
    const [again] = restored.getTasks({ state: TaskState.READY, specName: 'm' });
    again?.run();
    restored.doEngineSteps();
    expect(restored.completed).toBe(true);
    expect(restored.data).toMatchObject({ before: 1, after: 2 });

    // A plain parser's specs run without spiff layers: the extension is read but not run.
    const plain = new BpmnWorkflow(spec, new Map(), { registry: createBpmnRegistry() });
    plain.doEngineSteps();
    expect(plain.getTasks({ state: TaskState.READY, specName: 'm' })[0]?.data).toEqual({});
  });
});
