/**
 * `asyncio-playground run`: the real bin, spawned as a user would run it after `npm install`.
 * Each spawn boots Pyodide, so the cases share spawns where they can.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readPythonSources } from '../../src/lib/engine/node-engine';
import { nodeSnapshotKey } from '../../src/lib/runner/snapshot/node-cache';

const BIN = fileURLToPath(new URL('../../bin/asyncio-playground.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cli-'));
// Each spawn boots Pyodide: about 2 s on a quiet machine, much more on a busy one.
const SPAWN_TIMEOUT = 150_000;

function program(name: string, lines: string[]): string {
	const path = join(dir, name);
	writeFileSync(path, lines.join('\n') + '\n');
	return path;
}

const gather = program('gather.py', [
	'import asyncio',
	'',
	'async def say(n):',
	'    await asyncio.sleep(n)',
	'    print(f"hello {n}")',
	'',
	'async def main():',
	'    await asyncio.gather(say(1), say(2), say(3))',
	'',
	'asyncio.run(main())'
]);
const raising = program('raising.py', [
	'import asyncio',
	'',
	'async def main():',
	'    print("about to fail")',
	'    await asyncio.sleep(1)',
	'    raise ValueError("no such user")',
	'',
	'asyncio.run(main())'
]);
const deadlock = program('deadlock.py', [
	'import asyncio',
	'',
	'async def main():',
	'    queue = asyncio.Queue()',
	'    await queue.get()',
	'',
	'asyncio.run(main())'
]);
const forever = program('forever.py', [
	'import asyncio',
	'',
	'async def main():',
	'    while True:',
	'        await asyncio.sleep(1)',
	'',
	'asyncio.run(main())'
]);

/** Standard error without the cpu_work notes a loaded machine can cause (they measure real time). */
function withoutCpuNotes(stderr: string): string {
	return stderr
		.split('\n')
		.filter((line) => !/^note.*\(CPU work\)/.test(line))
		.join('\n');
}

interface Result {
	status: number;
	stdout: string;
	stderr: string;
}

function cli(...args: string[]): Promise<Result> {
	return cliWith({}, ...args);
}

function cliWith(env: Record<string, string>, ...args: string[]): Promise<Result> {
	return new Promise((resolve) => {
		execFile(
			process.execPath,
			[BIN, ...args],
			{ timeout: SPAWN_TIMEOUT, env: { ...process.env, ...env } },
			(error, stdout, stderr) => {
				const status = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
				resolve({ status, stdout, stderr });
			}
		);
	});
}

describe('asyncio-playground run', () => {
	it(
		'prints each output line with its virtual time and task, then the summary, and exits 0',
		async () => {
			const { status, stdout, stderr } = await cli('run', gather);
			expect(withoutCpuNotes(stderr)).toBe('');
			expect(status).toBe(0);
			const lines = stdout.trimEnd().split('\n');
			expect(lines.slice(0, 3)).toEqual([
				'  1.00 s  Task-2  hello 1',
				'  2.00 s  Task-3  hello 2',
				'  3.00 s  Task-4  hello 3'
			]);
			expect(lines.at(-1)).toBe(
				'── total 3.00 s · 4 tasks · up to 3 at once · slept 6.00 s in all (2.0× overlap) · loop blocked 0 s'
			);
		},
		SPAWN_TIMEOUT
	);

	it(
		'--loop prints the event loop one turn a line, then the summary',
		async () => {
			const { status, stdout } = await cli('run', gather, '--loop');
			expect(status).toBe(0);
			const lines = stdout.trimEnd().split('\n');
			expect(lines.slice(0, 4)).toEqual([
				'     0 s  turn 1  ran Task-1 step (line 8) · ready: Task-2, Task-3, Task-4 · timers: –',
				'     0 s  turn 2  ran Task-2 step (line 4), Task-3 step (line 4), Task-4 step (line 4) · ready: – · timers: 1.00 s Task-2, 2.00 s Task-3, 3.00 s Task-4',
				'  1.00 s  turn 3  ran sleep(1) timer → Task-2 · ready: Task-2 · timers: 2.00 s Task-3, 3.00 s Task-4',
				"  1.00 s  turn 4  ran Task-2 step (line 5) · ready: gather's callback · timers: 2.00 s Task-3, 3.00 s Task-4"
			]);
			expect(lines.at(-1)).toMatch(/^── total 3.00 s/);
		},
		SPAWN_TIMEOUT
	);

	it(
		'--json prints only the Run model, with the loop and the trace; --svg writes the timeline',
		async () => {
			const svg = join(dir, 'gather.svg');
			const { status, stdout, stderr } = await cli('run', gather, '--json', '--svg', svg);
			expect(stderr).toBe('');
			expect(status).toBe(0);
			const model = JSON.parse(stdout);
			for (const field of [
				'version',
				'duration',
				'stdout',
				'tasks',
				'warnings',
				'error',
				'deadlock',
				'limit'
			]) {
				expect(model, field).toHaveProperty(field);
			}
			expect(model.version).toBe(1);
			expect(model.duration).toBe(3);
			expect(model.stdout.map((line: { text: string }) => line.text)).toEqual([
				'hello 1',
				'hello 2',
				'hello 3'
			]);
			expect(model.tasks.map((task: { name: string }) => task.name)).toEqual([
				'Task-1',
				'Task-2',
				'Task-3',
				'Task-4'
			]);
			expect(model.tasks[0]).toMatchObject({
				parent: null,
				coro: 'main',
				created: 0,
				finished: 3,
				state: 'done'
			});
			expect(
				model.tasks[1].segments.map((s: { kind: string; label: string }) => [s.kind, s.label])
			).toEqual([
				['running', 'say'],
				['waiting', 'sleep(1)'],
				['running', 'say']
			]);
			expect(model.warnings).toEqual([]);
			expect(model.error).toBeNull();
			expect(model.deadlock).toBeNull();
			expect(model.limit).toBeNull();
			expect(model.loop[2]).toMatchObject({
				turn: 3,
				t: 1,
				jumpedFrom: 0,
				ran: [{ label: 'sleep(1) timer → Task-2' }],
				ready: ['Task-2']
			});
			expect(model.trace[0]).toMatchObject({ kind: 'run_start', version: 2 });
			expect(model.trace.some((event: { kind: string }) => event.kind === 'handles')).toBe(true);
			const picture = readFileSync(svg, 'utf8');
			expect(picture.startsWith('<svg')).toBe(true);
			expect(picture).toContain('Task-4');
		},
		SPAWN_TIMEOUT
	);

	it(
		'--perfetto writes the run as a Trace Event Format file with one track per task',
		async () => {
			const trace = join(dir, 'gather.json');
			const { status, stderr } = await cli('run', gather, '--perfetto', trace);
			expect(status).toBe(0);
			expect(stderr).toContain(`trace written to ${trace}`);
			const { traceEvents } = JSON.parse(readFileSync(trace, 'utf8')) as {
				traceEvents: { ph: string; name: string; args?: { name?: string }; dur?: number }[];
			};
			const tracks = traceEvents.filter((event) => event.name === 'thread_name');
			expect(tracks.map((event) => event.args?.name)).toEqual([
				'event loop',
				'Task-1 main()',
				'Task-2 say(1)',
				'Task-3 say(2)',
				'Task-4 say(3)'
			]);
			const sleeps = traceEvents.filter(
				(event) => event.ph === 'X' && event.name.startsWith('sleep(')
			);
			expect(sleeps.map((event) => event.dur)).toEqual([1e6, 2e6, 3e6]);
		},
		SPAWN_TIMEOUT
	);

	it(
		'exits 1 and prints the traceback on stderr when the program raises',
		async () => {
			const { status, stdout, stderr } = await cli('run', raising);
			expect(status).toBe(1);
			expect(stdout).toContain('     0 s  Task-1  about to fail');
			expect(stdout).toContain('── total 1.00 s');
			expect(stderr).toContain('Traceback');
			expect(stderr).toContain('line 6');
			expect(stderr).toContain('ValueError: no such user');
		},
		SPAWN_TIMEOUT
	);

	it(
		'exits 1 and reports the stuck tasks of a deadlock',
		async () => {
			const { status, stdout } = await cli('run', deadlock, '--json');
			expect(status).toBe(1);
			const model = JSON.parse(stdout);
			expect(model.deadlock.stuck).toEqual([
				expect.objectContaining({ name: 'Task-1', waiting: 'Queue.get', line: 5 })
			]);
			expect(model.error).toBeNull();
		},
		SPAWN_TIMEOUT
	);

	it(
		'exits 1 when --max-time stops a program that never ends',
		async () => {
			const { status, stdout, stderr } = await cli('run', forever, '--max-time', '5');
			expect(status).toBe(1);
			expect(stderr).toMatch(/Stopped.*5/);
			expect(stdout).toMatch(/── total [56]\.00 s/);
		},
		SPAWN_TIMEOUT
	);

	it(
		'replaces a damaged start-up snapshot and still runs the program right',
		async () => {
			const cache = mkdtempSync(join(tmpdir(), 'cli-cache-'));
			const file = join(cache, `${nodeSnapshotKey(readPythonSources())}.bin`);
			const damaged = new Uint8Array(1000).fill(7);
			writeFileSync(file, damaged);
			writeFileSync(
				`${file}.json`,
				JSON.stringify({ length: damaged.length, sha256: '0'.repeat(64) })
			);
			const { status, stdout } = await cliWith(
				{ ASYNCIO_PLAYGROUND_CACHE: cache },
				'run',
				gather,
				'--plain'
			);
			expect(status).toBe(0);
			expect(stdout.split('\n').slice(0, 3)).toEqual(['hello 1', 'hello 2', 'hello 3']);
			const meta = JSON.parse(readFileSync(`${file}.json`, 'utf8'));
			const snapshot = readFileSync(file);
			expect(snapshot.length).toBeGreaterThan(damaged.length);
			expect(snapshot.length).toBe(meta.length);
			expect(createHash('sha256').update(snapshot).digest('hex')).toBe(meta.sha256);
			// The next run starts from the fresh snapshot and prints the same.
			const again = await cliWith({ ASYNCIO_PLAYGROUND_CACHE: cache }, 'run', gather, '--plain');
			expect(again.status).toBe(0);
			expect(again.stdout).toBe(stdout);
			rmSync(cache, { recursive: true, force: true }); // 30 MB
		},
		2 * SPAWN_TIMEOUT
	);

	it(
		'exits 2 with a clear message for a missing file',
		async () => {
			const { status, stdout, stderr } = await cli('run', join(dir, 'nowhere.py'));
			expect(status).toBe(2);
			expect(stdout).toBe('');
			expect(stderr.trim()).toBe(
				`asyncio-playground run: cannot read ${join(dir, 'nowhere.py')}: no such file`
			);
		},
		SPAWN_TIMEOUT
	);

	it(
		'exits 2 with the usage for an unknown option or command',
		async () => {
			const option = await cli('run', gather, '--fast');
			expect(option.status).toBe(2);
			expect(option.stderr).toContain("unknown option '--fast'");
			expect(option.stderr).toContain('usage: asyncio-playground run FILE.py');
			const command = await cli('walk', gather);
			expect(command.status).toBe(2);
			expect(command.stderr).toContain('unknown command "walk"');
		},
		SPAWN_TIMEOUT
	);

	it(
		'--help lists the commands and exits 0',
		async () => {
			const { status, stdout } = await cli('--help');
			expect(status).toBe(0);
			expect(stdout).toMatch(/^ {2}run {6}/m);
			expect(stdout).toMatch(/^ {2}check {4}/m);
		},
		SPAWN_TIMEOUT
	);
});
