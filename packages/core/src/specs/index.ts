import type { LayerTable } from '../registry.js';
import type { CoreSpec } from '../spec.js';
import { createJoinLayer, joinLayer, mergeLayer } from './join.js';
import { exclusiveChoiceLayer, multiChoiceLayer } from './multi-choice.js';
import { multiInstanceLayer, threadSplitLayer } from './multi-instance.js';
import { simpleLayers, startTaskLayers, threadStartLayer } from './simple.js';
import { subWorkflowLayer } from './sub-workflow.js';
import { threadMergeLayer } from './thread-merge.js';
import {
  acquireMutexLayer,
  cancelLayer,
  cancelTaskLayer,
  chooseLayer,
  gateLayer,
  releaseMutexLayer,
  transformLayer,
  triggerLayer,
} from './trigger.js';

/**
 * The layers of every core spec type, most derived first (the Python MRO written down:
 * ExclusiveChoice → MultiChoice, CancelTask → Trigger, ThreadMerge → Join). Execute has no
 * layer here: it is host-specific (see `@spiff-ts/core/node`); a workflow that reaches one
 * without it fails with a clear error.
 */
export const coreLayers = {
  Simple: simpleLayers,
  StartTask: startTaskLayers,
  ThreadStart: [threadStartLayer],
  Join: [joinLayer],
  Merge: [mergeLayer],
  ThreadMerge: [threadMergeLayer, joinLayer],
  MultiChoice: [multiChoiceLayer],
  ExclusiveChoice: [exclusiveChoiceLayer, multiChoiceLayer],
  MultiInstance: [multiInstanceLayer],
  ThreadSplit: [threadSplitLayer],
  Trigger: [triggerLayer],
  CancelTask: [cancelTaskLayer, triggerLayer],
  Cancel: [cancelLayer],
  Choose: [chooseLayer],
  Gate: [gateLayer],
  AcquireMutex: [acquireMutexLayer],
  ReleaseMutex: [releaseMutexLayer],
  SubWorkflow: [subWorkflowLayer],
  Transform: [transformLayer],
} satisfies Omit<LayerTable<CoreSpec>, 'Execute'>;

export {
  acquireMutexLayer,
  cancelLayer,
  cancelTaskLayer,
  chooseLayer,
  createJoinLayer,
  exclusiveChoiceLayer,
  gateLayer,
  joinLayer,
  mergeLayer,
  multiChoiceLayer,
  multiInstanceLayer,
  releaseMutexLayer,
  subWorkflowLayer,
  threadMergeLayer,
  threadSplitLayer,
  threadStartLayer,
  transformLayer,
  triggerLayer,
};
