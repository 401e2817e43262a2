import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '$lib/engine/events';
import {
	MESSAGE_LIMITS,
	explainRunnerMessage,
	parseRunnerMessage,
	parseTraceEvents,
	parseWorkerCommand
} from '$lib/runner/protocol';

/** One event of every kind, as the engine emits them. */
const everyEvent: TraceEvent[] = [
	{
		kind: 'run_start',
		t: 0,
		version: 1,
		python: '3.14.2',
		limits: { max_virtual_time: 3600, max_steps: 1e6, max_events: 2e5, max_output_chars: 2e5 }
	},
	{ kind: 'task_created', t: 0, task: 1, name: 'Task-1', parent: null, coro: 'main', line: 9 },
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
	{ kind: 'output', t: 1, stream: 'stdout', text: '<b>hi</b>', task: 2 },
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

const result = (events: unknown[], id: unknown = 1) => ({ type: 'result', id, events });

describe('parseRunnerMessage', () => {
	it('accepts a result with every event kind and returns equal, fresh objects', () => {
		const data = structuredClone(result(everyEvent));
		const parsed = parseRunnerMessage(data);
		expect(parsed).toEqual(data);
		expect(parsed).not.toBe(data);
		if (parsed?.type !== 'result') throw new Error('expected a result');
		expect(parsed.events[1]).not.toBe(data.events[1]);
	});

	it('accepts every other message type', () => {
		const messages = [
			{ type: 'frame_ready' },
			{ type: 'progress', stage: 'download', message: 'Downloading', progress: 0.25 },
			{ type: 'progress', stage: 'engine', message: 'Engine', progress: null },
			{ type: 'ready', python: '3.14.2', start_ms: 2100, interruptible: false },
			{ type: 'run_failed', id: 3, error: { kind: 'crash', message: 'oom', traceback: '' } },
			{ type: 'fatal', error: { kind: 'startup', message: 'no wasm', traceback: 'at x' } }
		];
		for (const message of messages) expect(parseRunnerMessage(message)).toEqual(message);
	});

	it('drops __proto__ keys and never pollutes prototypes', () => {
		const data = JSON.parse(
			'{"type":"result","id":1,"__proto__":{"polluted":1},"events":[{"kind":"output","t":0,"stream":"stdout","text":"x","task":null,"__proto__":{"polluted":2}}]}'
		);
		const parsed = parseRunnerMessage(data);
		expect(parsed).not.toBeNull();
		expect(Object.keys(parsed!)).toEqual(['type', 'id', 'events']);
		expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
		if (parsed?.type !== 'result') throw new Error('expected a result');
		expect(Object.keys(parsed.events[0])).toEqual(['kind', 't', 'stream', 'text', 'task']);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect((parsed as unknown as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('drops unknown fields but keeps the known ones', () => {
		const parsed = parseRunnerMessage({ type: 'frame_ready', extra: '<script>' });
		expect(parsed).toEqual({ type: 'frame_ready' });
	});

	it.each([
		['a non-object', 'result'],
		['null', null],
		['an array', [{ type: 'frame_ready' }]],
		['an unknown type', { type: 'results', id: 1, events: [] }],
		['a type inherited from the prototype', Object.create({ type: 'frame_ready' })],
		['a string id', result([], '1')],
		['a negative id', result([], -1)],
		['a fractional id', result([], 1.5)],
		['NaN', result([{ kind: 'task_resumed', t: Number.NaN, task: 1, step: 1 }])],
		['Infinity', result([{ kind: 'task_resumed', t: Infinity, task: 1, step: 1 }])],
		['an unknown event kind', result([{ kind: 'exfiltrate', t: 0 }])],
		['a missing field', result([{ kind: 'output', t: 0, stream: 'stdout', task: null }])],
		['a wrong enum', result([{ kind: 'output', t: 0, stream: 'html', text: 'x', task: null }])],
		['a class instance', result([new Date()])],
		['events that are not a list', { type: 'result', id: 1, events: { length: 0 } }],
		['a progress above 1', { type: 'progress', stage: 'download', message: '', progress: 2 }],
		['an unknown stage', { type: 'progress', stage: 'pwn', message: '', progress: 0 }],
		['a bad error kind', { type: 'fatal', error: { kind: 'user', message: '', traceback: '' } }]
	])('rejects %s', (_name, data) => {
		expect(parseRunnerMessage(data)).toBeNull();
		expect(explainRunnerMessage(data)).toMatch(/\$/);
	});

	it('ignores accessor properties instead of calling them', () => {
		let called = false;
		const data = { type: 'ready', python: '3.14', start_ms: 1 } as Record<string, unknown>;
		Object.defineProperty(data, 'interruptible', {
			enumerable: true,
			get() {
				called = true;
				return true;
			}
		});
		expect(parseRunnerMessage(data)).toBeNull();
		expect(called).toBe(false);
	});

	it('rejects oversized strings and lists', () => {
		const longText = 'x'.repeat(MESSAGE_LIMITS.maxString + 1);
		expect(
			parseRunnerMessage(
				result([{ kind: 'output', t: 0, stream: 'stdout', text: longText, task: null }])
			)
		).toBeNull();
		const tooMany = { length: MESSAGE_LIMITS.maxEvents + 1 };
		expect(parseRunnerMessage(result(Array.from(tooMany, () => 0)))).toBeNull();
	});

	it('rejects a message whose total size exceeds the budget, quickly', () => {
		// Each event is valid on its own; together they exceed the work budget.
		const text = 'y'.repeat(900_000);
		const events = Array.from({ length: 4_000 }, () => ({
			kind: 'output',
			t: 0,
			stream: 'stdout',
			text,
			task: null
		}));
		const started = performance.now();
		expect(explainRunnerMessage(result(events))).toMatch(/too large/);
		expect(performance.now() - started).toBeLessThan(1_000);
	});

	it('treats null in an optional non-null field as absent', () => {
		const parsed = parseTraceEvents([
			{ kind: 'task_done', t: 1, task: 2, state: 'done', result: null, line: null }
		]);
		expect(parsed).toEqual([{ kind: 'task_done', t: 1, task: 2, state: 'done', line: null }]);
	});
});

describe('parseWorkerCommand', () => {
	it('accepts a run with options', () => {
		const command = {
			type: 'run',
			id: 4,
			source: 'print(1)',
			options: { max_events: 10, trace: true }
		};
		expect(parseWorkerCommand(command)).toEqual(command);
	});

	it('accepts an init without files', () => {
		const command = {
			type: 'init',
			files: null,
			index_url: 'http://127.0.0.1/pyodide/',
			interrupt_buffer: null
		};
		expect(parseWorkerCommand(command)).toEqual(command);
	});

	it('rejects an init whose files are not bytes', () => {
		expect(
			parseWorkerCommand({
				type: 'init',
				files: { 'pyodide.mjs': 'text' },
				index_url: 'x',
				interrupt_buffer: null
			})
		).toBeNull();
	});

	it('rejects a run with a source that is not text', () => {
		expect(parseWorkerCommand({ type: 'run', id: 1, source: 42, options: {} })).toBeNull();
	});
});
