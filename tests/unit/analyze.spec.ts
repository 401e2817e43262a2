import { describe, expect, it } from 'vitest';
import { analyzeRun } from '../../src/lib/engine/analyze';
import type { Awaiting, TaskId, TraceEvent } from '../../src/lib/engine/events';
import type { TaskModel } from '../../src/lib/engine/model';

/** A tiny trace writer, so each test reads like the program it stands for. */
class Trace {
	events: TraceEvent[] = [];
	private step = 0;

	constructor() {
		this.events.push({
			kind: 'run_start',
			t: 0,
			version: 2,
			python: '3.14.2',
			limits: {
				max_virtual_time: 3600,
				max_steps: 1_000_000,
				max_events: 200_000,
				max_output_chars: 100_000
			}
		});
	}
	created(
		t: number,
		task: TaskId,
		name: string,
		parent: TaskId | null,
		coro: string,
		line: number | null = null,
		args: string[] | null = null
	) {
		this.events.push({
			kind: 'task_created',
			t,
			task,
			name,
			parent,
			coro,
			arguments: args,
			line
		});
		return this;
	}
	resumed(t: number, task: TaskId) {
		this.events.push({ kind: 'task_resumed', t, task, step: ++this.step });
		return this;
	}
	suspended(t: number, task: TaskId, awaiting: Awaiting, line: number | null = null) {
		this.events.push({
			kind: 'task_suspended',
			t,
			task,
			awaiting,
			line,
			chain: line == null ? [] : [{ fn: 'f', line }]
		});
		return this;
	}
	sleep(t: number, task: TaskId, seconds: number, line: number | null = null) {
		return this.suspended(
			t,
			task,
			{ kind: 'sleep', label: `sleep(${seconds})`, until: t + seconds },
			line
		);
	}
	done(t: number, task: TaskId, state: 'done' | 'raised' | 'cancelled' = 'done') {
		this.events.push({
			kind: 'task_done',
			t,
			task,
			state,
			line: null,
			...(state === 'done' ? { result: 'None' } : {})
		});
		return this;
	}
	print(t: number, task: TaskId | null, text: string) {
		this.events.push({ kind: 'output', t, stream: 'stdout', text, task, line: null });
		return this;
	}
	blocked(t: number, task: TaskId | null, duration: number, line: number | null = null) {
		this.events.push({ kind: 'blocked', t, duration, cause: 'time.sleep', line, task });
		return this;
	}
	end(t: number) {
		this.events.push({ kind: 'run_end', t, steps: this.step, real_ms: 1.5, dropped_events: 0 });
		return this;
	}
}

/** main gathers say(1), say(2), say(3): each child sleeps its number of seconds, then prints. */
function gatherOfThree(): Trace {
	const trace = new Trace()
		.created(0, 1, 'Task-1', null, 'main', 12)
		.resumed(0, 1)
		.created(0, 2, 'Task-2', 1, 'say', 9)
		.created(0, 3, 'Task-3', 1, 'say', 9)
		.created(0, 4, 'Task-4', 1, 'say', 9)
		.suspended(0, 1, { kind: 'gather', label: 'gather(3)', tasks: [2, 3, 4] }, 9);
	for (const id of [2, 3, 4]) trace.resumed(0, id).sleep(0, id, id - 1, 5);
	for (const id of [2, 3, 4])
		trace
			.resumed(id - 1, id)
			.print(id - 1, id, `hello ${id - 1}`)
			.done(id - 1, id);
	return trace.resumed(3, 1).done(3, 1).end(3);
}

function task(tasks: TaskModel[], id: TaskId): TaskModel {
	const found = tasks.find((candidate) => candidate.id === id);
	if (!found) throw new Error(`no task ${id}`);
	return found;
}

/** Segments must tile [created, finished ?? duration] with no gap and no overlap. */
function expectTiled(model: ReturnType<typeof analyzeRun>) {
	for (const t of model.tasks) {
		let cursor = t.created;
		for (const segment of t.segments) {
			expect(segment.start, `${t.name} ${segment.label}`).toBeCloseTo(cursor, 9);
			expect(segment.end).toBeGreaterThanOrEqual(segment.start);
			cursor = segment.end;
		}
		expect(cursor, t.name).toBeCloseTo(t.finished ?? model.duration, 9);
	}
}

describe('analyzeRun: gather of three', () => {
	const model = analyzeRun(gatherOfThree().events);

	it('takes as long as the longest sleep', () => {
		expect(model.duration).toBe(3);
		expect(model.summary.duration).toBe(3);
	});

	it('counts the three sleepers as concurrent, not the main task that only waits for them', () => {
		expect(model.summary.tasks).toBe(4);
		expect(model.summary.peakConcurrency).toBe(3);
	});

	it('sums the sleeps and divides by the duration for the overlap', () => {
		expect(model.summary.awaitedTime).toBe(6);
		expect(model.summary.overlap).toBe(2);
		expect(model.summary.blockedTime).toBe(0);
	});

	it('labels waiting segments with what they await and the await line', () => {
		const sleeper = task(model.tasks, 4);
		const waiting = sleeper.segments.filter((s) => s.kind === 'waiting');
		expect(waiting).toHaveLength(1);
		expect(waiting[0]).toMatchObject({ start: 0, end: 3, label: 'sleep(3)', line: 5 });
		expect(waiting[0].awaiting?.kind).toBe('sleep');
		expect(waiting[0].chain).toEqual([{ fn: 'f', line: 5 }]);
		const main = task(model.tasks, 1);
		expect(main.segments.find((s) => s.kind === 'waiting')).toMatchObject({
			label: 'gather(3)',
			start: 0,
			end: 3
		});
	});

	it('labels running segments with the coroutine and the line they resume at', () => {
		const sleeper = task(model.tasks, 3);
		const running = sleeper.segments.filter((s) => s.kind === 'running');
		expect(running.map((s) => [s.start, s.label, s.line])).toEqual([
			[0, 'say', null],
			[2, 'say', 5]
		]);
	});

	it('tiles every lane without gaps', () => {
		expectTiled(model);
	});

	it('records finish times and states', () => {
		expect(model.tasks.map((t) => [t.name, t.finished, t.state])).toEqual([
			['Task-1', 3, 'done'],
			['Task-2', 1, 'done'],
			['Task-3', 2, 'done'],
			['Task-4', 3, 'done']
		]);
		expect(task(model.tasks, 2).result).toBe('None');
	});

	it('links the gathering task to each child until that child finished', () => {
		expect(model.links).toEqual([
			{ from: 1, to: 2, start: 0, end: 1, line: 9 },
			{ from: 1, to: 3, start: 0, end: 2, line: 9 },
			{ from: 1, to: 4, start: 0, end: 3, line: 9 }
		]);
	});

	it('names the task that printed each line', () => {
		expect(model.stdout.map((line) => [line.t, line.taskName, line.text])).toEqual([
			[1, 'Task-2', 'hello 1'],
			[2, 'Task-3', 'hello 2'],
			[3, 'Task-4', 'hello 3']
		]);
	});

	it('steps the concurrency down as each sleeper finishes', () => {
		expect(model.concurrency).toEqual([
			{ t: 0, running: 0, waiting: 3 },
			{ t: 1, running: 0, waiting: 2 },
			{ t: 2, running: 0, waiting: 1 },
			{ t: 3, running: 0, waiting: 0 }
		]);
	});

	it('carries the run facts through', () => {
		expect(model.python).toBe('3.14.2');
		expect(model.realMs).toBe(1.5);
		expect(model.steps).toBeGreaterThan(0);
		expect(model.error).toBeNull();
		expect(model.deadlock).toBeNull();
		expect(model.limit).toBeNull();
	});
});

describe('analyzeRun: one by one', () => {
	// main awaits say(1), say(2), say(3) in turn: no tasks, three sleeps in a row.
	const trace = new Trace().created(0, 1, 'Task-1', null, 'main').resumed(0, 1);
	let t = 0;
	for (const seconds of [1, 2, 3]) {
		trace.sleep(t, 1, seconds, 5);
		t += seconds;
		trace.resumed(t, 1).print(t, 1, `hello ${seconds}`);
	}
	const model = analyzeRun(trace.done(6, 1).end(6).events);

	it('adds the sleeps up: 6 s, one task, no overlap', () => {
		expect(model.duration).toBe(6);
		expect(model.summary).toMatchObject({
			tasks: 1,
			peakConcurrency: 1,
			awaitedTime: 6,
			overlap: 1
		});
		expectTiled(model);
	});
});

describe('analyzeRun: time.sleep inside a coroutine', () => {
	// Task-2 calls time.sleep(2) on line 4 while Task-3 sleeps properly with asyncio.sleep(1).
	const trace = new Trace()
		.created(0, 1, 'Task-1', null, 'main')
		.resumed(0, 1)
		.created(0, 2, 'Task-2', 1, 'blocker')
		.created(0, 3, 'Task-3', 1, 'polite')
		.suspended(0, 1, { kind: 'gather', label: 'gather(2)', tasks: [2, 3] })
		.resumed(0, 2)
		.blocked(0, 2, 2, 4)
		.print(2, 2, 'woke')
		.done(2, 2)
		.resumed(2, 3)
		.sleep(2, 3, 1, 8)
		.resumed(3, 3)
		.done(3, 3)
		.resumed(3, 1)
		.done(3, 1)
		.end(3);
	const model = analyzeRun(trace.events);

	it('cuts the running step around a blocked segment with the call and its line', () => {
		const blocker = task(model.tasks, 2);
		expect(blocker.segments.map((s) => [s.kind, s.start, s.end])).toEqual([
			['running', 0, 0],
			['blocked', 0, 2],
			['running', 2, 2]
		]);
		expect(blocker.segments[1]).toMatchObject({ label: 'time.sleep(2)', line: 4 });
		expectTiled(model);
	});

	it('shows the other task waiting for its first turn while the loop is blocked', () => {
		const polite = task(model.tasks, 3);
		expect(polite.segments[0]).toMatchObject({
			kind: 'waiting',
			start: 0,
			end: 2,
			label: 'scheduled'
		});
	});

	it('reports the blocked time and the span for the shaded band', () => {
		expect(model.summary.blockedTime).toBe(2);
		expect(model.blocked).toEqual([{ start: 0, end: 2, cause: 'time.sleep', line: 4, task: 2 }]);
		expect(model.duration).toBe(3);
	});

	it('counts the blocking task as running, and the task kept from starting as idle', () => {
		expect(model.concurrency[0]).toEqual({ t: 0, running: 1, waiting: 0 });
		expect(model.summary.peakConcurrency).toBe(1);
	});

	it('keeps blocking top-level code (no task) in the blocked spans only', () => {
		const topLevel = analyzeRun(new Trace().blocked(0, null, 1.5, 2).end(1.5).events);
		expect(topLevel.blocked).toHaveLength(1);
		expect(topLevel.tasks).toHaveLength(0);
		expect(topLevel.summary).toMatchObject({ blockedTime: 1.5, peakConcurrency: 0, duration: 1.5 });
	});
});

describe('analyzeRun: deadlock', () => {
	const lock: Awaiting = { kind: 'lock', label: 'Lock' };
	const trace = new Trace()
		.created(0, 1, 'Task-1', null, 'main')
		.resumed(0, 1)
		.created(0, 2, 'first', 1, 'worker')
		.suspended(0, 1, { kind: 'task', label: 'first', task: 2 }, 11)
		.resumed(0, 2)
		.suspended(0, 2, lock, 6);
	trace.events.push({
		kind: 'deadlock',
		t: 0,
		stuck: [
			{ task: 1, name: 'Task-1', awaiting: { kind: 'task', label: 'first', task: 2 }, line: 11 },
			{ task: 2, name: 'first', awaiting: lock, line: 6 }
		]
	});
	const model = analyzeRun(trace.end(0).events);

	it('reports every stuck task with what it waits on in words', () => {
		expect(model.deadlock?.stuck.map((s) => [s.name, s.waiting, s.line])).toEqual([
			['Task-1', 'first', 11],
			['first', 'Lock', 6]
		]);
		expect(model.deadlock?.stuck[1].awaiting.kind).toBe('lock');
	});

	it('leaves stuck tasks pending and unfinished', () => {
		expect(model.tasks.map((t) => [t.state, t.finished])).toEqual([
			['pending', null],
			['pending', null]
		]);
	});

	it('links main to the task it awaits even for a zero-length run', () => {
		// A zero-length wait draws nothing, so there is no link either: the deadlock report carries it.
		expect(model.links).toEqual([]);
		expectTiled(model);
	});
});

describe('analyzeRun: truncated trace', () => {
	// The trace cap dropped Task-3's creation and everything after t=1 except output and run_end.
	const trace = new Trace()
		.created(0, 1, 'Task-1', null, 'main')
		.resumed(0, 1)
		.created(0, 2, 'Task-2', 1, 'loop')
		.sleep(0, 1, 10)
		.resumed(0, 2)
		.resumed(1, 2) // a resume without the suspend before it
		.resumed(1, 3) // a task we never saw created
		.print(4, 2, 'still here');
	trace.events.push({
		kind: 'limit',
		t: 5,
		limit: 'steps',
		message: 'Stopped after 9 task steps.',
		line: null
	});
	trace.events.push({ kind: 'run_end', t: 5, steps: 9, real_ms: 2, dropped_events: 42 });
	const model = analyzeRun(trace.events);

	it('ends the unfinished tasks at the end of the run as pending', () => {
		expect(model.duration).toBe(5);
		for (const t of model.tasks) {
			expect(t.state).toBe('pending');
			expect(t.finished).toBeNull();
		}
		expectTiled(model);
	});

	it('treats a second resume as the continuation of the running step', () => {
		const looping = task(model.tasks, 2);
		expect(looping.segments.map((s) => [s.kind, s.start, s.end])).toEqual([
			['running', 0, 1],
			['running', 1, 5]
		]);
	});

	it('invents a lane for a task whose creation was dropped', () => {
		const unknown = task(model.tasks, 3);
		expect(unknown).toMatchObject({ name: 'Task-3', parent: null, created: 1, depth: 0 });
	});

	it('says how many events were dropped and which limit stopped the run', () => {
		expect(model.droppedEvents).toBe(42);
		expect(model.limit).toEqual({
			limit: 'steps',
			t: 5,
			message: 'Stopped after 9 task steps.',
			line: null
		});
		expect(model.stdout[0].taskName).toBe('Task-2');
	});

	it('survives a trace with no run_start and no run_end', () => {
		const partial = analyzeRun(
			new Trace().created(0, 1, 'Task-1', null, 'main').resumed(0, 1).sleep(0, 1, 2).events.slice(1)
		);
		expect(partial.python).toBe('');
		expect(partial.duration).toBe(0);
		expect(partial.tasks[0].state).toBe('pending');
	});
});

describe('analyzeRun: lane order', () => {
	// Created in the order main(1), a(2), b(3), a.child(4), b.child(5), a.grandchild(6), other root(7).
	const trace = new Trace()
		.created(0, 1, 'main', null, 'main')
		.created(0, 2, 'a', 1, 'a')
		.created(0, 3, 'b', 1, 'b')
		.created(1, 4, 'a.child', 2, 'c')
		.created(1, 5, 'b.child', 3, 'c')
		.created(2, 6, 'a.grandchild', 4, 'c')
		.created(2, 7, 'second root', null, 'r')
		.end(3);
	const model = analyzeRun(trace.events);

	it('puts children under their parent, depth first by creation', () => {
		expect(model.tasks.map((t) => [t.name, t.depth])).toEqual([
			['main', 0],
			['a', 1],
			['a.child', 2],
			['a.grandchild', 3],
			['b', 1],
			['b.child', 2],
			['second root', 0]
		]);
	});

	it('handles a deep chain of tasks without recursion', () => {
		const deep = new Trace().created(0, 1, 'Task-1', null, 'main');
		for (let id = 2; id <= 20_000; id++) deep.created(0, id, `Task-${id}`, id - 1, 'nest');
		const tasks = analyzeRun(deep.end(0).events).tasks;
		expect(tasks).toHaveLength(20_000);
		expect(tasks[19_999].depth).toBe(19_999);
	}, 30_000);
});

describe('analyzeRun: links', () => {
	const trace = new Trace()
		.created(0, 1, 'Task-1', null, 'main')
		.resumed(0, 1)
		.created(0, 2, 'Task-2', 1, 'job')
		.created(0, 3, 'Task-3', 1, 'job')
		.suspended(0, 1, { kind: 'task', label: 'Task-2', task: 2 }, 7)
		.resumed(0, 2)
		.sleep(0, 2, 2)
		.resumed(0, 3)
		.sleep(0, 3, 4)
		.resumed(2, 2)
		.done(2, 2)
		.resumed(2, 1)
		.suspended(2, 1, { kind: 'taskgroup', label: 'TaskGroup', tasks: [3, 3] }, 8)
		.resumed(4, 3)
		.done(4, 3)
		.resumed(4, 1)
		.done(4, 1)
		.end(4);
	const model = analyzeRun(trace.events);

	it('draws one arrow for `await task` and one per awaited child, without duplicates', () => {
		expect(model.links).toEqual([
			{ from: 1, to: 2, start: 0, end: 2, line: 7 },
			{ from: 1, to: 3, start: 2, end: 4, line: 8 }
		]);
	});

	it('keeps waits on other tasks out of the concurrency count', () => {
		expect(model.summary.peakConcurrency).toBe(2);
		expect(model.summary.overlap).toBe(1.5);
	});
});

describe('analyzeRun: waiting for a turn', () => {
	// Semaphore(2): Task-2 and Task-3 sleep 1 s; Task-4 waits for the semaphore, then sleeps 1 s.
	const trace = new Trace()
		.created(0, 2, 'Task-2', null, 'job')
		.created(0, 3, 'Task-3', null, 'job')
		.created(0, 4, 'Task-4', null, 'job')
		.resumed(0, 2)
		.sleep(0, 2, 1)
		.resumed(0, 3)
		.sleep(0, 3, 1)
		.resumed(0, 4)
		.suspended(0, 4, { kind: 'semaphore', label: 'Semaphore' }, 3)
		.resumed(1, 2)
		.done(1, 2)
		.resumed(1, 3)
		.done(1, 3)
		.resumed(1, 4)
		.sleep(1, 4, 1)
		.resumed(2, 4)
		.done(2, 4)
		.end(2);
	const model = analyzeRun(trace.events);

	it('counts a task queued at a semaphore as idle, not as at once', () => {
		expect(model.summary.peakConcurrency).toBe(2);
		expect(model.concurrency).toEqual([
			{ t: 0, running: 0, waiting: 2 },
			{ t: 1, running: 0, waiting: 1 },
			{ t: 2, running: 0, waiting: 0 }
		]);
		expect(task(model.tasks, 4).segments.find((s) => s.kind === 'waiting')).toMatchObject({
			label: 'Semaphore',
			start: 0,
			end: 1,
			line: 3
		});
	});
});

describe('analyzeRun: warnings, notes and errors', () => {
	const trace = new Trace().created(0, 1, 'Task-1', null, 'main').resumed(0, 1);
	trace.events.push(
		{
			kind: 'warning',
			t: 0,
			category: 'RuntimeWarning',
			message: "coroutine 'f' was never awaited",
			line: 6
		},
		{ kind: 'note', t: 0, code: 'get_event_loop_314', message: 'Python 3.14 ...', line: 3 },
		{
			kind: 'task_done',
			t: 0,
			task: 1,
			state: 'raised',
			exception: { type: 'ValueError', message: 'boom' },
			line: 9
		},
		{
			kind: 'error',
			t: 0,
			type: 'ValueError',
			message: 'boom',
			line: 9,
			traceback: 'Traceback ...'
		}
	);
	const model = analyzeRun(trace.end(0).events);

	it('passes them through with their lines', () => {
		expect(model.warnings).toEqual([
			{ t: 0, category: 'RuntimeWarning', message: "coroutine 'f' was never awaited", line: 6 }
		]);
		expect(model.notes[0]).toMatchObject({ code: 'get_event_loop_314', line: 3 });
		expect(model.error).toEqual({
			type: 'ValueError',
			message: 'boom',
			line: 9,
			traceback: 'Traceback ...'
		});
		expect(model.tasks[0]).toMatchObject({
			state: 'raised',
			exception: { type: 'ValueError', message: 'boom' }
		});
		expect(model.tasks[0].result).toBeUndefined();
	});
});

describe('analyzeRun: speed', () => {
	// The absolute budget (100,000 events in well under 100 ms) is measured by
	// `node --import tsx bench/analyze.ts`: on a shared two-core machine a wall-clock limit in a
	// test measures the neighbours. Here the analysis is timed against JSON.parse of the same
	// trace, which every run pays anyway and which slows down with the machine just the same; a
	// quadratic step anywhere would make the analysis hundreds of times slower than the parse.
	it('analyses 100,000 events in about the time it takes to parse them', () => {
		const trace = new Trace().created(0, 1, 'Task-1', null, 'main').resumed(0, 1);
		const count = 20_000;
		for (let id = 2; id < count + 2; id++) trace.created(0, id, `Task-${id}`, 1, 'job');
		trace.suspended(0, 1, { kind: 'gather', label: `gather(${count})`, tasks: [] });
		for (let id = 2; id < count + 2; id++) trace.resumed(0, id).sleep(0, id, 1 + (id % 3), 3);
		for (let id = 2; id < count + 2; id++) trace.resumed(1 + (id % 3), id).done(1 + (id % 3), id);
		trace.resumed(3, 1).done(3, 1).end(3);
		expect(trace.events.length).toBeGreaterThan(100_000);
		const json = JSON.stringify(trace.events);

		let bestParse = Infinity;
		let bestAnalysis = Infinity;
		let model = analyzeRun(trace.events);
		for (let attempt = 0; attempt < 4; attempt++) {
			let started = performance.now();
			JSON.parse(json);
			bestParse = Math.min(bestParse, performance.now() - started);
			started = performance.now();
			model = analyzeRun(trace.events);
			bestAnalysis = Math.min(bestAnalysis, performance.now() - started);
		}
		expect(model.tasks).toHaveLength(count + 1);
		expect(model.summary.peakConcurrency).toBe(count);
		expect(bestAnalysis).toBeLessThan(4 * bestParse);
	}, 60_000);
});
