#!/usr/bin/env python3
"""Times the spiff-ts benchmark workloads with the real SpiffWorkflow, for a side-by-side run.

Started by `npm run bench -- --reference <checkout>`; it is not part of CI. It uses the
SpiffWorkflow checkout it is given through its public API only (nothing is built or installed)
and reads a manifest written by the bench: the very model files, DMN table, condition and
script that the TypeScript side times in the same run.

    python3 spiff_bench.py <checkout> <manifest.json>

Prints one `RESULT engine=spiffworkflow ...` line per figure, in the format of
shared/bench/README.md, or a `NOTE engine=spiffworkflow workload=... <why>` line when a
workload cannot be timed (its result failed validation, or the engine lacks the feature).
Every workload checks its result once before timing. Needs lxml (Debian: python3-lxml).
"""

import gc
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from types import SimpleNamespace

ENGINE = 'spiffworkflow'

# SpiffWorkflow recurses once per engine pass (do_engine_steps) and per task while parsing a
# sequence, so Python's default limit of 1000 frames ends loop1000 with a RecursionError near
# iteration 327 and cannot parse a 1,000-task sequence. The driver runs with a higher limit, on a
# thread with a large stack, so that what is measured is SpiffWorkflow's own behaviour.
RECURSION_LIMIT = 100_000
STACK_BYTES = 512 * 1024 * 1024

# A full run times each workload 20 times unless that would take longer than this (then at
# least 5 runs, or 3 of a workload slower than a second); a --quick run does 3, or 1 when slow.
BUDGET_S = 6.0


class Invalid(Exception):
    """The engine produced something other than the workload expects: report, do not time."""


def check(condition, message):
    if not condition:
        raise Invalid(message)


def fmt(value):
    """A few significant digits, as the TypeScript side prints them."""
    if isinstance(value, int):
        return str(value)
    if value == 0:
        return '0'
    text = f'{value:.4g}'
    if 'e' in text:
        text = f'{value:.6f}'.rstrip('0').rstrip('.')
    return text


def result(version, workload, **fields):
    rest = ' '.join(f'{key}={fmt(value)}' for key, value in fields.items())
    print(f'RESULT engine={ENGINE} version={version} workload={workload} {rest}', flush=True)


def note(workload, message):
    print(f'NOTE engine={ENGINE} workload={workload} {message}', flush=True)


def timing(body, quick, estimate_s):
    """Median, min and max ms of timed runs of `body` after warm-up."""
    if quick:
        # A smoke run: the validation run was the warm-up of a slow workload.
        runs, warmup = (1, 0) if estimate_s > 0.5 else (3, 1)
    else:
        runs = max(3 if estimate_s > 1 else 5, min(20, int(BUDGET_S / max(estimate_s, 1e-6))))
        warmup = 1 if estimate_s > 0.2 else 3
    for _ in range(warmup):
        body()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        body()
        samples.append((time.perf_counter() - start) * 1000)
    return {
        'runs': runs,
        'median_ms': statistics.median(samples),
        'min_ms': min(samples),
        'max_ms': max(samples),
    }


def timed_probe(probe):
    """Runs the validation `probe` once; returns its result and its duration in seconds."""
    start = time.perf_counter()
    value = probe()
    return value, time.perf_counter() - start


class Bench:
    def __init__(self, manifest):
        from SpiffWorkflow.bpmn import BpmnWorkflow
        from SpiffWorkflow.bpmn.parser import BpmnParser
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
        from SpiffWorkflow.util.task import TaskState
        from SpiffWorkflow.version import __version__

        self.BpmnWorkflow = BpmnWorkflow
        self.BpmnParser = BpmnParser
        self.Serializer = BpmnWorkflowSerializer
        self.TaskState = TaskState
        self.version = __version__
        self.manifest = manifest
        self.quick = manifest['quick']

    # helpers

    def text(self, model):
        with open(self.manifest['models'][model], 'rb') as f:
            return f.read()

    def parse(self, process, text=None):
        parser = self.BpmnParser()
        parser.add_bpmn_str(text if text is not None else self.text(process), f'{process}.bpmn')
        return parser.get_spec(process), parser.get_subprocess_specs(process)

    def run_to_end(self, model, data=None):
        spec, subprocesses = model
        workflow = self.BpmnWorkflow(spec, subprocesses)
        workflow.task_tree.data = dict(data or {})
        workflow.do_engine_steps()
        return workflow

    def ready_user_tasks(self, workflow):
        return workflow.get_tasks(state=self.TaskState.READY, manual=True)

    def completed(self, workflow):
        return workflow.is_completed()

    def once(self, name, probe, body, **fields):
        _, seconds = timed_probe(probe)
        result(self.version, name, **timing(body, self.quick, seconds), **fields)

    # workloads

    def parse_seq100(self):
        text = self.text('seq100')
        spec, _ = self.parse('seq100', text)
        check(len(spec.task_specs) > 100, 'seq100 should have 100+ task specs')
        self.once('parse_seq100', lambda: self.parse('seq100', text), lambda: self.parse('seq100', text))

    def seq100(self):
        model = self.parse('seq100')
        workflow = self.run_to_end(model, {'counter': 0})
        check(self.completed(workflow), 'seq100 should complete')
        check(workflow.data.get('counter') == 100, f"counter should be 100, is {workflow.data.get('counter')}")
        run = lambda: self.run_to_end(model, {'counter': 0})
        self.once('seq100', run, run, tasks=100)

    def par50(self):
        model = self.parse('par50')
        workflow = self.run_to_end(model)
        check(self.completed(workflow), 'par50 should complete')
        branches = [k for k in workflow.data if k[:1] == 'b' and k[1:].isdigit()]
        check(len(branches) == 50, f'50 branch variables expected, found {len(branches)}')
        check(all(workflow.data[k] == int(k[1:]) for k in branches), 'each bNN should hold NN')
        run = lambda: self.run_to_end(model)
        self.once('par50', run, run, branches=50)

    def loop(self, iterations):
        name = f'loop{iterations}'
        model = self.parse(name)
        workflow, seconds = timed_probe(lambda: self.run_to_end(model, {'i': 0}))
        reached = workflow.last_task.data.get('i') if workflow.last_task else None
        if not self.completed(workflow) or workflow.data.get('i') != iterations:
            note(name, f'validation failed: the workflow stopped at i={reached} of {iterations} '
                 f'without completing (no error raised; {seconds * 1000:.0f} ms), so no timing')
            return
        result(self.version, name, **timing(lambda: self.run_to_end(model, {'i': 0}), self.quick, seconds),
               iterations=iterations)

    def loop300(self):
        self.loop(300)

    def loop1000(self):
        self.loop(1000)

    def loop10000(self):
        self.loop(10000)

    def many5(self):
        model = self.parse('seq5')
        workflow = self.run_to_end(model, {'counter': 0})
        check(self.completed(workflow) and workflow.data.get('counter') == 5, 'seq5 should count to 5')
        instances = 100 if self.quick else 1000

        def body():
            for _ in range(instances):
                self.run_to_end(model, {'counter': 0})

        _, seconds = timed_probe(body)
        figures = timing(body, self.quick, seconds)
        result(self.version, 'many5', **figures, instances=instances,
               instances_per_s=round(instances / (figures['median_ms'] / 1000)))

    def serde(self, name, scripts, full_runs):
        model = self.parse(f'wait{scripts}')
        serializer = self.Serializer()
        workflow = self.run_to_end(model, {'counter': 0})
        waiting = self.ready_user_tasks(workflow)
        if len(waiting) != 1:
            last = workflow.last_task
            where = f'{last.task_spec.name} with counter={last.data.get("counter")}' if last else 'the start'
            note(name, f'validation failed: wait{scripts} should wait at its user task after {scripts} '
                 f'script tasks, but it stopped after {where} with no task ready and no error raised, '
                 f'so no timing')
            return
        check(waiting[0].data.get('counter') == scripts, f'counter should be {scripts} at the user task')
        completed = len(workflow.get_tasks(state=self.TaskState.COMPLETED))
        text = serializer.serialize_json(workflow)
        restored = serializer.deserialize_json(text)
        check(len(restored.get_tasks(state=self.TaskState.COMPLETED)) == completed,
              'the restored copy should have as many completed tasks')
        approve = self.ready_user_tasks(restored)
        check(len(approve) == 1, 'the restored copy should wait at the user task')
        approve[0].run()
        restored.do_engine_steps()
        check(self.completed(restored), 'the restored copy should complete')
        check(restored.data.get('counter') == scripts, f'the restored copy should end with counter == {scripts}')
        runs = min(10, full_runs) if self.quick else full_runs
        warmup = 1 if self.quick else 5
        ser, deser = [], []
        for i in range(runs + warmup):
            t0 = time.perf_counter()
            dumped = serializer.serialize_json(workflow)
            t1 = time.perf_counter()
            serializer.deserialize_json(dumped)
            t2 = time.perf_counter()
            if i >= warmup:
                ser.append((t1 - t0) * 1000)
                deser.append((t2 - t1) * 1000)
        extra = {} if scripts == 100 else {'completed_tasks': completed}
        result(self.version, name, runs=runs, ser_median_ms=statistics.median(ser),
               deser_median_ms=statistics.median(deser), json_bytes=len(text.encode()), **extra)

    def serde100(self):
        self.serde('serde100', 100, 100)

    def serde1000(self):
        self.serde('serde1000', 1000, 20)

    def mem10k(self):
        instances = 1000 if self.quick else 10000
        # In a fresh interpreter, so the memory it measures holds nothing else.
        child = subprocess.run(
            [sys.executable, __file__, '--mem', self.manifest['checkout'], self.manifest['path'], str(instances)],
            capture_output=True, text=True)
        if child.returncode != 0:
            raise Invalid(f'mem10k child failed: {child.stderr.strip()}')
        kb = float(child.stdout.strip())
        result(self.version, 'mem10k', instances=instances, heap_per_instance_kb=kb)

    def heap_per_waiting_instance(self, instances):
        model = self.parse('userwait')
        probe = self.run_to_end(model)
        check(len(self.ready_user_tasks(probe)) == 1, 'userwait should wait at its user task')
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        held = [self.run_to_end(model) for _ in range(instances)]
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        check(not any(self.completed(w) for w in held), 'every instance should still be waiting')
        return (after - before) / instances / 1024

    def script_engine(self):
        from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
        return PythonScriptEngine()

    def py_condition(self):
        spec = self.manifest['python']
        engine = self.script_engine()
        task = SimpleNamespace(data=dict(spec['variables']))
        check(engine.evaluate(task, spec['condition']) is True, f"{spec['condition']} should be True")
        # A tenth of the TypeScript side's calls: each costs SpiffWorkflow tens of µs (an eval).
        calls = 2000 if self.quick else 20000

        def body():
            for _ in range(calls):
                engine.evaluate(task, spec['condition'])

        self.micro('py_condition', body, calls)

    def py_script(self):
        spec = self.manifest['python']
        engine = self.script_engine()
        task = SimpleNamespace(data=json.loads(json.dumps(spec['variables'])))
        engine.execute(task, spec['script'])
        for key, value in spec['expected'].items():
            check(task.data.get(key) == value, f'{key} should be {value!r}, is {task.data.get(key)!r}')
        calls = 500 if self.quick else 2000
        tasks = []

        def body():
            for t in tasks:
                engine.execute(t, spec['script'])

        def fresh():
            tasks[:] = [SimpleNamespace(data=json.loads(json.dumps(spec['variables']))) for _ in range(calls)]

        # A fresh context per call, made before each run and untimed, as on the TypeScript side.
        samples = []
        quick = self.quick
        runs, warmup = (3, 1) if quick else (10, 2)
        for i in range(runs + warmup):
            fresh()
            start = time.perf_counter()
            body()
            if i >= warmup:
                samples.append((time.perf_counter() - start) * 1000)
        median = statistics.median(samples)
        result(self.version, 'py_script', runs=runs, median_ms=median, min_ms=min(samples),
               max_ms=max(samples), calls=calls, per_call_us=median * 1000 / calls)

    def micro(self, name, body, calls):
        _, seconds = timed_probe(body)
        figures = timing(body, self.quick, seconds)
        result(self.version, name, **figures, calls=calls, per_call_us=figures['median_ms'] * 1000 / calls)

    def dmn50_python(self):
        from SpiffWorkflow.dmn.parser.BpmnDmnParser import BpmnDmnParser
        spec = self.manifest['dmn']
        parser = BpmnDmnParser()
        with open(spec['path'], 'rb') as f:
            parser.add_dmn_str(f.read(), 'bench.dmn')
        engine = parser.get_engine(spec['decision'], None)
        # DMNEngine reads the task's data and its workflow's script engine, nothing else.
        task = SimpleNamespace(data=dict(spec['context']),
                               workflow=SimpleNamespace(script_engine=self.script_engine()))
        got = engine.result(task)
        check(got == spec['expected'], f"expected {spec['expected']}, got {got}")
        # Far fewer calls than the TypeScript side: each costs SpiffWorkflow milliseconds, since
        # it validates and evaluates every cell as a Python expression.
        calls = 20 if self.quick else 100

        def body():
            for _ in range(calls):
                engine.result(task)

        self.micro('dmn50_python', body, calls)

    def dmn50_feel(self):
        note('dmn50_feel', 'not supported: SpiffWorkflow evaluates DMN cells as Python, not FEEL')


def main(argv):
    if len(argv) >= 2 and argv[1] == '--mem':
        checkout, path, instances = argv[2], argv[3], int(argv[4])
        sys.path.insert(0, checkout)
        with open(path) as f:
            manifest = json.load(f)
        manifest['path'] = path
        print(Bench(manifest).heap_per_waiting_instance(instances))
        return 0
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    checkout, path = argv[1], argv[2]
    if not os.path.isfile(os.path.join(checkout, 'SpiffWorkflow', '__init__.py')):
        print(f'Not a SpiffWorkflow checkout (no SpiffWorkflow/__init__.py): {checkout}', file=sys.stderr)
        return 2
    sys.path.insert(0, checkout)
    with open(path) as f:
        manifest = json.load(f)
    manifest['path'] = path
    manifest['checkout'] = checkout
    print(f'# SpiffWorkflow driver: Python {sys.version.split()[0]}, recursion limit raised to '
          f'{RECURSION_LIMIT} (the default 1000 stops loop1000 with a RecursionError)', flush=True)
    sys.setrecursionlimit(RECURSION_LIMIT)
    threading.stack_size(STACK_BYTES)
    worker = threading.Thread(target=run_all, args=(manifest,))
    worker.start()
    worker.join()
    return 0


def run_all(manifest):
    bench = Bench(manifest)
    for name in manifest['workloads']:
        if name not in WORKLOADS:
            note(name, 'not supported by this driver')
            continue
        try:
            getattr(bench, name)()
        except Invalid as error:
            note(name, f'validation failed: {error}, so no timing')
        except Exception as error:  # the engine raised: report it and go on with the others
            note(name, f'failed: {type(error).__name__}: {error}')


WORKLOADS = ('parse_seq100', 'seq100', 'par50', 'loop300', 'loop1000', 'loop10000', 'many5',
             'serde100', 'serde1000', 'mem10k', 'py_condition', 'py_script', 'dmn50_feel',
             'dmn50_python')


if __name__ == '__main__':
    sys.exit(main(sys.argv))
