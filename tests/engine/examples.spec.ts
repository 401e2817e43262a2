/**
 * Every built-in example, run on the real engine and analysed: the facts each one exists to
 * show (its total time, what it prints and when, its tasks, and the warning, note, error or
 * blocking it is about). The facts sit beside the test, one entry per example; an example
 * without facts fails the test.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeRun } from '../../src/lib/engine/analyze';
import type { Engine } from '../../src/lib/engine/engine';
import type { RunModel } from '../../src/lib/engine/model';
import { createNodeEngine } from '../../src/lib/engine/node-engine';
import { examples, type Example } from '../../src/lib/examples';

interface Facts {
	/** Virtual seconds from start to end. */
	duration: number;
	/** [virtual time, text] of every stdout line, in order. */
	output: [number, string][];
	/** "name:coroutine:state" for every lane, in lane order; depth is checked through `children`. */
	tasks: string[];
	/** How many lanes are children of the first one (created by main). */
	children?: number;
	/** The summary's "up to N at once". */
	peak?: number;
	/** Seconds the loop was blocked. */
	blocked?: number;
	/** Labels that must appear on some waiting segment. */
	waits?: string[];
	/** A warning and the line (found by this text in the code) it points at. */
	warning?: { message: RegExp; at: string };
	/** A note's code and, when the note names one, the line it points at. */
	note?: { code: string; at?: string };
	/** The uncaught exception and the line it points at. */
	error?: { type: string; at: string };
	/** Each blocked span's line, found by this text in the code. */
	blockedAt?: string;
}

const facts: Record<string, Facts> = {
	'01-gather': {
		duration: 3,
		output: [
			[1, 'hello 1'],
			[2, 'hello 2'],
			[3, 'hello 3'],
			[3, 'took 3.00 s']
		],
		tasks: ['Task-1:main:done', 'Task-2:say:done', 'Task-3:say:done', 'Task-4:say:done'],
		children: 3,
		peak: 3,
		waits: ['gather(3)', 'sleep(1)', 'sleep(2)', 'sleep(3)']
	},
	'02-one-by-one': {
		duration: 6,
		output: [
			[1, 'hello 1'],
			[3, 'hello 2'],
			[6, 'hello 3'],
			[6, 'took 6.00 s']
		],
		tasks: ['Task-1:main:done'],
		peak: 1,
		waits: ['sleep(1)', 'sleep(2)', 'sleep(3)']
	},
	'03-event-loop': {
		duration: 1,
		output: [
			[0, 'loop.time() = 0.00'],
			[1, 'loop.time() = 1.00'],
			[1, 'is the loop closed now? True']
		],
		tasks: ['Task-1:main:done']
	},
	'04-get-event-loop': {
		duration: 1,
		output: [
			[0, 'main is running'],
			[1, "main's result"]
		],
		tasks: ['Task-1:main:done'],
		note: { code: 'get_event_loop_314', at: 'loop = asyncio.get_event_loop()' }
	},
	'05-run-vs-run-until-complete': {
		duration: 4,
		output: [
			[1, 'asyncio.run #1 ran'],
			[2, 'asyncio.run #2 ran'],
			[2, 'same loop twice? False | first closed? True'],
			[3, 'run_until_complete #1 ran'],
			[4, 'run_until_complete #2 ran'],
			[4, 'same loop twice? True | closed? False'],
			[4, 'closed after loop.close()? True']
		],
		// Task numbers skip: asyncio.run's clean-up steps are tasks too, which the chart leaves out.
		tasks: ['Task-1:tick:done', 'Task-4:tick:done', 'Task-7:tick:done', 'Task-8:tick:done'],
		children: 0
	},
	'06-define-and-start': {
		duration: 2,
		output: [
			[0, 'fetching...'],
			[2, "got {'answer': 42}"]
		],
		tasks: ['Task-1:main:done'],
		waits: ['sleep(2)']
	},
	'07-what-await-does': {
		duration: 3,
		output: [
			[0, 'A step 1'],
			[0, 'B step 1'],
			[1, 'A step 2'],
			[1, 'B step 2'],
			[2, 'A step 3'],
			[2, 'B step 3'],
			[3, "['A finished', 'B finished']"]
		],
		tasks: ['Task-1:main:done', 'Task-2:worker:done', 'Task-3:worker:done'],
		peak: 2
	},
	'08-await-outside-async': {
		duration: 0,
		output: [],
		tasks: [],
		error: { type: 'SyntaxError', at: 'await asyncio.sleep(1)' }
	},
	'09-forgot-await': {
		duration: 0,
		// The warning goes to stderr as CPython prints it, where the coroutine is dropped.
		output: [
			[0, "main.py:11: RuntimeWarning: coroutine 'fetch_data' was never awaited"],
			[0, '  fetch_data()  # no await: nothing runs'],
			[0, 'RuntimeWarning: Enable tracemalloc to get the object allocation traceback'],
			[0, 'This will print immediately']
		],
		tasks: ['Task-1:main:done'],
		warning: {
			message: /^coroutine 'fetch_data' was never awaited$/,
			at: 'fetch_data()  # no await'
		}
	},
	'10-coroutine-waits': {
		duration: 3,
		output: [
			[0, 'made coroutine objects; nothing has started'],
			[0, 'a starts'],
			[1, 'a ends'],
			[1, 'A'],
			[1, 'b starts'],
			[3, 'b ends'],
			[3, 'B']
		],
		tasks: ['Task-1:main:done'],
		peak: 1
	},
	'11-task-starts-now': {
		duration: 2,
		output: [
			[0, 'made Task objects; done? False'],
			[0, 'a starts'],
			[0, 'b starts'],
			[0, 'c starts'],
			[1, 'a ends'],
			[1, 'A | b done? False'],
			[2, 'b ends'],
			[2, 'B | a.result() = A'],
			[2, 'c cancelled? True']
		],
		tasks: ['Task-1:main:done', 'Task-2:job:done', 'Task-3:job:done', 'Task-4:job:cancelled'],
		children: 3,
		waits: ['Task-2', 'Task-3']
	},
	'12-create-task-loop': {
		duration: 3,
		output: [
			[1, 'downloaded file 1'],
			[2, 'downloaded file 2'],
			[3, 'downloaded file 3'],
			[3, '[30, 10, 20]']
		],
		tasks: [
			'Task-1:main:done',
			'Task-2:download:done',
			'Task-3:download:done',
			'Task-4:download:done'
		],
		children: 3,
		peak: 3,
		waits: ['Task-2']
	},
	'13-gather-results': {
		duration: 3,
		output: [
			[1, 'downloaded file 1'],
			[2, 'downloaded file 2'],
			[3, 'downloaded file 3'],
			[3, '[30, 10, 20]']
		],
		tasks: [
			'Task-1:main:done',
			'Task-2:download:done',
			'Task-3:download:done',
			'Task-4:download:done'
		],
		children: 3,
		peak: 3,
		waits: ['gather(3)']
	},
	'14-taskgroup': {
		duration: 2,
		output: [
			[1, 'a.txt downloaded'],
			[2, 'b.txt downloaded'],
			[2, 'both done: a.txt b.txt']
		],
		tasks: ['Task-1:main:done', 'Task-2:download:done', 'Task-3:download:done'],
		children: 2,
		waits: ['TaskGroup']
	},
	'15-timeout': {
		duration: 2,
		output: [[2, 'gave up after 2 s']],
		tasks: ['Task-1:main:done'],
		waits: ['sleep(5)']
	},
	'16-wait-for': {
		duration: 3,
		output: [
			[1, 'answer after 1 s'],
			[3, 'too slow: cancelled after 2 s']
		],
		tasks: ['Task-1:main:done']
	},
	'17-cancel': {
		duration: 3,
		output: [
			[0, 'working'],
			[2, 'working'],
			[3, 'cleaning up'],
			[3, 'worker cancelled? True']
		],
		tasks: ['Task-1:main:done', 'Task-2:worker:cancelled'],
		children: 1
	},
	'18-gather-exceptions': {
		duration: 4,
		output: [
			[3, "[2, ValueError('broken'), 3]"],
			[4, "gather raised: ValueError('broken')"]
		],
		tasks: [
			'Task-1:main:done',
			'Task-2:ok:done',
			'Task-3:broken:raised',
			'Task-4:ok:done',
			// gather does not cancel ok(2) when broken() raises; asyncio.run cancels it at the end.
			'Task-5:ok:cancelled',
			'Task-6:broken:raised'
		],
		children: 5,
		waits: ['gather(3)', 'gather(2)']
	},
	'19-as-completed': {
		duration: 3,
		output: [
			[1, 'result 1'],
			[2, 'result 2'],
			[3, 'result 3']
		],
		tasks: ['Task-1:main:done', 'Task-2:fetch:done', 'Task-3:fetch:done', 'Task-4:fetch:done'],
		children: 3,
		waits: ['as_completed']
	},
	'20-wait': {
		duration: 1,
		output: [
			[1, "done: ['data from us']"],
			[1, "pending: ['asia', 'eu']"],
			[1, 'cancelled: True']
		],
		tasks: ['Task-1:main:done', 'eu:fetch:cancelled', 'us:fetch:done', 'asia:fetch:cancelled'],
		children: 3,
		waits: ['wait(3)']
	},
	'21-semaphore': {
		duration: 3,
		output: [
			[0, 'start 1'],
			[0, 'start 2'],
			[1, 'start 3'],
			[1, 'start 4'],
			[2, 'start 5']
		],
		tasks: [
			'Task-1:main:done',
			'Task-2:download:done',
			'Task-3:download:done',
			'Task-4:download:done',
			'Task-5:download:done',
			'Task-6:download:done'
		],
		children: 5,
		peak: 2,
		waits: ['Semaphore']
	},
	'22-race-without-lock': {
		duration: 1,
		output: [
			[1, 'ann deposited 10, balance 10'],
			[1, 'bob deposited 20, balance 20'],
			[1, 'cy deposited 30, balance 30'],
			[1, 'final balance 30']
		],
		tasks: [
			'Task-1:main:done',
			'Task-2:deposit:done',
			'Task-3:deposit:done',
			'Task-4:deposit:done'
		],
		peak: 3
	},
	'23-lock': {
		duration: 3,
		output: [
			[1, 'ann deposited 10, balance 10'],
			[2, 'bob deposited 20, balance 30'],
			[3, 'cy deposited 30, balance 60'],
			[3, 'final balance 60']
		],
		tasks: [
			'Task-1:main:done',
			'Task-2:deposit:done',
			'Task-3:deposit:done',
			'Task-4:deposit:done'
		],
		peak: 1,
		waits: ['Lock']
	},
	'24-event': {
		duration: 2,
		output: [
			[0, 'a waits'],
			[0, 'b waits'],
			[2, 'main sets the event'],
			[2, 'a goes'],
			[2, 'b goes']
		],
		tasks: ['Task-1:main:done', 'Task-2:waiter:done', 'Task-3:waiter:done'],
		waits: ['Event.wait']
	},
	'25-queue': {
		duration: 7,
		output: [
			[1, 'made 1'],
			[2, 'made 2'],
			[3, 'used 1'],
			[3, 'made 3'],
			[5, 'used 2'],
			[7, 'used 3']
		],
		tasks: ['Task-1:main:done', 'Task-2:producer:done', 'Task-3:consumer:done'],
		waits: ['Queue.get']
	},
	'26-blocking-sleep': {
		duration: 6,
		output: [
			[1, 'hello 1'],
			[3, 'hello 2'],
			[6, 'hello 3'],
			[6, 'took 6.00 s']
		],
		tasks: ['Task-1:main:done', 'Task-2:say:done', 'Task-3:say:done', 'Task-4:say:done'],
		peak: 1,
		blocked: 6,
		blockedAt: 'time.sleep(n)  # blocks the loop'
	},
	'27-non-blocking-sleep': {
		duration: 3,
		output: [
			[1, 'hello 1'],
			[2, 'hello 2'],
			[3, 'hello 3'],
			[3, 'took 3.00 s']
		],
		tasks: ['Task-1:main:done', 'Task-2:say:done', 'Task-3:say:done', 'Task-4:say:done'],
		peak: 3,
		blocked: 0
	},
	'28-cpu-bound': {
		duration: 3,
		output: [
			[0, 'crunching...'],
			[0, 'crunched 8999995500000500000'],
			// The heartbeat starts only once main's long step is over.
			[0, 'beat 1'],
			[1, 'beat 2'],
			[2, 'beat 3']
		],
		tasks: ['Task-1:main:done', 'Task-2:heartbeat:done'],
		children: 1,
		blocked: 0,
		note: { code: 'cpu_work' }
	},
	'29-forgotten-task': {
		duration: 1,
		output: [[1, 'main is done']],
		tasks: ['Task-1:main:done', 'Task-2:send_email:cancelled'],
		children: 1
	},
	'30-to-thread': {
		duration: 2,
		output: [[2, "['disk read', 'network read']"]],
		tasks: ['Task-1:main:done', 'Task-2:to_thread:done', 'Task-3:to_thread:done'],
		children: 2,
		peak: 2,
		blocked: 0
	},
	'31-top-level-await': {
		duration: 3,
		output: [
			[0, 'before'],
			[1, '10'],
			[3, '[10, 20]']
		],
		// The top-level code runs as a task of its own, so its awaits get a lane too.
		tasks: ['<module>:<module>:done', 'Task-1:fetch:done', 'Task-2:fetch:done'],
		children: 2,
		waits: ['sleep(1)', 'gather(2)']
	}
};

/** The 1-based line of the code that contains `text` (exactly one such line). */
function lineOf(example: Example, text: string): number {
	const lines = example.code.split('\n');
	const matches = lines.flatMap((line, index) => (line.includes(text) ? [index + 1] : []));
	expect(matches, `"${text}" in ${example.slug}`).toHaveLength(1);
	return matches[0];
}

let engine: Engine;
beforeAll(async () => {
	engine = await createNodeEngine();
});

function run(example: Example): RunModel {
	return analyzeRun(engine.run(example.code));
}

describe('examples on the engine', () => {
	it('every example has its facts, and every fact an example', () => {
		expect(Object.keys(facts).sort()).toEqual(examples.map((example) => example.slug));
	});

	for (const example of examples) {
		const expected = facts[example.slug];
		if (!expected) continue;
		it(`${example.slug}: ${example.title}`, () => {
			const model = run(example);
			expect(model.duration, 'duration').toBeCloseTo(expected.duration, 9);
			expect(
				model.stdout.map((line) => [line.t, line.text]),
				'output'
			).toEqual(expected.output);
			expect(
				model.tasks.map((task) => `${task.name}:${task.coro}:${task.state}`),
				'tasks'
			).toEqual(expected.tasks);
			if (expected.children !== undefined) {
				const root = model.tasks[0];
				const children = model.tasks.filter((task) => task.parent === root.id);
				expect(children, 'children of the first lane').toHaveLength(expected.children);
				for (const child of children) expect(child.depth).toBe(1);
			}
			if (expected.peak !== undefined) {
				expect(model.summary.peakConcurrency, 'peak').toBe(expected.peak);
			}
			expect(model.summary.blockedTime, 'blocked time').toBeCloseTo(expected.blocked ?? 0, 9);
			if (expected.blockedAt) {
				const line = lineOf(example, expected.blockedAt);
				expect(model.blocked.length).toBeGreaterThan(0);
				for (const span of model.blocked) expect(span.line).toBe(line);
			}
			const labels = new Set(
				model.tasks.flatMap((task) =>
					task.segments.filter((s) => s.kind === 'waiting').map((s) => s.label)
				)
			);
			for (const label of expected.waits ?? []) expect([...labels], 'waits').toContain(label);

			if (expected.warning) {
				expect(model.warnings).toHaveLength(1);
				expect(model.warnings[0].message).toMatch(expected.warning.message);
				expect(model.warnings[0].line).toBe(lineOf(example, expected.warning.at));
			} else {
				expect(model.warnings, 'warnings').toEqual([]);
			}
			// A cpu_work note depends on real time: on a loaded machine any step can run long.
			const notes =
				expected.note?.code === 'cpu_work'
					? model.notes
					: model.notes.filter((note) => note.code !== 'cpu_work');
			if (expected.note) {
				expect(notes.map((note) => note.code)).toEqual([expected.note.code]);
				if (expected.note.at) {
					expect(notes[0].line).toBe(lineOf(example, expected.note.at));
				}
			} else {
				expect(notes, 'notes').toEqual([]);
			}
			if (expected.error) {
				expect(model.error?.type).toBe(expected.error.type);
				expect(model.error?.line).toBe(lineOf(example, expected.error.at));
			} else {
				expect(model.error, 'error').toBeNull();
			}
			expect(model.deadlock, 'deadlock').toBeNull();
			expect(model.limit, 'limit').toBeNull();
			expect(model.droppedEvents).toBe(0);
		});
	}

	it('runs each example the same way twice', () => {
		const first = examples[0];
		const once = run(first);
		const twice = run(first);
		expect({ ...twice, realMs: 0 }).toEqual({ ...once, realMs: 0 });
	});
});
