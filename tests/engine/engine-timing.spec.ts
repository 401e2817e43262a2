/**
 * Engine: the virtual clock. Concurrent versus sequential timings, equal deadlines, blocking
 * calls, CPU work, simulated threads, output stamps and repeatability.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import type { TraceEvent } from '../../src/lib/engine/events';
import { bootEngine, duration, ofKind, run, stdout, taskNamed, waits } from './engine-helpers';

let engine: Engine;

beforeAll(async () => {
	engine = await bootEngine();
});

const SAY = `
import asyncio, time
async def say(n):
    await asyncio.sleep(n)
    print(f"{time.perf_counter():.2f} hello {n}")
    return n
`;

describe('several tasks at once', () => {
	it('gather of 1 s + 2 s + 3 s takes 3.00 s, with three child tasks under main', () => {
		const events = run(
			engine,
			SAY +
				`
async def main():
    print(await asyncio.gather(say(1), say(2), say(3)))
asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['1.00 hello 1', '2.00 hello 2', '3.00 hello 3', '[1, 2, 3]']);
		expect(duration(events)).toBe(3);
		const created = ofKind(events, 'task_created');
		expect(created.map((event) => [event.name, event.parent, event.coro])).toEqual([
			['Task-1', null, 'main'],
			['Task-2', 1, 'say'],
			['Task-3', 1, 'say'],
			['Task-4', 1, 'say']
		]);
		const gather = ofKind(events, 'task_suspended').find((event) => event.task === 1)!;
		expect(gather.awaiting).toEqual({ kind: 'gather', label: 'gather(3)', tasks: [2, 3, 4] });
		expect(gather.line).toBe(8);
		expect(waits(events, 3)).toEqual(['sleep(2)']);
		const sleep2 = ofKind(events, 'task_suspended').find((event) => event.task === 3)!;
		expect(sleep2.awaiting.until).toBe(2);
		expect(sleep2.chain).toEqual([{ fn: 'say', line: 3 }]);
	});

	it('awaiting one by one takes 6.00 s and creates no tasks besides main', () => {
		const events = run(
			engine,
			SAY +
				`
async def main():
    for n in (1, 2, 3):
        await say(n)
asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['1.00 hello 1', '3.00 hello 2', '6.00 hello 3']);
		expect(duration(events)).toBe(6);
		expect(ofKind(events, 'task_created')).toHaveLength(1);
		expect(waits(events, 1)).toEqual(['sleep(1)', 'sleep(2)', 'sleep(3)']);
	});

	it('a loop of create_task calls runs concurrently too (3.00 s), awaiting each task', () => {
		const events = run(
			engine,
			SAY +
				`
async def main():
    tasks = [asyncio.create_task(say(n)) for n in (1, 2, 3)]
    print("created", [t.done() for t in tasks])
    for t in tasks:
        await t
asyncio.run(main())
`
		);
		expect(stdout(events)[0]).toBe('created [False, False, False]');
		expect(duration(events)).toBe(3);
		expect(waits(events, 1)).toEqual(['Task-2', 'Task-3', 'Task-4']);
		const awaited = ofKind(events, 'task_suspended').filter((event) => event.task === 1);
		expect(awaited.map((event) => event.awaiting.task)).toEqual([2, 3, 4]);
	});

	it('twenty sleep(1) made at the same instant wake in the order they were scheduled', () => {
		const events = run(
			engine,
			`
import asyncio
async def worker(i):
    await asyncio.sleep(1)
    print(i)
async def main():
    await asyncio.gather(*(worker(i) for i in range(20)))
asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
		expect(duration(events)).toBe(1);
	});
});

describe('blocking and CPU work', () => {
	it('time.sleep in a coroutine blocks the whole loop, recorded with its line and task', () => {
		const events = run(
			engine,
			`
import asyncio, time
async def blocker():
    time.sleep(2)
    print("blocker", time.perf_counter())
async def sleeper():
    await asyncio.sleep(1)
    print("sleeper", time.perf_counter())
async def main():
    await asyncio.gather(blocker(), sleeper())
asyncio.run(main())
`
		);
		expect(ofKind(events, 'blocked')).toEqual([
			{ kind: 'blocked', t: 0, duration: 2, cause: 'time.sleep', line: 3, task: 2 }
		]);
		// The sleeper could not even start its sleep until the blocker let go at 2 s.
		expect(stdout(events)).toEqual(['blocker 2.0', 'sleeper 3.0']);
		expect(duration(events)).toBe(3);
	});

	it('time.sleep at top level blocks with no task', () => {
		const events = run(engine, 'import time\ntime.sleep(0.25)\nprint(time.monotonic())\n');
		expect(ofKind(events, 'blocked')[0]).toMatchObject({
			t: 0,
			duration: 0.25,
			line: 2,
			task: null
		});
		expect(stdout(events)).toEqual(['0.25']);
	});

	it('CPU work costs no virtual time, is noted when long, and runs stay repeatable', () => {
		const source = `
import asyncio, time
async def crunch():
    t0 = time.perf_counter()
    total = 0
    for i in range(400_000):
        total += i * i
    print("crunch", time.perf_counter() - t0)
    await asyncio.sleep(1)
async def main():
    await asyncio.gather(crunch(), asyncio.sleep(0.5))
asyncio.run(main())
`;
		const first = run(engine, source);
		const second = run(engine, source);
		expect(stdout(first)).toEqual(['crunch 0.0']);
		expect(duration(first)).toBe(1);
		const notes = ofKind(first, 'note').filter((note) => note.code === 'cpu_work');
		expect(notes.length).toBeLessThanOrEqual(1);
		if (notes.length === 1) {
			expect(notes[0]).toMatchObject({ t: 0, line: 8 });
			expect(notes[0].message).toMatch(/^Task-2 ran for \d+ ms of real time without awaiting/);
		}
		// Identical apart from real time: the run's length and any CPU note's millisecond count.
		const comparable = (events: TraceEvent[]) =>
			events.filter((event) => event.kind !== 'note' && event.kind !== 'run_end');
		expect(comparable(second)).toEqual(comparable(first));
	});

	it('a step that computes for well over 250 ms of real time gets a cpu_work note', () => {
		const events = run(
			engine,
			`
import asyncio
async def main():
    total = sum(i * i for i in range(3_000_000))
    await asyncio.sleep(0)
asyncio.run(main())
`
		);
		const [note] = ofKind(events, 'note').filter((n) => n.code === 'cpu_work');
		expect(note).toMatchObject({ code: 'cpu_work', t: 0, line: 4 });
		expect(duration(events)).toBe(0);
	});
});

describe('threads (simulated on the virtual clock)', () => {
	it('two to_thread(time.sleep) of 1 s and 2 s, gathered, take 2 s', () => {
		const events = run(
			engine,
			`
import asyncio, time
async def main():
    t0 = time.perf_counter()
    await asyncio.gather(asyncio.to_thread(time.sleep, 1), asyncio.to_thread(time.sleep, 2))
    print(time.perf_counter() - t0)
asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['2.0']);
		expect(duration(events)).toBe(2);
		expect(ofKind(events, 'blocked')).toHaveLength(0);
		// A thread starts at the loop's next turn, so when it will end is not known yet.
		const threads = ofKind(events, 'task_suspended').filter((e) => e.awaiting.kind === 'thread');
		expect(threads.map((event) => [event.awaiting.label, event.awaiting.until])).toEqual([
			['to_thread(sleep)', null],
			['to_thread(sleep)', null]
		]);
	});

	it("a thread's prints appear at their own virtual times; its result and errors arrive", () => {
		const events = run(
			engine,
			`
import asyncio, time
def work(n):
    print("start", n)
    time.sleep(n)
    print("end", n)
    if n == 3:
        raise ValueError("thread failed")
    return n * 10
async def main():
    loop = asyncio.get_running_loop()
    a = await loop.run_in_executor(None, work, 1)
    print("got", a)
    try:
        await asyncio.to_thread(work, 3)
    except ValueError as e:
        print("caught", e)
asyncio.run(main())
`
		);
		const lines = ofKind(events, 'output').map((event) => [event.t, event.text, event.task]);
		expect(lines).toEqual([
			[0, 'start 1', null],
			[1, 'end 1', null],
			[1, 'got 10', 1],
			[1, 'start 3', null],
			[4, 'end 3', null],
			[4, 'caught thread failed', 1]
		]);
		const waitsOfMain = ofKind(events, 'task_suspended').filter((event) => event.task === 1);
		expect(waitsOfMain[0].awaiting).toMatchObject({
			kind: 'thread',
			label: 'run_in_executor(work)',
			until: null
		});
	});
});

describe('output', () => {
	it('each line carries the virtual time and the task that printed it', () => {
		const events = run(
			engine,
			`
import asyncio, sys
async def child():
    await asyncio.sleep(0.5)
    print("from child")
    print("to stderr", file=sys.stderr)
async def main():
    print("from main")
    await asyncio.create_task(child(), name="kid")
    print("partial", end="")
    print(" line\\ntwo lines")
print("top level")
asyncio.run(main())
print("no newline at the end", end="")
`
		);
		expect(ofKind(events, 'output').map((e) => [e.t, e.stream, e.text, e.task])).toEqual([
			[0, 'stdout', 'top level', null],
			[0, 'stdout', 'from main', 1],
			[0.5, 'stdout', 'from child', 2],
			[0.5, 'stderr', 'to stderr', 2],
			[0.5, 'stdout', 'partial line', 1],
			[0.5, 'stdout', 'two lines', 1],
			[0.5, 'stdout', 'no newline at the end', null]
		]);
		expect(taskNamed(events, 'kid')).toMatchObject({ task: 2, parent: 1, line: 8 });
	});

	it('output beyond max_output_chars is cut off with a note, and the run goes on', () => {
		const events = run(engine, 'for i in range(100):\n    print("x" * 9)\nprint("end")\n', {
			max_output_chars: 100
		});
		expect(stdout(events)).toHaveLength(10);
		expect(ofKind(events, 'note').filter((n) => n.code === 'output_truncated')).toHaveLength(1);
		expect(ofKind(events, 'limit')).toHaveLength(0);
	});
});
