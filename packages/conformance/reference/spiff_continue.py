#!/usr/bin/env python3
"""Continues workflow states written by spiff-ts with the real SpiffWorkflow (TypeScript → Python).

Started by `npm run -s conformance -- interop-out <corpus> --reference <checkout>`; it is not part
of CI. It uses the SpiffWorkflow checkout it is given through its public API only (nothing is
built or installed, and no SpiffWorkflow code is copied here): each case's state, which the
TypeScript engine serialized at a scenario's `save_restore` step, is read with the serializer of
the scenario's flavour, then the scenario's remaining steps are replayed and every observation is
printed. The TypeScript side compares them with the recorded expectations.

    python3 spiff_continue.py <checkout> <manifest.json>

The manifest lists case files; each holds `id`, `flavor`, `clock`, `prelude`, `services`,
`steps` (step 0 is the observation right after restoring) and `state`; or, instead of `state`,
`load` and `models` for a replay from the start (the control of the every-step mode). The output is one JSON
line per case: `{"id": ..., "observations": [null | {...} per step]}`, or with `"restore_error"`
when the state could not be read. Values use the corpus's tagged form (`$tuple`, `$datetime`, …).
Needs lxml (Debian: python3-lxml).
"""

import json
import math
import sys
import traceback
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace

# --- values: corpus tags <-> Python ---------------------------------------------------------


def decode(value):
    """Corpus JSON (with `$tuple`, `$datetime`, … tags) → Python value."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (tag, inner), = value.items()
        if tag == '$tuple':
            return tuple(decode(v) for v in inner)
        if tag == '$set':
            return set(decode(v) for v in inner)
        if tag == '$datetime':
            return datetime.fromisoformat(inner)
        if tag == '$date':
            return date.fromisoformat(inner)
        if tag == '$time':
            return time.fromisoformat(inner)
        if tag == '$timedelta':
            return timedelta(seconds=inner)
        if tag == '$decimal':
            return Decimal(inner)
        if tag == '$float':
            return float(inner)
    return {k: decode(v) for k, v in value.items()}


def encode(value):
    """Python value → corpus JSON; objects JSON lacks become `{"$repr": type name}`."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return {'$float': 'nan'}
        if math.isinf(value):
            return {'$float': 'inf' if value > 0 else '-inf'}
        return value
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, tuple):
        return {'$tuple': [encode(v) for v in value]}
    if isinstance(value, (set, frozenset)):
        items = [encode(v) for v in value]
        return {'$set': sorted(items, key=lambda v: json.dumps(v, sort_keys=True))}
    if isinstance(value, datetime):
        return {'$datetime': value.isoformat()}
    if isinstance(value, date):
        return {'$date': value.isoformat()}
    if isinstance(value, time):
        return {'$time': value.isoformat()}
    if isinstance(value, timedelta):
        return {'$timedelta': value.total_seconds()}
    if isinstance(value, Decimal):
        return {'$decimal': str(value)}
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    return {'$repr': type(value).__name__}


# --- the engine clock -----------------------------------------------------------------------


class Clock:
    """The scenario's engine clock, which only `clock` steps move.

    SpiffWorkflow reads the time in two places: timer events (`datetime.now`) and task state
    stamps (`time.time`). Both are pointed at this clock; stamps also tick by a microsecond per
    call so that later changes always sort after earlier ones and after those in the state.
    """

    def __init__(self):
        self.now = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)
        self.stamp = 0.0

    def set(self, now, floor):
        self.now = now
        self.stamp = max(now.timestamp(), floor)

    def advance(self, seconds):
        self.now = self.now + timedelta(seconds=seconds)
        self.stamp = max(self.stamp, self.now.timestamp())

    def time(self):
        self.stamp += 1e-6
        return self.stamp


CLOCK = Clock()


class ClockDatetime(datetime):
    """`datetime` whose `now()` is the engine clock."""

    @classmethod
    def now(cls, tz=None):
        now = CLOCK.now
        if tz is None:
            return cls.fromtimestamp(now.timestamp())
        return cls.fromtimestamp(now.timestamp(), tz)


# --- SpiffWorkflow, imported from the checkout ----------------------------------------------


class Spiff:
    """The parts of SpiffWorkflow's public API the driver uses."""

    def __init__(self):
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer, DEFAULT_CONFIG
        from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
        from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
        from SpiffWorkflow.camunda.specs.business_rule_task import BusinessRuleTask
        from SpiffWorkflow.dmn.serializer.task_spec import BaseBusinessRuleTaskConverter
        from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
        from SpiffWorkflow.bpmn.specs.event_definitions import (
            MessageEventDefinition, SignalEventDefinition)
        from SpiffWorkflow.spiff.specs import event_definitions as spiff_events
        from SpiffWorkflow.camunda.specs import event_definitions as camunda_events
        from SpiffWorkflow.bpmn.specs.event_definitions import timer
        from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
        from SpiffWorkflow.bpmn.util import BpmnEvent
        from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
        from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
        from SpiffWorkflow.exceptions import SpiffWorkflowException
        from SpiffWorkflow.util.task import TaskState
        from SpiffWorkflow.bpmn import BpmnWorkflow
        from SpiffWorkflow.util.deep_merge import DeepMerge
        from SpiffWorkflow.bpmn.parser import BpmnParser, BpmnValidator
        from SpiffWorkflow.dmn.parser.BpmnDmnParser import BpmnDmnParser
        from SpiffWorkflow.spiff.parser import SpiffBpmnParser, VALIDATOR as SPIFF_VALIDATOR
        from SpiffWorkflow.camunda.parser import CamundaParser
        import SpiffWorkflow.task as task_module

        # Point the library's clocks at the engine clock (configuration, not behaviour).
        timer.datetime = ClockDatetime
        task_module.time = SimpleNamespace(time=CLOCK.time)

        bpmn_dmn = dict(DEFAULT_CONFIG)
        bpmn_dmn[BusinessRuleTask] = BaseBusinessRuleTaskConverter
        configs = {'bpmn': DEFAULT_CONFIG, 'bpmn-dmn': bpmn_dmn,
                   'spiff': SPIFF_CONFIG, 'camunda': CAMUNDA_CONFIG}
        self.serializers = {
            flavor: BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))
            for flavor, config in configs.items()
        }
        self.events = {
            'bpmn': {'message': MessageEventDefinition, 'signal': SignalEventDefinition},
            'bpmn-dmn': {'message': MessageEventDefinition, 'signal': SignalEventDefinition},
            'spiff': {'message': spiff_events.MessageEventDefinition,
                      'signal': spiff_events.SignalEventDefinition},
            'camunda': {'message': camunda_events.MessageEventDefinition,
                        'signal': SignalEventDefinition},
        }
        self.parsers = {
            'bpmn': (BpmnParser, BpmnValidator()),
            'bpmn-dmn': (BpmnDmnParser, BpmnValidator()),
            'spiff': (SpiffBpmnParser, SPIFF_VALIDATOR),
            'camunda': (CamundaParser, BpmnValidator()),
        }
        self.BpmnWorkflow = BpmnWorkflow
        self.DeepMerge = DeepMerge
        self.PythonScriptEngine = PythonScriptEngine
        self.TaskDataEnvironment = TaskDataEnvironment
        self.CatchingEvent = CatchingEvent
        self.BpmnEvent = BpmnEvent
        self.WorkflowTaskException = WorkflowTaskException
        self.ValidationException = ValidationException
        self.SpiffWorkflowException = SpiffWorkflowException
        self.TaskState = TaskState


class StepError(Exception):
    """A step the driver itself could not perform (no such task, unsupported op)."""


def script_engine(spiff, case):
    """A script engine with `datetime`, `timedelta`, the prelude's names and the services."""
    env_globals = {'datetime': ClockDatetime, 'timedelta': timedelta}
    if case.get('prelude'):
        namespace = dict(env_globals)
        exec(case['prelude'], namespace)
        namespace.pop('__builtins__', None)
        env_globals.update(namespace)
    services = case.get('services') or {}

    class Environment(spiff.TaskDataEnvironment):
        def call_service(self, context, operation_name=None, operation_params=None, **kwargs):
            if operation_name not in services:
                raise ValueError(f'Unknown service {operation_name!r}')
            value = services[operation_name]
            if isinstance(value, dict) and value.get('$echo_params') is True:
                return json.dumps({name: p['value'] for name, p in operation_params.items()})
            return json.dumps(value)

    return spiff.PythonScriptEngine(environment=Environment(env_globals))


class Case:
    def __init__(self, spiff, case):
        self.spiff = spiff
        self.case = case
        self.flavor = case['flavor']
        self.serializer = spiff.serializers[self.flavor]
        self.engine = script_engine(spiff, case)
        self.workflow = None

    # --- restore --------------------------------------------------------------------------

    def restore(self):
        if 'state' not in self.case:
            # A replay from the start (the control of the every-step mode): parse the models.
            CLOCK.set(datetime.fromisoformat(self.case['clock']), 0)
            self.load(self.case['load'])
            return
        state = self.case['state']
        stamps = [t.get('last_state_change') or 0 for t in all_task_dicts(state)]
        CLOCK.set(datetime.fromisoformat(self.case['clock']), max(stamps, default=0))
        self.workflow = self.serializer.deserialize_json(json.dumps(state))
        self.workflow.script_engine = self.engine

    def load(self, load):
        """A fresh workflow of a scenario `load`, parsed with the flavour's parser."""
        spiff = self.spiff
        self.flavor = load['flavor']
        self.serializer = spiff.serializers[self.flavor]
        validate = load.get('validate', True)
        parser_class, validator = spiff.parsers[self.flavor]
        parser = parser_class(validator=validator if validate else None)
        models = self.case['models']
        parser.add_bpmn_files([f'{models}/{path}' for path in load.get('bpmn', [])])
        if load.get('dmn'):
            parser.add_dmn_files([f'{models}/{path}' for path in load['dmn']])
        if 'collaboration' in load:
            spec, subprocess_specs = parser.get_collaboration(load['collaboration'])
        else:
            spec = parser.get_spec(load['process'])
            subprocess_specs = parser.get_subprocess_specs(
                load['process'], require_call_activity_specs=load.get('require_called', True))
        self.workflow = spiff.BpmnWorkflow(spec, subprocess_specs, script_engine=self.engine)
        if load.get('data'):
            self.workflow.task_tree.data.update(decode(load['data']))

    # --- observing ------------------------------------------------------------------------

    def tasks(self, state=None):
        """Tasks of the workflow and its subprocesses in engine order (SpiffWorkflow's iterator)."""
        if state is None:
            return list(self.workflow.get_tasks())
        return list(self.workflow.get_tasks(state=state))

    def every_task(self):
        """Every task, finished subprocesses included."""
        workflows = [self.workflow, *self.workflow.subprocesses.values()]
        return [t for wf in workflows for t in wf.tasks.values()]

    @staticmethod
    def bpmn_id(task):
        return getattr(task.task_spec, 'bpmn_id', None)

    def ids(self, state):
        return sorted(i for i in map(self.bpmn_id, self.tasks(state)) if i is not None)

    def classify(self, error):
        spiff = self.spiff
        if isinstance(error, spiff.ValidationException):
            return {'kind': 'validation'}
        if isinstance(error, spiff.WorkflowTaskException):
            task = getattr(error, 'task', None)
            bpmn_id = self.bpmn_id(task) if task is not None else None
            return {'kind': 'task', 'task': bpmn_id} if bpmn_id is not None else {'kind': 'task'}
        if isinstance(error, spiff.SpiffWorkflowException):
            return {'kind': 'workflow'}
        return {'kind': 'other'}

    def observe(self, step, error, full):
        S = self.spiff.TaskState
        wf = self.workflow
        obs = {
            'error': error,
            'ready': self.ids(S.READY),
            'waiting': self.ids(S.WAITING),
            'failed': self.ids(S.ERROR),
            'completed': wf.is_completed(),
        }
        if full:
            obs['data'] = encode(wf.data)
            obs['ready_data'] = [
                {'task': self.bpmn_id(t), 'data': encode(t.data)}
                for t in self.tasks(S.READY) if self.bpmn_id(t) is not None
            ]
            obs['waiting_events'] = [
                {'type': e.event_type, 'name': e.name, 'value': encode(e.value)}
                for e in wf.waiting_events()
            ]
            events = []
            for event in wf.get_events():
                definition = event.event_definition
                item = {
                    'type': type(definition).__name__,
                    'name': definition.name,
                    'payload': encode(event.payload),
                    'correlations': encode(event.correlations or {}),
                }
                if item['type'] in ('ErrorEventDefinition', 'EscalationEventDefinition'):
                    item['code'] = getattr(definition, 'code', None)
                events.append(item)
            obs['events'] = events
        if step.get('ready_order'):
            obs['ready_order'] = [
                i for i in map(self.bpmn_id, self.tasks(S.READY)) if i is not None
            ]
        if step['op'] == 'task_data':
            states = [S.get_value(name) for name in step.get('states', ['COMPLETED'])]
            obs['task_data'] = [
                {'task': self.bpmn_id(t), 'state': S.get_name(t.state), 'data': encode(t.data)}
                for t in self.select(self.every_task(), step['task'])
                if t.state in states
            ]
        if step['op'] == 'lanes':
            obs['ready_lanes'] = [
                {'task': self.bpmn_id(t), 'lane': getattr(t.task_spec, 'lane', None)}
                for t in self.tasks(S.READY) if self.bpmn_id(t) is not None
            ]
        if step['op'] == 'correlations':
            obs['correlations'] = encode(wf.correlations)
            waiting = []
            for t in self.tasks(S.WAITING):
                if not isinstance(t.task_spec, self.spiff.CatchingEvent):
                    continue
                details = t.task_spec.event_definition.details(t)
                waiting.append({'type': details.event_type, 'name': details.name,
                                'correlations': encode(t.workflow.correlations)})
            obs['waiting_correlations'] = waiting
        return obs

    # --- steps ----------------------------------------------------------------------------

    def matches(self, task, name):
        spec = task.task_spec
        bpmn_id = getattr(spec, 'bpmn_id', None)
        return bpmn_id is not None and (bpmn_id == name or getattr(spec, 'bpmn_name', None) == name)

    def select(self, tasks, selector, where=None):
        outer, _, name = selector.rpartition('/')
        chosen = []
        for task in tasks:
            if not self.matches(task, name):
                continue
            if outer:
                owners = []
                wf = task.workflow
                while wf is not self.workflow and wf is not None:
                    owner = self.workflow.get_task_from_id(wf.parent_task_id)
                    owners.append(owner)
                    wf = owner.workflow
                if not any(self.matches(o, outer) for o in owners):
                    continue
            if where and any(task.data.get(k) != decode(v) for k, v in where.items()):
                continue
            chosen.append(task)
        return chosen

    def pick(self, state, step):
        candidates = self.select(self.tasks(state), step['task'], step.get('where'))
        index = step.get('index', 0)
        if index >= len(candidates):
            raise StepError(f"no task {step['task']!r}")
        return candidates[index]

    def perform(self, step):
        """Performs one step; returns the extra observation keys it records."""
        S = self.spiff.TaskState
        wf = self.workflow
        op = step['op']
        if op == 'engine':
            wf.do_engine_steps()
            if not hasattr(wf, 'refresh_due_waiting_tasks'):
                # Version bridge: the corpus was recorded with a SpiffWorkflow later than 3.1.2,
                # whose engine steps also fire the timers that are due; 3.1.2 does that only in
                # refresh_waiting_tasks.
                wf.refresh_waiting_tasks()
        elif op == 'refresh':
            wf.refresh_waiting_tasks()
        elif op == 'clock':
            CLOCK.advance(step['advance'])
        elif op == 'cancel':
            wf.cancel()
        elif op in ('check', 'lanes', 'correlations', 'task_data'):
            pass
        elif op == 'fire':
            task = self.pick(S.WAITING, step)
            wf.catch(self.spiff.BpmnEvent(task.task_spec.event_definition))
        elif op == 'start':
            self.load(step['load'])
        elif op in ('complete', 'run', 'set_task_data'):
            task = self.pick(S.READY, step)
            if 'replace_data' in step:
                task.data = decode(step['replace_data'])
            if 'data' in step:
                task.data.update(decode(step['data']))
            if 'form' in step:
                form = decode(step['form'])
                extensions = getattr(task.task_spec, 'extensions', None) or {}
                variable = extensions.get('variableName')
                if self.flavor == 'spiff' and variable:
                    task.data[variable] = form
                else:
                    self.spiff.DeepMerge.merge(task.data, form)
            if op != 'set_task_data':
                task.run()
        elif op in ('message', 'signal'):
            definition = self.spiff.events[self.flavor][op](step['name'])
            payload = decode(step.get('payload'))
            event = self.spiff.BpmnEvent(definition, payload, decode(step.get('correlations') or {}))
            if step.get('via') == 'catch':
                wf.catch(event)
            else:
                wf.send_event(event)
        elif op == 'save_restore':
            text = self.serializer.serialize_json(wf)
            restored = self.serializer.deserialize_json(text)
            restored.script_engine = self.engine
            self.workflow = restored
            if step.get('compare'):
                again = self.serializer.serialize_json(restored)
                return {'same_state': json.loads(again) == json.loads(text)}
        elif op == 'reset':
            done = [t for t in self.select(self.every_task(), step['task']) if t.state == S.COMPLETED]
            if not done:
                raise StepError(f"no completed task {step['task']!r}")
            task = max(done, key=lambda t: t.last_state_change)
            data = decode(step['data']) if 'data' in step else None
            wf.reset_from_task_id(task.id, data)
        elif op == 'set_workflow_data':
            wf.data.update(decode(step['data']))
        else:
            raise StepError(f'unsupported op {op!r}')
        return {}

    def run(self):
        try:
            self.restore()
        except Exception as error:  # a state the library cannot read: the main finding
            return {'id': self.case['id'], 'restore_error': describe(error)}
        observations = []
        notes = []
        for i, step in enumerate(self.case['steps']):
            error = None
            extra = {}
            if i > 0:
                try:
                    extra = self.perform(step)
                except StepError as failure:
                    error = {'kind': 'other'}
                    notes.append(f'step {i}: {failure}')
                except Exception as failure:
                    error = self.classify(failure)
                    notes.append(f'step {i}: {describe(failure)}')
            if 'expect' not in step:
                observations.append(None)
                continue
            full = step['op'] == 'check' or step.get('full') is True
            try:
                observations.append({**self.observe(step, error, full), **extra})
            except Exception as failure:
                return {'id': self.case['id'], 'observations': observations,
                        'observe_error': f'step {i}: {describe(failure)}', 'notes': notes}
        return {'id': self.case['id'], 'observations': observations, 'notes': notes}


def all_task_dicts(state):
    yield from state.get('tasks', {}).values()
    for sub in state.get('subprocesses', {}).values():
        yield from sub.get('tasks', {}).values()


def describe(error):
    last = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
    where = f' at {last[0].filename.rsplit("/", 2)[-1]}:{last[0].lineno}' if last else ''
    return f'{type(error).__name__}: {error}{where}'.replace('\n', ' ')


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    checkout, manifest = argv[1], argv[2]
    sys.path.insert(0, checkout)
    sys.setrecursionlimit(20_000)
    spiff = Spiff()
    with open(manifest) as f:
        files = json.load(f)['cases']
    for path in files:
        with open(path) as f:
            case = json.load(f)
        try:
            result = Case(spiff, case).run()
        except Exception as error:
            result = {'id': case.get('id'), 'restore_error': f'driver crashed: {describe(error)}'}
        print(json.dumps(result), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
