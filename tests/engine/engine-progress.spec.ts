/**
 * Engine: the trace so far, handed out in increments while a run goes on (playground/progress.py,
 * progress.ts), for a page that can only stop a run by ending its worker. Real Pyodide.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { bootEngine, dedent, stdout, type TraceEvent } from './engine-helpers';

let engine: Engine;

beforeAll(async () => {
	engine = await bootEngine();
});

/** Runs `source` with increments every `intervalMs`; the increments and the final trace. */
function runReporting(source: string, intervalMs: number) {
	const increments: TraceEvent[][] = [];
	const json = engine.runJson(
		dedent(source),
		{},
		(increment) => increments.push(JSON.parse(increment) as TraceEvent[]),
		{ intervalMs }
	);
	return { increments, final: JSON.parse(json) as TraceEvent[] };
}

/**
 * A step that computes for a while without awaiting, about half a second in Pyodide. In such a
 * loop Pyodide's signal check comes rarely: at a 5 ms interval a report came every 100-300 ms,
 * and 4 of 60 runs of a 70 ms loop made none (a fresh-clone CI run failed so); 0 of 40 at this
 * length.
 */
const BUSY = 'for _ in range(12_000_000):\n        pass';

describe('progress increments', () => {
	it('joined, the increments are the start of the final trace, event for event', () => {
		const { increments, final } = runReporting(
			`
			import asyncio
			async def worker(i):
			    await asyncio.sleep(i % 3)
			    print("done", i)
			async def main():
			    await asyncio.gather(*(worker(i) for i in range(2_000)))
			    ${BUSY}
			asyncio.run(main())
			`,
			1
		);
		expect(increments.length).toBeGreaterThan(1);
		expect(increments.every((increment) => increment.length > 0)).toBe(true);
		const joined = increments.flat();
		expect(joined[0].kind).toBe('run_start');
		expect(joined.length).toBeLessThan(final.length);
		expect(joined).toEqual(final.slice(0, joined.length));
	});

	it('a step that never awaits still reports what came before it, while it runs', () => {
		const { increments, final } = runReporting(
			`
			import asyncio
			async def say(i):
			    await asyncio.sleep(i)
			    print("slept", i)
			async def main():
			    await asyncio.gather(*(say(i) for i in range(3)))
			    print("spinning")
			    ${BUSY}
			    print("after")
			asyncio.run(main())
			`,
			5
		);
		expect(stdout(final)).toEqual(['slept 0', 'slept 1', 'slept 2', 'spinning', 'after']);
		// No loop turn comes between "spinning" and "after": the report that has the one and not
		// the other was made inside the step.
		const reported = stdout(increments.flat());
		expect(reported.slice(0, 4)).toEqual(['slept 0', 'slept 1', 'slept 2', 'spinning']);
		const spinning = increments.findIndex((increment) => stdout(increment).includes('spinning'));
		expect(stdout(increments.slice(0, spinning + 1).flat())).not.toContain('after');
	});

	it('reports from plain code too (no event loop), and none without a receiver', () => {
		const source = `print("first")\n${BUSY.replace('\n    ', '\n')}\nprint("second")\n`;
		const { increments } = runReporting(source, 5);
		expect(stdout(increments.flat())[0]).toBe('first');
		// The Node path (CLI, tests, benchmarks) asks for none: nothing polls, nothing is left set.
		const events = engine.run(
			'import signal\nprint(signal.getsignal(60) is signal.SIG_DFL)\n' + source
		);
		expect(stdout(events)).toEqual(['True', 'first', 'second']);
		const module = (engine.pyodide as unknown as { _module: Record<string, unknown> })._module;
		expect(module.Py_EmscriptenSignalBuffer).toBeUndefined();
	});

	it('a report that lands while a turn lists its due timers still gives the whole list', () => {
		// The signal is raised at the next bytecode, wherever it is: here, between two timers the
		// turn pops (the handler is called as the signal would call it, in the turn's frame).
		const { increments, final } = runReporting(
			`
			import asyncio, heapq, signal, sys
			real_heappop = heapq.heappop
			def heappop(heap):
			    item = real_heappop(heap)
			    signal.getsignal(60)(60, sys._getframe(1))
			    return item
			async def main():
			    heapq.heappop = heappop
			    try:
			        await asyncio.gather(*(asyncio.sleep(1) for _ in range(3)))
			    finally:
			        heapq.heappop = real_heappop
			    print("woke")
			    signal.getsignal(60)(60, sys._getframe())
			asyncio.run(main())
			`,
			60_000
		);
		expect(stdout(final)).toEqual(['woke']);
		const turns = (events: TraceEvent[]) =>
			events.flatMap((event) => (event.kind === 'turn' && event.due.length > 0 ? [event] : []));
		const woken = turns(final);
		expect(woken.map((turn) => turn.due.length)).toEqual([3]);
		// The reports made mid-list held the turn back; the one after "woke" has it whole.
		const joined = increments.flat();
		expect(stdout(joined)).toEqual(['woke']);
		expect(turns(joined)).toEqual(woken);
		expect(joined).toEqual(final.slice(0, joined.length));
	});

	it('once the reports have no reader, the run is interrupted where it spins', () => {
		// The runner's frame is gone (Stop removed it): the worker must stop computing at once, not
		// when the browser ends it two seconds later.
		const started = performance.now();
		let asked = 0;
		const hostAlive = () => {
			asked++;
			return performance.now() - started < 300;
		};
		const increments: string[] = [];
		const json = engine.runJson(
			dedent(`
				import time
				print("spinning")
				until = time.monotonic() + 20
				while time.monotonic() < until:
				    pass
				print("never interrupted")
			`),
			{},
			(increment) => increments.push(increment),
			{ intervalMs: 50, hostAlive }
		);
		const events = JSON.parse(json) as TraceEvent[];
		expect(stdout(events)).toEqual(['spinning']);
		expect(events.find((event) => event.kind === 'limit')).toMatchObject({
			limit: 'interrupt',
			line: 4
		});
		expect(performance.now() - started).toBeLessThan(5_000);
		// Asked once a report is due, no more often than the interval.
		expect(asked).toBeGreaterThan(1);
		expect(asked).toBeLessThanOrEqual(Math.ceil((performance.now() - started) / 50) + 1);
		expect(increments.length).toBeGreaterThan(0);
		expect(stdout(engine.run('print("after")\n'))).toEqual(['after']);
	});

	it('a run that takes less than the interval makes no increment', () => {
		const { increments, final } = runReporting('print("quick")\n', 60_000);
		expect(increments).toEqual([]);
		expect(stdout(final)).toEqual(['quick']);
	});
});
