/**
 * Engine: runs that cannot finish. Deadlocks end at once with every stuck task; limits and the
 * Stop button end runaway programs with the partial trace kept.
 */
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { factAt } from '../../src/lib/engine/events';
import { hasAtomicSignalCheck } from '../../src/lib/engine/signal-check';
import { bootEngine, duration, ofKind, run, stdout, type TraceEvent } from './engine-helpers';

/** The kinds of the facts in a `handles` event, in order ("ready", "timer" ...). */
function facts(numbers: number[]): string[] {
	const kinds: string[] = [];
	for (let at = 0, fact = factAt(numbers, 0); fact; fact = factAt(numbers, (at += fact.size))) {
		kinds.push(fact.kind);
	}
	return kinds;
}

let engine: Engine;

beforeAll(async () => {
	engine = await bootEngine();
});

describe('deadlocks', () => {
	it('a Future that is never set', () => {
		const events = run(
			engine,
			`
import asyncio
async def main():
    fut = asyncio.get_running_loop().create_future()
    print("waiting")
    await fut
asyncio.run(main())
print("never reached")
`
		);
		expect(stdout(events)).toEqual(['waiting']);
		const [deadlock] = ofKind(events, 'deadlock');
		expect(deadlock.stuck).toEqual([
			{ task: 1, name: 'Task-1', awaiting: { kind: 'future', label: 'Future' }, line: 5 }
		]);
		expect(ofKind(events, 'error')).toHaveLength(0);
		expect(events.at(-1)!.kind).toBe('run_end');
	});

	it('queue.join() with no consumer', () => {
		const events = run(
			engine,
			`
import asyncio
async def main():
    q = asyncio.Queue()
    await q.put("job")
    await asyncio.sleep(1)
    await q.join()
asyncio.run(main())
`
		);
		const [deadlock] = ofKind(events, 'deadlock');
		expect(deadlock.t).toBe(1);
		expect(deadlock.stuck).toEqual([
			{ task: 1, name: 'Task-1', awaiting: { kind: 'queue_join', label: 'Queue.join' }, line: 6 }
		]);
	});

	it('two locks taken in opposite order', () => {
		const events = run(
			engine,
			`
import asyncio
a, b = asyncio.Lock(), asyncio.Lock()
async def one():
    async with a:
        await asyncio.sleep(0.1)
        async with b:
            print("one done")
async def two():
    async with b:
        await asyncio.sleep(0.1)
        async with a:
            print("two done")
async def main():
    await asyncio.gather(one(), two())
asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual([]);
		const [deadlock] = ofKind(events, 'deadlock');
		expect(deadlock.t).toBe(0.1);
		expect(deadlock.stuck.map((s) => [s.name, s.awaiting.label, s.line])).toEqual([
			['Task-1', 'gather(2)', 14],
			['Task-2', 'Lock', 6],
			['Task-3', 'Lock', 11]
		]);
		expect(deadlock.stuck[0].awaiting.tasks).toEqual([2, 3]);
	});

	it('an Event that is never set, with a helper task stuck too', () => {
		const events = run(
			engine,
			`
import asyncio
async def waiter(ev):
    await ev.wait()
async def main():
    ev = asyncio.Event()
    helper = asyncio.create_task(waiter(ev))
    await helper
asyncio.run(main())
`
		);
		const [deadlock] = ofKind(events, 'deadlock');
		expect(deadlock.stuck).toEqual([
			{ task: 1, name: 'Task-1', awaiting: { kind: 'task', label: 'Task-2', task: 2 }, line: 7 },
			{ task: 2, name: 'Task-2', awaiting: { kind: 'event', label: 'Event.wait' }, line: 3 }
		]);
		// Nothing is logged about tasks destroyed while pending: the deadlock says it all.
		expect(ofKind(events, 'output')).toHaveLength(0);
	});

	it('the next run works normally after a deadlock', () => {
		run(engine, 'import asyncio\nasyncio.run(asyncio.Event().wait())\n');
		const events = run(engine, 'import asyncio\nasyncio.run(asyncio.sleep(1))\nprint("ok")\n');
		expect(stdout(events)).toEqual(['ok']);
		expect(ofKind(events, 'deadlock')).toHaveLength(0);
	});
});

describe('limits', () => {
	it('while True: await asyncio.sleep(1) stops at the virtual-time limit, trace kept', () => {
		const events = run(
			engine,
			`
import asyncio
async def main():
    n = 0
    while True:
        await asyncio.sleep(1)
        n += 1
        print("tick", n)
asyncio.run(main())
`,
			{ max_virtual_time: 10 }
		);
		expect(events[0]).toMatchObject({ kind: 'run_start', limits: { max_virtual_time: 10 } });
		const [limit] = ofKind(events, 'limit');
		expect(limit).toMatchObject({ limit: 'virtual_time', t: 10, line: 5 });
		expect(limit.message).toContain('max_virtual_time');
		expect(stdout(events)).toHaveLength(10);
		expect(ofKind(events, 'task_suspended')).toHaveLength(11);
		expect(duration(events)).toBe(10);
		expect(ofKind(events, 'output')).toHaveLength(10);
	});

	it('the default virtual-time limit is an hour', () => {
		const events = run(
			engine,
			'import asyncio\nasync def main():\n    while True:\n        await asyncio.sleep(60)\nasyncio.run(main())\n'
		);
		expect(ofKind(events, 'limit')[0]).toMatchObject({ limit: 'virtual_time', t: 3600 });
	});

	it('time.sleep past the limit stops the run too', () => {
		const events = run(engine, 'import time\nprint("a")\ntime.sleep(10**9)\nprint("b")\n');
		expect(stdout(events)).toEqual(['a']);
		expect(ofKind(events, 'limit')[0]).toMatchObject({ limit: 'virtual_time', line: 3 });
	});

	it('while True: await asyncio.sleep(0) stops at the step limit, trace kept', () => {
		const events = run(
			engine,
			`
import asyncio
async def spin():
    while True:
        await asyncio.sleep(0)
async def main():
    await asyncio.gather(spin(), spin())
asyncio.run(main())
`,
			{ max_steps: 2000 }
		);
		const [limit] = ofKind(events, 'limit');
		expect(limit).toMatchObject({ limit: 'steps', t: 0, line: 4 });
		expect(limit.message).toContain('max_steps');
		const end = events.at(-1)!;
		expect(end.kind === 'run_end' && end.steps).toBeGreaterThan(2000);
		expect(end.kind === 'run_end' && end.steps).toBeLessThan(2010);
		expect(ofKind(events, 'task_resumed').length).toBeGreaterThan(2000);
	});

	it('the default limits let 5,000 tasks with two sleeps each run to the end, and allow 100,000', () => {
		const events = run(
			engine,
			`
import asyncio
async def worker(i):
    await asyncio.sleep(1)
    await asyncio.sleep(1)
    return i
async def main():
    results = await asyncio.gather(*(worker(i) for i in range(5_000)))
    print(len(results), sum(results))
asyncio.run(main())
`
		);
		expect(ofKind(events, 'limit')).toHaveLength(0);
		expect(stdout(events)).toEqual(['5000 12497500']);
		expect(duration(events)).toBe(2);
		const start = events[0];
		expect(start.kind === 'run_start' && start.limits.max_steps).toBeGreaterThanOrEqual(300_001);
	});

	it('the trace cap keeps output and the end, and counts what it dropped', () => {
		const source = `
import asyncio
async def worker(i):
    await asyncio.sleep(1)
async def main():
    await asyncio.gather(*(worker(i) for i in range(100)))
    print("all done")
asyncio.run(main())
`;
		// Task events and the loop's events count against the cap, each fact of a `handles`
		// event as one; output, notes and the events that only name things (label, callback) do
		// not. Facts are sent in batches, after the events recorded beside them, so the two are
		// compared apart: each kept in the order recorded.
		const capped = (trace: TraceEvent[]) => ({
			events: trace
				.filter(
					(event) => event.kind.startsWith('task_') || ['turn', 'loop_closed'].includes(event.kind)
				)
				.map((event) => event.kind),
			facts: trace.flatMap((event) => (event.kind === 'handles' ? facts(event.facts) : []))
		});
		const whole = capped(run(engine, source));
		const events = run(engine, source, { max_events: 50 });
		const kept = capped(events);
		expect(kept.events.length + kept.facts.length).toBe(50);
		expect(kept.facts.length).toBeGreaterThan(0);
		// The first ones, as the uncut trace has them.
		expect(kept.events).toEqual(whole.events.slice(0, kept.events.length));
		expect(kept.facts).toEqual(whole.facts.slice(0, kept.facts.length));
		// (A cpu_work note may join it on a busy machine: creating 100 tasks is real work.)
		expect(ofKind(events, 'note').filter((n) => n.code === 'events_truncated')).toHaveLength(1);
		expect(stdout(events)).toEqual(['all done']);
		const end = events.at(-1)!;
		expect(end.kind === 'run_end' && end.dropped_events).toBe(
			whole.events.length + whole.facts.length - 50
		);
	});

	it('trace: false records output and errors only', () => {
		const events = run(
			engine,
			'import asyncio\nasync def main():\n    await asyncio.sleep(1)\n    print("hi")\n    1/0\nasyncio.run(main())\n',
			{ trace: false }
		);
		expect(events.map((e) => e.kind)).toEqual(['run_start', 'output', 'error', 'run_end']);
		expect(ofKind(events, 'error')[0]).toMatchObject({ type: 'ZeroDivisionError', line: 5, t: 1 });
	});
});

describe('stop (interrupt buffer)', () => {
	/**
	 * The Stop button on another thread, as the sandbox frame is: it presses `delayUs` after the
	 * run starts. A Stop that is lost would leave the run spinning for ever, so it presses again
	 * every 2 s and counts those presses, which a run that stops at the first never needs.
	 */
	class StopButton {
		// [0] the interrupt buffer, [1] the run started, [2] the run ended, [3] presses repeated.
		readonly #shared = new Int32Array(new SharedArrayBuffer(16));
		readonly #thread = new Worker(
			`const { workerData, parentPort } = require('node:worker_threads');
			 const shared = new Int32Array(workerData);
			 parentPort.on('message', (delayUs) => {
			   while (Atomics.load(shared, 1) !== 1) {}
			   const started = performance.now();
			   while ((performance.now() - started) * 1000 < delayUs) {}
			   Atomics.store(shared, 0, 2);
			   let pressed = performance.now();
			   while (Atomics.load(shared, 2) !== 1) {
			     if (performance.now() - pressed < 2000) continue;
			     Atomics.add(shared, 3, 1);
			     Atomics.store(shared, 0, 2);
			     pressed = performance.now();
			   }
			   parentPort.postMessage('done');
			 });`,
			{ eval: true, workerData: this.#shared.buffer }
		);

		get buffer(): Int32Array {
			return this.#shared.subarray(0, 1);
		}

		/** Runs `run` with the button pressed `delayUs` into it; how many presses it repeated. */
		async press<T>(delayUs: number, run: () => T): Promise<{ result: T; repeated: number }> {
			this.#shared.fill(0);
			const done = new Promise((resolve) => this.#thread.once('message', resolve));
			this.#thread.postMessage(delayUs);
			Atomics.store(this.#shared, 1, 1);
			let result: T;
			try {
				result = run();
			} finally {
				Atomics.store(this.#shared, 2, 1);
				await done;
				Atomics.store(this.#shared, 0, 0);
			}
			return { result, repeated: this.#shared[3] };
		}

		close(): Promise<number> {
			return this.#thread.terminate();
		}
	}

	let button: StopButton;
	beforeAll(() => {
		button = new StopButton();
		engine.pyodide.setInterruptBuffer(button.buffer);
		return async () => {
			engine.pyodide.setInterruptBuffer(undefined as unknown as Int32Array);
			await button.close();
		};
	});

	const SPIN = `
import asyncio
async def spin():
    print("spinning")
    while True:
        pass
async def main():
    try:
        await asyncio.gather(spin(), asyncio.sleep(1))
    except asyncio.CancelledError:
        print("main cancelled, still running")
        while True:
            pass
asyncio.run(main())
`;

	it('a busy loop inside asyncio.run stops at the first interrupt, with its line', async () => {
		const { result: events, repeated } = await button.press(300_000, () => run(engine, SPIN));
		expect(repeated).toBe(0);
		expect(stdout(events)).toEqual(['spinning']);
		const [limit] = ofKind(events, 'limit');
		expect(limit).toMatchObject({ limit: 'interrupt', line: 5 });
		expect(ofKind(events, 'task_created')).toHaveLength(3);
		expect(events.at(-1)!.kind).toBe('run_end');
		expect(stdout(run(engine, 'print("after stop")\n'))).toEqual(['after stop']);
	});

	it('no Stop from another thread is lost, whenever it comes', async () => {
		// Pyodide's own check read the buffer and then cleared it, and a Stop written between the
		// two was lost: about 1 in 25 of these runs spun on (signal-check.ts).
		expect(hasAtomicSignalCheck(engine.pyodide)).toBe(true);
		const lost: number[] = [];
		for (let press = 0; press < 200; press++) {
			// Spread over the run's first 40 ms: its set-up, the tasks starting, the busy loop.
			const delayUs = (press * 7_919) % 40_000;
			const { result: events, repeated } = await button.press(delayUs, () => run(engine, SPIN));
			if (repeated > 0) lost.push(delayUs);
			expect(ofKind(events, 'limit').map((limit) => limit.limit)).toEqual(['interrupt']);
			expect(stdout(events)).not.toContain('main cancelled, still running');
		}
		expect(lost).toEqual([]);
	});
});
