import { describe, expect, it } from 'vitest';
import { CHECKS, evaluateChecks, peakOverlap, validateCheck } from '../../src/lib/exercises/checks';
import { parseCheckArgs } from '../../src/lib/exercises/parse';
import type { RunModel } from '../../src/lib/engine/model';
import { model, task } from './exercises-model';

/** Evaluates one check written as in a ```checks block. */
function check(line: string, run: RunModel, source = '') {
	const [, id, rest] = /^([a-z-]+)\s*(?::\s*(.*))?$/.exec(line)!;
	const spec = { id, args: parseCheckArgs(rest ?? ''), line: 1 };
	expect(validateCheck(spec)).toBeNull();
	return evaluateChecks([spec], run, source)[0];
}

const sequential = model({
	duration: 6,
	tasks: [
		task(1, {
			name: 'Task-1',
			waits: [
				[0, 1, 'sleep'],
				[1, 3, 'sleep'],
				[3, 6, 'sleep']
			]
		})
	]
});
const gathered = model({
	duration: 3,
	tasks: [
		task(1, { name: 'Task-1', waits: [[0, 3, 'gather']] }),
		task(2, { name: 'Task-2', waits: [[0, 1, 'sleep']] }),
		task(3, { name: 'Task-3', waits: [[0, 2, 'sleep']] }),
		task(4, { name: 'Task-4', waits: [[0, 3, 'sleep']] })
	]
});

describe('duration checks', () => {
	it('max-duration fails with how long it took and the limit', () => {
		expect(check('max-duration: 3.1', sequential)).toMatchObject({
			passed: false,
			label: 'finishes within 3.10 s',
			why: 'took 6.00 s, must be at most 3.10 s'
		});
		expect(check('max-duration: 3.1', gathered)).toMatchObject({
			passed: true,
			why: 'took 3.00 s'
		});
	});

	it('min-duration fails when the run was too quick', () => {
		expect(check('min-duration: 4', gathered)).toMatchObject({
			passed: false,
			why: 'took 3.00 s, must be at least 4.00 s'
		});
		expect(check('min-duration: 6', sequential).passed).toBe(true);
	});
});

describe('overlap checks', () => {
	it('min-overlap counts busy tasks, not main waiting on gather', () => {
		expect(check('min-overlap: 3', gathered)).toMatchObject({
			passed: true,
			why: '3 tasks at once at 0 s'
		});
		expect(check('min-overlap: 4', gathered)).toMatchObject({
			passed: false,
			why: '3 tasks at once at 0 s, needs at least 4'
		});
		expect(check('min-overlap: 3 sleep', sequential)).toMatchObject({
			passed: false,
			why: '1 task awaiting sleep at a time, needs at least 3'
		});
	});

	it('max-overlap fails when too many tasks await the same kind at once', () => {
		expect(check('max-overlap: 2 sleep', gathered)).toMatchObject({
			passed: false,
			why: '3 tasks awaiting sleep at once at 0 s, must be at most 2'
		});
		expect(check('max-overlap: 1 sleep', sequential).passed).toBe(true);
	});

	it('a task ending when another starts is not an overlap', () => {
		const relay = [
			task(2, { name: 'a', waits: [[0, 1, 'sleep']] }),
			task(3, { name: 'b', waits: [[1, 2, 'sleep']] })
		];
		expect(peakOverlap(relay, () => true)).toEqual({ peak: 1, at: 0 });
	});

	it('one task with back-to-back segments counts once', () => {
		const one = [
			task(2, {
				name: 'a',
				waits: [
					[0, 1, 'sleep'],
					[1, 2, 'lock']
				]
			})
		];
		expect(peakOverlap(one, () => true).peak).toBe(1);
	});

	it('says so when nothing ever overlapped', () => {
		expect(check('min-overlap: 1 queue_get', gathered).why).toBe(
			'no task ever awaited queue_get, needs at least 1'
		);
	});
});

describe('task checks', () => {
	it('min-tasks counts the main task', () => {
		expect(check('min-tasks: 4', gathered)).toMatchObject({ passed: true, why: '4 tasks ran' });
		expect(check('min-tasks: 2', sequential)).toMatchObject({
			passed: false,
			why: 'only 1 task ran, needs at least 2'
		});
	});

	it('min-cancelled names the cancelled tasks', () => {
		const run = model({
			tasks: [task(1, { name: 'main' }), task(2, { name: 'player', state: 'cancelled' })]
		});
		expect(check('min-cancelled: 1', run)).toMatchObject({
			passed: true,
			why: 'cancelled: player'
		});
		expect(check('min-cancelled: 1', gathered)).toMatchObject({
			passed: false,
			why: 'no task ended cancelled, needs at least 1'
		});
	});

	it('all-tasks-finish names a task that never finished', () => {
		const run = model({
			tasks: [
				task(1, { name: 'main' }),
				task(2, { name: 'saver', finished: null, state: 'pending' })
			]
		});
		expect(check('all-tasks-finish', run)).toMatchObject({
			passed: false,
			why: 'saver never finished'
		});
		expect(check('all-tasks-finish', gathered).passed).toBe(true);
	});
});

describe('output checks', () => {
	const run = model({ printed: ['start a', 'start b', 'done b', 'done a'] });

	it('output-equals points at the first differing line', () => {
		expect(check('output-equals: "start a" "start b" "done b" "done a"', run).passed).toBe(true);
		expect(check('output-equals: "start a" "start b" "done a" "done b"', run).why).toBe(
			'line 3 is "done b", expected "done a"'
		);
		expect(check('output-equals: "start a"', run).why).toBe(
			'an extra line 2 was printed: "start b"'
		);
		expect(check('output-equals: "start a" "start b" "done b" "done a" "end"', run).why).toBe(
			'printed 4 lines; line 5 should be "end"'
		);
	});

	it('output-in-order allows lines between and names a line out of order', () => {
		expect(check('output-in-order: "start a" "done a"', run).passed).toBe(true);
		expect(check('output-in-order: "done a" "done b"', run)).toMatchObject({
			passed: false,
			why: '"done b" is printed, but not after "done a"'
		});
		expect(check('output-in-order: "start a" "done c"', run).why).toBe('"done c" is never printed');
	});

	it('output-in-order matches whole lines only', () => {
		expect(check('output-in-order: "start"', run).passed).toBe(false);
	});

	it('output-contains and output-not-contains look inside lines', () => {
		expect(check('output-contains: "done" "b"', run).passed).toBe(true);
		expect(check('output-contains: "done c"', run).why).toBe('"done c" never printed');
		expect(check('output-not-contains: "done"', run)).toMatchObject({
			passed: false,
			why: '"done" was printed'
		});
		expect(check('output-not-contains: "oops"', run).passed).toBe(true);
	});

	it('ignores stderr, where tracebacks go', () => {
		const withError = model({ printed: ['ok'] });
		withError.stdout.push({
			t: 0,
			task: null,
			taskName: null,
			stream: 'stderr',
			text: 'Traceback'
		});
		expect(check('output-equals: "ok"', withError).passed).toBe(true);
	});
});

describe('problem checks', () => {
	it('no-never-awaited quotes the warning and its line', () => {
		const run = model({
			warnings: [
				{
					t: 0,
					category: 'RuntimeWarning',
					message: "coroutine 'fetch' was never awaited",
					line: 7
				}
			]
		});
		expect(check('no-never-awaited', run)).toMatchObject({
			passed: false,
			why: "coroutine 'fetch' was never awaited (line 7)"
		});
		expect(check('no-never-awaited', gathered).passed).toBe(true);
		expect(check('no-warnings', run).why).toBe(
			"RuntimeWarning: coroutine 'fetch' was never awaited (line 7)"
		);
	});

	it('no-blocking adds up the blocked time', () => {
		const run = model({
			blocked: [
				{ start: 0, end: 1, cause: 'time.sleep', line: 6, task: 2 },
				{ start: 1, end: 3, cause: 'time.sleep', line: 6, task: 3 }
			]
		});
		expect(check('no-blocking', run)).toMatchObject({
			passed: false,
			why: 'time.sleep blocked the loop for 3.00 s in all (line 6)'
		});
		expect(check('no-blocking', gathered).passed).toBe(true);
	});

	it('no-error, no-deadlock and no-limit say what happened', () => {
		const failed = model({
			error: { type: 'ValueError', message: 'boom', line: 3, traceback: '' }
		});
		expect(check('no-error', failed).why).toBe('ValueError: boom (line 3)');
		const stuck = model({
			deadlock: {
				t: 1,
				stuck: [
					{
						task: 2,
						name: 'Task-2',
						waiting: 'Event.wait',
						awaiting: { kind: 'event', label: 'Event.wait' },
						line: 4
					}
				]
			}
		});
		expect(check('no-deadlock', stuck).why).toBe(
			'deadlock at 1.00 s: Task-2 waits on Event.wait (line 4)'
		);
		const limited = model({
			limit: { limit: 'virtual_time', t: 60, message: 'too long', line: null }
		});
		expect(check('no-limit', limited).why).toBe('stopped by the virtual_time limit at 60.00 s');
		for (const id of ['no-error', 'no-deadlock', 'no-limit']) {
			expect(check(id, gathered).passed).toBe(true);
		}
	});
});

describe('source checks', () => {
	const source = [
		'import asyncio',
		'# asyncio.gather would be easier',
		'async def main():',
		'    print("time.sleep is banned")',
		'    await asyncio.sleep(1)'
	].join('\n');

	it('uses ignores names in comments and strings', () => {
		expect(check('uses: asyncio.sleep', gathered, source).passed).toBe(true);
		expect(check('uses: gather', gathered, source)).toMatchObject({
			passed: false,
			why: 'gather not found in the code'
		});
	});

	it('not-uses names what is still used', () => {
		expect(check('not-uses: time.sleep', gathered, source).passed).toBe(true);
		expect(check('not-uses: sleep', gathered, source)).toMatchObject({
			passed: false,
			why: 'sleep still used'
		});
	});

	it('uses-any passes on any one of the names', () => {
		expect(check('uses-any: timeout asyncio.sleep', gathered, source).why).toBe(
			'uses asyncio.sleep'
		);
		expect(check('uses-any: timeout wait_for', gathered, source).why).toBe(
			'none of timeout, wait_for found'
		);
	});
});

describe('validateCheck', () => {
	it('rejects unknown checks and wrong arguments with the expected syntax', () => {
		expect(validateCheck({ id: 'max-time', args: [], line: 1 })).toMatch(
			/unknown check "max-time"/
		);
		expect(validateCheck({ id: 'max-duration', args: [], line: 1 })).toBe(
			'expected "max-duration: SECONDS"'
		);
		expect(validateCheck({ id: 'min-overlap', args: parseCheckArgs('2 nap'), line: 1 })).toMatch(
			/unknown await kind "nap"/
		);
		expect(validateCheck({ id: 'no-error', args: parseCheckArgs('1'), line: 1 })).toBe(
			'no-error takes no arguments'
		);
		expect(validateCheck({ id: 'uses', args: parseCheckArgs('"gather"'), line: 1 })).toBe(
			'expected "uses: NAME ..."'
		);
	});

	it('every check has a syntax that starts with its name', () => {
		for (const [id, kind] of Object.entries(CHECKS)) expect(kind.syntax.startsWith(id)).toBe(true);
	});
});
