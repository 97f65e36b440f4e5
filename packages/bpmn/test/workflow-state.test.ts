import { describe, expect, it } from 'vitest';
import { PythonScriptEngine, TaskState, type ServiceHandler } from '@spiff-ts/bpmn';
import { loadWorkflow, parserFor, saveRestore } from './helpers.js';

describe('BPMN workflow state made on first use', () => {
  it('makes its script engine when first needed, on its clock, shared with sub-processes', () => {
    const june2001 = Date.UTC(2001, 5, 1);
    const workflow = loadWorkflow('parallel-call.bpmn', 'outer', { clock: () => june2001 });
    workflow.doEngineSteps();
    const engine = workflow.scriptEngine;
    expect(engine).toBeInstanceOf(PythonScriptEngine);
    expect(workflow.scriptEngine).toBe(engine);
    expect(engine.evaluateWith('datetime.now().year', {})).toBe(2001n);
    const call = workflow.getTasks({ specName: 'call' })[0];
    const sub = call ? workflow.getSubprocess(call) : undefined;
    expect(sub?.scriptEngine).toBe(engine);
    for (const task of workflow.getTasks({ state: TaskState.READY, manual: true })) task.run();
    workflow.doEngineSteps();
    expect(workflow.isCompleted()).toBe(true);
    expect(workflow.data).toMatchObject({ a: 1, b: 2 });
  });

  it('uses a script engine it was given, set to its clock', () => {
    const engine = new PythonScriptEngine();
    const workflow = loadWorkflow('parallel-call.bpmn', 'outer', {
      scriptEngine: engine,
      clock: () => Date.UTC(1999, 0, 1),
    });
    expect(workflow.scriptEngine).toBe(engine);
    expect(engine.evaluateWith('datetime.now().year', {})).toBe(1999n);
  });

  it('exposes the host handlers and library it was given, and the defaults otherwise', () => {
    const parser = parserFor('parallel-call.bpmn');
    const library = parser.getSubprocessSpecs('outer');
    const services: ServiceHandler = () => null;
    const plain = loadWorkflow('parallel-call.bpmn', 'outer');
    expect(plain.services).toBeUndefined();
    expect(plain.decide).toBeUndefined();
    expect(plain.dataStores).toBeUndefined();
    expect(typeof plain.payloadHandler).toBe('function');
    const served = loadWorkflow('parallel-call.bpmn', 'outer', { services });
    expect(served.services).toBe(services);
    expect(served.payloadHandler).toBe(plain.payloadHandler);
    expect(loadWorkflow('parallel-call.bpmn', 'outer').subprocessSpecs.size).toBe(library.size);
  });

  it('starts with no uncaught events or correlations and keeps what is set, across a round trip', () => {
    const workflow = loadWorkflow('parallel-call.bpmn', 'outer');
    expect(workflow.bpmnEvents).toEqual([]);
    expect(workflow.getEvents()).toEqual([]);
    expect(workflow.correlations).toEqual({});
    expect(workflow.subCorrelations.size).toBe(0);
    workflow.correlations = { order: { id: 7 } };
    const restored = saveRestore(workflow);
    expect(restored.correlations).toEqual({ order: { id: 7 } });
    expect(restored.bpmnEvents).toEqual([]);
  });
});
