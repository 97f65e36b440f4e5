/// <reference types="node" />
import { spawn, type ChildProcess } from 'node:child_process';
import type { TaskSpecLayer } from '../registry.js';
import type { ExecuteSpec } from '../spec.js';
import type { Task } from '../task.js';
import { TaskState } from '../task-state.js';
import { createCoreRegistry } from '../workflow.js';
import type { SpecRegistry } from '../registry.js';

interface Running {
  readonly child: ChildProcess;
  stdout: string;
  exitCode: number | null;
  done: boolean;
}
const running = new WeakMap<object, Running>();

function start(task: Task<ExecuteSpec>): Running {
  const [command, ...args] = task.taskSpec.args;
  const child = spawn(command ?? '', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const state: Running = { child, stdout: '', exitCode: null, done: false };
  // Like SpiffWorkflow (stderr=STDOUT): both streams are collected together.
  child.stdout?.on('data', (chunk: Buffer) => (state.stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (state.stdout += chunk.toString('utf8')));
  child.on('error', (err) => {
    state.stdout += String(err.message);
    state.done = true;
  });
  child.on('close', (code) => {
    state.exitCode = code;
    state.done = true;
  });
  return state;
}

/**
 * Runs `args` as a child process when the task is updated and keeps the task WAITING until it
 * exits; the output lands in `task.internalData.results` (`{ stdout, exitCode }`). The engine is
 * synchronous, so the host calls `workflow.runAll()` (or `updateWaitingTasks()`) again later,
 * as SpiffWorkflow's tests do.
 */
export const executeLayer: TaskSpecLayer<ExecuteSpec> = {
  update(task, next) {
    next();
    let state = running.get(task);
    if (state === undefined) {
      state = start(task);
      running.set(task, state);
    }
    if (!state.done) {
      task.setState(TaskState.WAITING);
      return false;
    }
    task.internalData['results'] = { stdout: state.stdout, exitCode: state.exitCode };
    return true;
  },
};

/** The core registry plus the Execute layer. */
export function createNodeRegistry(): SpecRegistry {
  return createCoreRegistry().register<ExecuteSpec>('Execute', [executeLayer]);
}
