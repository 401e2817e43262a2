/**
 * Differential tests: the same programs run on the engine (virtual clock) and on the machine's
 * own CPython with real asyncio and real, tiny sleeps. What they print, in order, must agree.
 *
 * Each program reads its time unit from SCALE: 1 virtual second on the engine, 100 ms of real
 * time natively. They print no times, only the order of what happened, and no two of their timers
 * fall due at the same instant (on a real clock such ties go either way).
 *
 * A busy machine can stall the native run for longer than a time unit, so that several timers come
 * due in one loop iteration and a real race is decided differently. The native program is run up
 * to three times; the engine must print what one of those real runs printed.
 */
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { bootEngine, dedent, ofKind, stdout } from './engine-helpers';

let engine: Engine;

beforeAll(async () => {
	engine = await bootEngine();
});

function native(program: string): string[] {
	const output = execFileSync('python3', ['-c', `SCALE = 0.1\n${program}`], {
		encoding: 'utf8',
		timeout: 60_000
	});
	return output.split('\n').slice(0, -1);
}

/** The engine's output, and the first native output that equals it (or the last one tried). */
function compare(program: string): { engine: string[]; native: string[] } {
	const ours = onEngine(program);
	let theirs: string[] = [];
	for (let attempt = 0; attempt < 3; attempt++) {
		theirs = native(program);
		if (JSON.stringify(theirs) === JSON.stringify(ours)) break;
	}
	return { engine: ours, native: theirs };
}

function onEngine(program: string): string[] {
	const events = engine.run(`SCALE = 1\n${program}`);
	expect(ofKind(events, 'error')).toEqual([]);
	return stdout(events);
}

const PROGRAMS: Record<string, string> = {
	'gather and create_task: who starts and finishes when': `
		import asyncio
		async def job(name, units):
		    print("start", name)
		    await asyncio.sleep(units * SCALE)
		    print("end", name)
		    return name
		async def main():
		    t = asyncio.create_task(job("background", 2))
		    print("main after create_task")
		    print(await asyncio.gather(job("a", 3), job("b", 1)))
		    print("background done?", t.done())
		    await t
		asyncio.run(main())
		`,
	'twenty equal sleeps wake in the order they were made': `
		import asyncio
		async def w(i):
		    await asyncio.sleep(SCALE)
		    print(i)
		async def main():
		    await asyncio.gather(*(w(i) for i in range(20)))
		asyncio.run(main())
		`,
	'producer and consumers on a queue': `
		import asyncio
		async def producer(q):
		    for i in range(6):
		        await q.put(i)
		        print("put", i)
		        await asyncio.sleep(SCALE)
		async def consumer(name, q):
		    while True:
		        item = await q.get()
		        print(name, "got", item)
		        await asyncio.sleep(2.7 * SCALE)
		        q.task_done()
		async def main():
		    q = asyncio.Queue()
		    workers = [asyncio.create_task(consumer(n, q)) for n in ("c1", "c2")]
		    await producer(q)
		    await q.join()
		    for w in workers:
		        w.cancel()
		    print("all done")
		asyncio.run(main())
		`,
	'cancellation, finally blocks and a lock handed over in order': `
		import asyncio
		lock = asyncio.Lock()
		async def user(name):
		    try:
		        async with lock:
		            print(name, "has the lock")
		            await asyncio.sleep(2 * SCALE)
		    except asyncio.CancelledError:
		        print(name, "cancelled")
		        raise
		    finally:
		        print(name, "finally")
		async def main():
		    tasks = [asyncio.create_task(user(n)) for n in "abcd"]
		    await asyncio.sleep(SCALE)
		    tasks[2].cancel()
		    results = await asyncio.gather(*tasks, return_exceptions=True)
		    print([type(r).__name__ for r in results])
		asyncio.run(main())
		`,
	'timeouts, wait and a failing TaskGroup': `
		import asyncio
		async def slow(units, fail=False):
		    await asyncio.sleep(units * SCALE)
		    if fail:
		        raise ValueError(units)
		    return units
		async def main():
		    try:
		        await asyncio.wait_for(slow(5), timeout=2 * SCALE)
		    except TimeoutError:
		        print("wait_for timed out")
		    tasks = [asyncio.create_task(slow(n)) for n in (6, 1, 4)]
		    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
		    print("first done", [t.result() for t in done], "pending", len(pending))
		    try:
		        async with asyncio.TaskGroup() as tg:
		            tg.create_task(slow(1, fail=True))
		            tg.create_task(slow(4))
		    except* ValueError as group:
		        print("group failed with", [str(e) for e in group.exceptions])
		    for t in tasks:
		        if t in pending:
		            print("still pending", t.done())
		            await t
		asyncio.run(main())
		`,
	'time.sleep blocks the other tasks': `
		import asyncio, time
		async def blocker():
		    print("blocker sleeps")
		    time.sleep(3 * SCALE)
		    print("blocker wakes")
		async def ticker():
		    for i in range(3):
		        print("tick", i)
		        await asyncio.sleep(SCALE)
		async def main():
		    await asyncio.gather(ticker(), blocker())
		asyncio.run(main())
		`
};

describe('the engine prints what CPython prints, in the same order', () => {
	for (const [name, program] of Object.entries(PROGRAMS)) {
		it(name, () => {
			const { engine: ours, native: theirs } = compare(dedent(program));
			expect(theirs.length).toBeGreaterThan(2);
			expect(ours).toEqual(theirs);
		});
	}
});
