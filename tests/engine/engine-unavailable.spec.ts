/**
 * Engine: what no program can do in the playground says so in one line (subprocesses, process
 * pools, sending signals), signal handlers register and never fire, and the get_event_loop()
 * allowance of decision 0002 covers only the program's own call.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { bootEngine, duration, ofKind, run, stdout } from './engine-helpers';

let engine: Engine;

beforeAll(async () => {
	engine = await bootEngine();
});

const SUBPROCESSES =
	'subprocesses are not available in the playground: a program here cannot start other programs';
const PROCESS_POOLS =
	'process pools are not available in the playground: there is only this one process; use ' +
	'concurrent.futures.ThreadPoolExecutor or asyncio.to_thread';
const INTERPRETER_POOLS =
	'interpreter pools are not available in the playground: use ' +
	'concurrent.futures.ThreadPoolExecutor or asyncio.to_thread';
const SIGNALS =
	'sending signals is not available in the playground: there are no other processes, and a ' +
	'signal handler never fires here';

/** Each call's exception, as "Type: message", one per line. */
function errorsOf(calls: string[], setup = ''): string {
	return `
import asyncio, concurrent.futures, os, signal, subprocess, sys
${setup}
for call in [${calls.join(', ')}]:
    try:
        result = call()
        if asyncio.iscoroutine(result):
            asyncio.run(result)
    except Exception as error:
        print(f"{type(error).__name__}: {error}")
`;
}

describe('facilities the playground does not have', () => {
	it('subprocesses: asyncio and subprocess, one line saying so', () => {
		const events = run(
			engine,
			errorsOf([
				'lambda: asyncio.create_subprocess_exec(sys.executable, "-c", "pass")',
				'lambda: asyncio.create_subprocess_shell("ls")',
				'lambda: subprocess.run(["ls"])',
				'lambda: os.system("ls")',
				'lambda: os.popen("ls")',
				'os.fork'
			])
		);
		expect(stdout(events)).toEqual(Array(6).fill(`NotImplementedError: ${SUBPROCESSES}`));
	});

	it('process pools, in the pool and through run_in_executor', () => {
		const events = run(
			engine,
			`
import asyncio, concurrent.futures

async def main():
    with concurrent.futures.ProcessPoolExecutor() as pool:
        await asyncio.get_running_loop().run_in_executor(pool, print)

for call in (concurrent.futures.ProcessPoolExecutor, lambda: asyncio.run(main())):
    try:
        call()
    except NotImplementedError as error:
        print(error)
`
		);
		expect(stdout(events)).toEqual([PROCESS_POOLS, PROCESS_POOLS]);
	});

	it('interpreter pools', () => {
		const events = run(engine, errorsOf(['concurrent.futures.InterpreterPoolExecutor']));
		expect(stdout(events)).toEqual([`NotImplementedError: ${INTERPRETER_POOLS}`]);
	});

	it('sending a signal', () => {
		const events = run(
			engine,
			errorsOf([
				'lambda: signal.raise_signal(signal.SIGINT)',
				'lambda: os.kill(os.getpid(), signal.SIGTERM)',
				'lambda: os.killpg(os.getpgrp(), signal.SIGTERM)'
			])
		);
		expect(stdout(events)).toEqual(Array(3).fill(`NotImplementedError: ${SIGNALS}`));
	});

	it('a signal handler registers, never fires, and a program that waits for one runs on', () => {
		const events = run(
			engine,
			`
import asyncio, signal

async def main():
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, print, "never")
    try:
        loop.add_signal_handler(signal.SIGTERM, main)
    except TypeError as error:
        print(error)
    try:
        loop.add_signal_handler(999, print)
    except ValueError as error:
        print(error)
    await asyncio.sleep(60)
    print(loop.remove_signal_handler(signal.SIGTERM), loop.remove_signal_handler(signal.SIGTERM))

asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual([
			'coroutines cannot be used with add_signal_handler()',
			'invalid signal number 999',
			'True False'
		]);
		expect(duration(events)).toBe(60);
	});

	it('asyncio.Runner installs its own SIGINT handler, which the program sees, and Stop still ends the run', () => {
		const events = run(
			engine,
			`
import asyncio, signal

async def main():
    print(signal.getsignal(signal.SIGINT).func.__qualname__)

print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)
with asyncio.Runner() as runner:
    runner.run(main())
print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)
`
		);
		expect(stdout(events)).toEqual(['True', 'Runner._on_sigint', 'True']);
	});

	it("a SIGINT the program sends itself reaches the program's handler, not Stop", () => {
		const events = run(
			engine,
			`
import _thread, asyncio, signal

async def interrupt_later(task):
    await asyncio.sleep(0)
    task.cancel()
    _thread.interrupt_main()

async def main():
    asyncio.create_task(interrupt_later(asyncio.current_task()))
    await asyncio.sleep(10)

with asyncio.Runner() as runner:
    try:
        runner.run(main())
    except asyncio.CancelledError:
        print("cancelled")

async def waits(future):
    try:
        await future
    except asyncio.CancelledError:
        print("future cancelled")
    raise asyncio.CancelledError()

with asyncio.Runner() as runner:
    future = runner.get_loop().create_future()
    runner.get_loop().call_later(0.1, _thread.interrupt_main)
    try:
        runner.run(waits(future))
    except KeyboardInterrupt:
        print("KeyboardInterrupt", future.cancelled())

signal.signal(signal.SIGINT, signal.SIG_IGN)
_thread.interrupt_main()
signal.signal(signal.SIGINT, signal.default_int_handler)
try:
    _thread.interrupt_main()
    sum(range(1000))
except KeyboardInterrupt:
    print("KeyboardInterrupt at top level")
print("the run goes on")
`
		);
		expect(stdout(events)).toEqual([
			'cancelled',
			'future cancelled',
			'KeyboardInterrupt True',
			'KeyboardInterrupt at top level',
			'the run goes on'
		]);
		expect(ofKind(events, 'limit')).toEqual([]);
	});
});

describe("get_event_loop()'s allowance (decision 0002) is for the program's own call", () => {
	it('Future(), ensure_future, gather, shield and as_completed outside a loop raise, as in 3.14', () => {
		const events = run(
			engine,
			`
import asyncio

async def job():
    pass

for name, call in [
    ("Future", lambda: asyncio.Future()),
    ("ensure_future", lambda: asyncio.ensure_future(job())),
    ("gather", lambda: asyncio.gather(job())),
    ("shield", lambda: asyncio.shield(job())),
    ("as_completed", lambda: next(iter(asyncio.as_completed([job()])))),
]:
    try:
        call()
        print(name, "ran")
    except RuntimeError as error:
        print(name, error)
`
		);
		expect(
			stdout(events).filter((line) => !line.includes('Warning') && !line.startsWith(' '))
		).toEqual([
			"Future There is no current event loop in thread 'MainThread'.",
			"ensure_future There is no current event loop in thread 'MainThread'.",
			"gather There is no current event loop in thread 'MainThread'.",
			"shield There is no current event loop in thread 'MainThread'.",
			"as_completed There is no current event loop in thread 'MainThread'."
		]);
		expect(ofKind(events, 'note').filter((note) => note.code === 'get_event_loop_314')).toEqual([]);
	});

	it("the program's own get_event_loop() still creates a loop, with the note", () => {
		const events = run(
			engine,
			`
import asyncio
loop = asyncio.get_event_loop()
future = asyncio.Future()
print(future.get_loop() is loop)
`
		);
		expect(stdout(events)).toEqual(['True']);
		const [note] = ofKind(events, 'note').filter((n) => n.code === 'get_event_loop_314');
		expect(note.line).toBe(2);
	});
});
