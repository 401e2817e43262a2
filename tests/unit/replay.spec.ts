/**
 * The replay (engine/replay.ts) on hand-built version-2 traces: the state after every step, runs
 * the trace does not name (silent callbacks, skipped handles), what top-level code scheduled,
 * closed loops, eager steps, traces cut at the event cap, runs that end early, and any step
 * number at all. The engine's own traces are replayed against the real loop in
 * tests/engine/loop-replay.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import { HANDLE_FACTS, type TraceEvent } from '../../src/lib/engine/events';
import { buildReplay, type LoopReplay } from '../../src/lib/engine/replay';
import { SLEEP, sleeper, Trace } from './loop-traces';

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
			label: 'sleep(1) timer → Task-2',
			when: 1
		});
		expect(replay.handle(4)).toMatchObject({
			label: 'Task-2 step',
			reason: 'woken by sleep(1) timer'
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
