/**
 * The event loop as the engine records it and the replay rebuilds it (trace version 2):
 * - the ready queue and timers the replay rebuilds equal the real loop's `_ready` deque and
 *   `_scheduled` heap at every turn, on every example and exercise (the debug option
 *   loop_snapshots records the real ones);
 * - every wake-up says what released the task, who, and at which line;
 * - recording at the loop leaves the user's coroutines to their tasks: get_coro(), task factories,
 *   eager tasks, max_steps untraced, no reference cycle from create_task;
 * - CPython's `_run_once` is still the one turns.py copies.
 * Real Pyodide, booted once for the file.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { buildReplay, type LoopReplay } from '../../src/lib/engine/replay';
import { loopPanel } from '../../src/lib/replay/loop-panel';
import { contractPrograms } from './contract-programs';
import { bootEngine, ofKind, run, stdout } from './engine-helpers';

let engine: Engine;

beforeAll(async () => {
	engine = await bootEngine();
});

/** Every run step's "label: reason", in the order the loop ran them. */
function ran(replay: LoopReplay): string[] {
	const lines: string[] = [];
	for (let k = 0; k < replay.stepCount; k++) {
		const step = replay.step(k);
		if (step.kind !== 'run' || step.handle === null) continue;
		const info = replay.handle(step.handle)!;
		lines.push(`${info.label}: ${info.reason}`);
	}
	return lines;
}

/** The reasons the task named `name` was scheduled, in order. */
function wakes(replay: LoopReplay, name: string): string[] {
	return ran(replay)
		.filter((line) => line.startsWith(`${name} step: `))
		.map((line) => line.slice(`${name} step: `.length));
}

function replayOf(source: string): LoopReplay {
	return buildReplay(run(engine, source));
}

describe('the queue the replay rebuilds is the real one', () => {
	it('at every turn of every example, exercise and contract program', () => {
		const mismatches: string[] = [];
		let compared = 0;
		for (const program of contractPrograms()) {
			const events = engine.run(program.source, { ...program.options, loop_snapshots: true });
			const replay = buildReplay(events);
			let turn = 0;
			for (const event of events) {
				if (event.kind === 'turn') turn = event.turn;
				if (event.kind !== 'loop_snapshot' || replay.cut) continue;
				const state = replay.stateAt(replay.stepOfTurn(turn));
				compared++;
				const real = { ready: event.ready, timers: event.timers };
				const rebuilt = { ready: state.ready, timers: state.timers };
				if (JSON.stringify(real) !== JSON.stringify(rebuilt)) {
					mismatches.push(
						`${program.name}, turn ${turn}: real ${JSON.stringify(real)}, replay ${JSON.stringify(rebuilt)}`
					);
				}
			}
		}
		expect(mismatches).toEqual([]);
		expect(compared).toBeGreaterThan(500);
	});

	it('CPython’s _run_once is still the one turns.py copies', () => {
		// If Pyodide's CPython changes `_run_once`, turns.py must follow it: compare the two, then
		// update this digest.
		const digest = engine.pyodide.runPython(`
import hashlib, inspect
from asyncio import base_events
hashlib.sha256(inspect.getsource(base_events.BaseEventLoop._run_once).encode()).hexdigest()[:16]
`) as string;
		expect(digest).toBe(RUN_ONCE_DIGEST);
	});
});

/** SHA-256 (first 16 hex digits) of CPython 3.14.2's BaseEventLoop._run_once source. */
const RUN_ONCE_DIGEST = '22aebfb8172a0741';

describe('every wake-up says what released the task, who, and where', () => {
	it('Lock.release, Semaphore.release, Event.set and Condition.notify in the releasing task', () => {
		const replay = replayOf(`
			import asyncio

			async def holder(lock, sem, event, cond):
			    async with lock:
			        async with sem:
			            await asyncio.sleep(1)
			    await asyncio.sleep(1)
			    event.set()
			    await asyncio.sleep(1)
			    async with cond:
			        cond.notify()

			async def waiter(lock, sem, event, cond):
			    await asyncio.sleep(0.5)
			    async with lock:
			        pass

			async def sem_waiter(lock, sem, event, cond):
			    await asyncio.sleep(0.5)
			    async with sem:
			        pass
			    await event.wait()
			    async with cond:
			        await cond.wait()

			async def main():
			    args = asyncio.Lock(), asyncio.Semaphore(1), asyncio.Event(), asyncio.Condition()
			    await asyncio.gather(holder(*args), waiter(*args), sem_waiter(*args))

			asyncio.run(main())
		`);
		expect(wakes(replay, 'Task-3')).toEqual([
			'created by gather() in Task-1, line 28',
			'woken by sleep(0.5) timer',
			// Leaving `async with lock:` releases it: CPython reports the `async with` line.
			'woken by Lock.release() in Task-2, line 4'
		]);
		expect(wakes(replay, 'Task-4')).toEqual([
			'created by gather() in Task-1, line 28',
			'woken by sleep(0.5) timer',
			'woken by Semaphore.release() in Task-2, line 5',
			'woken by Event.set() in Task-2, line 8',
			'woken by Condition.notify() in Task-2, line 11'
		]);
	});

	it('Queue.put wakes a getter and Queue.get a putter, in the task that called them', () => {
		const replay = replayOf(`
			import asyncio

			async def producer(queue):
			    await asyncio.sleep(1)
			    await queue.put(1)
			    await queue.put(2)

			async def consumer(queue):
			    print(await queue.get())
			    await asyncio.sleep(1)
			    print(await queue.get())

			async def main():
			    queue = asyncio.Queue(maxsize=1)
			    await asyncio.gather(producer(queue), consumer(queue))

			asyncio.run(main())
		`);
		expect(wakes(replay, 'Task-3')).toContain('woken by Queue.put() in Task-2, line 5');
		// The first get frees the only slot: the producer waiting to put 2 goes on.
		expect(wakes(replay, 'Task-2')).toContain('woken by Queue.get() in Task-3, line 9');
	});

	it('a child task finishing, gather and TaskGroup waking their parent', () => {
		const replay = replayOf(`
			import asyncio

			async def child(n):
			    await asyncio.sleep(n)
			    if n == 3:
			        raise ValueError(n)
			    return n

			async def main():
			    await asyncio.create_task(child(1))
			    await asyncio.gather(child(1), child(2))
			    async with asyncio.TaskGroup() as group:
			        group.create_task(child(1))
			    try:
			        await asyncio.create_task(child(3))
			    except ValueError:
			        pass

			asyncio.run(main())
		`);
		expect(wakes(replay, 'Task-1')).toEqual([
			'created by asyncio.run() in the main code, line 19',
			'woken: Task-2 finished',
			'woken by gather(): its children are done',
			'woken by TaskGroup: its tasks are done',
			'woken: Task-6 raised'
		]);
	});

	it('a call_soon callback, set_result and set_exception, with the line that called them', () => {
		const replay = replayOf(`
			import asyncio

			async def setter(future):
			    future.set_result("done")

			async def main():
			    loop = asyncio.get_running_loop()
			    future = loop.create_future()
			    loop.call_soon(future.set_result, "soon")
			    await future
			    other = loop.create_future()
			    loop.call_later(1, other.set_exception, ValueError("late"))
			    try:
			        await other
			    except ValueError:
			        pass
			    loop.call_soon(print, "a callback")
			    last = loop.create_future()
			    asyncio.create_task(setter(last))
			    await last

			asyncio.run(main())
		`);
		expect(ran(replay)).toContain(
			'Future.set_result callback → Task-1: scheduled by call_soon() in Task-1, line 9'
		);
		expect(ran(replay)).toContain('print callback: scheduled by call_soon() in Task-1, line 17');
		expect(wakes(replay, 'Task-1')).toEqual([
			'created by asyncio.run() in the main code, line 22',
			'woken by Future.set_result() in a callback',
			'woken by Future.set_exception timer',
			'woken by Future.set_result() in Task-2, line 4'
		]);
	});

	it('a cancellation says who cancelled, and a timeout that it expired', () => {
		const replay = replayOf(`
			import asyncio

			async def sleeper():
			    await asyncio.sleep(10)

			async def main():
			    task = asyncio.create_task(sleeper())
			    await asyncio.sleep(1)
			    task.cancel()
			    try:
			        async with asyncio.timeout(1):
			            await asyncio.sleep(10)
			    except TimeoutError:
			        pass
			    try:
			        await asyncio.wait_for(asyncio.sleep(10), timeout=1)
			    except TimeoutError:
			        pass

			asyncio.run(main())
		`);
		expect(wakes(replay, 'Task-2')).toContain('cancelled by Task-1, line 9');
		expect(wakes(replay, 'Task-1')).toContain('cancelled: timeout (1 s) expired');
		expect(wakes(replay, 'Task-1')).toContain('cancelled: wait_for timeout (1 s) expired');
	});

	it('a timer names what set it, when it is due and whom it wakes', () => {
		const replay = replayOf(`
			import asyncio

			async def say(n):
			    await asyncio.sleep(n)

			async def main():
			    await asyncio.gather(say(1), say(2))

			asyncio.run(main())
		`);
		const state = replay.stateAt(replay.stepOfTurn(3));
		expect(state.timers.map((handle) => replay.handle(handle)!.label)).toEqual([
			'sleep(2) timer → Task-3'
		]);
		expect(state.timers.map((handle) => replay.handle(handle)!.when)).toEqual([2]);
		expect(replay.handle(state.timers[0])!.reason).toBe('set by Task-3, line 4');
	});

	it('every timer is named for the call that set it, at the user’s line', () => {
		// A sleep's timer read from its fixed frames (tracer.describe_sleep_timer) or, when a
		// library called sleep, from the walk: both name the user's line.
		const replay = replayOf(`
			import asyncio

			async def main():
			    await asyncio.sleep(1)
			    await asyncio.wait_for(asyncio.sleep(1), 5)
			    asyncio.get_running_loop().call_later(1, print, "x")
			    async with asyncio.timeout(3):
			        await asyncio.sleep(0.5)

			asyncio.run(main())
		`);
		const timers: string[] = [];
		for (let number = 1; number < 40; number++) {
			const info = replay.handle(number);
			if (info !== null && info.when !== null)
				timers.push(`${info.what}: ${info.api}, line ${info.line}`);
		}
		expect(timers).toEqual([
			'sleep(1) timer: sleep, line 4',
			'wait_for timeout (5 s): wait_for, line 5',
			'sleep(1) timer: wait_for, line 5',
			'print timer: BaseEventLoop.call_later, line 6',
			'timeout (3 s): Timeout.__aenter__, line 7',
			'sleep(0.5) timer: sleep, line 8'
		]);
	});
});

describe('the default example, step by step', () => {
	it('at the step that prints "hello 1", Task-2 runs its print line and Task-3, Task-4 wait on timers', () => {
		const example = contractPrograms().find((program) => program.name === 'example 01-gather')!;
		const lines = example.source.split('\n');
		const printLine = lines.findIndex((line) => line.includes('print(f"hello')) + 1;
		const gatherLine = lines.findIndex((line) => line.includes('asyncio.gather(')) + 1;
		const events = engine.run(example.source);
		const replay = buildReplay(events);
		const printed = stdout(events).indexOf('hello 1') + 1;
		let k = 0;
		while (replay.stateAt(k).outputCount < printed) k++;
		const state = replay.stateAt(k);
		expect(state.running?.label).toBe('Task-2 step');
		expect(state.runningLine).toBe(printLine);
		expect(state.t).toBe(1);
		expect(state.timers.map((handle) => replay.handle(handle)!.label)).toEqual([
			'sleep(2) timer → Task-3',
			'sleep(3) timer → Task-4'
		]);
		expect(state.tasks.map((task) => `${task.name} ${task.state}`)).toEqual([
			'Task-1 waiting',
			'Task-2 running',
			'Task-3 waiting',
			'Task-4 waiting'
		]);
		expect(state.tasks[0].chain).toEqual([{ fn: 'main', line: gatherLine }]);
		// As the Event loop panel says it.
		const panel = loopPanel(replay, state);
		expect(panel.running).toBe(`Task-2 runs at line ${printLine}.`);
		expect(panel.timers.map((entry) => entry.title)).toEqual([
			'2.00 s: wake Task-3 (sleep(2))',
			'3.00 s: wake Task-4 (sleep(3))'
		]);
		expect(
			panel.waiting.map((entry) => `${entry.title}: ${entry.detail} · ${entry.chain}`)
		).toEqual([
			`Task-1: awaits gather(3), line ${gatherLine} · main() line ${gatherLine}`,
			`Task-3: awaits sleep(2), line ${printLine - 1} · say() line ${printLine - 1}`,
			`Task-4: awaits sleep(3), line ${printLine - 1} · say() line ${printLine - 1}`
		]);
	});
});

describe('runs that end early replay to their end', () => {
	it('a deadlock: the stuck tasks wait, nothing is ready, no timer is set', () => {
		const replay = replayOf(`
			import asyncio

			async def main():
			    await asyncio.Event().wait()

			asyncio.run(main())
		`);
		expect(replay.ending).toBe('deadlock');
		const end = replay.stateAt(replay.stepCount - 1);
		expect(end.step.kind).toBe('end');
		expect(end.ready).toEqual([]);
		expect(end.timers).toEqual([]);
		expect(end.tasks.map((task) => `${task.name} ${task.state} ${task.awaiting?.label}`)).toEqual([
			'Task-1 waiting Event.wait'
		]);
	});

	it('a limit and an error', () => {
		const limited = buildReplay(
			run(
				engine,
				'import asyncio\nasync def main():\n    while True:\n        await asyncio.sleep(0)\nasyncio.run(main())\n',
				{
					max_steps: 50
				}
			)
		);
		expect(limited.ending).toBe('limit');
		expect(limited.turnCount).toBeGreaterThan(40);
		const raised = replayOf(`
			import asyncio

			async def main():
			    await asyncio.sleep(1)
			    raise KeyError("k")

			asyncio.run(main())
		`);
		expect(raised.ending).toBe('error');
		const task = raised.stateAt(raised.stepCount - 1).tasks[0];
		expect(task.state).toBe('raised');
		expect(task.exception).toEqual({ type: 'KeyError', message: "'k'" });
	});

	it('a trace cut at the event cap replays up to the cut and says so', () => {
		const events = run(
			engine,
			`
			import asyncio

			async def worker(i):
			    await asyncio.sleep(1)

			async def main():
			    await asyncio.gather(*(worker(i) for i in range(50)))

			asyncio.run(main())
		`,
			{ max_events: 120 }
		);
		const replay = buildReplay(events);
		expect(replay.cut).not.toBeNull();
		const last = replay.stateAt(replay.stepCount - 1);
		expect(last.step.kind).toBe('end');
		// Every step up to the cut has a state; none throws.
		for (let k = -3; k < replay.stepCount + 3; k++) expect(() => replay.stateAt(k)).not.toThrow();
	});
});

describe('trace_loop: false, for the benchmark that measures what recording the loop costs', () => {
	it('records version 1’s events alone, the same as with the loop', () => {
		const source = `
			import asyncio

			async def worker(i, lock):
			    async with lock:
			        await asyncio.sleep(i)
			    print("done", i)

			async def main():
			    lock = asyncio.Lock()
			    await asyncio.gather(*(worker(i, lock) for i in range(3)))

			asyncio.run(main())
		`;
		const loopKinds = new Set(['label', 'turn', 'handles', 'callback', 'loop_closed']);
		const strip = (events: ReturnType<typeof run>) =>
			events.map((event) => ('real_ms' in event ? { ...event, real_ms: 0 } : event));
		const withLoop = run(engine, source);
		const withoutLoop = run(engine, source, { trace_loop: false });
		expect(withoutLoop.filter((event) => loopKinds.has(event.kind))).toEqual([]);
		expect(withLoop.some((event) => event.kind === 'turn')).toBe(true);
		expect(strip(withoutLoop)).toEqual(
			strip(withLoop.filter((event) => !loopKinds.has(event.kind)))
		);
	});
});

describe('the user’s coroutine is the task’s own', () => {
	it('get_coro() is the coroutine, and a task factory receives it and its tasks are traced', () => {
		const events = run(
			engine,
			`
			import asyncio, types

			seen = []

			def factory(loop, coro, **kwargs):
			    seen.append(type(coro) is types.CoroutineType)
			    return asyncio.Task(coro, loop=loop, **kwargs)

			async def child():
			    await asyncio.sleep(1)

			async def main():
			    coro = child()
			    task = asyncio.create_task(coro)
			    print(task.get_coro() is coro, type(task.get_coro()).__name__)
			    asyncio.get_running_loop().set_task_factory(factory)
			    await asyncio.create_task(child())
			    await task
			    print(seen)

			asyncio.run(main())
		`
		);
		expect(stdout(events)).toEqual(['True coroutine', '[True]']);
		expect(ofKind(events, 'task_created').map((event) => event.coro)).toEqual([
			'main',
			'child',
			'child'
		]);
		expect(ofKind(events, 'task_resumed').filter((event) => event.task === 3)).toHaveLength(2);
	});

	it('a task factory that takes only (loop, coro) works, as in CPython, and its tasks keep the run’s numbers', () => {
		const events = run(
			engine,
			`
			import asyncio

			def factory(loop, coro):
			    return asyncio.Task(coro, loop=loop)

			async def child():
			    await asyncio.sleep(1)
			    return asyncio.current_task().get_name()

			async def main():
			    asyncio.get_running_loop().set_task_factory(factory)
			    print(await asyncio.create_task(child()))
			    print(await asyncio.create_task(child()))

			asyncio.run(main())
		`
		);
		expect(stdout(events)).toEqual(['Task-2', 'Task-3']);
		expect(ofKind(events, 'task_created').map((event) => event.name)).toEqual([
			'Task-1',
			'Task-2',
			'Task-3'
		]);
	});

	it('an eager task runs its first step inside create_task, recorded as a step', () => {
		const events = run(
			engine,
			`
			import asyncio

			async def child():
			    print("child starts")
			    await asyncio.sleep(1)

			async def main():
			    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
			    task = asyncio.create_task(child())
			    print("created")
			    await task

			asyncio.run(main())
		`
		);
		expect(stdout(events)).toEqual(['child starts', 'created']);
		const kinds = events
			.filter((event) => event.kind.startsWith('task_') || event.kind === 'output')
			.map((event) => ('task' in event ? `${event.kind} ${event.task}` : event.kind));
		expect(kinds.slice(0, 6)).toEqual([
			'task_created 1',
			'task_resumed 1',
			'task_created 2',
			'task_resumed 2',
			'output 2',
			'task_suspended 2'
		]);
		const replay = buildReplay(events);
		const eager = [...Array(replay.stepCount).keys()]
			.map((k) => replay.step(k))
			.find((step) => step.eager);
		expect(eager?.task).toBe(2);
	});

	it('max_steps stops a spinning program untraced too', () => {
		const events = run(
			engine,
			'import asyncio\nasync def main():\n    while True:\n        await asyncio.sleep(0)\nasyncio.run(main())\n',
			{ max_steps: 100, trace: false }
		);
		expect(ofKind(events, 'limit').map((event) => event.limit)).toEqual(['steps']);
	});

	it('create_task keeps no reference to a task that failed in its eager first step', () => {
		const events = run(
			engine,
			`
			import asyncio, gc, weakref

			async def fails():
			    raise ValueError("at once")

			async def main():
			    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
			    task = asyncio.create_task(fails())
			    task.exception()
			    ref = weakref.ref(task)
			    del task
			    print(ref() is None)
			    gc.collect()

			asyncio.run(main())
		`
		);
		expect(stdout(events)).toEqual(['True']);
	});
});
