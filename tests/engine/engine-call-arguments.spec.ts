/**
 * A task's lane names its call: the engine records the arguments its coroutine was called with
 * (calls.py), written by the engine itself, never by a value's own __repr__, so recording them
 * cannot change what the program does.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { bootEngine, ofKind, run, stdout, taskNamed } from './engine-helpers';

let engine: Engine;
beforeAll(async () => {
	engine = await bootEngine();
}, 120_000);

/** The recorded arguments of the task named `name` in the run of `source`. */
function argumentsOf(source: string, name: string): string[] | null {
	return taskNamed(run(engine, source), name).arguments;
}

describe('the arguments of a task’s call', () => {
	it('are the bound arguments, in order, as repr writes them', () => {
		const events = run(
			engine,
			`
			import asyncio

			async def say_after(delay, what):
			    await asyncio.sleep(delay)
			    print(what)

			async def main():
			    t1 = asyncio.create_task(say_after(1, 'hello'))
			    t2 = asyncio.create_task(say_after(2, 'world'))
			    await t1
			    await t2

			asyncio.run(main())
			`
		);
		const created = ofKind(events, 'task_created');
		expect(created.map((event) => [event.name, event.coro, event.arguments])).toEqual([
			['Task-1', 'main', []],
			['Task-2', 'say_after', ['1', "'hello'"]],
			['Task-3', 'say_after', ['2', "'world'"]]
		]);
	});

	it('write defaults, keyword-only arguments, *args and **kwargs as a call would', () => {
		const args = argumentsOf(
			`
			import asyncio

			async def fetch(url, *parts, retries=3, timeout, **headers):
			    pass

			async def main():
			    await asyncio.create_task(fetch('u', 1, 2, timeout=0.5, accept='json'), name='f')

			asyncio.run(main())
			`,
			'f'
		);
		expect(args).toEqual(["'u'", '1', '2', 'retries=3', 'timeout=0.5', "accept='json'"]);
	});

	it('leave out a method’s self, as `worker.run(3)` does', () => {
		const args = argumentsOf(
			`
			import asyncio

			class Worker:
			    async def run(self, n):
			        pass

			async def main():
			    await asyncio.create_task(Worker().run(3), name='w')

			asyncio.run(main())
			`,
			'w'
		);
		expect(args).toEqual(['3']);
	});

	it('cut long values and containers, and name functions, lambdas and objects by themselves', () => {
		const args = argumentsOf(
			`
			import asyncio

			class Point:
			    pass

			def helper():
			    pass

			async def job(text, items, table, nested, fn, lam, point, big, kind):
			    pass

			async def main():
			    await asyncio.create_task(job(
			        'x' * 500, list(range(100)), {'a': 1, 'b': [1, 2]}, [[[[1]]]],
			        helper, lambda: 0, Point(), 7 ** 1000, Point,
			    ), name='j')

			asyncio.run(main())
			`,
			'j'
		);
		expect(args).toEqual([
			`'${'x'.repeat(57)}…'`,
			'[0, 1, 2, 3, …]',
			"{'a': 1, 'b': [1, 2]}",
			'[[[…]]]',
			'helper',
			'<lambda>',
			'<Point>',
			'<int of 2808 bits>',
			'Point'
		]);
		for (const text of args ?? []) expect(Array.from(text).length).toBeLessThanOrEqual(60);
	});

	it('never call a value’s own __repr__: one that prints, raises or never ends changes nothing', () => {
		const events = run(
			engine,
			`
			import asyncio

			class Loud:
			    def __repr__(self):
			        print('repr called')
			        return 'Loud()'

			class Broken:
			    def __repr__(self):
			        raise RuntimeError('no repr')

			class Endless:
			    def __repr__(self):
			        while True:
			            pass

			async def job(a, b, c):
			    return 1

			async def main():
			    print(await asyncio.create_task(job(Loud(), Broken(), Endless()), name='j'))

			asyncio.run(main())
			`
		);
		expect(stdout(events)).toEqual(['1']);
		expect(taskNamed(events, 'j').arguments).toEqual(['<Loud>', '<Broken>', '<Endless>']);
		// The task's result is a repr the trace records anyway: an int, not the user's classes.
		expect(ofKind(events, 'error')).toEqual([]);
	});

	it('keep non-ASCII text whole, and list at most twelve arguments', () => {
		const args = argumentsOf(
			`
			import asyncio

			async def many(*values):
			    pass

			async def main():
			    await asyncio.create_task(many('héllo 👋', *range(20)), name='m')

			asyncio.run(main())
			`,
			'm'
		);
		expect(args?.[0]).toBe("'héllo 👋'");
		expect(args).toHaveLength(13);
		expect(args?.[12]).toBe('…');
	});

	it('are null for an awaitable that no function call made', () => {
		const args = argumentsOf(
			`
			import asyncio
			from collections.abc import Coroutine

			class Countdown(Coroutine):
			    def __await__(self):
			        yield from asyncio.sleep(0).__await__()
			    def send(self, value):
			        raise StopIteration(0)
			    def throw(self, *args):
			        raise StopIteration(0)
			    def close(self):
			        pass

			async def main():
			    await asyncio.create_task(Countdown(), name='c')

			asyncio.run(main())
			`,
			'c'
		);
		expect(args).toBeNull();
	});
});
