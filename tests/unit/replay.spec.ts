/**
 * The replay (engine/replay.ts) on hand-built version-2 traces: the state after every step, runs
 * the trace does not name (silent callbacks, skipped handles), what top-level code scheduled,
 * closed loops, eager steps, traces cut at the event cap, runs that end early, and any step
 * number at all. The engine's own traces are replayed against the real loop in
 * tests/engine/loop-replay.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import {
	HANDLE_FACTS,
	TRACE_VERSION,
	type Awaiting,
	type TraceEvent
} from '../../src/lib/engine/events';
import { buildReplay, type LoopReplay } from '../../src/lib/engine/replay';

const LIMITS = {
	max_virtual_time: 3600,
	max_steps: 1000,
	max_events: 1000,
	max_output_chars: 1000
};
const SLEEP: Awaiting = { kind: 'sleep', label: 'sleep(1)', until: 1 };

/** A trace written event by event, with the loop's facts gathered as the engine sends them. */
class Trace {
	readonly events: TraceEvent[] = [
		{ kind: 'run_start', t: 0, version: TRACE_VERSION, python: '3.14.2', limits: LIMITS }
	];
	#facts: number[] = [];
	t = 0;
	#step = 0;

	label(label: number, text: string): this {
		this.events.push({ kind: 'label', t: this.t, label, text });
		return this;
	}

	created(task: number, name = `Task-${task}`): this {
		const parent = task === 1 ? null : 1;
		this.events.push({ kind: 'task_created', t: this.t, task, name, parent, coro: 'f', line: 1 });
		return this;
	}

	/** A task's step joined the ready queue (a wakeup when `end` is given). */
	step(handle: number, task: number, by = 0, line = 0, end = 0, future = 0): this {
		this.#facts.push(HANDLE_FACTS.ready.code, handle, task, 0, by, 1, line, future, end);
		return this;
	}

	callback(handle: number, fn: number, by = 0, line = 0): this {
		this.#facts.push(HANDLE_FACTS.ready.code, handle, 0, fn, by, 1, line, 0, 0);
		return this;
	}

	timer(handle: number, when: number, fn: number, by = 0, line = 0): this {
		this.#facts.push(HANDLE_FACTS.timer.code, handle, this.t, when, fn, by, 0, line);
		return this;
	}

	cancelled(handle: number, by = 0): this {
		this.#facts.push(HANDLE_FACTS.cancelled.code, handle, by);
		return this;
	}

	skipped(handle: number): this {
		this.#facts.push(HANDLE_FACTS.skipped.code, handle);
		return this;
	}

	/** Send the facts so far (the engine does as each turn begins). */
	send(): this {
		if (this.#facts.length > 0) {
			this.events.push({ kind: 'handles', t: this.t, loop: 1, facts: this.#facts });
			this.#facts = [];
		}
		return this;
	}

	turn(
		turn: number,
		popped: number,
		t = this.t,
		timer: number | null = null,
		due: number[] = []
	): this {
		this.send();
		this.t = t;
		this.events.push({ kind: 'turn', t, loop: 1, turn, popped, timer, due });
		return this;
	}

	resumed(task: number): this {
		this.events.push({ kind: 'task_resumed', t: this.t, task, step: ++this.#step });
		return this;
	}

	suspended(task: number, line: number, awaiting: Awaiting = SLEEP): this {
		const chain = [{ fn: 'f', line }];
		this.events.push({ kind: 'task_suspended', t: this.t, task, awaiting, line, chain });
		return this;
	}

	done(task: number, line: number | null = null): this {
		this.events.push({ kind: 'task_done', t: this.t, task, state: 'done', result: 'None', line });
		return this;
	}

	named(handle: number): this {
		this.events.push({ kind: 'callback', t: this.t, handle });
		return this;
	}

	output(text: string, task: number | null, line: number | null): this {
		this.events.push({ kind: 'output', t: this.t, stream: 'stdout', text, task, line });
		return this;
	}

	end(popped: number): TraceEvent[] {
		this.send();
		this.events.push({ kind: 'loop_closed', t: this.t, loop: 1, popped });
		this.events.push({
			kind: 'run_end',
			t: this.t,
			steps: this.#step,
			real_ms: 1,
			dropped_events: 0
		});
		return this.events;
	}
}

/**
 * main (Task-1) makes Task-2, which sleeps 1 s and prints; main awaits it.
 * Handles: 1 main's first step, 2 Task-2's first step, 3 Task-2's timer, 4 Task-2's wakeup,
 * 5 Task-2's done callback, waking main as 6.
 */
function sleeper(): TraceEvent[] {
	return new Trace()
		.label(1, 'create_task')
		.label(2, '_set_result_unless_cancelled')
		.label(3, 'Task.task_wakeup')
		.created(1, 'Task-1')
		.step(1, 1, 0, 9)
		.turn(1, 0)
		.resumed(1)
		.created(2)
		.step(2, 2, 1, 5)
		.suspended(1, 6, { kind: 'task', label: 'Task-2', task: 2 })
		.turn(2, 1)
		.resumed(2)
		.timer(3, 1, 2, 2, 3)
		.suspended(2, 3)
		.turn(3, 1, 1, 3, [3])
		.step(4, 2, 3, 0, 1)
		.turn(4, 1)
		.resumed(2)
		.output('hi', 2, 4)
		.callback(5, 3, 4)
		.done(2)
		.turn(5, 1)
		.step(6, 1, 5, 0, 1, 2)
		.turn(6, 1)
		.resumed(1)
		.done(1)
		.end(1);
}

function kinds(replay: LoopReplay): string[] {
	return Array.from({ length: replay.stepCount }, (_, k) => {
		const step = replay.step(k);
		return step.kind === 'run' ? `run ${step.handle}` : step.kind;
	});
}

describe('the state after every step', () => {
	const replay = buildReplay(sleeper());

	it('steps are the start, each turn, each handle run, and the end', () => {
		expect(kinds(replay)).toEqual([
			'start',
			'turn',
			'run 1',
			'turn',
			'run 2',
			'turn',
			'run 3',
			'turn',
			'run 4',
			'turn',
			'run 5',
			'turn',
			'run 6',
			'end'
		]);
		expect(replay.turnCount).toBe(6);
		expect(replay.stepOfTurn(3)).toBe(5);
		expect(replay.cut).toBeNull();
		expect(replay.ending).toBe('finished');
	});

	it('the ready queue in order, the timers by deadline, the clock', () => {
		const states = Array.from({ length: replay.stepCount }, (_, k) => replay.stateAt(k));
		expect(states.map((state) => state.ready)).toEqual([
			[],
			[1],
			[2],
			[2],
			[],
			[3],
			[4],
			[4],
			[5],
			[5],
			[6],
			[6],
			[],
			[]
		]);
		expect(states.map((state) => state.timers)).toEqual([
			[],
			[],
			[],
			[],
			[3],
			[],
			[],
			[],
			[],
			[],
			[],
			[],
			[],
			[]
		]);
		expect(states.map((state) => state.t)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
		expect(replay.step(5).jumpedFrom).toBe(0);
		expect(replay.step(5).jumpTimer).toBe(3);
	});

	it('the running task and the line it reached: its await, or what it printed', () => {
		const waits = replay.stateAt(4);
		expect(waits.running?.label).toBe('Task-2 step');
		expect(waits.runningTask).toBe(2);
		expect(waits.runningLine).toBe(3);
		const prints = replay.stateAt(8);
		expect(prints.runningLine).toBe(4);
		expect(prints.step.resumedAt).toBe(3);
		expect(prints.outputCount).toBe(1);
		expect(replay.stateAt(7).outputCount).toBe(0);
	});

	it('every task: running, ready, waiting with its chain, or done', () => {
		const states = (k: number) =>
			replay.stateAt(k).tasks.map((task) => `${task.name} ${task.state}`);
		expect(states(0)).toEqual(['Task-1 created']);
		expect(states(1)).toEqual(['Task-1 ready']);
		expect(states(2)).toEqual(['Task-1 running', 'Task-2 ready']);
		expect(states(4)).toEqual(['Task-1 waiting', 'Task-2 running']);
		expect(states(5)).toEqual(['Task-1 waiting', 'Task-2 waiting']);
		expect(states(6)).toEqual(['Task-1 waiting', 'Task-2 ready']);
		expect(states(13)).toEqual(['Task-1 done', 'Task-2 done']);
		const waiting = replay.stateAt(5).tasks[1];
		expect(waiting.awaiting).toEqual(SLEEP);
		expect(waiting.chain).toEqual([{ fn: 'f', line: 3 }]);
	});

	it('each handle says what it runs and why it is there', () => {
		expect(replay.handle(2)).toMatchObject({
			label: 'Task-2 step',
			reason: 'created by create_task() in Task-1, line 5'
		});
		expect(replay.handle(3)).toMatchObject({
			label: '_set_result_unless_cancelled timer → Task-2',
			when: 1
		});
		expect(replay.handle(4)).toMatchObject({
			label: 'Task-2 step',
			reason: 'woken by _set_result_unless_cancelled timer'
		});
		expect(replay.handle(6)).toMatchObject({
			label: 'Task-1 step',
			reason: 'woken: Task-2 finished'
		});
		expect(replay.handle(99)).toBeNull();
	});

	it('a turn log: what each turn ran and what it left', () => {
		expect(replay.turns()[1]).toEqual({
			turn: 2,
			loop: 1,
			t: 0,
			jumpedFrom: null,
			ran: [{ handle: 2, task: 2, label: 'Task-2 step', line: 3 }],
			ready: [],
			timers: [{ when: 1, label: 'Task-2' }]
		});
	});
});

describe('what the trace does not say step by step', () => {
	it('a callback that made no event ran all the same, in its place in the queue', () => {
		const events = new Trace()
			.label(1, 'print')
			.callback(1, 1)
			.callback(2, 1)
			.turn(1, 0)
			.named(2)
			.output('second', null, null)
			.end(2);
		const replay = buildReplay(events);
		expect(kinds(replay)).toEqual(['start', 'turn', 'run 1', 'run 2', 'end']);
		expect(replay.stateAt(2).ready).toEqual([2]);
		expect(replay.stateAt(2).outputCount).toBe(0);
		expect(replay.stateAt(3).outputCount).toBe(1);
	});

	it('a handle cancelled in the queue is taken out without running', () => {
		const events = new Trace()
			.label(1, 'print')
			.callback(1, 1)
			.callback(2, 1)
			.turn(1, 0)
			.skipped(1)
			.end(2);
		expect(kinds(buildReplay(events))).toEqual(['start', 'turn', 'run 2', 'end']);
	});

	it('what top-level code scheduled is there from the next turn; a closed loop drops it all', () => {
		const events = new Trace()
			.label(1, 'print')
			.callback(1, 1)
			.turn(1, 0)
			.send()
			.timer(2, 5, 1)
			.callback(3, 1)
			.turn(2, 1)
			.end(1);
		const replay = buildReplay(events);
		expect(replay.stateAt(2).ready).toEqual([]);
		expect(replay.stateAt(2).timers).toEqual([]);
		expect(replay.stateAt(3).ready).toEqual([3]);
		expect(replay.stateAt(3).timers).toEqual([2]);
		const end = replay.stateAt(replay.stepCount - 1);
		expect(end.ready).toEqual([]);
		expect(end.timers).toEqual([]);
	});

	it('a timer cancelled by a step is gone after that step', () => {
		const events = new Trace()
			.label(1, 'print')
			.created(1)
			.step(1, 1)
			.timer(2, 5, 1)
			.turn(1, 0)
			.resumed(1)
			.cancelled(2, 1)
			.suspended(1, 2)
			.end(1);
		const replay = buildReplay(events);
		expect(replay.stateAt(1).timers).toEqual([2]);
		expect(replay.stateAt(2).timers).toEqual([]);
	});

	it('an eager first step, run inside create_task, is a step of its own', () => {
		const events = new Trace()
			.created(1)
			.step(1, 1)
			.turn(1, 0)
			.resumed(1)
			.created(2)
			.resumed(2)
			.suspended(2, 7)
			.suspended(1, 3)
			.end(1);
		const replay = buildReplay(events);
		expect(kinds(replay)).toEqual(['start', 'turn', 'run 1', 'run null', 'end']);
		expect(replay.step(3)).toMatchObject({ eager: true, task: 2, handle: null, line: 7 });
	});
});

describe('runs that end early, and any step number', () => {
	it('a trace cut at the event cap replays up to the cut and says so', () => {
		const trace = new Trace().created(1).step(1, 1).turn(1, 0).resumed(1);
		trace.events.push({ kind: 'note', t: 0, code: 'events_truncated', message: 'cut', line: null });
		trace.events.push({ kind: 'output', t: 0, stream: 'stdout', text: 'after', task: 1, line: 2 });
		trace.events.push({ kind: 'run_end', t: 3, steps: 9, real_ms: 1, dropped_events: 40 });
		const replay = buildReplay(trace.events);
		expect(replay.cut).toEqual({ step: 2, t: 0 });
		expect(kinds(replay)).toEqual(['start', 'turn', 'run 1', 'end']);
	});

	it('a deadlock, a limit and an error replay to their end', () => {
		for (const [kind, ending] of [
			['deadlock', 'deadlock'],
			['limit', 'limit'],
			['error', 'error']
		] as const) {
			const trace = new Trace().created(1).step(1, 1).turn(1, 0).resumed(1).suspended(1, 2);
			const event: TraceEvent =
				kind === 'deadlock'
					? { kind, t: 0, stuck: [] }
					: kind === 'limit'
						? { kind, t: 0, limit: 'steps', message: 'm', line: null }
						: { kind, t: 0, type: 'E', message: 'm', line: null, traceback: '' };
			trace.events.push(event, { kind: 'run_end', t: 0, steps: 1, real_ms: 1, dropped_events: 0 });
			const replay = buildReplay(trace.events);
			expect(replay.ending).toBe(ending);
			expect(replay.stateAt(replay.stepCount - 1).tasks.map((task) => task.state)).toEqual([
				'waiting'
			]);
		}
	});

	it('stepping never throws, on any number, and an empty trace has a start and an end', () => {
		const replay = buildReplay(sleeper());
		for (const k of [-1, -Infinity, Infinity, NaN, 0.5, 2.7, 1e9, replay.stepCount]) {
			expect(() => replay.stateAt(k)).not.toThrow();
		}
		expect(replay.stateAt(-5).step.index).toBe(0);
		expect(replay.stateAt(1e9).step.index).toBe(replay.stepCount - 1);
		expect(replay.stepOfTurn(99)).toBe(replay.stepOfTurn(replay.turnCount));
		const empty = buildReplay([]);
		expect(kinds(empty)).toEqual(['start', 'end']);
		expect(empty.stateAt(3).ready).toEqual([]);
		expect(empty.stepOfTurn(1)).toBe(0);
	});

	it('a fact cut short is read up to where it stops', () => {
		const trace = new Trace().created(1).step(1, 1);
		trace.send();
		const handles = trace.events.at(-1) as Extract<TraceEvent, { kind: 'handles' }>;
		handles.facts.push(HANDLE_FACTS.ready.code, 2);
		trace.turn(1, 0).resumed(1).suspended(1, 3);
		const replay = buildReplay(trace.end(1));
		expect(replay.stateAt(1).ready).toEqual([1]);
	});
});
