/**
 * The trace's columns (engine/columns.ts): what the worker writes reads back as the same events,
 * and what a hostile runner writes is read as strictly as the object validator reads JSON. Real
 * traces of every example and exercise round-trip in tests/engine/columns.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import {
	COLUMN_LIMITS,
	ESCAPE,
	columnsOfJson,
	decodeColumns,
	encodeColumns,
	traceColumnsValidator,
	type TraceColumns
} from '$lib/engine/columns';
import { HANDLE_FACTS, TRACE_LIMITS, type TraceEvent } from '$lib/engine/events';
import { parseTraceEvents } from '$lib/runner/protocol';
import { Budget } from '$lib/validate';
import { everyEvent } from './every-event';

const { ready, timer, cancelled, skipped } = HANDLE_FACTS;

/** A trace with every kind, every optional field present and absent, and awkward values. */
const trace: TraceEvent[] = [
	...everyEvent,
	{ kind: 'label', t: 0, label: 1, text: 'sleep' },
	{
		kind: 'task_created',
		t: 0,
		task: 2,
		name: '__proto__',
		parent: 1,
		coro: 'worker',
		arguments: ['2', "'<b>x</b>'", 'retries=3', ''],
		line: null
	},
	{
		kind: 'handles',
		t: 0,
		loop: 1,
		facts: [
			...[ready.code, 1, 1, 0, 0, 0, 0, 0, 0],
			...[timer.code, 2, 0.1, -1, 1, 1, 3, 7],
			...[cancelled.code, 2, 1],
			...[skipped.code, 1]
		]
	},
	{ kind: 'turn', t: 0, loop: 1, turn: 1, popped: 0, timer: null, due: [] },
	{ kind: 'turn', t: 0.1, loop: 1, turn: 2, popped: 1, timer: 2, due: [2, 3] },
	{ kind: 'task_resumed', t: 0, task: 1, step: 2 ** 31 },
	{
		kind: 'task_suspended',
		t: 1e300,
		task: 2,
		awaiting: { kind: 'sleep', label: 'sleep(1)', task: null, until: -0 },
		line: 3,
		chain: [
			{ fn: 'main', line: 6 },
			{ fn: 'inner', line: 0 }
		]
	},
	{
		kind: 'task_done',
		t: 0.30000000000000004,
		task: 3,
		state: 'raised',
		exception: { type: 'ValueError', message: 'bad \ud800 surrogate' },
		line: 4
	},
	{ kind: 'task_done', t: 1, task: 4, state: 'cancelled', line: null },
	{ kind: 'output', t: 1, stream: 'stderr', text: '<b>hi</b> ✓ 🐍', task: 2, line: null },
	{ kind: 'callback', t: 1, handle: 4 },
	{ kind: 'loop_snapshot', t: 1, ready: [-1, 4], timers: [] },
	{ kind: 'limit', t: 3, limit: 'interrupt', message: 'Stopped', line: 8 },
	{ kind: 'loop_closed', t: 3, loop: 1, popped: 0 }
];

const noPause = async () => {};

async function decode(columns: TraceColumns) {
	return decodeColumns(columns, noPause);
}

/** The columns as the page receives them: containers checked, then every value read. */
async function receive(data: unknown) {
	let columns: TraceColumns;
	try {
		columns = traceColumnsValidator(data, '$', new Budget(10_000_000));
	} catch {
		return { error: 'containers' };
	}
	return decode(columns);
}

/** A copy of `columns` whose streams can be changed without touching the original. */
function copy(columns: TraceColumns): TraceColumns {
	return {
		kinds: columns.kinds.slice(),
		integers: columns.integers.slice(),
		floats: columns.floats.slice(),
		flags: columns.flags.slice(),
		strings: columns.strings.slice(),
		text: columns.text,
		ends: columns.ends.slice()
	};
}

describe('trace columns', () => {
	it('read back exactly the events written, every kind and field, -0 and lone surrogates included', async () => {
		const columns = encodeColumns(trace);
		const read = await decode(columns);
		if ('error' in read) throw new Error(read.error);
		expect(read.truncated).toBe(false);
		expect(read.events).toEqual(trace);
		// toEqual does not tell -0 from 0, nor an absent key from an undefined one.
		const sleeping = read.events.find((e) => e.kind === 'task_suspended' && e.t === 1e300);
		expect(sleeping?.kind === 'task_suspended' && Object.is(sleeping.awaiting.until, -0)).toBe(
			true
		);
		expect(JSON.stringify(read.events)).toBe(JSON.stringify(trace));
		// The same as the object validator makes of the events.
		expect(read.events).toEqual(parseTraceEvents(trace));
	});

	it('store each string once and numbers that are not 32-bit integers as float64', () => {
		const columns = encodeColumns(trace);
		const table = columns.text;
		expect(table.split('Task-1')).toHaveLength(2);
		expect(columns.floats).toContain(0.1);
		expect(columns.floats).toContain(2 ** 31);
		expect(columns.integers.filter((n) => n === ESCAPE).length).toBe(columns.floats.length);
	});

	it('read as the object validator reads: an optional null is absent, an absent nullable refused', async () => {
		const resumed = { kind: 'task_suspended', t: 0, task: 1, line: null, chain: [] };
		const withNull = { ...resumed, awaiting: { kind: 'lock', label: 'Lock', tasks: null } };
		const read = await decode(encodeColumns([withNull]));
		expect(read).toEqual({ events: parseTraceEvents([withNull]), truncated: false });
		expect(columnsOfJson(JSON.stringify([{ ...resumed, line: undefined }]))).toBeNull();
	});

	it('come from the engine’s JSON, or are null for text that is not a list of events', () => {
		const json = JSON.stringify(trace);
		expect(columnsOfJson(json)).toEqual(encodeColumns(JSON.parse(json)));
		for (const text of ['{', '{"kind": "run_end"}', '[1]', '[{"kind": "exfiltrate"}]']) {
			expect(columnsOfJson(text)).toBeNull();
		}
		const output = { kind: 'output', t: 0, stream: 'stdout', text: 'x', task: null, line: null };
		expect(columnsOfJson(JSON.stringify([{ ...output, text: 1 }]))).toBeNull();
		expect(columnsOfJson(JSON.stringify([{ ...output, stream: 'html' }]))).toBeNull();
	});

	it('stop at the page’s event cap and say the trace was cut, without reading the rest', async () => {
		const event: TraceEvent = { kind: 'task_resumed', t: 0, task: 1, step: 1 };
		const events = Array.from({ length: TRACE_LIMITS.maxEvents + 50 }, () => event);
		const columns = encodeColumns(events);
		// The worker writes one event past the cap, and nothing after it.
		expect(columns.kinds).toHaveLength(TRACE_LIMITS.maxEvents + 1);
		let pauses = 0;
		const read = await decodeColumns(columns, async () => {
			pauses += 1;
		});
		if ('error' in read) throw new Error(read.error);
		expect(read.events).toHaveLength(TRACE_LIMITS.maxEvents);
		expect(read.truncated).toBe(true);
		// It let the page breathe while it read.
		expect(pauses).toBeGreaterThan(10);
	});

	const valid = encodeColumns(trace);

	it.each<[string, (c: TraceColumns) => void]>([
		['integers cut short', (c) => (c.integers = c.integers.slice(0, -1))],
		['floats cut short', (c) => (c.floats = c.floats.slice(0, -1))],
		['flags cut short', (c) => (c.flags = c.flags.slice(0, -1))],
		['strings cut short', (c) => (c.strings = c.strings.slice(0, -1))],
		['one event fewer than its values', (c) => (c.kinds = c.kinds.slice(0, -1))],
		['an event more than its values', (c) => (c.kinds = Uint8Array.from([...c.kinds, 2]))],
		['an unknown kind', (c) => (c.kinds[3] = 200)],
		['a string past the table', (c) => (c.strings[0] = c.ends.length)],
		['a string far past the table', (c) => (c.strings[0] = 0xffffffff)],
		['a NaN time', (c) => (c.integers[0] = ESCAPE)],
		['a negative time', (c) => setNumber(c, 'task_resumed', 0, -1)],
		['an infinite time', (c) => setFloat(c, 0.1, Infinity)],
		['a NaN float', (c) => setFloat(c, 0.1, NaN)],
		['a fractional task id', (c) => setFloat(c, 2 ** 31, 0.5)],
		['a wrong enum code', (c) => setNumber(c, 'task_done', 2, 3)],
		['a fractional enum code', (c) => setNumber(c, 'task_done', 2, ESCAPE)],
		['a literal the contract does not have', (c) => setNumber(c, 'run_start', 1, 1)],
		['a flag that is neither 0 nor 1', (c) => (c.flags[0] = 2)],
		['string ends out of order', (c) => (c.ends[1] = 0)],
		['string ends past the text', (c) => (c.ends[c.ends.length - 1] += 1)],
		['text past the last string', (c) => (c.text += 'x')],
		['values left over', (c) => (c.integers = Int32Array.from([...c.integers, 0]))],
		['a float left over', (c) => (c.floats = Float64Array.from([...c.floats, 1]))]
	])('are refused with %s', async (_name, change) => {
		const columns = copy(valid);
		change(columns);
		expect(await decode(columns)).toHaveProperty('error');
	});

	it.each<[string, unknown[]]>([
		['a list longer than the columns', listOf(50_000)],
		['a negative list length', listOf(-1)],
		['a list longer than the contract allows', listOf(TRACE_LIMITS.maxList + 1)],
		[
			'a string longer than its field allows',
			[{ kind: 'label', t: 0, label: 1, text: 'x'.repeat(TRACE_LIMITS.maxShortString + 1) }]
		],
		[
			'handle facts that are not whole records',
			[{ kind: 'handles', t: 0, loop: 1, facts: [ready.code, 1, 1] }]
		],
		['a fact with a fractional field', [{ kind: 'handles', t: 0, loop: 1, facts: [4, 1.5] }]],
		['a handle number of 0', [{ kind: 'callback', t: 0, handle: 0 }]]
	])('are refused with %s', async (_name, events) => {
		// Written loosely, as a hostile runner could: the encoder does not check values.
		const columns = looseColumns(events);
		expect(await decode(columns)).toHaveProperty('error');
	});

	it('count a string at every use: one long string named many times is refused', async () => {
		const text = 'y'.repeat(900_000);
		const output = { kind: 'output', t: 0, stream: 'stdout', text, task: null, line: null };
		const columns = encodeColumns(Array.from({ length: 800 }, () => output));
		// Stored once: 900 kB of table for 720 MB of text.
		expect(columns.text).toHaveLength(900_000);
		const started = performance.now();
		expect(await decode(columns)).toEqual({ error: expect.stringMatching(/too large/) });
		expect(performance.now() - started).toBeLessThan(1_000);
	});

	it.each<[string, unknown]>([
		['not an object', 'columns'],
		['a missing stream', { ...valid, flags: undefined }],
		['a stream of another class', { ...valid, integers: new Float64Array(valid.integers) }],
		['a subclass of a stream', { ...valid, kinds: new (class extends Uint8Array {})(1) }],
		['a plain list for a stream', { ...valid, strings: [...valid.strings] }],
		['a stream over shared memory', { ...valid, flags: new Uint8Array(new SharedArrayBuffer(4)) }],
		['a string table that is not text', { ...valid, text: 1 }],
		['a stream over its size', { ...valid, kinds: new Uint8Array(COLUMN_LIMITS.maxValues + 1) }]
	])('are refused before a value is read: %s', async (_name, data) => {
		expect(await receive(data)).toEqual({ error: 'containers' });
	});

	it('accept nothing malformed: whatever random damage leaves readable, the object validator accepts as it is', async () => {
		const random = seeded(19);
		let accepted = 0;
		for (let round = 0; round < 3_000; round++) {
			const columns = copy(valid);
			for (let hits = 1 + Math.floor(random() * 3); hits > 0; hits--) damage(columns, random);
			const read = await decode(columns);
			if ('error' in read) continue;
			accepted += 1;
			// Nothing the object validator would refuse, or read differently, reaches the page.
			expect(parseTraceEvents(read.events)).toEqual(read.events);
		}
		// Some damage leaves valid events (a changed time, another string): those were checked too.
		expect(accepted).toBeGreaterThan(0);
	});

	it('refuse random streams without throwing', async () => {
		const random = seeded(7);
		for (let round = 0; round < 2_000; round++) {
			const size = () => Math.floor(random() * 40);
			const columns: TraceColumns = {
				kinds: Uint8Array.from({ length: size() }, () => random() * 30),
				integers: Int32Array.from({ length: size() }, () => randomNumber(random)),
				floats: Float64Array.from({ length: size() }, () => randomNumber(random)),
				flags: Uint8Array.from({ length: size() }, () => random() * 3),
				strings: Uint32Array.from({ length: size() }, () => random() * 6),
				text: 'abcdef',
				ends: Uint32Array.from([1, 2, 3, 4, 5, 6])
			};
			const read = await decode(columns);
			if (!('error' in read)) expect(parseTraceEvents(read.events)).toEqual(read.events);
		}
	});
});

/** The value of number `index` of the first event of `kind`, set to `value`. */
function setNumber(columns: TraceColumns, kind: string, index: number, value: number): void {
	const at = trace.findIndex((event) => event.kind === kind);
	// Numbers before that event: the encoder's own count, from the events before it.
	const before = encodeColumns(trace.slice(0, at)).integers.length;
	columns.integers[before + index] = value;
}

/** Replaces the float `from` with `to`. */
function setFloat(columns: TraceColumns, from: number, to: number): void {
	const at = columns.floats.indexOf(from);
	if (at === -1) throw new Error(`no float ${from}`);
	columns.floats[at] = to;
}

/** A `turn` whose `due` list says it holds `length` handles, and holds one. */
function listOf(length: number): unknown[] {
	return [{ kind: 'turn', t: 0, loop: 1, turn: 1, popped: 0, timer: null, due: [1] }, length];
}

/**
 * Columns written without the encoder's checks: `[event, listLength]` from listOf, or events
 * whose values break the contract but still have its shape.
 */
function looseColumns(events: unknown[]): TraceColumns {
	if (typeof events[1] === 'number') {
		const columns = copy(encodeColumns([events[0] as TraceEvent]));
		// The `due` list's length is the last integer but one (its one item is the last).
		columns.integers[columns.integers.length - 2] = events[1];
		return columns;
	}
	return encodeColumns(events);
}

/** A deterministic random source, so a failure can be reproduced. */
function seeded(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
		return state / 2 ** 31;
	};
}

function randomNumber(random: () => number): number {
	const choices = [0, 1, -1, 2, ESCAPE, 2 ** 31 - 1, NaN, Infinity, -Infinity, 0.5, -0, 1e308];
	return random() < 0.5 ? choices[Math.floor(random() * choices.length)] : random() * 100 - 10;
}

/** One random change to one stream: a value, a length, or the string table. */
function damage(columns: TraceColumns, random: () => number): void {
	const pick = <T extends { length: number }>(array: T) => Math.floor(random() * array.length);
	switch (Math.floor(random() * 9)) {
		case 0:
			columns.kinds[pick(columns.kinds)] = Math.floor(random() * 30);
			break;
		case 1:
			columns.integers[pick(columns.integers)] = randomNumber(random);
			break;
		case 2:
			columns.floats[pick(columns.floats)] = randomNumber(random);
			break;
		case 3:
			columns.flags[pick(columns.flags)] = Math.floor(random() * 3);
			break;
		case 4:
			columns.strings[pick(columns.strings)] = Math.floor(random() * (columns.ends.length + 2));
			break;
		case 5:
			columns.ends[pick(columns.ends)] = Math.floor(random() * (columns.text.length + 2));
			break;
		case 6:
			columns.integers = columns.integers.slice(0, pick(columns.integers));
			break;
		case 7:
			columns.kinds = columns.kinds.slice(0, pick(columns.kinds));
			break;
		default:
			columns.text =
				columns.text.slice(0, pick(columns.text)) + columns.text.slice(pick(columns.text));
	}
}
