/**
 * Engine: every way to start a loop, top-level await, what `await` does, errors, warnings and
 * run isolation. Real Pyodide, booted once for the file.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/lib/engine/engine';
import { TRACE_VERSION } from '../../src/lib/engine/events';
import { readPythonSources } from '../../src/lib/engine/node-engine';
import { pythonSources } from '../../src/lib/engine/python-sources';
import { bootEngine, duration, ofKind, run, stdout, taskNamed } from './engine-helpers';

let engine: Engine;

beforeAll(async () => {
	engine = await bootEngine();
});

describe('entry points', () => {
	it('asyncio.run: main is Task-1 with no parent, and the clock starts at 0', () => {
		const events = run(
			engine,
			`
			import asyncio, time
			async def main():
			    print("start", time.perf_counter(), asyncio.get_running_loop().time())
			    await asyncio.sleep(1.5)
			    print("end", time.perf_counter(), time.monotonic())
			asyncio.run(main())
			`
		);
		expect(events[0]).toMatchObject({
			kind: 'run_start',
			t: 0,
			version: TRACE_VERSION,
			python: '3.14.2'
		});
		expect(stdout(events)).toEqual(['start 0.0 0.0', 'end 1.5 1.5']);
		expect(taskNamed(events, 'Task-1')).toMatchObject({
			task: 1,
			parent: null,
			coro: 'main',
			line: 6
		});
		expect(duration(events)).toBe(1.5);
		expect(events.at(-1)).toMatchObject({ kind: 'run_end', dropped_events: 0 });
		expect(ofKind(events, 'task_done')).toEqual([
			expect.objectContaining({ task: 1, state: 'done', result: 'None', t: 1.5 })
		]);
	});

	it('time.time() is a fixed epoch plus the virtual clock, the same in every run', () => {
		const source = `
			import asyncio, time
			async def main():
			    a = time.time()
			    await asyncio.sleep(2)
			    print(time.time() - a, time.time_ns() // 10**9 - int(a))
			asyncio.run(main())
			`;
		expect(stdout(run(engine, source))).toEqual(['2.0 2']);
		expect(run(engine, source)).toHaveLength(run(engine, source).length);
	});

	it('get_event_loop().run_until_complete at module level runs, with a note on Python 3.14', () => {
		const events = run(
			engine,
			`
			import asyncio
			async def main():
			    await asyncio.sleep(1)
			    print("done")
			loop = asyncio.get_event_loop()
			loop.run_until_complete(main())
			print(loop.is_closed())
			`
		);
		expect(stdout(events)).toEqual(['done', 'False']);
		const notes = ofKind(events, 'note').filter((note) => note.code !== 'cpu_work');
		expect(notes).toHaveLength(1);
		expect(notes[0]).toMatchObject({ code: 'get_event_loop_314', line: 5 });
		expect(notes[0].message).toContain('RuntimeError');
		expect(notes[0].message).toContain('asyncio.run(main())');
		expect(ofKind(events, 'error')).toHaveLength(0);
		expect(duration(events)).toBe(1);
	});

	it('new_event_loop + run_until_complete + close, without a note', () => {
		const events = run(
			engine,
			`
			import asyncio
			async def main():
			    await asyncio.sleep(0.5)
			    return 42
			loop = asyncio.new_event_loop()
			asyncio.set_event_loop(loop)
			print(loop.run_until_complete(main()))
			loop.close()
			print(loop.is_closed())
			`
		);
		expect(stdout(events)).toEqual(['42', 'True']);
		expect(ofKind(events, 'note').filter((note) => note.code !== 'cpu_work')).toHaveLength(0);
		expect(duration(events)).toBe(0.5);
	});

	it('asyncio.Runner runs several coroutines on one loop, one after the other', () => {
		const events = run(
			engine,
			`
			import asyncio
			async def step(x):
			    await asyncio.sleep(x)
			    print("step", x, asyncio.get_running_loop().time())
			    return asyncio.get_running_loop()
			with asyncio.Runner() as runner:
			    a = runner.run(step(1))
			    b = runner.run(step(2))
			print(a is b, a.is_closed())
			`
		);
		expect(stdout(events)).toEqual(['step 1 1.0', 'step 2 3.0', 'True True']);
		expect(ofKind(events, 'task_created').map((event) => event.name)).toEqual(['Task-1', 'Task-2']);
	});

	it('asyncio.run twice names tasks as CPython does, and asyncio.EventLoop is ours', () => {
		const events = run(
			engine,
			`
			import asyncio
			async def main():
			    print(asyncio.current_task().get_name(), type(asyncio.get_running_loop()).__name__)
			asyncio.run(main())
			asyncio.run(main(), loop_factory=asyncio.EventLoop)
			`
		);
		// CPython's asyncio.run also numbers its two shutdown tasks (Task-2, Task-3).
		expect(stdout(events)).toEqual(['Task-1 VirtualClockLoop', 'Task-4 VirtualClockLoop']);
	});

	it('task names start again at Task-1 in every run', () => {
		const source = `
			import asyncio
			async def main():
			    t = asyncio.create_task(asyncio.sleep(1))
			    print(asyncio.current_task().get_name(), t.get_name())
			    await t
			asyncio.run(main())
			`;
		run(engine, source);
		expect(stdout(run(engine, source))).toEqual(['Task-1 Task-2']);
	});

	it('top-level await runs the module as a task named <module>', () => {
		const events = run(
			engine,
			`
			import asyncio
			await asyncio.sleep(1)
			t = asyncio.create_task(asyncio.sleep(2, "slept"))
			print(await t, asyncio.current_task().get_name())
			`
		);
		expect(stdout(events)).toEqual(['slept <module>']);
		expect(taskNamed(events, '<module>')).toMatchObject({
			task: 1,
			coro: '<module>',
			parent: null
		});
		expect(taskNamed(events, 'Task-1')).toMatchObject({ parent: 1, coro: 'sleep', line: 3 });
		expect(duration(events)).toBe(3);
	});
});

describe('await', () => {
	it('awaiting a coroutine runs it inside the caller: one task, a chain of awaits', () => {
		const events = run(
			engine,
			`
			import asyncio
			async def inner():
			    await asyncio.sleep(1)
			    return "inner done"
			async def main():
			    print(await inner())
			asyncio.run(main())
			`
		);
		expect(ofKind(events, 'task_created')).toHaveLength(1);
		const suspended = ofKind(events, 'task_suspended')[0];
		expect(suspended.chain).toEqual([
			{ fn: 'main', line: 6 },
			{ fn: 'inner', line: 3 }
		]);
		expect(suspended.line).toBe(3);
		expect(stdout(events)).toEqual(['inner done']);
	});

	it('await outside async def is a SyntaxError with its line and source', () => {
		const events = run(
			engine,
			`
			import asyncio
			def main():
			    await asyncio.sleep(1)
			`
		);
		const [error] = ofKind(events, 'error');
		expect(error).toMatchObject({ type: 'SyntaxError', line: 3 });
		expect(error.message).toContain("'await' outside async function");
		expect(error.traceback).toContain('File "main.py", line 3');
		expect(error.traceback).toContain('await asyncio.sleep(1)');
		expect(error.traceback).not.toContain('/engine/');
	});

	it('a broken program is a SyntaxError with its line', () => {
		const [error] = ofKind(run(engine, 'x = 1\nprint((x,)\n'), 'error');
		expect(error.type).toBe('SyntaxError');
		expect(error.line).toBe(2);
	});

	it('a coroutine that is never awaited warns with the line that created it', () => {
		const events = run(
			engine,
			`
			import asyncio
			async def say(text):
			    print(text)
			async def main():
			    say("never printed")
			    await asyncio.sleep(1)
			    print("main done")
			asyncio.run(main())
			`
		);
		// On stderr exactly as CPython prints it (at the line where the coroutine is dropped)...
		expect(ofKind(events, 'output').map((event) => [event.stream, event.text])).toEqual([
			['stderr', "main.py:5: RuntimeWarning: coroutine 'say' was never awaited"],
			['stderr', '  say("never printed")'],
			['stderr', 'RuntimeWarning: Enable tracemalloc to get the object allocation traceback'],
			['stdout', 'main done']
		]);
		// ... and in the trace with the line that created it.
		const [warning] = ofKind(events, 'warning');
		expect(warning).toMatchObject({
			category: 'RuntimeWarning',
			message: "coroutine 'say' was never awaited",
			line: 5
		});
	});

	it('a program that records warnings gets the never-awaited one as a RuntimeWarning', () => {
		const events = run(
			engine,
			`
			import warnings
			async def job():
			    pass
			with warnings.catch_warnings(record=True) as caught:
			    warnings.simplefilter("always")
			    job()
			[record] = caught
			print(type(record.message).__name__, isinstance(record.message, RuntimeWarning))
			print(record.message)
			`
		);
		expect(stdout(events)).toEqual(['RuntimeWarning True', "coroutine 'job' was never awaited"]);
		// Recorded by the program, so not shown, as in CPython.
		expect(ofKind(events, 'warning')).toEqual([]);
	});

	it('a never-awaited coroutine collected only at the end still warns', () => {
		const events = run(
			engine,
			`
			import asyncio
			async def job():
			    pass
			kept = [job()]
			kept.append(kept)
			del kept
			`
		);
		expect(ofKind(events, 'warning')).toEqual([
			expect.objectContaining({ message: "coroutine 'job' was never awaited", line: 4 })
		]);
		// On stderr as CPython prints it at exit, with no frame to blame: never an engine file.
		expect(ofKind(events, 'output').map((event) => [event.stream, event.text])).toEqual([
			['stderr', "sys:1: RuntimeWarning: coroutine 'job' was never awaited"],
			['stderr', 'RuntimeWarning: Enable tracemalloc to get the object allocation traceback']
		]);
	});
});

describe('errors', () => {
	it('an uncaught exception: type, message, user line, traceback without engine frames', () => {
		const events = run(
			engine,
			`
			import asyncio
			async def fail():
			    await asyncio.sleep(1)
			    raise ValueError("bad value")
			async def main():
			    await fail()
			asyncio.run(main())
			`
		);
		const [error] = ofKind(events, 'error');
		expect(error).toMatchObject({ type: 'ValueError', message: 'bad value', line: 4, t: 1 });
		expect(error.traceback).toMatch(/^Traceback \(most recent call last\):/);
		expect(error.traceback).toContain('File "main.py", line 7, in <module>');
		expect(error.traceback).toContain('File "main.py", line 6, in main');
		expect(error.traceback).toContain('File "main.py", line 4, in fail');
		expect(error.traceback).toContain('ValueError: bad value');
		expect(error.traceback).not.toMatch(/\/engine\/|playground|tracer\.py|run\.py/);
		expect(ofKind(events, 'task_done')[0]).toMatchObject({
			state: 'raised',
			exception: { type: 'ValueError', message: 'bad value' },
			line: 4
		});
	});

	it('an exception in plain top-level code points at its line', () => {
		const [error] = ofKind(run(engine, 'print("a")\n{}["missing"]\n'), 'error');
		expect(error).toMatchObject({ type: 'KeyError', line: 2 });
	});

	it('KeyboardInterrupt raised by the program itself is an error, not a Stop', () => {
		const events = run(engine, 'raise KeyboardInterrupt\n');
		expect(ofKind(events, 'error')[0]).toMatchObject({ type: 'KeyboardInterrupt', line: 1 });
		expect(ofKind(events, 'limit')).toHaveLength(0);
	});

	it('input() gets end-of-file at once (nobody can type into a run), after its prompt', () => {
		const events = run(engine, 'name = input("name? ")\n');
		expect(events.map((e) => e.kind)).toEqual(['run_start', 'output', 'error', 'run_end']);
		expect(stdout(events)).toEqual(['name? ']);
		expect(ofKind(events, 'error')[0]).toMatchObject({ type: 'EOFError', line: 1 });
	});

	it('sys.exit() ends the program quietly', () => {
		const events = run(engine, 'import sys\nprint("x")\nsys.exit(0)\nprint("y")\n');
		expect(stdout(events)).toEqual(['x']);
		expect(ofKind(events, 'error')).toHaveLength(0);
	});
});

describe('isolation between runs', () => {
	it('globals do not leak into the next run', () => {
		run(engine, 'leaked = 1\n');
		const [error] = ofKind(run(engine, 'print(leaked)\n'), 'error');
		expect(error).toMatchObject({ type: 'NameError', line: 1 });
		expect(stdout(run(engine, 'print(__name__, __file__)\n'))).toEqual(['__main__ main.py']);
	});

	it('a run that replaces builtins.print, time and asyncio does not affect the next', () => {
		const vandal = run(
			engine,
			`
			import asyncio, builtins, sys, time
			builtins.print = lambda *a, **k: None
			builtins.len = None
			time.sleep = None
			time.perf_counter = lambda: 99.0
			asyncio.sleep = None
			asyncio.run = None
			sys.stdout = None
			raise RuntimeError("after vandalism")
			`
		);
		expect(ofKind(vandal, 'error')[0]).toMatchObject({ type: 'RuntimeError' });
		const events = run(
			engine,
			`
			import asyncio, time
			async def main():
			    time.sleep(0.5)
			    await asyncio.sleep(1)
			    print(len("abc"), time.perf_counter())
			asyncio.run(main())
			`
		);
		expect(stdout(events)).toEqual(['3 1.5']);
		expect(ofKind(events, 'error')).toHaveLength(0);
	});

	it('Pyodide itself works again after a run (its loop and asyncio.run are restored)', async () => {
		run(engine, 'import asyncio\nasyncio.run(asyncio.sleep(1))\n');
		const pyodide = engine.pyodide;
		const value = await pyodide.runPythonAsync(
			'import asyncio\nawait asyncio.sleep(0)\n' + 'type(asyncio.get_event_loop()).__name__'
		);
		expect(value).toBe('WebLoop');
	});
});

describe('the engine package', () => {
	it('the bundled sources (import.meta.glob) are exactly the files on disk', () => {
		const onDisk = readPythonSources();
		expect(Object.keys(pythonSources).sort()).toEqual(Object.keys(onDisk).sort());
		expect(Object.keys(onDisk)).toContain('playground/run.py');
		for (const [path, text] of Object.entries(onDisk)) expect(pythonSources[path]).toBe(text);
	});
});

describe('Engine.attach', () => {
	it('binds to the engine already imported in an interpreter, as after a snapshot restore', () => {
		const attached = Engine.attach(engine.pyodide, readPythonSources());
		expect(attached.python).toBe(engine.python);
		const events = attached.run('import asyncio\nasyncio.run(asyncio.sleep(2))\nprint("ok")\n');
		expect(stdout(events)).toEqual(['ok']);
		expect(duration(events)).toBe(2);
	});
});
