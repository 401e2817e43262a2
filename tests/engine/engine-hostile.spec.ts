/**
 * Engine: hostile and heavy input (issue 13). Whatever a program puts in a name, a message or a
 * line, the trace stays within the validator's limits, each cut marked with "…"; NaN and endless
 * sleeps end as CPython or the virtual-time limit says; and a program that changes what later
 * runs depend on is put back, and says so, so the runner can replace its runtime.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { TRACE_LIMITS } from '../../src/lib/engine/events';
import { parseTraceEvents } from '../../src/lib/runner/protocol';
import { bootEngine, ofKind, run, stdout } from './engine-helpers';

let engine: Engine;

beforeAll(async () => {
	engine = await bootEngine();
});

/** The trace passes the page's validator (which refuses a whole trace for one long string). */
function valid(events: unknown): void {
	expect(parseTraceEvents(events)).not.toBeNull();
}

describe('long strings are cut to the validator’s limits', () => {
	it('a 5 MB exception message', () => {
		const events = run(engine, 'raise ValueError("x" * 5_000_000)');
		valid(events);
		const [error] = ofKind(events, 'error');
		expect(error.type).toBe('ValueError');
		expect(error.message).toHaveLength(TRACE_LIMITS.maxString);
		expect(error.message.endsWith('x…')).toBe(true);
		expect(error.traceback.length).toBeLessThanOrEqual(TRACE_LIMITS.maxString);
	});

	it('a 1 MB task name, as a name and in a task’s exception', () => {
		const events = run(
			engine,
			`
import asyncio
async def fail():
    raise RuntimeError("y" * 2_000_000)
async def main():
    await asyncio.gather(asyncio.create_task(fail(), name="n" * 1_000_000), return_exceptions=True)
asyncio.run(main())
`
		);
		valid(events);
		const created = ofKind(events, 'task_created').find((event) => event.name.startsWith('nnn'));
		expect(created?.name).toHaveLength(TRACE_LIMITS.maxShortString);
		expect(created?.name.endsWith('n…')).toBe(true);
		const raised = ofKind(events, 'task_done').find((event) => event.state === 'raised');
		expect(raised?.exception?.message).toHaveLength(TRACE_LIMITS.maxString);
	});

	it('an output line of astral characters, counted as JavaScript counts them', () => {
		const events = run(engine, 'print("😀" * 600_000)');
		valid(events);
		const [line] = stdout(events);
		expect(line.length).toBeLessThanOrEqual(TRACE_LIMITS.maxString);
		expect(line.endsWith('😀…')).toBe(true);
	});

	it('a 20,000-character awaiting label and function name', () => {
		const events = run(
			engine,
			`
import asyncio
async def main():
    lock = asyncio.Event()
    async def waiter():
        await lock.wait()
    waiter.__code__ = waiter.__code__.replace(co_name="w" * 20_000, co_qualname="w" * 20_000)
    task = asyncio.create_task(waiter())
    await asyncio.sleep(0)
    lock.set()
    await task
asyncio.run(main())
`
		);
		valid(events);
		const frames = ofKind(events, 'task_suspended').flatMap((event) => event.chain);
		expect(frames.some((frame) => frame.fn.endsWith('w…'))).toBe(true);
		for (const frame of frames) expect(frame.fn.length).toBeLessThanOrEqual(10_000);
	});
});

describe('NaN and endless waits', () => {
	it('time.sleep(nan) raises CPython’s ValueError', () => {
		const events = run(engine, 'import time\ntime.sleep(float("nan"))');
		valid(events);
		const [error] = ofKind(events, 'error');
		expect(error).toMatchObject({
			type: 'ValueError',
			message: 'Invalid value NaN (not a number)'
		});
	});

	it('asyncio.sleep(nan) raises CPython’s ValueError', () => {
		const events = run(engine, 'import asyncio\nasyncio.run(asyncio.sleep(float("nan")))');
		valid(events);
		const [error] = ofKind(events, 'error');
		expect(error).toMatchObject({
			type: 'ValueError',
			message: 'Invalid delay: NaN (not a number)'
		});
	});

	it('call_later(nan) with nothing else ready fails as CPython’s loop does, not as a deadlock', () => {
		// CPython 3.14 passes the NaN deadline to its selector, and Linux's epoll raises; asyncio.run
		// then cancels main, and the NaN timer, due at once, fires during that clean-up.
		const events = run(
			engine,
			[
				'import asyncio',
				'async def main():',
				'    asyncio.get_running_loop().call_later(float("nan"), print, "fired")',
				'    await asyncio.sleep(0.1)',
				'    print("not reached")',
				'asyncio.run(main())'
			].join('\n')
		);
		valid(events);
		expect(ofKind(events, 'deadlock')).toEqual([]);
		expect(stdout(events)).toEqual(['fired']);
		expect(ofKind(events, 'error')[0]).toMatchObject({
			type: 'ValueError',
			message: 'cannot convert float NaN to integer'
		});
	});

	for (const [what, code] of [
		['time.sleep(inf)', 'import time\ntime.sleep(float("inf"))'],
		['asyncio.sleep(inf)', 'import asyncio\nasyncio.run(asyncio.sleep(float("inf")))'],
		['time.sleep(1e300)', 'import time\ntime.sleep(1e300)']
	] as const) {
		it(`${what} ends at the virtual-time limit with its message`, () => {
			const events = run(engine, code);
			valid(events);
			const [limit] = ofKind(events, 'limit');
			expect(limit.limit).toBe('virtual_time');
			expect(limit.message).toContain('the virtual clock would pass 3600 s');
			for (const band of ofKind(events, 'blocked')) expect(band.duration).toBeLessThanOrEqual(3600);
		});
	}
});

describe('a run that changes what later runs depend on', () => {
	const clean = 'import asyncio\nasync def main():\n    print("clean")\nasyncio.run(main())';

	function expectNextRunClean(): void {
		const events = run(engine, clean);
		expect(stdout(events)).toEqual(['clean']);
		expect(ofKind(events, 'error')).toEqual([]);
		expect(engine.interpreterChanges()).toEqual([]);
	}

	it('an ordinary run changes nothing', () => {
		run(engine, clean);
		expect(engine.interpreterChanges()).toEqual([]);
	});

	for (const [what, code, change] of [
		[
			'patching an engine class',
			'import playground.recorder as r\nr.TraceRecorder.output_written = lambda *a: None',
			'the class playground.recorder.TraceRecorder'
		],
		['sys.settrace', 'import sys\nsys.settrace(lambda *a: None)', 'a trace or profile hook'],
		['sys.setprofile', 'import sys\nsys.setprofile(lambda *a: None)', 'a trace or profile hook'],
		[
			'sys.modules["asyncio"] = None',
			'import sys\nsys.modules["asyncio"] = None',
			"sys.modules['asyncio']"
		],
		['an import hook', 'import sys\nsys.meta_path.insert(0, object())', 'the import machinery']
	] as const) {
		it(`${what} is reported, and put back`, () => {
			run(engine, code);
			expect(engine.interpreterChanges().join('\n')).toContain(change);
			expectNextRunClean();
		});
	}

	it('a change the engine does not put back itself is reported, for a fresh runtime', () => {
		const before = engine.pyodide.runPython('import sys; sys.getrecursionlimit()') as number;
		run(
			engine,
			'import asyncio, sys\nasyncio.base_events.BaseEventLoop.extra = 1\nsys.setrecursionlimit(5000)'
		);
		const changes = engine.interpreterChanges().join('\n');
		expect(changes).toContain('the class asyncio.base_events.BaseEventLoop');
		expect(changes).toContain('an interpreter setting');
		// In the page the runtime is replaced; here the test undoes it by hand.
		engine.pyodide.runPython(
			`import asyncio, sys\ndel asyncio.base_events.BaseEventLoop.extra\nsys.setrecursionlimit(${before})`
		);
		expectNextRunClean();
	});

	it('replacing json.dumps cannot forge the trace of the next run', () => {
		expect(() => run(engine, 'import json\njson.dumps = lambda *a, **k: "[]"')).toThrow(
			/not valid JSON/
		);
		expect(engine.interpreterChanges().join('\n')).toContain('json');
		expectNextRunClean();
	});
});
