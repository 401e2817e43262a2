/** A trace for the protocol's and the columns' unit tests. */
import type { TraceEvent } from '$lib/engine/events';

/** One event of every kind of version 1, as the engine emits them. */
export const everyEvent: TraceEvent[] = [
	{
		kind: 'run_start',
		t: 0,
		version: 2,
		python: '3.14.2',
		limits: { max_virtual_time: 3600, max_steps: 1e6, max_events: 2e5, max_output_chars: 2e5 }
	},
	{
		kind: 'task_created',
		t: 0,
		task: 1,
		name: 'Task-1',
		parent: null,
		coro: 'main',
		arguments: null,
		line: 9
	},
	{ kind: 'task_resumed', t: 0, task: 1, step: 1 },
	{
		kind: 'task_suspended',
		t: 0,
		task: 1,
		awaiting: { kind: 'gather', label: 'gather(2)', tasks: [2, 3] },
		line: 6,
		chain: [{ fn: 'main', line: 6 }]
	},
	{
		kind: 'task_suspended',
		t: 0,
		task: 2,
		awaiting: { kind: 'sleep', label: 'sleep(1)', task: null, until: 1 },
		line: 3,
		chain: []
	},
	{ kind: 'task_done', t: 1, task: 2, state: 'done', result: 'None', line: 4 },
	{
		kind: 'task_done',
		t: 1,
		task: 3,
		state: 'raised',
		exception: { type: 'ValueError', message: 'bad' },
		line: 4
	},
	{ kind: 'blocked', t: 1, duration: 2, cause: 'time.sleep', line: 5, task: 1 },
	{ kind: 'output', t: 1, stream: 'stdout', text: '<b>hi</b>', task: 2, line: null },
	{ kind: 'warning', t: 1, category: 'RuntimeWarning', message: 'never awaited', line: 2 },
	{ kind: 'note', t: 1, code: 'get_event_loop_314', message: 'explained', line: null },
	{ kind: 'error', t: 1, type: 'ValueError', message: 'bad', line: 4, traceback: 'Traceback...' },
	{
		kind: 'deadlock',
		t: 3,
		stuck: [{ task: 1, name: 'Task-1', awaiting: { kind: 'future', label: 'Future' }, line: 7 }]
	},
	{ kind: 'limit', t: 3, limit: 'steps', message: 'Too many steps', line: 8 },
	{ kind: 'run_end', t: 3, steps: 10, real_ms: 4.5, dropped_events: 0 }
];
