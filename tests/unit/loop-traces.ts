/**
 * Hand-built version-2 traces for the unit tests of the replay and the page that shows it: a
 * `Trace` written event by event, with the loop's facts gathered as the engine sends them, and a
 * small run made with it.
 */
import {
	HANDLE_FACTS,
	TRACE_VERSION,
	type Awaiting,
	type TraceEvent
} from '../../src/lib/engine/events';

const LIMITS = {
	max_virtual_time: 3600,
	max_steps: 1000,
	max_events: 1000,
	max_output_chars: 1000
};
export const SLEEP: Awaiting = { kind: 'sleep', label: 'sleep(1)', until: 1 };

/** A trace written event by event, with the loop's facts gathered as the engine sends them. */
export class Trace {
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
		this.events.push({
			kind: 'task_created',
			t: this.t,
			task,
			name,
			parent,
			coro: 'f',
			arguments: [],
			line: 1
		});
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
export function sleeper(): TraceEvent[] {
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
