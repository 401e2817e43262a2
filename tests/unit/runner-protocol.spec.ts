import { describe, expect, it } from 'vitest';
import { TRACE_LIMITS } from '$lib/engine/events';
import {
	MESSAGE_LIMITS,
	NO_SNAPSHOT,
	explainRunnerMessage,
	parseFrameCommand,
	parseFrameReady,
	parseRunnerMessage,
	parseTraceEvents,
	parseWorkerCommand,
	readTrace,
	traceChunks,
	type PyodideFiles
} from '$lib/runner/protocol';
import { PYODIDE_FILES } from '$lib/runner/pyodide-files';
import { columnsOfJson, decodeColumns, encodeColumns } from '$lib/engine/columns';
import { everyEvent } from './every-event';

/** Columns of a valid trace, to break one part at a time. */
const columns = encodeColumns(everyEvent);

/** A printed line, as the engine records one. */
const output = (text: string) => ({
	kind: 'output',
	t: 0,
	stream: 'stdout',
	text,
	task: null,
	line: null
});

const result = (events: unknown[], id: unknown = 1) => ({
	type: 'result',
	id,
	trace: columnsOfJson(JSON.stringify(events)),
	changed: []
});

/** A Blob that says it holds `size` bytes, to test size limits without allocating them. */
function sized(size: number): Blob {
	return new (class extends Blob {
		override get size() {
			return size;
		}
	})();
}

/** An ArrayBuffer that says it holds `size` bytes. */
function sizedBuffer(size: number): ArrayBuffer {
	const buffer = new ArrayBuffer(0);
	Object.defineProperty(buffer, 'byteLength', { value: size });
	return buffer;
}

function pyodideFiles(): PyodideFiles {
	return Object.fromEntries(PYODIDE_FILES.map((name) => [name, new Blob([name])])) as PyodideFiles;
}

const baseInit = {
	type: 'init',
	plan: NO_SNAPSHOT,
	index_url: 'http://127.0.0.1/pyodide/',
	interrupt_buffer: null,
	port: null,
	alive_url: null,
	module_from_host: false
};

/** An init whose start plan has `fields` in place of the plain load's. */
const initWith = (fields: Record<string, unknown>) => ({
	...baseInit,
	plan: { ...NO_SNAPSHOT, ...fields }
});

describe('parseRunnerMessage', () => {
	it('accepts a result as columns, and its events with every kind as equal, fresh objects', async () => {
		const data = result(everyEvent);
		const parsed = parseRunnerMessage(data);
		if (parsed?.type !== 'result' || !parsed.trace) throw new Error('expected a result');
		// The moved arrays themselves, not copies: they are read once, by decodeColumns.
		expect(parsed.trace.integers).toBe(data.trace?.integers);
		const read = await decodeColumns(parsed.trace, async () => {});
		expect(read).toEqual({ events: everyEvent, truncated: false });
		// Part of a trace (a run's increments) crosses as JSON text, read as strictly.
		const chunks = await readTrace(traceChunks(JSON.stringify(everyEvent)), async () => {});
		expect(chunks).toEqual({ events: everyEvent, truncated: false });
		const fresh = parseTraceEvents(everyEvent);
		expect(fresh).toEqual(everyEvent);
		expect(fresh?.[1]).not.toBe(everyEvent[1]);
	});

	it('accepts every other message type', () => {
		const messages = [
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
			'{"type":"fatal","__proto__":{"polluted":1},"error":{"kind":"crash","message":"x","traceback":""}}'
		);
		const parsed = parseRunnerMessage(data);
		expect(parsed).not.toBeNull();
		expect(Object.keys(parsed!)).toEqual(['type', 'error']);
		expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
		const events = parseTraceEvents(
			JSON.parse(
				'[{"kind":"output","t":0,"stream":"stdout","text":"x","task":null,"line":null,"__proto__":{"polluted":2}}]'
			)
		);
		expect(Object.keys(events![0])).toEqual(['kind', 't', 'stream', 'text', 'task', 'line']);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect((parsed as unknown as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('drops unknown fields but keeps the known ones', () => {
		const error = { kind: 'crash', message: 'oom', traceback: '' };
		const parsed = parseRunnerMessage({ type: 'fatal', error, extra: '<script>' });
		expect(parsed).toEqual({ type: 'fatal', error });
	});

	it('leaves the frame’s handshake to its host: frame_ready is no runner message', () => {
		expect(parseRunnerMessage({ type: 'frame_ready' })).toBeNull();
	});

	it.each([
		['a non-object', 'result'],
		['null', null],
		['an array', [{ type: 'fatal', error: { kind: 'crash', message: '', traceback: '' } }]],
		['an unknown type', { type: 'results', id: 1, events: [] }],
		['a type inherited from the prototype', Object.create({ type: 'progress' })],
		['a string id', result([], '1')],
		['a negative id', result([], -1)],
		['a fractional id', result([], 1.5)],
		['a trace that is not columns', { type: 'result', id: 1, trace: [[1]], changed: [] }],
		[
			'a trace as chunks of text (the old protocol)',
			{ type: 'result', id: 1, trace: traceChunks('[]'), changed: [] }
		],
		[
			'columns of another class',
			{ type: 'result', id: 1, trace: { ...columns, floats: new Float32Array(2) }, changed: [] }
		],
		[
			'columns over shared memory',
			{
				type: 'result',
				id: 1,
				trace: { ...columns, kinds: new Uint8Array(new SharedArrayBuffer(columns.kinds.length)) },
				changed: []
			}
		],
		[
			'a string table over its size, before it is read',
			{
				type: 'result',
				id: 1,
				trace: { ...columns, text: 'x'.repeat(64 * 1024 * 1024 + 1) },
				changed: []
			}
		],
		[
			'an increment chunk over its size, before it is read',
			{
				type: 'increment',
				id: 1,
				trace: ['x'.repeat(MESSAGE_LIMITS.maxTraceChunkChars + 1)]
			}
		],
		[
			'too many increment chunks',
			{ type: 'increment', id: 1, trace: Array.from({ length: 65 }, () => '[]') }
		],
		['no list of changes', { type: 'result', id: 1, trace: [] }],
		['a progress above 1', { type: 'progress', stage: 'download', message: '', progress: 2 }],
		['an unknown stage', { type: 'progress', stage: 'pwn', message: '', progress: 0 }],
		['a bad error kind', { type: 'fatal', error: { kind: 'user', message: '', traceback: '' } }]
	])('rejects %s', (_name, data) => {
		expect(parseRunnerMessage(data)).toBeNull();
		expect(explainRunnerMessage(data)).toMatch(/\$/);
	});

	it.each([
		['NaN', [{ kind: 'task_resumed', t: Number.NaN, task: 1, step: 1 }]],
		['Infinity', [{ kind: 'task_resumed', t: Infinity, task: 1, step: 1 }]],
		['an unknown event kind', [{ kind: 'exfiltrate', t: 0 }]],
		['a missing field', [{ kind: 'output', t: 0, stream: 'stdout', task: null }]],
		['a wrong enum', [{ kind: 'output', t: 0, stream: 'html', text: 'x', task: null }]],
		['a class instance', [new Date()]],
		['handle facts cut short', [{ kind: 'handles', t: 0, loop: 1, facts: [1, 1] }]],
		['a handle fact field as text', [{ kind: 'handles', t: 0, loop: 1, facts: [4, '1'] }]],
		['a fractional handle number', [{ kind: 'handles', t: 0, loop: 1, facts: [4, 1.5] }]],
		[
			'a timer due before -1',
			[{ kind: 'handles', t: 0, loop: 1, facts: [2, 1, 0, -2, 1, 0, 0, 0] }]
		]
	])('rejects a trace with %s', async (_name, events) => {
		expect(parseTraceEvents(events)).toBeNull();
		expect(await readTrace(traceChunks(JSON.stringify(events)), async () => {})).toBeNull();
		// As columns, the worker sends none (null) or the page refuses them.
		const columns = columnsOfJson(JSON.stringify(events));
		if (columns) expect(await decodeColumns(columns, async () => {})).toHaveProperty('error');
	});

	it('reads no more events than the engine’s cap, and says the rest was cut', async () => {
		const event = { kind: 'task_resumed', t: 0, task: 1, step: 1 };
		const events = Array.from({ length: TRACE_LIMITS.maxEvents + 5_000 }, () => event);
		let yields = 0;
		const read = await readTrace(traceChunks(JSON.stringify(events)), async () => {
			yields += 1;
		});
		expect(read?.events).toHaveLength(TRACE_LIMITS.maxEvents);
		expect(read?.truncated).toBe(true);
		// It yielded to the page between chunks.
		expect(yields).toBeGreaterThan(5);
	}, 30_000); // 400,000 events: seconds on a loaded machine

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

	it('rejects oversized strings, and a trace whose total size exceeds the budget, quickly', () => {
		const longText = 'x'.repeat(MESSAGE_LIMITS.maxString + 1);
		expect(
			parseTraceEvents([
				{ kind: 'output', t: 0, stream: 'stdout', text: longText, task: null, line: null }
			])
		).toBeNull();
		// Each event is valid on its own; together they exceed the work budget.
		const text = 'y'.repeat(900_000);
		const events = Array.from({ length: 4_000 }, () => output(text));
		const started = performance.now();
		expect(parseTraceEvents(events)).toBeNull();
		expect(performance.now() - started).toBeLessThan(1_000);
	});

	it('accepts a ready with a snapshot Blob, passing the Blob itself through', () => {
		const snapshot = new Blob([new Uint8Array(64)]);
		const message = {
			type: 'ready',
			python: '3.14.2',
			start_ms: 2100,
			interruptible: false,
			source: 'full',
			snapshot,
			notes: ['stored snapshot rejected: SHA-256 does not match']
		};
		const parsed = parseRunnerMessage(message);
		if (parsed?.type !== 'ready') throw new Error('expected a ready');
		// The same handle: the page stores it without reading 31.5 MB.
		expect(parsed.snapshot).toBe(snapshot);
		expect(parsed.notes).toEqual(message.notes);
		expect(parseRunnerMessage({ ...message, snapshot: null })).toMatchObject({ snapshot: null });
	});

	it.each([
		['as an ArrayBuffer (the old protocol)', new ArrayBuffer(64)],
		['as a typed array', new Uint8Array(64)],
		['larger than any snapshot', sized(MESSAGE_LIMITS.maxSnapshotBytes + 1)]
	])('rejects a ready with a snapshot %s', (_name, snapshot) => {
		const message = {
			type: 'ready',
			python: '3.14.2',
			start_ms: 1,
			interruptible: false,
			snapshot
		};
		expect(explainRunnerMessage(message)).toMatch(/^\$\.snapshot/);
	});

	it('treats null in an optional non-null field as absent', () => {
		const parsed = parseTraceEvents([
			{ kind: 'task_done', t: 1, task: 2, state: 'done', result: null, line: null }
		]);
		expect(parsed).toEqual([{ kind: 'task_done', t: 1, task: 2, state: 'done', line: null }]);
	});
});

describe('traceChunks', () => {
	/** Output whose text looks like the JSON around it: commas, brackets, quotes and escapes. */
	const tricky = [
		'},{"kind":"exfiltrate"}',
		'[[[',
		']]]}}}',
		'{{{',
		'\\',
		'\\"',
		'"',
		',',
		'",{',
		'é ☃ 𝄞',
		'\n,\n',
		''
	].map(output);

	it('cuts the engine’s text between events, and reading the chunks gives every event back', async () => {
		const events = [everyEvent[0], ...Array.from({ length: 60 }, () => tricky).flat()];
		for (const json of [JSON.stringify(events), JSON.stringify(events, null, 1)]) {
			const chunks = traceChunks(json, 256);
			expect(chunks.length).toBeGreaterThan(20);
			for (const chunk of chunks) expect(Array.isArray(JSON.parse(chunk))).toBe(true);
			expect((await readTrace(chunks, async () => {}))?.events).toEqual(events);
		}
	});

	it('keeps each chunk within the target, except an event longer than it, which is alone', () => {
		const long = output('x'.repeat(5_000));
		const events = [long, output('a'), output('b'), long, output('c'), long, long, output('d')];
		const chunks = traceChunks(JSON.stringify(events), 1_000).map((chunk) => JSON.parse(chunk));
		expect(chunks).toEqual([
			[long],
			[output('a'), output('b')],
			[long],
			[output('c')],
			[long],
			[long],
			[output('d')]
		]);
	});

	it('sends one event past the page’s cap, and nothing after it', () => {
		const events = Array.from({ length: TRACE_LIMITS.maxEvents + 10 }, (_, i) => i);
		const sent = traceChunks(JSON.stringify(events)).flatMap((chunk) => JSON.parse(chunk));
		expect(sent).toEqual(events.slice(0, TRACE_LIMITS.maxEvents + 1));
	});

	it.each([
		['an object', '{"kind":"run_start"}'],
		['a list that never ends', '[{"kind":"output","text":"],["}'],
		['a string that never ends', '["abc'],
		['text before the list', 'x[]']
	])('hands %s on for the page to refuse', async (_name, json) => {
		expect(await readTrace(traceChunks(json), async () => {})).toBeNull();
	});

	it('reads an empty list as no events', async () => {
		expect(await readTrace(traceChunks(' [ ] '), async () => {})).toEqual({
			events: [],
			truncated: false
		});
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
		expect(parseWorkerCommand(baseInit)).toEqual(baseInit);
	});

	it('accepts an init with the Pyodide files and a stored snapshot as Blobs, passing them through', () => {
		const files = pyodideFiles();
		const snapshot = { blob: new Blob([new Uint8Array(64)]), length: 64, sha256: 'a'.repeat(64) };
		const parsed = parseWorkerCommand(initWith({ files, snapshot, make_snapshot: true }));
		if (parsed?.type !== 'init') throw new Error('expected an init');
		expect(parsed.plan).toMatchObject({
			make_snapshot: true,
			snapshot: { length: 64, sha256: 'a'.repeat(64) }
		});
		expect(parsed.plan.snapshot?.blob).toBe(snapshot.blob);
		for (const name of PYODIDE_FILES) expect(parsed.plan.files?.[name]).toBe(files[name]);
	});

	it.each([
		['no plan', { ...baseInit, plan: undefined }],
		['a plan without make_snapshot', { ...baseInit, plan: { snapshot: null, files: null } }],
		['a plan without snapshot', { ...baseInit, plan: { make_snapshot: false, files: null } }],
		['no port field', { ...baseInit, port: undefined }],
		['a port that is no MessagePort', { ...baseInit, port: { postMessage() {} } }]
	])('rejects an init with %s', (_name, command) => {
		expect(parseWorkerCommand(command)).toBeNull();
	});

	it.each([
		['text', () => ({ ...pyodideFiles(), 'pyodide.mjs': 'text' })],
		[
			'ArrayBuffers (the old protocol)',
			() => ({ ...pyodideFiles(), 'pyodide.mjs': new ArrayBuffer(8) })
		],
		[
			'missing one',
			() => {
				const files: Partial<PyodideFiles> = pyodideFiles();
				delete files['python_stdlib.zip'];
				return files;
			}
		],
		[
			'too large',
			() => ({ ...pyodideFiles(), 'pyodide.asm.wasm': sized(MESSAGE_LIMITS.maxFileBytes + 1) })
		]
	])('rejects an init whose files are %s', (_name, files) => {
		expect(parseWorkerCommand(initWith({ files: files() }))).toBeNull();
	});

	it.each([
		['bytes instead of a handle (the old protocol)', new ArrayBuffer(64)],
		[
			'an ArrayBuffer in the handle',
			{ blob: new ArrayBuffer(64), length: 64, sha256: 'a'.repeat(64) }
		],
		['no hash', { blob: new Blob([]), length: 0 }],
		['a hash too long to be SHA-256', { blob: new Blob([]), length: 0, sha256: 'a'.repeat(65) }],
		['a negative length', { blob: new Blob([]), length: -1, sha256: 'a'.repeat(64) }],
		['a fractional length', { blob: new Blob([]), length: 1.5, sha256: 'a'.repeat(64) }],
		[
			'a Blob larger than any snapshot',
			{ blob: sized(MESSAGE_LIMITS.maxSnapshotBytes + 1), length: 0, sha256: 'a'.repeat(64) }
		]
	])('rejects an init whose snapshot has %s', (_name, snapshot) => {
		expect(parseWorkerCommand(initWith({ snapshot }))).toBeNull();
	});

	it('accepts files and snapshots right at their size limits', () => {
		// The cases above fail on size alone: the same values one byte smaller pass.
		const files = { ...pyodideFiles(), 'pyodide.asm.wasm': sized(MESSAGE_LIMITS.maxFileBytes) };
		const blob = sized(MESSAGE_LIMITS.maxSnapshotBytes);
		const snapshot = { blob, length: 0, sha256: 'a'.repeat(64) };
		expect(parseWorkerCommand(initWith({ files, snapshot }))).not.toBeNull();
		const bytes = sizedBuffer(MESSAGE_LIMITS.maxSnapshotBytes);
		expect(parseWorkerCommand({ type: 'snapshot', bytes })).not.toBeNull();
		const ready = { type: 'ready', python: '3.14.2', start_ms: 1, interruptible: false };
		expect(explainRunnerMessage({ ...ready, snapshot: blob })).toBeNull();
	});

	it('accepts the host’s snapshot verdict: the checked bytes, or the problem', () => {
		const bytes = new ArrayBuffer(64);
		const accepted = parseWorkerCommand({ type: 'snapshot', bytes });
		expect(accepted).toEqual({ type: 'snapshot', bytes });
		// The same buffer, transferred to the worker, not a copy.
		expect(accepted && 'bytes' in accepted && accepted.bytes).toBe(bytes);
		const refused = { type: 'snapshot', problem: 'SHA-256 does not match' };
		expect(parseWorkerCommand(refused)).toEqual(refused);
	});

	it.each([
		['bytes as a Blob', { bytes: new Blob([]) }],
		['bytes as a typed array', { bytes: new Uint8Array(8) }],
		['too many bytes', { bytes: sizedBuffer(MESSAGE_LIMITS.maxSnapshotBytes + 1) }],
		['a problem that is not text', { problem: 42 }],
		['a problem too long to be a sentence', { problem: 'x'.repeat(10_001) }]
	])('rejects a snapshot verdict with %s', (_name, fields) => {
		expect(parseWorkerCommand({ type: 'snapshot', ...fields })).toBeNull();
	});

	it('accepts the host’s compiled module, or why there is none, and nothing else as a module', async () => {
		const module = await WebAssembly.compile(
			new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00])
		);
		const given = parseWorkerCommand({ type: 'module', module });
		// The module itself: it cannot be copied, only handed on.
		expect(given && 'module' in given && given.module).toBe(module);
		const refused = { type: 'module', problem: 'CompileError: expected magic word' };
		expect(parseWorkerCommand(refused)).toEqual(refused);
		expect(parseWorkerCommand({ type: 'module', module: new ArrayBuffer(8) })).toBeNull();
		expect(parseWorkerCommand({ type: 'module', module: { exports: [] } })).toBeNull();
		expect(parseWorkerCommand({ ...baseInit, module_from_host: 'yes' })).toBeNull();
	});

	it('rejects a run with a source that is not text', () => {
		expect(parseWorkerCommand({ type: 'run', id: 1, source: 42, options: {} })).toBeNull();
	});
});

describe('parseFrameReady', () => {
	it('accepts the frame’s handshake only', () => {
		expect(parseFrameReady({ type: 'frame_ready' })).toEqual({ type: 'frame_ready' });
		expect(
			parseFrameReady({ type: 'ready', python: '3.14.2', start_ms: 1, interruptible: false })
		).toBeNull();
		expect(parseFrameReady(Object.create({ type: 'frame_ready' }))).toBeNull();
		expect(parseFrameReady('frame_ready')).toBeNull();
	});
});

describe('parseFrameCommand', () => {
	const run = { type: 'run', id: 4, source: 'print(1)', options: {} };

	it('accepts every command the page sends the frame', () => {
		const commands = [
			{
				type: 'boot',
				runtime: 0,
				worker_source: 'self.onmessage = () => {}',
				reports: new MessageChannel().port2
			},
			{ type: 'init', runtime: 0, init: initWith({ files: pyodideFiles(), make_snapshot: true }) },
			{ type: 'hello' },
			{ type: 'interrupt', runtime: 2 },
			{ type: 'to_worker', runtime: 1, message: run },
			{ type: 'end', runtime: 1 }
		];
		for (const command of commands) expect(parseFrameCommand(command)).toEqual(command);
	});

	it.each([
		[
			'a boot without script text',
			{ type: 'boot', runtime: 0, worker_source: 42, reports: new MessageChannel().port2 }
		],
		[
			'a boot with a script larger than any runner',
			{
				type: 'boot',
				runtime: 0,
				worker_source: 'x'.repeat(MESSAGE_LIMITS.maxWorkerSource + 1),
				reports: new MessageChannel().port2
			}
		],
		['a boot without a port for its reports', { type: 'boot', runtime: 0, worker_source: 'x' }],
		[
			'a boot that names no runtime',
			{ type: 'boot', worker_source: 'x', reports: new MessageChannel().port2 }
		],
		[
			'an init that is no init command',
			{ type: 'init', runtime: 0, init: { ...baseInit, type: 'run' } }
		],
		[
			'a run for the worker without a source',
			{ type: 'to_worker', runtime: 0, message: { ...run, source: null } }
		],
		['a run for no runtime', { type: 'to_worker', message: run }],
		['an end for a runtime that is no number', { type: 'end', runtime: '0' }],
		['an interrupt for runtime -1', { type: 'interrupt', runtime: -1 }],
		['an end for runtime 1.5', { type: 'end', runtime: 1.5 }],
		['an unknown command', { type: 'navigate', url: 'https://example.test/' }]
	])('rejects %s', (_name, command) => {
		expect(parseFrameCommand(command)).toBeNull();
	});
});
