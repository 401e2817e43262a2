/**
 * Engine: tasks and the synchronisation primitives a workshop uses, with what each task awaits.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { bootEngine, duration, ofKind, run, stdout, taskNamed, waits } from './engine-helpers';

let engine: Engine;

beforeAll(async () => {
	engine = await bootEngine();
});

describe('tasks', () => {
	it('create_task starts in the background once main awaits; done(), result(), cancel()', () => {
		const events = run(
			engine,
			`
import asyncio
async def job(n):
    print("job starts", n)
    await asyncio.sleep(n)
    return n * 10
async def main():
    t = asyncio.create_task(job(1))
    print("created, done:", t.done())
    await asyncio.sleep(0)
    print("after one turn, done:", t.done())
    print("result:", await t, t.result(), t.done())
    slow = asyncio.create_task(job(5))
    await asyncio.sleep(1)
    print("cancel:", slow.cancel())
    try:
        await slow
    except asyncio.CancelledError:
        print("cancelled:", slow.cancelled())
asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual([
			'created, done: False',
			'job starts 1',
			'after one turn, done: False',
			'result: 10 10 True',
			'job starts 5',
			'cancel: True',
			'cancelled: True'
		]);
		expect(ofKind(events, 'task_done').map((e) => [e.task, e.state, e.t])).toEqual([
			[2, 'done', 1],
			[3, 'cancelled', 2],
			[1, 'done', 2]
		]);
		expect(ofKind(events, 'task_done')[0].result).toBe('10');
		// The cancelled task was inside asyncio.sleep(5) (line 4) when the CancelledError arrived.
		expect(ofKind(events, 'task_done')[1].line).toBe(4);
		expect(waits(events, 1)).toEqual(['sleep(0)', 'Task-2', 'sleep(1)', 'Task-3']);
	});

	it('a bare coroutine object does nothing until awaited; a task runs without await', () => {
		const events = run(
			engine,
			`
import asyncio
async def shout(word):
    print(word)
async def main():
    coro = shout("coroutine")
    task = asyncio.create_task(shout("task"))
    await asyncio.sleep(1)
    print("before await")
    await coro
asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['task', 'before await', 'coroutine']);
		expect(ofKind(events, 'warning')).toHaveLength(0);
	});

	it('a forgotten background task is cancelled when asyncio.run ends main', () => {
		const events = run(
			engine,
			`
import asyncio
async def background():
    await asyncio.sleep(1)
    print("background finished")
async def main():
    asyncio.create_task(background())
    await asyncio.sleep(0.5)
    print("main finished")
asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['main finished']);
		expect(ofKind(events, 'task_done').map((e) => [e.task, e.state, e.t])).toEqual([
			[1, 'done', 0.5],
			[2, 'cancelled', 0.5]
		]);
	});

	it('TaskGroup waits for its children and names them in what main awaits', () => {
		const events = run(
			engine,
			`
import asyncio
async def w(n):
    await asyncio.sleep(n)
    return n
async def main():
    async with asyncio.TaskGroup() as tg:
        a = tg.create_task(w(1))
        b = tg.create_task(w(2))
    print(a.result() + b.result())
asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['3']);
		expect(duration(events)).toBe(2);
		const [group] = ofKind(events, 'task_suspended').filter((e) => e.task === 1);
		expect(group.awaiting).toEqual({ kind: 'taskgroup', label: 'TaskGroup', tasks: [2, 3] });
		expect(group.line).toBe(6);
	});

	it('a failing child cancels its TaskGroup siblings and raises an ExceptionGroup', () => {
		const events = run(
			engine,
			`
import asyncio
async def fail():
    await asyncio.sleep(1)
    raise ValueError("child failed")
async def main():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(fail())
        tg.create_task(asyncio.sleep(5))
asyncio.run(main())
`
		);
		expect(ofKind(events, 'task_done').map((e) => [e.task, e.state])).toEqual([
			[2, 'raised'],
			[3, 'cancelled'],
			[1, 'raised']
		]);
		const [error] = ofKind(events, 'error');
		expect(error.type).toBe('ExceptionGroup');
		expect(error.traceback).toContain('ValueError: child failed');
		expect(duration(events)).toBe(1);
	});

	it('gather with return_exceptions=True returns the exception in place', () => {
		const events = run(
			engine,
			`
import asyncio
async def w(n):
    await asyncio.sleep(n)
    if n == 2:
        raise KeyError(n)
    return n
async def main():
    print(await asyncio.gather(w(1), w(2), w(3), return_exceptions=True))
asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['[1, KeyError(2), 3]']);
		expect(ofKind(events, 'task_done').find((e) => e.task === 3)).toMatchObject({
			state: 'raised',
			exception: { type: 'KeyError', message: '2' },
			line: 5
		});
		expect(duration(events)).toBe(3);
	});

	it('as_completed yields in finishing order; wait(FIRST_COMPLETED) returns done and pending', () => {
		const events = run(
			engine,
			`
import asyncio
async def w(n):
    await asyncio.sleep(n)
    return n
async def main():
    for next_done in asyncio.as_completed([w(3), w(1), w(2)]):
        print("as_completed", await next_done)
    tasks = [asyncio.create_task(w(1)), asyncio.create_task(w(4))]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    print(len(done), len(pending), asyncio.get_running_loop().time())
asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual([
			'as_completed 1',
			'as_completed 2',
			'as_completed 3',
			'1 1 4.0'
		]);
		const labels = waits(events, 1);
		expect(labels.slice(0, 3)).toEqual(['as_completed', 'as_completed', 'as_completed']);
		const [wait] = ofKind(events, 'task_suspended').filter(
			(e) => e.task === 1 && e.awaiting.kind === 'wait'
		);
		expect(wait.awaiting).toEqual({ kind: 'wait', label: 'wait(2)', tasks: [5, 6] });
	});
});

describe('timeouts and cancellation', () => {
	it('asyncio.timeout and wait_for raise TimeoutError at the deadline', () => {
		const events = run(
			engine,
			`
import asyncio
async def main():
    try:
        async with asyncio.timeout(1):
            await asyncio.sleep(5)
    except TimeoutError:
        print("timeout at", asyncio.get_running_loop().time())
    try:
        await asyncio.wait_for(asyncio.sleep(10), timeout=0.5)
    except TimeoutError:
        print("wait_for at", asyncio.get_running_loop().time())
asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['timeout at 1.0', 'wait_for at 1.5']);
		expect(waits(events, 1)).toEqual(['sleep(5)', 'wait_for(timeout=0.5)']);
		expect(ofKind(events, 'task_suspended')[1].awaiting.kind).toBe('wait_for');
	});

	it('a wait on asyncio.shield names the shielded task, which outlives the timeout', () => {
		const events = run(
			engine,
			`
import asyncio
async def save():
    await asyncio.sleep(3)
    print("saved")
async def main():
    task = asyncio.create_task(save(), name="save")
    try:
        async with asyncio.timeout(1):
            await asyncio.shield(task)
    except TimeoutError:
        print("gave up waiting")
    await task
asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['gave up waiting', 'saved']);
		const shielded = ofKind(events, 'task_suspended').find((e) => e.task === 1);
		expect(shielded?.awaiting).toEqual({ kind: 'task', label: 'shield(save)', task: 2 });
		expect(waits(events, 1)).toEqual(['shield(save)', 'save']);
	});

	it('cancelling a task runs its except/finally, and the awaiter sees CancelledError', () => {
		const events = run(
			engine,
			`
import asyncio
async def worker():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("worker cleaning up")
        raise
    finally:
        print("worker finally")
async def main():
    t = asyncio.create_task(worker())
    await asyncio.sleep(2)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print("main saw cancel", t.cancelled())
asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual([
			'worker cleaning up',
			'worker finally',
			'main saw cancel True'
		]);
		expect(taskNamed(events, 'Task-2').line).toBe(11);
		expect(ofKind(events, 'task_done')[0]).toMatchObject({ task: 2, state: 'cancelled', t: 2 });
	});
});

describe('synchronisation primitives', () => {
	it('Semaphore(2) lets two in at a time: three 1 s jobs take 2 s', () => {
		const events = run(
			engine,
			`
import asyncio
sem = asyncio.Semaphore(2)
async def job(i):
    async with sem:
        await asyncio.sleep(1)
        print("job", i, asyncio.get_running_loop().time())
async def main():
    await asyncio.gather(*(job(i) for i in range(3)))
asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['job 0 1.0', 'job 1 1.0', 'job 2 2.0']);
		expect(waits(events, 4)).toEqual(['Semaphore', 'sleep(1)']);
		expect(ofKind(events, 'task_suspended').find((e) => e.task === 4)!.awaiting.kind).toBe(
			'semaphore'
		);
	});

	it('Lock: the second task waits on "Lock" until the first releases it', () => {
		const events = run(
			engine,
			`
import asyncio
lock = asyncio.Lock()
async def critical(name):
    async with lock:
        print(name, "in", asyncio.get_running_loop().time())
        await asyncio.sleep(1)
async def main():
    await asyncio.gather(critical("a"), critical("b"))
asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['a in 0.0', 'b in 1.0']);
		expect(waits(events, 3)).toEqual(['Lock', 'sleep(1)']);
		const lockWait = ofKind(events, 'task_suspended').find((e) => e.awaiting.kind === 'lock')!;
		expect(lockWait).toMatchObject({ task: 3, line: 4 });
	});

	it('Event: waiters wake when it is set', () => {
		const events = run(
			engine,
			`
import asyncio
async def waiter(ev, name):
    await ev.wait()
    print(name, "woke at", asyncio.get_running_loop().time())
async def main():
    ev = asyncio.Event()
    tasks = [asyncio.create_task(waiter(ev, n)) for n in "ab"]
    await asyncio.sleep(1.5)
    ev.set()
    await asyncio.gather(*tasks)
asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['a woke at 1.5', 'b woke at 1.5']);
		expect(waits(events, 2)).toEqual(['Event.wait']);
	});

	it('Queue: a producer and a consumer take turns; join waits for task_done', () => {
		const events = run(
			engine,
			`
import asyncio
async def producer(q):
    for i in range(3):
        await asyncio.sleep(1)
        await q.put(i)
        print("put", i)
async def consumer(q):
    while True:
        item = await q.get()
        print("got", item)
        q.task_done()
async def main():
    q = asyncio.Queue()
    c = asyncio.create_task(consumer(q))
    await producer(q)
    await q.join()
    c.cancel()
asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['put 0', 'got 0', 'put 1', 'got 1', 'put 2', 'got 2']);
		expect(waits(events, 2)).toEqual(['Queue.get', 'Queue.get', 'Queue.get', 'Queue.get']);
		expect(waits(events, 1)).toEqual(['sleep(1)', 'sleep(1)', 'sleep(1)', 'Queue.join']);
		expect(ofKind(events, 'task_suspended').find((e) => e.task === 1)!.chain).toEqual([
			{ fn: 'main', line: 15 },
			{ fn: 'producer', line: 4 }
		]);
		expect(duration(events)).toBe(3);
	});
});
