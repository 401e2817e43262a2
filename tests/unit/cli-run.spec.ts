import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/command';
import { main } from '../../src/cli/main';
import { loopLog, runFailed, textReport } from '../../src/cli/report';
import { parseRunArguments } from '../../src/cli/run';
import { analyzeRun } from '../../src/lib/engine/analyze';
import { HANDLE_FACTS, type TraceEvent } from '../../src/lib/engine/events';
import { buildReplay } from '../../src/lib/engine/replay';

const start: TraceEvent = {
	kind: 'run_start',
	t: 0,
	version: 2,
	python: '3.14.2',
	limits: { max_virtual_time: 3600, max_steps: 1e6, max_events: 1e6, max_output_chars: 1e5 }
};
const end = (t: number): TraceEvent => ({
	kind: 'run_end',
	t,
	steps: 3,
	real_ms: 1,
	dropped_events: 0
});

/** main prints, sleeps 1 s and prints again; `extra` events go before run_end. */
function run(extra: TraceEvent[] = [], t = 1) {
	return analyzeRun([
		start,
		{
			kind: 'task_created',
			t: 0,
			task: 1,
			name: 'Task-1',
			parent: null,
			coro: 'main',
			arguments: null,
			line: 9
		},
		{ kind: 'task_resumed', t: 0, task: 1, step: 1 },
		{ kind: 'output', t: 0, stream: 'stdout', text: 'start', task: 1, line: null },
		{
			kind: 'task_suspended',
			t: 0,
			task: 1,
			awaiting: { kind: 'sleep', label: 'sleep(1)', until: 1 },
			line: 4,
			chain: []
		},
		{ kind: 'task_resumed', t: 1, task: 1, step: 2 },
		{ kind: 'output', t: 1, stream: 'stderr', text: 'oops', task: 1, line: null },
		{ kind: 'task_done', t: 1, task: 1, state: 'done', result: 'None', line: 5 },
		{ kind: 'output', t: 1, stream: 'stdout', text: 'after', task: null, line: null },
		...extra,
		end(t)
	]);
}

describe('textReport', () => {
	it('prints stdout with time and task, the summary last, and the program stderr apart', () => {
		const report = textReport(run());
		expect(report.out).toEqual([
			'     0 s  Task-1  start',
			'  1.00 s  -       after',
			'',
			'── total 1.00 s · 1 task · up to 1 at once · slept 1.00 s in all (1.0× overlap) · loop blocked 0 s'
		]);
		expect(report.err).toEqual(['  1.00 s  Task-1  oops']);
	});

	it('prints the text alone with plain', () => {
		const report = textReport(run(), { plain: true });
		expect(report.out.slice(0, 2)).toEqual(['start', 'after']);
		expect(report.err).toEqual(['oops']);
	});

	it('puts notes, warnings, the traceback, the deadlock and the limit on stderr', () => {
		const model = run([
			{ kind: 'note', t: 0, code: 'x', message: 'A note.', line: 2 },
			{
				kind: 'warning',
				t: 0,
				category: 'RuntimeWarning',
				message: "coroutine 'f' was never awaited",
				line: 7
			},
			{
				kind: 'error',
				t: 1,
				type: 'ValueError',
				message: 'bad',
				line: 5,
				traceback: 'Traceback (most recent call last):\nValueError: bad\n'
			},
			{
				kind: 'deadlock',
				t: 1,
				stuck: [
					{ task: 1, name: 'Task-1', awaiting: { kind: 'event', label: 'Event.wait' }, line: 4 }
				]
			},
			{
				kind: 'limit',
				t: 1,
				limit: 'virtual_time',
				message: 'Stopped at 1 s of virtual time.',
				line: 4
			}
		]);
		expect(textReport(model).err.slice(1)).toEqual([
			'note (line 2): A note.',
			"RuntimeWarning (line 7): coroutine 'f' was never awaited",
			'Traceback (most recent call last):\nValueError: bad',
			'Deadlock at 1.00 s: nothing can ever run again, but 1 task never finished.',
			'  Task-1 main waits on Event.wait (line 4)',
			'Stopped (line 4): Stopped at 1 s of virtual time.'
		]);
		expect(runFailed(model)).toBe(true);
		expect(runFailed(run())).toBe(false);
	});
});

describe('textReport tracebacks', () => {
	const traceback = [
		'Traceback (most recent call last):',
		'  File "main.py", line 9, in <module>',
		'    asyncio.run(main())',
		'  File "/lib/python314.zip/asyncio/runners.py", line 204, in run',
		'    return runner.run(main)',
		'  File "/lib/python314.zip/asyncio/base_events.py", line 719, in run_until_complete',
		'    return future.result()',
		'  File "main.py", line 5, in main',
		'    raise ValueError("bad")',
		'ValueError: bad',
		''
	].join('\n');
	const failing = () =>
		run([{ kind: 'error', t: 1, type: 'ValueError', message: 'bad', line: 5, traceback }]);

	it("folds asyncio's frames to one line, and shows them all with fullTraceback", () => {
		const folded = textReport(failing()).err.find((line) => line.startsWith('Traceback'));
		expect(folded?.split('\n')).toEqual([
			'Traceback (most recent call last):',
			'  File "main.py", line 9, in <module>',
			'    asyncio.run(main())',
			'  … 2 frames inside asyncio',
			'  File "main.py", line 5, in main',
			'    raise ValueError("bad")',
			'ValueError: bad'
		]);
		const full = textReport(failing(), { fullTraceback: true }).err;
		expect(full).toContain(traceback.trimEnd());
	});
});

describe('textReport on a cut trace', () => {
	const cut = (notes: TraceEvent[]) => {
		const model = analyzeRun([...notes, { ...end(0), dropped_events: 12 } as TraceEvent]);
		return textReport(model).err;
	};

	it('says the timeline is incomplete once, whether or not the engine explained it', () => {
		expect(cut([])).toEqual([
			'The trace was cut short: 12 events were dropped, so the timeline is incomplete.'
		]);
		const note: TraceEvent = {
			kind: 'note',
			t: 0,
			code: 'events_truncated',
			message: 'Trace full.',
			line: null
		};
		expect(cut([note])).toEqual(['note: Trace full.']);
	});
});

describe('parseRunArguments', () => {
	it('reads the file, the flags and the limits', () => {
		expect(
			parseRunArguments([
				'a.py',
				'--json',
				'--max-time',
				'5',
				'--max-steps',
				'1000',
				'--svg',
				'a.svg',
				'--perfetto',
				'a.json'
			])
		).toEqual({
			file: 'a.py',
			json: true,
			loop: false,
			plain: false,
			fullTraceback: false,
			svg: 'a.svg',
			perfetto: 'a.json',
			options: { max_virtual_time: 5, max_steps: 1000 }
		});
	});

	it('refuses what it cannot use, as a usage error', () => {
		expect(() => parseRunArguments([])).toThrow(UsageError);
		expect(() => parseRunArguments(['a.py', 'b.py'])).toThrow(/one file at a time/);
		expect(() => parseRunArguments(['a.py', '--max-time', '0'])).toThrow(/positive number/);
		expect(() => parseRunArguments(['a.py', '--max-steps', '1.5'])).toThrow(/whole number/);
		expect(() => parseRunArguments(['a.py', '--json', '--plain'])).toThrow(/do not go together/);
		expect(() => parseRunArguments(['a.py', '--colour'])).toThrow(/unknown option '--colour'/);
	});
});

describe('main', () => {
	function capture() {
		const out: string[] = [];
		const err: string[] = [];
		return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
	}

	it('exits 2 with the overview when no command is given', async () => {
		const { io, err } = capture();
		expect(await main([], io)).toBe(2);
		expect(err.join('\n')).toContain('usage: asyncio-playground <command>');
	});

	it('prints a command usage for --help without running anything', async () => {
		const { io, out } = capture();
		expect(await main(['run', '--help'], io)).toBe(0);
		expect(out.join('\n')).toContain('usage: asyncio-playground run FILE.py');
	});

	it('names a missing file without the whole usage', async () => {
		const { io, err } = capture();
		expect(await main(['run', '/nowhere/at/all.py'], io)).toBe(2);
		expect(err).toEqual(['asyncio-playground run: cannot read /nowhere/at/all.py: no such file']);
	});
});

describe('loopLog', () => {
	it('prints one turn a line: time, turn, what ran, the ready queue and the timers', () => {
		const ready = HANDLE_FACTS.ready.code;
		const timer = HANDLE_FACTS.timer.code;
		const names = Array.from({ length: 9 }, (_, i) => ({
			kind: 'task_created' as const,
			t: 0,
			task: i + 2,
			name: `Task-${i + 2}`,
			parent: 1,
			coro: 'f',
			arguments: null,
			line: 3
		}));
		const replay = buildReplay([
			start,
			{ kind: 'label', t: 0, label: 1, text: 'sleep' },
			{ kind: 'label', t: 0, label: 2, text: '_set_result_unless_cancelled' },
			{
				kind: 'task_created',
				t: 0,
				task: 1,
				name: 'Task-1',
				parent: null,
				coro: 'main',
				arguments: null,
				line: 9
			},
			...names,
			{ kind: 'handles', t: 0, loop: 1, facts: [ready, 1, 1, 0, 0, 1, 9, 0, 0] },
			{ kind: 'turn', t: 0, loop: 1, turn: 1, popped: 0, timer: null, due: [] },
			{ kind: 'task_resumed', t: 0, task: 1, step: 1 },
			{
				kind: 'task_suspended',
				t: 0,
				task: 1,
				awaiting: { kind: 'sleep', label: 'sleep(2)', until: 2 },
				line: 12,
				chain: []
			},
			{
				kind: 'handles',
				t: 2,
				loop: 1,
				facts: [
					timer,
					2,
					0,
					2,
					2,
					1,
					1,
					12,
					...names.flatMap((task, i) => [ready, 10 + i, task.task, 0, 1, 1, 3, 0, 0])
				]
			},
			{ kind: 'turn', t: 2, loop: 1, turn: 2, popped: 1, timer: 2, due: [2] },
			end(2)
		]);
		expect(loopLog(replay)).toEqual([
			'     0 s  turn 1  ran Task-1 step (line 12) · ready: Task-2, Task-3, Task-4, Task-5, Task-6, Task-7, … and 3 more · timers: 2.00 s Task-1',
			// No loop_closed after it: the last turn ran all it had.
			'  2.00 s  turn 2  ran Task-2 step, Task-3 step, Task-4 step, Task-5 step, Task-6 step, Task-7 step, … and 4 more · ready: – · timers: –'
		]);
	});
});
