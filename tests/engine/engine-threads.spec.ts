/**
 * Engine: threads, simulated on the virtual clock (decision 0093). A thread starts at the
 * program's next wait, runs on its own clock, and may wait on the event loop
 * (run_coroutine_threadsafe) or on other threads; what cannot work says so.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { bootEngine, duration, ofKind, run, stdout } from './engine-helpers';

let engine: Engine;

beforeAll(async () => {
	engine = await bootEngine();
});

/** [virtual time, text] of each printed line. */
function timed(events: ReturnType<typeof run>): [number, string][] {
	return ofKind(events, 'output').map((event) => [event.t, event.text]);
}

describe('threads and the event loop', () => {
	it('run_coroutine_threadsafe from a thread: the loop runs the coroutine while the thread waits', () => {
		const events = run(
			engine,
			`
import asyncio, threading, time

def in_thread(loop):
    print("thread starts in", threading.current_thread().name)
    future = asyncio.run_coroutine_threadsafe(asyncio.sleep(1, result=3), loop)
    result = future.result(timeout=2)
    print("thread got", result, "at", time.monotonic())
    return result * 2

async def ticker():
    for _ in range(3):
        await asyncio.sleep(0.4)
        print("tick")

async def main():
    loop = asyncio.get_running_loop()
    ticks = asyncio.create_task(ticker())
    print("main got", await asyncio.to_thread(in_thread, loop))
    await ticks

asyncio.run(main())
`
		);
		expect(timed(events)).toEqual([
			[0, 'thread starts in asyncio_0'],
			[0.4, 'tick'],
			[0.8, 'tick'],
			[1, 'thread got 3 at 1.0'],
			[1, 'main got 6'],
			[1.2, 'tick']
		]);
	});

	it('a thread that waits longer than its timeout gets TimeoutError, on the virtual clock', () => {
		const events = run(
			engine,
			`
import asyncio, concurrent.futures, time

def in_thread(loop):
    future = asyncio.run_coroutine_threadsafe(asyncio.sleep(5), loop)
    try:
        future.result(timeout=2)
    except TimeoutError:
        print("timed out at", time.monotonic())
        future.cancel()

async def main():
    await asyncio.to_thread(in_thread, asyncio.get_running_loop())

asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['timed out at 2.0']);
		expect(duration(events)).toBe(2);
	});

	it("loop.call_soon_threadsafe from a thread runs the callback at the thread's own time", () => {
		const events = run(
			engine,
			`
import asyncio, time

def worker(loop, done):
    time.sleep(1.5)
    loop.call_soon_threadsafe(done.set_result, "from the thread")

async def main():
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    loop.run_in_executor(None, worker, loop, done)
    print(await done, loop.time())

asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['from the thread 1.5']);
	});

	it('run_in_executor does not run its function before the loop runs', () => {
		const events = run(
			engine,
			`
import asyncio

def job():
    print("job runs")

async def main():
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(None, job)
    print("submitted")
    await future

asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['submitted', 'job runs']);
	});

	it('a ThreadPoolExecutor with two workers runs four 1 s jobs in 2 s', () => {
		const events = run(
			engine,
			`
import asyncio, concurrent.futures, threading, time

def job(n):
    time.sleep(1)
    return n, threading.current_thread().name

async def main():
    loop = asyncio.get_running_loop()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="pool") as pool:
        results = await asyncio.gather(*(loop.run_in_executor(pool, job, n) for n in range(4)))
    print(results, loop.time())

asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual([
			"[(0, 'pool_0'), (1, 'pool_1'), (2, 'pool_0'), (3, 'pool_1')] 2.0"
		]);
	});
});

describe('threads without an event loop', () => {
	it('threading.Thread: started threads run side by side; join waits on the virtual clock', () => {
		const events = run(
			engine,
			`
import threading, time

def worker(n):
    print(f"worker {n} starting")
    time.sleep(1)
    print(f"worker {n} done")

threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
for thread in threads:
    thread.start()
print("all started", [thread.is_alive() for thread in threads])
for thread in threads:
    thread.join()
print("all done at", time.monotonic(), [thread.is_alive() for thread in threads])
`
		);
		expect(timed(events)).toEqual([
			[0, 'all started [True, True, True]'],
			[0, 'worker 0 starting'],
			[0, 'worker 1 starting'],
			[0, 'worker 2 starting'],
			[1, 'worker 0 done'],
			[1, 'worker 1 done'],
			[1, 'worker 2 done'],
			[1, 'all done at 1.0 [False, False, False]']
		]);
	});

	it('a thread that raises prints "Exception in thread", as threading.excepthook does', () => {
		const events = run(
			engine,
			`
import threading

def worker():
    raise ValueError("boom")

thread = threading.Thread(target=worker)
thread.start()
thread.join()
print("main goes on")
`
		);
		const output = stdout(events);
		expect(output[0]).toBe('Exception in thread Thread-1 (worker):');
		expect(output).toContain('ValueError: boom');
		expect(output.join('\n')).not.toContain('/engine/');
		expect(output.at(-1)).toBe('main goes on');
	});

	it('ThreadPoolExecutor.submit, result and concurrent.futures.wait', () => {
		const events = run(
			engine,
			`
import concurrent.futures, time

with concurrent.futures.ThreadPoolExecutor() as pool:
    futures = [pool.submit(time.sleep, seconds) for seconds in (3, 1, 2)]
    done, pending = concurrent.futures.wait(futures, return_when=concurrent.futures.FIRST_COMPLETED)
    print(len(done), len(pending), time.monotonic())
print(time.monotonic())
`
		);
		expect(stdout(events)).toEqual(['1 2 1.0', '3.0']);
	});

	it('threading.Event and queue.Queue between the main thread and a worker it joins', () => {
		const events = run(
			engine,
			`
import queue, threading, time

jobs = queue.Queue()
ready = threading.Event()

def worker():
    ready.set()
    while (item := jobs.get()) is not None:
        time.sleep(0.5)
        print("did", item, "at", time.monotonic())
        jobs.task_done()
    jobs.task_done()

for item in ("a", "b", "c"):
    jobs.put(item)
jobs.put(None)
thread = threading.Thread(target=worker)
thread.start()
ready.wait()
thread.join()
print("all done at", time.monotonic())
`
		);
		expect(stdout(events)).toEqual([
			'did a at 0.5',
			'did b at 1.0',
			'did c at 1.5',
			'all done at 1.5'
		]);
	});

	it('what a simulated thread cannot wait for raises ThreadCannotWait and says so in a note', () => {
		const events = run(
			engine,
			`
import threading

go = threading.Event()

def worker():
    go.wait()
    print("never")

thread = threading.Thread(target=worker)
thread.start()
thread.join(timeout=1)
go.set()
`
		);
		const output = stdout(events).join('\n');
		expect(output).toContain('playground.threads.ThreadCannotWait: the playground cannot pause');
		const [note] = ofKind(events, 'note').filter((n) => n.code === 'thread_cannot_wait');
		expect(note.message).toMatch(/use asyncio tasks/);
		expect(note.line).toBe(6);
	});

	it('a thread left waiting on a loop that stops gets a note saying to await the thread', () => {
		const events = run(
			engine,
			`
import asyncio

async def later():
    await asyncio.sleep(5)

def worker(loop):
    asyncio.run_coroutine_threadsafe(later(), loop).result()
    print("never")

async def main():
    loop = asyncio.get_running_loop()
    loop.run_in_executor(None, worker, loop)
    await asyncio.sleep(1)
    print("main done")

asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['main done']);
		const [note] = ofKind(events, 'note').filter((n) => n.code === 'thread_cannot_wait');
		expect(note.message).toMatch(/the event loop it waits on stopped.*asyncio\.to_thread/);
		expect(note.line).toBe(7);
		expect(duration(events)).toBe(1);
	});
});
