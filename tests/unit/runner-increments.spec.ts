import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '$lib/engine/events';
import { ENDED_BY_STOP, RunIncrements } from '$lib/runner/increments';
import {
	MESSAGE_LIMITS,
	explainRunnerMessage,
	traceChunks,
	parseRunnerMessage,
	readTrace
} from '$lib/runner/protocol';

const start: TraceEvent = {
	kind: 'run_start',
	t: 0,
	version: 2,
	python: '3.14.2',
	limits: { max_virtual_time: 60, max_steps: 1e6, max_events: 1e5, max_output_chars: 1e5 }
};
const printed = (t: number, text: string): TraceEvent => ({
	kind: 'output',
	t,
	stream: 'stdout',
	text,
	task: null,
	line: 1
});

const chunks = (events: unknown[]) => traceChunks(JSON.stringify(events));
const noYield = async () => {};

describe('RunIncrements', () => {
	it('joins the increments and closes them as a run Stop interrupted, at the last time reported', async () => {
		const increments = new RunIncrements();
		increments.add(chunks([start, printed(0, 'one')]));
		increments.add(chunks([printed(2.4, 'two')]));
		// A blocked span counts from when it began, as in the analysis.
		increments.add(
			chunks([{ kind: 'blocked', t: 1, duration: 5, cause: 'time.sleep', line: 2, task: null }])
		);
		const events = await increments.read(812, noYield);
		expect(events?.map((event) => event.kind)).toEqual([
			'run_start',
			'output',
			'output',
			'blocked',
			'limit',
			'run_end'
		]);
		expect(events?.at(-2)).toEqual({
			kind: 'limit',
			t: 2.4,
			limit: 'interrupt',
			message: ENDED_BY_STOP,
			line: null
		});
		expect(events?.at(-1)).toEqual({
			kind: 'run_end',
			t: 2.4,
			steps: 0,
			real_ms: 812,
			dropped_events: 0
		});
	});

	it('makes no partial run when nothing came', async () => {
		expect(await new RunIncrements().read(1, noYield)).toBeNull();
	});

	it.each([
		['not JSON', ['[{"kind":']],
		['not a list', chunks({ kind: 'run_start' } as unknown as unknown[])],
		['an invalid event', chunks([start, { kind: 'exfiltrate', t: 0 }])],
		['a value of no event', chunks([start, 'x'])],
		['not the start of a trace', chunks([printed(0, 'mid-run')])],
		['a trace that already ended', chunks([start, { ...start, kind: 'run_end' }])]
	])('makes no partial run of increments with %s, and does not throw', async (_name, bad) => {
		const increments = new RunIncrements();
		increments.add(bad);
		await expect(increments.read(1, noYield)).resolves.toBeNull();
	});

	it('one bad increment after good ones spoils the partial run', async () => {
		const increments = new RunIncrements();
		increments.add(chunks([start, printed(0, 'one')]));
		increments.add(chunks([{ kind: 'task_resumed', t: Number.NaN, task: 1, step: 1 }]));
		expect(await increments.read(1, noYield)).toBeNull();
	});

	it('keeps no more than its cap: past it, none at all', async () => {
		const first = chunks([start, printed(0, 'one')]);
		const increments = new RunIncrements(first[0].length + 10);
		increments.add(first);
		expect(await increments.read(1, noYield)).not.toBeNull();
		increments.add(chunks([printed(1, 'two')]));
		expect(await increments.read(1, noYield)).toBeNull();
		// And nothing after: a gap would draw a run that did not happen.
		increments.add(chunks([printed(2, '3')]));
		expect(await increments.read(1, noYield)).toBeNull();
	});

	it('defaults to the protocol’s cap on the increments of a run', () => {
		expect(MESSAGE_LIMITS.maxIncrementChars).toBeGreaterThanOrEqual(40 * 1024 * 1024);
	});
});

describe('the increment message', () => {
	it('is one chunk when small, and whole events in several when large', async () => {
		const small = traceChunks(JSON.stringify([start, printed(0, 'x')]));
		expect(small).toHaveLength(1);
		const many = Array.from({ length: 400 }, (_, i) => printed(i, 'y'.repeat(100)));
		const large = traceChunks(JSON.stringify(many), 8 * 1024);
		expect(large.length).toBeGreaterThan(4);
		expect((await readTrace(large, noYield))?.events).toEqual(many);
	});

	it('is validated as every runner message is', () => {
		const message = { type: 'increment', id: 7, trace: chunks([start]) };
		expect(parseRunnerMessage(message)).toMatchObject({ type: 'increment', id: 7 });
		expect(explainRunnerMessage({ ...message, trace: [new ArrayBuffer(2)] })).toMatch(/^\$\.trace/);
		expect(explainRunnerMessage({ ...message, id: -1 })).toMatch(/^\$\.id/);
		const tooMany = Array.from({ length: MESSAGE_LIMITS.maxTraceChunks + 1 }, () => '[]');
		expect(explainRunnerMessage({ ...message, trace: tooMany })).toMatch(/^\$\.trace/);
		const huge = 'x'.repeat(MESSAGE_LIMITS.maxTraceChunkChars + 1);
		expect(explainRunnerMessage({ ...message, trace: [huge] })).toMatch(/^\$\.trace/);
	});
});
