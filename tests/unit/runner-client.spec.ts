import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TRACE_LIMITS, type TraceEvent } from '$lib/engine/events';
import {
	PROTOCOL_ERROR,
	RunnerClient,
	TRACE_TRUNCATED,
	type RunnerClientOptions
} from '$lib/runner/client.svelte';
import { ENDED_BY_STOP } from '$lib/runner/increments';
import { MESSAGE_LIMITS, RUNTIME_CLOSED, traceChunks } from '$lib/runner/protocol';
import type { HostFactory } from '$lib/runner/hosts';
import { payload, stubHosts, type StubHost } from './runner-stubs';

function trace(...middle: TraceEvent[]): TraceEvent[] {
	return [
		{
			kind: 'run_start',
			t: 0,
			version: 2,
			python: '3.14.2',
			limits: { max_virtual_time: 60, max_steps: 1e6, max_events: 1e5, max_output_chars: 1e5 }
		},
		...middle,
		{ kind: 'run_end', t: 1, steps: 1, real_ms: 1, dropped_events: 0 }
	];
}

const hello: TraceEvent = {
	kind: 'output',
	t: 0,
	stream: 'stdout',
	text: 'hello',
	task: null,
	line: null
};

let hosts: StubHost[];
let createHost: HostFactory;
let clients: RunnerClient[];

function makeClient(options: RunnerClientOptions = {}) {
	const client = new RunnerClient({ createHost, ...options });
	clients.push(client);
	return client;
}

/** Lets the client's promise chains run. */
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
	vi.useFakeTimers();
	({ hosts, createHost } = stubHosts());
	clients = [];
});

afterEach(() => {
	clients.forEach((c) => c.dispose());
	vi.useRealTimers();
});

describe('RunnerClient start-up', () => {
	it('starts a runtime, reports progress, and becomes ready', () => {
		const client = makeClient();
		expect(hosts).toHaveLength(1);
		expect(hosts[0].started).toBe(true);
		expect(client.status.phase).toBe('loading');
		hosts[0].emit({
			type: 'progress',
			stage: 'download',
			message: 'Downloading 1 / 12 MB',
			progress: 0.04
		});
		expect(client.status).toEqual({
			phase: 'loading',
			detail: 'Downloading 1 / 12 MB',
			progress: 0.04
		});
		hosts[0].ready();
		expect(client.status.phase).toBe('ready');
		expect(client.status.detail).toContain('3.14.2');
	});

	it('starts a warm spare only once the active runtime is ready', () => {
		makeClient();
		expect(hosts).toHaveLength(1);
		hosts[0].ready();
		expect(hosts).toHaveLength(2);
		expect(hosts[1].started).toBe(true);
	});

	it('keeps no spare when asked not to', () => {
		makeClient({ keepSpare: false });
		hosts[0].ready();
		expect(hosts).toHaveLength(1);
	});

	it('reports a start-up failure as crashed, and a later Run tries a fresh runtime', async () => {
		const client = makeClient();
		hosts[0].emit({ type: 'fatal', error: { kind: 'startup', message: 'no wasm', traceback: '' } });
		expect(client.status).toMatchObject({ phase: 'crashed', detail: 'no wasm' });
		expect(hosts[0].destroyed).toBe(true);
		const outcome = client.run('print(1)');
		await settle();
		expect(hosts).toHaveLength(2);
		hosts[1].ready();
		await settle();
		hosts[1].emit({ type: 'result', id: hosts[1].lastRun().id, ...payload(trace(hello)) });
		expect((await outcome).kind).toBe('finished');
	});

	it('gives up on a start-up that makes no progress, with a clear message', () => {
		const client = makeClient({ startTimeoutMs: 5_000 });
		vi.advanceTimersByTime(4_000);
		hosts[0].emit({
			type: 'progress',
			stage: 'python',
			message: 'Starting CPython',
			progress: 0.55
		});
		vi.advanceTimersByTime(4_000);
		expect(client.status.phase).toBe('loading');
		vi.advanceTimersByTime(1_500);
		expect(client.status.phase).toBe('crashed');
		expect(client.status.detail).toMatch(/did not start within 5 s.*application\/wasm/);
	});
});

describe('RunnerClient runs', () => {
	it('waits for readiness, sends the run with its id and options, and builds the model', async () => {
		const client = makeClient();
		const outcome = client.run('print("hello")', { max_steps: 5 });
		await settle();
		expect(hosts[0].sent).toEqual([]);
		hosts[0].ready();
		await settle();
		const run = hosts[0].lastRun();
		expect(run.source).toBe('print("hello")');
		expect(run.options).toMatchObject({
			max_steps: 5,
			max_events: 200_000,
			max_output_chars: 200_000
		});
		expect(client.status.phase).toBe('running');
		hosts[0].emit({ type: 'result', id: run.id, ...payload(trace(hello)) });
		const result = await outcome;
		if (result.kind !== 'finished') throw new Error(`expected finished, got ${result.kind}`);
		expect(result.model.stdout.map((l) => l.text)).toEqual(['hello']);
		expect(result.notices).toEqual([]);
		expect(client.status.phase).toBe('ready');
	});

	it('drops results for another run id', async () => {
		const client = makeClient();
		hosts[0].ready();
		const outcome = client.run('print(1)');
		await settle();
		const id = hosts[0].lastRun().id;
		let settled = false;
		void outcome.then(() => (settled = true));
		hosts[0].emit({ type: 'result', id: id + 1, ...payload(trace()) });
		hosts[0].emit({ type: 'result', id: id - 1, ...payload(trace()) });
		await settle();
		expect(settled).toBe(false);
		hosts[0].emit({ type: 'result', id, ...payload(trace(hello)) });
		expect((await outcome).kind).toBe('finished');
	});

	it('ends the run with "runner protocol error" on an invalid message and switches runtimes', async () => {
		const client = makeClient();
		hosts[0].ready();
		hosts[1].ready();
		const outcome = client.run('print(1)');
		await settle();
		hosts[0].emit({ type: 'result', id: hosts[0].lastRun().id, ...payload([{ kind: 'nope' }]) });
		expect(await outcome).toEqual({ kind: 'failed', message: PROTOCOL_ERROR });
		expect(hosts[0].destroyed).toBe(true);
		// The warm spare took over at once, and a new spare is loading.
		expect(client.status.phase).toBe('ready');
		expect(hosts).toHaveLength(3);
	});

	it('restarts on an invalid message even when idle', () => {
		const client = makeClient();
		hosts[0].ready();
		hosts[0].emit({ type: 'ready', python: 1 });
		expect(client.status.phase).toBe('restarting');
		hosts[1].ready();
		expect(hosts[0].destroyed).toBe(true);
		expect(client.status.phase).toBe('ready');
	});

	it('reports caps that cut the run short as notices', async () => {
		const client = makeClient();
		hosts[0].ready();
		const outcome = client.run('while True: print("x")');
		await settle();
		hosts[0].emit({
			type: 'result',
			id: hosts[0].lastRun().id,
			...payload(
				trace(hello, {
					kind: 'limit',
					t: 0,
					limit: 'steps',
					message: 'Stopped after 500,000 task steps, the limit for one run.',
					line: 1
				})
			)
		});
		const result = await outcome;
		expect(result.kind === 'finished' && result.notices).toEqual([
			'Stopped after 500,000 task steps, the limit for one run.'
		]);
	});

	it('reports the engine’s output-cap note as a notice', async () => {
		const client = makeClient();
		hosts[0].ready();
		const outcome = client.run('for i in range(10**6): print(i)');
		await settle();
		hosts[0].emit({
			type: 'result',
			id: hosts[0].lastRun().id,
			...payload(
				trace(hello, {
					kind: 'note',
					t: 0,
					code: 'output_truncated',
					message: 'Output was cut off after 200,000 characters.',
					line: null
				})
			)
		});
		const result = await outcome;
		expect(result.kind === 'finished' && result.notices).toEqual([
			'Output was cut off after 200,000 characters.'
		]);
	});

	it('a new run stops the one in progress', async () => {
		const client = makeClient();
		hosts[0].ready();
		const first = client.run('while True: pass');
		await settle();
		const second = client.run('print(1)');
		expect(await first).toMatchObject({ kind: 'stopped', reason: 'Replaced by a new run.' });
		await settle();
		// The busy runtime was replaced by the spare, which gets the second run.
		expect(hosts[0].destroyed).toBe(true);
		hosts[1].ready();
		await settle();
		hosts[1].emit({ type: 'result', id: hosts[1].lastRun().id, ...payload(trace()) });
		expect((await second).kind).toBe('finished');
	});

	it('reports a runner failure during a run and replaces the runtime', async () => {
		const client = makeClient();
		hosts[0].ready();
		hosts[1].ready();
		const outcome = client.run('x = [0] * 10**10');
		await settle();
		hosts[0].emit({
			type: 'run_failed',
			id: hosts[0].lastRun().id,
			error: { kind: 'crash', message: 'RuntimeError: memory access out of bounds', traceback: '' }
		});
		const result = await outcome;
		expect(result.kind).toBe('failed');
		expect(result.kind === 'failed' && result.message).toMatch(
			/memory access out of bounds.*unchanged/
		);
		expect(client.status.phase).toBe('ready');
	});

	it('survives the worker dying mid-run', async () => {
		const client = makeClient();
		hosts[0].ready();
		hosts[1].ready();
		const outcome = client.run('print(1)');
		await settle();
		hosts[0].onfailure?.('The runner worker failed: out of memory');
		expect(await outcome).toMatchObject({ kind: 'failed' });
		const next = client.run('print(2)');
		await settle();
		hosts[1].emit({ type: 'result', id: hosts[1].lastRun().id, ...payload(trace()) });
		expect((await next).kind).toBe('finished');
	});

	it('replaces the runtime after a run that changed what later runs depend on', async () => {
		const client = makeClient();
		hosts[0].ready();
		hosts[1].ready();
		const outcome = client.run('import sys; sys.settrace(print)');
		await settle();
		hosts[0].emit({
			type: 'result',
			id: hosts[0].lastRun().id,
			...payload(trace(hello), ['a trace or profile hook (sys.settrace, sys.setprofile)'])
		});
		expect((await outcome).kind).toBe('finished');
		// The run's own result is shown; the next run goes to the warm spare, a fresh runtime.
		expect(hosts[0].destroyed).toBe(true);
		void client.run('print(1)');
		await settle();
		expect(hosts[1].sent).toHaveLength(1);
	});

	it('says so when the program closed its own runtime, at once, and starts a fresh one', async () => {
		const client = makeClient();
		hosts[0].ready();
		hosts[1].ready();
		const outcome = client.run('import js; js.close()');
		await settle();
		hosts[0].emit({
			type: 'fatal',
			error: { kind: 'closed', message: 'anything the worker says', traceback: '' }
		});
		expect(await outcome).toEqual({ kind: 'failed', message: RUNTIME_CLOSED });
		expect(RUNTIME_CLOSED).toBe('The runtime stopped (your code closed it); starting a fresh one.');
		expect(hosts[0].destroyed).toBe(true);
		expect(client.status.phase).toBe('ready');
	});

	it('cuts a trace longer than the engine’s cap, with a "trace truncated" notice', async () => {
		const client = makeClient();
		hosts[0].ready();
		const outcome = client.run('forged');
		await settle();
		const many = Array.from({ length: TRACE_LIMITS.maxEvents + 10 }, (): TraceEvent => hello);
		hosts[0].emit({
			type: 'result',
			id: hosts[0].lastRun().id,
			...payload([trace()[0], ...many, trace()[1]])
		});
		await vi.advanceTimersByTimeAsync(1_000);
		const result = await outcome;
		if (result.kind !== 'finished') throw new Error(`expected finished, got ${result.kind}`);
		expect(result.events).toHaveLength(TRACE_LIMITS.maxEvents);
		expect(result.notices).toEqual([TRACE_TRUNCATED]);
		expect(TRACE_TRUNCATED).toMatch(/^Trace truncated: the page reads at most 401,000 events/);
	}, 30_000); // 401,000 events through the real reader: seconds on a loaded machine
});

describe('RunnerClient stop and watchdog', () => {
	it('Stop terminates the runtime and the spare runs the next program at once', async () => {
		const client = makeClient();
		hosts[0].ready();
		hosts[1].ready();
		const outcome = client.run('while True: pass');
		await settle();
		client.stop();
		expect(await outcome).toEqual({ kind: 'stopped', reason: 'Stopped.', line: null });
		expect(hosts[0].destroyed).toBe(true);
		expect(client.status.phase).toBe('ready');
		const next = client.run('print(1)');
		await settle();
		expect(hosts[1].sent).toHaveLength(1);
		hosts[1].emit({ type: 'result', id: hosts[1].lastRun().id, ...payload(trace()) });
		expect((await next).kind).toBe('finished');
	});

	it('Stop without a spare shows restarting until the fresh runtime is ready', async () => {
		const client = makeClient({ keepSpare: false });
		hosts[0].ready();
		const outcome = client.run('while True: pass');
		await settle();
		client.stop();
		await outcome;
		expect(client.status.phase).toBe('restarting');
		hosts[1].ready();
		expect(client.status.phase).toBe('ready');
	});

	it('the watchdog stops a run that does not answer, naming the limit', async () => {
		makeClient({ watchdogMs: 3_000 });
		hosts[0].ready();
		const outcome = clients[0].run('while True: pass');
		await settle();
		await vi.advanceTimersByTimeAsync(2_900);
		expect(hosts[0].destroyed).toBe(false);
		await vi.advanceTimersByTimeAsync(200);
		const result = await outcome;
		expect(result.kind).toBe('stopped');
		expect(result.kind === 'stopped' && result.reason).toMatch(/3 s of real time.*watchdog limit/);
		expect(hosts[0].destroyed).toBe(true);
	});

	it('the watchdog does not blame the program when the runner itself stopped answering', async () => {
		makeClient({ watchdogMs: 3_000 });
		hosts[0].ready();
		hosts[1].ready();
		const outcome = clients[0].run('print("into the void")');
		await settle();
		hosts[0].answering = false; // its frame's process died
		await vi.advanceTimersByTimeAsync(3_100);
		expect(await outcome).toEqual({
			kind: 'failed',
			message:
				'The Python runner stopped answering. A fresh Python is starting; your code is unchanged.'
		});
		expect(hosts[0].interrupts).toBe(0);
	});

	it('interrupts in place when the runtime supports it, reporting the line', async () => {
		const client = makeClient();
		hosts[0].ready({ interruptible: true });
		const outcome = client.run('while True: pass');
		await settle();
		client.stop();
		expect(hosts[0].interrupts).toBe(1);
		expect(hosts[0].destroyed).toBe(false);
		hosts[0].emit({
			type: 'result',
			id: hosts[0].lastRun().id,
			...payload(
				trace({ kind: 'limit', t: 0, limit: 'interrupt', message: 'Interrupted', line: 3 })
			)
		});
		const result = await outcome;
		expect(result).toMatchObject({ kind: 'stopped', reason: 'Stopped. (at line 3)', line: 3 });
		expect(result.kind === 'stopped' && result.model?.limit?.limit).toBe('interrupt');
		// The runtime stopped cleanly and stays in use.
		expect(hosts[0].destroyed).toBe(false);
		expect(client.status.phase).toBe('ready');
	});

	it('a new run ends one being interrupted at once, and is not ended by its grace timer', async () => {
		// Before: the first run's promise never settled, and its grace timer stopped the second.
		const client = makeClient({ interruptGraceMs: 1_000 });
		hosts[0].ready({ interruptible: true });
		hosts[1].ready({ interruptible: true });
		const first = client.run('while True: pass');
		await settle();
		const second = client.run('print(1)');
		expect(await first).toEqual({ kind: 'stopped', reason: 'Replaced by a new run.', line: null });
		// Not interrupted: the busy runtime is replaced, and the spare runs the new program.
		expect(hosts[0].interrupts).toBe(0);
		expect(hosts[0].destroyed).toBe(true);
		await settle();
		await vi.advanceTimersByTimeAsync(2_000);
		hosts[1].emit({ type: 'result', id: hosts[1].lastRun().id, ...payload(trace(hello)) });
		expect((await second).kind).toBe('finished');
	});

	it('terminates after all when an interrupt is not answered (code inside C)', async () => {
		const client = makeClient({ interruptGraceMs: 1_000 });
		hosts[0].ready({ interruptible: true });
		const outcome = client.run('sum(range(10**11))');
		await settle();
		client.stop();
		await vi.advanceTimersByTimeAsync(1_100);
		expect(await outcome).toMatchObject({ kind: 'stopped', line: null });
		expect(hosts[0].destroyed).toBe(true);
	});

	it('dispose ends the run and every runtime', async () => {
		const client = makeClient();
		hosts[0].ready();
		const outcome = client.run('print(1)');
		await settle();
		client.dispose();
		expect((await outcome).kind).toBe('stopped');
		expect(hosts.every((h) => h.destroyed)).toBe(true);
	});
});

describe('RunnerClient partial run after a Stop that ends the runtime', () => {
	const start = trace()[0];
	const task: TraceEvent = {
		kind: 'task_created',
		t: 0,
		task: 1,
		name: 'Task-1',
		parent: null,
		coro: 'main',
		arguments: null,
		line: 9
	};
	const slept: TraceEvent = { ...hello, t: 2.4, text: 'slept' };
	const increment = (id: number, events: unknown[]) => ({
		type: 'increment',
		id,
		trace: traceChunks(JSON.stringify(events))
	});

	/** A client whose runtime (not interruptible) runs a program; the run's id and outcome. */
	async function running(options: RunnerClientOptions = {}) {
		const client = makeClient(options);
		hosts[0].ready();
		hosts[1].ready();
		const outcome = client.run('while True: pass');
		await settle();
		return { client, id: hosts[0].lastRun().id, outcome };
	}

	it('Stop shows what the increments reported, stopped at the last time in them', async () => {
		const { client, id, outcome } = await running();
		hosts[0].emit(increment(id, [start, task, hello]));
		hosts[0].emit(increment(id, [slept]));
		await vi.advanceTimersByTimeAsync(1_000);
		client.stop();
		// Reading and analysing the increments yields to the page between pieces.
		await vi.advanceTimersByTimeAsync(100);
		const result = await outcome;
		if (result.kind !== 'stopped' || !result.model || !result.events) {
			throw new Error(`expected a partial run, got ${JSON.stringify(result)}`);
		}
		expect(result.reason).toBe('Stopped.');
		expect(result.line).toBeNull();
		expect(result.model.limit).toEqual({
			limit: 'interrupt',
			t: 2.4,
			message: ENDED_BY_STOP,
			line: null
		});
		expect(result.model.tasks.map((t) => t.name)).toEqual(['Task-1']);
		expect(result.model.duration).toBe(2.4);
		expect(result.events.filter((e) => e.kind === 'output').map((e) => e.text)).toEqual([
			'hello',
			'slept'
		]);
		// The runtime was ended all the same, and the spare runs the next program.
		expect(hosts[0].destroyed).toBe(true);
		const next = client.run('print(1)');
		await settle();
		hosts[1].emit({ type: 'result', id: hosts[1].lastRun().id, ...payload(trace(hello)) });
		expect((await next).kind).toBe('finished');
	});

	it('the watchdog’s stop keeps the partial run too', async () => {
		const { id, outcome } = await running({ watchdogMs: 3_000 });
		hosts[0].emit(increment(id, [start, hello]));
		await vi.advanceTimersByTimeAsync(3_100);
		const result = await outcome;
		expect(result).toMatchObject({ kind: 'stopped', reason: expect.stringMatching(/watchdog/) });
		expect(result.kind === 'stopped' && result.model?.limit?.limit).toBe('interrupt');
	});

	it('a run that finishes is its result, whatever its increments said', async () => {
		const { id, outcome } = await running();
		hosts[0].emit(increment(id, [start, slept]));
		hosts[0].emit({ type: 'result', id, ...payload(trace(hello)) });
		const result = await outcome;
		expect(result.kind).toBe('finished');
		expect(result.kind === 'finished' && result.events.filter((e) => e.kind === 'output')).toEqual([
			hello
		]);
	});

	it('drops increments of another run', async () => {
		const { client, id, outcome } = await running();
		hosts[0].emit(increment(id + 1, [start, hello]));
		hosts[0].emit(increment(id - 1, [start, hello]));
		client.stop();
		expect(await outcome).toEqual({ kind: 'stopped', reason: 'Stopped.', line: null });
	});

	it.each([
		['not JSON', ['[{']],
		['forged events', traceChunks(JSON.stringify([start, { kind: 'exfiltrate', t: 0 }]))],
		['no start of a trace', traceChunks(JSON.stringify([hello]))]
	])(
		'increments with %s: Stop ends the run as "Stopped." with no partial run',
		async (_name, bad) => {
			const { client, id, outcome } = await running();
			hosts[0].emit({ type: 'increment', id, trace: bad });
			client.stop();
			expect(await outcome).toEqual({ kind: 'stopped', reason: 'Stopped.', line: null });
			expect(client.status.phase).toBe('ready');
		}
	);

	it('increments past the page’s cap: "Stopped." with no partial run', async () => {
		const { client, id, outcome } = await running();
		hosts[0].emit(increment(id, [start]));
		const text = 'x'.repeat(900_000);
		const big = Array.from({ length: 8 }, () => ({ ...hello, text }));
		// Each message is valid; together they pass the characters the page keeps of a run.
		const count = Math.ceil(MESSAGE_LIMITS.maxIncrementChars / (8 * 900_000)) + 1;
		for (let i = 0; i < count; i++) hosts[0].emit(increment(id, big));
		client.stop();
		expect(await outcome).toEqual({ kind: 'stopped', reason: 'Stopped.', line: null });
	}, 30_000);

	it('an increment that breaks the protocol ends the run as any such message does', async () => {
		const { client, id, outcome } = await running();
		hosts[0].emit({ type: 'increment', id, trace: 'not chunks' });
		expect(await outcome).toEqual({ kind: 'failed', message: PROTOCOL_ERROR });
		expect(hosts[0].destroyed).toBe(true);
		expect(client.status.phase).toBe('ready');
	});
});
