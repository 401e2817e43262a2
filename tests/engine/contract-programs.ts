/**
 * Every program the trace contract test (contract.spec.ts) runs: the built-in examples, each
 * exercise's starter and solution, and small programs that reach what those do not (each limit,
 * each kind of wait, stderr, a thread's output, the event cap ...). Together they must produce
 * every kind, field and list value the contract declares; the test says which one is missing.
 */
import { readExamples } from '../../src/lib/examples/read-examples';
import type { RunOptions } from '../../src/lib/engine/events';
import { readExercises } from '../../src/lib/exercises/read-exercises';
import { dedent } from './engine-helpers';

export interface ContractProgram {
	name: string;
	source: string;
	options?: RunOptions;
}

/** Programs written for the contract: each names what it is there to reach. */
const EXTRA: ContractProgram[] = [
	{
		name: 'a task of an awaitable no function call made (its call has no arguments to record)',
		source: `
			import asyncio
			from collections.abc import Coroutine

			class Done(Coroutine):
			    def __await__(self):
			        yield from asyncio.sleep(0).__await__()
			    def send(self, value):
			        raise StopIteration(0)
			    def throw(self, *args):
			        raise StopIteration(0)
			    def close(self):
			        pass

			async def main():
			    await asyncio.create_task(Done())

			asyncio.run(main())
			`
	},
	{
		name: 'waits on every primitive',
		source: `
			import asyncio

			async def holder(lock, sem, cond, event):
			    async with lock, sem:
			        await asyncio.sleep(1)
			    async with cond:
			        cond.notify_all()
			    event.set()

			async def waiter(lock, sem, cond, event, queue, barrier):
			    await asyncio.sleep(0)
			    async with lock:
			        pass
			    async with sem:
			        pass
			    async with cond:
			        await cond.wait_for(lambda: event.is_set())
			    await event.wait()
			    await queue.put(1)
			    await queue.put(2)
			    await queue.join()
			    await barrier.wait()

			async def consumer(queue, barrier):
			    for _ in range(2):
			        await queue.get()
			        await asyncio.sleep(0.5)
			        queue.task_done()
			    await barrier.wait()

			async def main():
			    lock, sem = asyncio.Lock(), asyncio.Semaphore(1)
			    cond, event = asyncio.Condition(), asyncio.Event()
			    queue, barrier = asyncio.Queue(maxsize=1), asyncio.Barrier(2)
			    await asyncio.gather(
			        holder(lock, sem, cond, event),
			        waiter(lock, sem, cond, event, queue, barrier),
			        consumer(queue, barrier),
			    )

			asyncio.run(main())
		`
	},
	{
		name: 'waits on tasks, futures, threads and timeouts',
		source: `
			import asyncio, sys, time

			def blocking(seconds):
			    print("thread starts")
			    time.sleep(seconds)
			    print("thread says", seconds, file=sys.stderr)
			    return seconds

			async def child(n):
			    await asyncio.sleep(n)
			    return n

			async def main():
			    loop = asyncio.get_running_loop()
			    task = asyncio.create_task(child(1))
			    await task
			    future = loop.create_future()
			    loop.call_later(0.25, future.set_result, "ready")
			    await future
			    await asyncio.shield(asyncio.create_task(child(0.5)))
			    await asyncio.to_thread(blocking, 0.75)
			    await loop.run_in_executor(None, blocking, 0.25)
			    await asyncio.wait_for(child(0.1), timeout=5)
			    await asyncio.wait([asyncio.create_task(child(0.2))])
			    for next_done in asyncio.as_completed([child(0.3), child(0.1)]):
			        await next_done
			    async with asyncio.TaskGroup() as group:
			        group.create_task(child(0.2))
			    try:
			        async with asyncio.timeout(0.1):
			            await asyncio.sleep(10)
			    except TimeoutError:
			        print("timed out")
			    await asyncio.sleep(0.1 + 0.2)

			asyncio.run(main())
		`
	},
	{
		name: 'a condition waited on',
		source: `
			import asyncio

			async def notifier(cond):
			    await asyncio.sleep(0.5)
			    async with cond:
			        cond.notify_all()

			async def listener(cond):
			    async with cond:
			        await cond.wait()

			async def main():
			    cond = asyncio.Condition()
			    await asyncio.gather(listener(cond), notifier(cond))

			asyncio.run(main())
		`
	},
	{
		name: 'tasks that raise and are cancelled, and a forgotten coroutine',
		source: `
			import asyncio, math

			async def fails():
			    await asyncio.sleep(1)
			    raise ValueError("bad value")

			async def forever():
			    await asyncio.sleep(math.inf)

			async def main():
			    doomed = asyncio.create_task(forever())
			    results = await asyncio.gather(fails(), return_exceptions=True)
			    doomed.cancel()
			    forever()
			    print(results)

			asyncio.run(main())
		`
	},
	{
		name: "a deadlock, one stuck task outside the user's code",
		source: `
			import asyncio

			async def main():
			    await asyncio.create_task(asyncio.Event().wait())

			asyncio.run(main())
		`
	},
	{
		name: 'the virtual-time limit',
		source: `
			import asyncio

			async def main():
			    while True:
			        await asyncio.sleep(60)

			asyncio.run(main())
		`,
		options: { max_virtual_time: 120 }
	},
	{
		name: "the virtual-time limit, met outside the user's code",
		source: `
			import asyncio

			asyncio.run(asyncio.sleep(7200))
		`
	},
	{
		name: 'the step limit',
		source: `
			import asyncio

			async def main():
			    while True:
			        await asyncio.sleep(0)

			asyncio.run(main())
		`,
		options: { max_steps: 100 }
	},
	{
		name: 'an interrupt (the Stop button)',
		// Presses Stop itself: stores 2 in the interrupt buffer that contract.spec.ts gives
		// Pyodide and exposes as globalThis.stopButton, as the page does through the frame.
		source: `
			import asyncio, js

			async def main():
			    await asyncio.sleep(1)
			    js.stopButton[0] = 2
			    while True:
			        pass

			asyncio.run(main())
		`
	},
	{
		name: 'the event and output caps',
		source: `
			import asyncio

			async def worker(i):
			    await asyncio.sleep(1)
			    print("worker", i, "done")

			async def main():
			    await asyncio.gather(*(worker(i) for i in range(20)))

			asyncio.run(main())
		`,
		options: { max_events: 30, max_output_chars: 100 }
	},
	{
		name: 'time.sleep at the top level and the old get_event_loop',
		source: `
			import asyncio, time

			async def main():
			    time.sleep(0.5)

			time.sleep(0.25)
			loop = asyncio.get_event_loop()
			loop.run_until_complete(main())
			print("no newline at the end", end="")
		`
	},
	{
		name: "top-level await, and a blocking callback with no line of the user's running",
		source: `
			import asyncio, time

			asyncio.get_running_loop().call_soon(time.sleep, 0.1)
			await asyncio.sleep(1)
		`
	},
	{
		name: 'an uncaught error',
		source: `
			def divide(a, b):
			    return a / b

			divide(1, 0)
		`
	},
	{
		name: "an error and a warning with no line of the user's",
		source: `
			import warnings

			# stacklevel=2 blames the caller of this module: the engine, not main.py.
			warnings.warn("blame the caller", stacklevel=2)
			raise SyntaxError("made by hand", ("main.py", None, None, None))
		`
	},
	{
		name: 'the loop by hand: timers set, cancelled and set from callbacks, a handle cancelled',
		source: `
			import asyncio, math

			async def fails():
			    raise ValueError("no")

			async def main():
			    loop = asyncio.get_running_loop()
			    loop.call_at(loop.time() + 1, print, "at one second")
			    loop.call_soon(loop.call_later, 0.5, print, "from a callback")
			    loop.call_soon(print, "never printed").cancel()
			    try:
			        await asyncio.create_task(fails())
			    except ValueError:
			        pass
			    forever = asyncio.create_task(asyncio.sleep(math.inf))
			    await asyncio.sleep(2)
			    forever.cancel()

			loop = asyncio.new_event_loop()
			loop.call_later(5, print, "never").cancel()
			loop.run_until_complete(main())
			loop.close()
		`
	},
	{
		name: 'the in-memory network: an echo server and its client (readers and writers in the queue)',
		source: `
			import asyncio

			async def echo(reader, writer):
			    data = await reader.read(100)
			    writer.write(data)
			    await writer.drain()
			    writer.close()
			    await writer.wait_closed()

			async def main():
			    server = await asyncio.start_server(echo, "127.0.0.1", 8888)
			    async with server:
			        reader, writer = await asyncio.open_connection("127.0.0.1", 8888)
			        writer.write(b"hello")
			        await writer.drain()
			        print(await reader.read(100))
			        writer.close()
			        await writer.wait_closed()

			asyncio.run(main())
		`
	},
	{
		name: 'snapshots of the real queue (loop_snapshots: true)',
		source: `
			import asyncio

			async def main():
			    asyncio.get_running_loop().call_later(1, print, "timer")
			    await asyncio.gather(asyncio.sleep(1), asyncio.sleep(2))

			asyncio.run(main())
		`,
		options: { loop_snapshots: true }
	},
	{
		name: 'untraced (trace: false)',
		source: `
			import asyncio

			async def main():
			    await asyncio.sleep(1)
			    print("hi")

			asyncio.run(main())
		`,
		options: { trace: false }
	}
];

/** Every program the contract test runs, named for its failure messages. */
export function contractPrograms(): ContractProgram[] {
	const programs: ContractProgram[] = readExamples().map((example) => ({
		name: `example ${example.slug}`,
		source: example.code
	}));
	for (const exercise of readExercises()) {
		programs.push({ name: `exercise ${exercise.slug} (starter)`, source: exercise.starter });
		programs.push({ name: `exercise ${exercise.slug} (solution)`, source: exercise.solution });
	}
	for (const extra of EXTRA) programs.push({ ...extra, source: dedent(extra.source) });
	return programs;
}
