/**
 * The event loop, step by step: `buildReplay(events)` reads a version-2 trace and answers, for any
 * step k, the state of the loop after it: the clock, the handle running (a task's step and the
 * line it reached, or a callback), the ready queue in FIFO order, the timers by deadline, every
 * task's state and what it awaits, and how much output was printed.
 *
 * Steps are the start of the run, each turn of the loop (the clock may jump, due timers join the
 * ready queue), each handle the loop ran, and the end. Nothing is copied per step: the ready queue
 * is first in, first out, so each loop's queue at any step is a slice of the list of every handle
 * it ever queued (two numbers per step); timers are intervals of steps, kept sorted by deadline;
 * a task's state changes a few times, found by binary search. Pure: no DOM.
 *
 * A trace cut at the event cap replays up to the cut (`cut`); a run that deadlocked, hit a limit
 * or raised replays to its end. Nothing here throws on a trace that passed the validators, and
 * `stateAt` accepts any number.
 */
import {
	FUTURE_ENDS,
	factAt,
	type Awaiting,
	type ChainFrame,
	type ExceptionInfo,
	type FutureEnd,
	type TaskId,
	type TraceEvent
} from './events';

export type StepKind = 'start' | 'turn' | 'run' | 'end';

/** One step of the replay. */
export interface ReplayStep {
	index: number;
	kind: StepKind;
	/** Virtual time when the step began. */
	t: number;
	/** The turn the step belongs to (0 before the first). */
	turn: number;
	/** The loop the step concerns (0 before any). */
	loop: number;
	/** 'run': the handle the loop ran; null for an eager first step, which no handle runs. */
	handle: number | null;
	/** 'run': the task whose step it was; null for a callback. */
	task: TaskId | null;
	/** 'run': a task's first step, run inside create_task (an eager task). */
	eager: boolean;
	/** 'run' of a task: the line the step reached: where it awaits next, raised, or printed last. */
	line: number | null;
	/** 'run' of a task: the line it resumed at (its previous await); null for its first step. */
	resumedAt: number | null;
	/** 'turn': the clock jumped here from this time, to a timer's deadline. */
	jumpedFrom: number | null;
	/** 'turn': the timer whose deadline the clock jumped to. */
	jumpTimer: number | null;
}

/** What a handle runs and why it was scheduled, for the ready queue and the timers. */
export interface HandleInfo {
	handle: number;
	loop: number;
	kind: 'step' | 'callback' | 'timer';
	/** A step: the task. */
	task: TaskId | null;
	/** A callback or timer: the function's qualified name ("gather.<locals>._done_callback"). */
	fn: string | null;
	/** The step during which it was scheduled. */
	scheduledAt: number;
	/** When it was scheduled. */
	t: number;
	/** The handle that was running when it was scheduled (null: top-level code). */
	by: number | null;
	/** The task whose step was running when it was scheduled (null: top-level code or a callback). */
	byTask: TaskId | null;
	/** The asyncio function the user's code called ("Lock.release", "gather", "sleep" ...). */
	api: string | null;
	/** The user's line that called it. */
	line: number | null;
	/** A task woken: how the future it awaited ended, and that future's task id if it is a task. */
	wake: { end: FutureEnd; future: TaskId | null } | null;
	/** A timer: its deadline (null: never). */
	when: number | null;
	/** The tasks it woke (what ran it scheduled their steps), in order. */
	woke: TaskId[];
	/** "Task-3 step", "Future.set_result callback → Task-2", "sleep(2) timer → Task-4". */
	label: string;
	/** Short, for a list: the task a step or a timer is for ("Task-3"), or the callback. */
	name: string;
	/** Why it is there: "woken by Lock.release() in Task-2, line 12". */
	reason: string;
}

/** One turn of the loop, for a log. */
export interface LoopTurn {
	turn: number;
	loop: number;
	t: number;
	/** The clock jumped here from this time. */
	jumpedFrom: number | null;
	/** What the turn ran, in order. */
	ran: { handle: number | null; task: TaskId | null; label: string; line: number | null }[];
	/** The ready queue the turn left (what the next turn runs), named short: "Task-4". */
	ready: string[];
	/** The timers it left, by deadline: "3.00 s Task-2". */
	timers: { when: number | null; label: string }[];
}

export type TaskPhase = 'created' | 'waiting' | 'done' | 'raised' | 'cancelled';

/** A task's state at a step. */
export interface TaskAt {
	id: TaskId;
	name: string;
	/**
	 * 'running' (its step is the step), 'ready' (a step of it is in the ready queue), or its
	 * phase: 'created' (not run yet), 'waiting', or how it ended.
	 */
	state: 'running' | 'ready' | TaskPhase;
	/** Waiting: what it awaits, and the chain of awaits from its coroutine (outermost first). */
	awaiting: Awaiting | null;
	chain: ChainFrame[];
	/** Waiting: the line of its await; ended: where it raised. */
	line: number | null;
	result?: string;
	exception?: ExceptionInfo;
}

export interface LoopState {
	step: ReplayStep;
	/** The clock after the step. */
	t: number;
	/** The handle the step ran (null: none: a turn, the start, the end, or an eager step). */
	running: HandleInfo | null;
	/** The task running and the line it reached (null: no task step). */
	runningTask: TaskId | null;
	runningLine: number | null;
	/** The handles in the step's loop's ready queue, first to run first. */
	ready: number[];
	/** The step's loop's timers, by deadline (then by the order they were set). */
	timers: number[];
	/** Every task created so far, in creation order. */
	tasks: TaskAt[];
	/** How many lines of the run's output (RunModel.stdout) were printed by the end of the step. */
	outputCount: number;
}

const START = 0;
const TURN = 1;
const RUN = 2;
const END = 3;
const STEP_KINDS: StepKind[] = ['start', 'turn', 'run', 'end'];

const KIND_STEP = 1;
const KIND_CALLBACK = 2;
const KIND_TIMER = 3;

const NEVER = Number.POSITIVE_INFINITY;

interface PhaseRecord extends TaskAt {
	state: TaskPhase;
}

interface TaskTrack {
	id: TaskId;
	name: string;
	/** Step of each phase change, ascending, and the phase from it on. */
	steps: number[];
	phases: PhaseRecord[];
	/** The line it will resume at (its last await). */
	resumeLine: number | null;
}

/** Everything that was scheduled, by handle number (index 0 unused). */
class HandleTable {
	loop: number[] = [0];
	kind: number[] = [0];
	task: number[] = [0];
	fn: number[] = [0];
	by: number[] = [0];
	api: number[] = [0];
	line: number[] = [0];
	future: number[] = [0];
	end: number[] = [0];
	when: number[] = [0];
	t: number[] = [0];
	/** The step it was scheduled in (filled in by the replay as it goes). */
	step: number[] = [0];
	skipped = new Set<number>();

	has(handle: number): boolean {
		return handle > 0 && handle < this.kind.length && this.kind[handle] !== 0;
	}

	set(
		handle: number,
		values: {
			loop: number;
			kind: number;
			task?: number;
			fn?: number;
			by: number;
			api: number;
			line: number;
			future?: number;
			end?: number;
			when?: number;
			t: number;
		}
	): void {
		while (this.kind.length <= handle) {
			for (const column of this.columns()) column.push(0);
		}
		this.loop[handle] = values.loop;
		this.kind[handle] = values.kind;
		this.task[handle] = values.task ?? 0;
		this.fn[handle] = values.fn ?? 0;
		this.by[handle] = values.by;
		this.api[handle] = values.api;
		this.line[handle] = values.line;
		this.future[handle] = values.future ?? 0;
		this.end[handle] = values.end ?? 0;
		this.when[handle] = values.when ?? -1;
		this.t[handle] = values.t;
	}

	private columns(): number[][] {
		return [
			this.loop,
			this.kind,
			this.task,
			this.fn,
			this.by,
			this.api,
			this.line,
			this.future,
			this.end,
			this.when,
			this.t,
			this.step
		];
	}
}

/** What happened, in order, that a step applies: handles scheduled or cancelled. */
const APPLY_READY = 1;
const APPLY_TIMER = 2;
const APPLY_CANCEL = 3;

/** A loop's ready queue: every handle it queued, in order, and how many it took out. */
interface LoopQueue {
	log: number[];
	head: number;
	/** The turn being replayed: where its handles begin in the log, and how many. */
	turnStart: number;
	turnSize: number;
}

export class LoopReplay {
	/** Steps, column by column. */
	readonly #kind: number[] = [];
	readonly #t: number[] = [];
	readonly #turn: number[] = [];
	readonly #loop: number[] = [];
	readonly #handle: number[] = [];
	readonly #task: number[] = [];
	readonly #eager: boolean[] = [];
	readonly #line: number[] = [];
	readonly #resumedAt: number[] = [];
	readonly #jumpedFrom: number[] = [];
	readonly #jumpTimer: number[] = [];
	readonly #outputs: number[] = [];
	readonly #queueHead: number[] = [];
	readonly #queueTail: number[] = [];

	readonly #handles = new HandleTable();
	readonly #labels = new Map<number, string>();
	readonly #queues = new Map<number, LoopQueue>();
	/** Timers by deadline: handle, loop, and the steps they were in the heap over [added, removed). */
	#timerOrder: number[] = [];
	readonly #timerAdded = new Map<number, number>();
	readonly #timerRemoved = new Map<number, number>();
	readonly #tasks = new Map<TaskId, TaskTrack>();
	readonly #woke = new Map<number, TaskId[]>();
	readonly #described = new Map<number, HandleInfo>();
	/** The step index of each turn (turn numbers count from 1). */
	readonly #turnSteps: number[] = [0];

	/** Set when the trace was cut at the event cap: the replay ends where the trace does. */
	cut: { step: number; t: number } | null = null;
	/** How the run ended, in a word. */
	ending: 'finished' | 'deadlock' | 'limit' | 'error' = 'finished';

	constructor(events: readonly TraceEvent[]) {
		new ReplayBuilder(this, events).build();
	}

	/** Number of steps (at least 2: the start and the end). */
	get stepCount(): number {
		return this.#kind.length;
	}

	/** Number of turns the loop made. */
	get turnCount(): number {
		return this.#turnSteps.length - 1;
	}

	/** The step that begins turn `turn` (1 ...), clamped to the turns there are. */
	stepOfTurn(turn: number): number {
		const count = this.turnCount;
		if (count === 0) return 0;
		const n = Math.min(count, Math.max(1, Math.trunc(turn) || 1));
		return this.#turnSteps[n];
	}

	/** The first step that runs at or after virtual time `t` (the last step if none). */
	stepAtTime(t: number): number {
		const times = this.#t;
		let low = 0;
		let high = times.length - 1;
		while (low < high) {
			const middle = (low + high) >> 1;
			if (times[middle] >= t) high = middle;
			else low = middle + 1;
		}
		return low;
	}

	/** The first step of task `task` at or after time `t` (for a click on a chart segment), or -1. */
	taskStepFrom(task: TaskId, t: number): number {
		for (let k = this.stepAtTime(t); k < this.#kind.length; k++) {
			if (this.#kind[k] === RUN && this.#task[k] === task) return k;
		}
		return -1;
	}

	/** Step `k` (clamped into range). */
	step(k: number): ReplayStep {
		const index = this.#clamp(k);
		const handle = this.#handle[index];
		const task = this.#task[index];
		const line = this.#line[index];
		const resumedAt = this.#resumedAt[index];
		const jumpedFrom = this.#jumpedFrom[index];
		const jumpTimer = this.#jumpTimer[index];
		return {
			index,
			kind: STEP_KINDS[this.#kind[index]],
			t: this.#t[index],
			turn: this.#turn[index],
			loop: this.#loop[index],
			handle: handle > 0 ? handle : null,
			task: task > 0 ? task : null,
			eager: this.#eager[index],
			line: line > 0 ? line : null,
			resumedAt: resumedAt > 0 ? resumedAt : null,
			jumpedFrom: jumpedFrom >= 0 ? jumpedFrom : null,
			jumpTimer: jumpTimer > 0 ? jumpTimer : null
		};
	}

	/** The state of the loop after step `k` (any number: clamped into range; never throws). */
	stateAt(k: number): LoopState {
		const step = this.step(k);
		const index = step.index;
		const queue = this.#queues.get(step.loop);
		const ready = queue ? queue.log.slice(this.#queueHead[index], this.#queueTail[index]) : [];
		const timers: number[] = [];
		for (const handle of this.#timerOrder) {
			if (this.#handles.loop[handle] !== step.loop) continue;
			const added = this.#timerAdded.get(handle) ?? NEVER;
			const removed = this.#timerRemoved.get(handle) ?? NEVER;
			if (added <= index && index < removed) timers.push(handle);
		}
		const readyTasks = new Set<TaskId>();
		for (const handle of ready) {
			if (this.#handles.kind[handle] === KIND_STEP) readyTasks.add(this.#handles.task[handle]);
		}
		const tasks: TaskAt[] = [];
		for (const track of this.#tasks.values()) {
			const at = lastAtOrBefore(track.steps, index);
			if (at < 0) continue;
			const phase = track.phases[at];
			if (step.kind === 'run' && step.task === track.id) {
				tasks.push({ ...phase, state: 'running', line: step.line });
			} else if (
				readyTasks.has(track.id) &&
				(phase.state === 'waiting' || phase.state === 'created')
			) {
				tasks.push({ ...phase, state: 'ready' });
			} else {
				tasks.push(phase);
			}
		}
		const running = step.kind === 'run' && step.handle !== null ? this.handle(step.handle) : null;
		return {
			step,
			t: step.t,
			running,
			runningTask: step.kind === 'run' ? step.task : null,
			runningLine: step.kind === 'run' ? step.line : null,
			ready,
			timers,
			tasks,
			outputCount: this.#outputs[index]
		};
	}

	/** What handle `handle` runs and why it was scheduled (null for a number the trace lacks). */
	handle(handle: number): HandleInfo | null {
		const cached = this.#described.get(handle);
		if (cached) return cached;
		const table = this.#handles;
		if (!table.has(handle)) return null;
		const kind = table.kind[handle];
		const by = table.by[handle];
		const end = table.end[handle];
		const byStep = table.step[handle];
		const byTask =
			by > 0 && this.#kind[byStep] === RUN && this.#task[byStep] > 0 ? this.#task[byStep] : null;
		const info: HandleInfo = {
			handle,
			loop: table.loop[handle],
			kind: kind === KIND_STEP ? 'step' : kind === KIND_TIMER ? 'timer' : 'callback',
			task: kind === KIND_STEP ? table.task[handle] : null,
			fn: kind === KIND_STEP ? null : (this.#labels.get(table.fn[handle]) ?? null),
			scheduledAt: byStep,
			t: table.t[handle],
			by: by > 0 ? by : null,
			byTask,
			api: this.#labels.get(table.api[handle]) ?? null,
			line: table.line[handle] > 0 ? table.line[handle] : null,
			wake: end > 0 ? { end: FUTURE_ENDS[end - 1], future: table.future[handle] || null } : null,
			when: kind === KIND_TIMER && table.when[handle] >= 0 ? table.when[handle] : null,
			woke: this.#woke.get(handle) ?? [],
			label: '',
			name: '',
			reason: ''
		};
		const words = describeHandle(info, {
			taskName: (id) => this.taskName(id),
			handle: (h) => this.handle(h),
			endedAt: (task, step) => this.#endedAt(task, step)
		});
		info.label = words.label;
		info.name = words.name;
		info.reason = words.reason;
		this.#described.set(handle, info);
		return info;
	}

	/**
	 * The run turn by turn, for a log: what each turn ran, and the ready queue and timers it left.
	 * (`asyncio-playground run --loop` prints it; `--json` includes it.)
	 */
	turns(): LoopTurn[] {
		const turns: LoopTurn[] = [];
		const kinds = this.#kind;
		for (let turn = 1; turn <= this.turnCount; turn++) {
			const first = this.#turnSteps[turn];
			const next = turn < this.turnCount ? this.#turnSteps[turn + 1] : kinds.length - 1;
			let last = first;
			const ran: LoopTurn['ran'] = [];
			for (let k = first + 1; k < next; k++) {
				if (kinds[k] !== RUN) continue;
				last = k;
				const step = this.step(k);
				const label =
					step.handle !== null
						? (this.handle(step.handle)?.label ?? `handle ${step.handle}`)
						: `${this.taskName(step.task ?? 0)} first step (eager)`;
				ran.push({ handle: step.handle, task: step.task, label, line: step.line });
			}
			const state = this.stateAt(last);
			const turnStep = this.step(first);
			turns.push({
				turn,
				loop: turnStep.loop,
				t: turnStep.t,
				jumpedFrom: turnStep.jumpedFrom,
				ran,
				ready: state.ready.map((handle) => this.#shortName(handle)),
				timers: state.timers.map((handle) => ({
					when: this.handle(handle)?.when ?? null,
					label: this.#shortName(handle)
				}))
			});
		}
		return turns;
	}

	/** A handle's short name, for the log. */
	#shortName(handle: number): string {
		return this.handle(handle)?.name ?? `handle ${handle}`;
	}

	#endedAt(task: TaskId, step: number): boolean {
		const track = this.#tasks.get(task);
		if (!track) return false;
		const at = lastAtOrBefore(track.steps, step);
		return (
			at >= 0 &&
			track.steps[at] === step &&
			track.phases[at].state !== 'waiting' &&
			track.phases[at].state !== 'created'
		);
	}

	/** A task's name ("Task-3"), or "Task <id>" for one the trace lost. */
	taskName(task: TaskId): string {
		return this.#tasks.get(task)?.name ?? `task ${task}`;
	}

	#clamp(k: number): number {
		const last = this.#kind.length - 1;
		if (!Number.isFinite(k)) return k > 0 ? last : 0;
		return Math.min(last, Math.max(0, Math.trunc(k)));
	}

	/** The builder's access to the columns (one object, so the fields stay private to the module). */
	static columns(replay: LoopReplay) {
		return {
			kind: replay.#kind,
			t: replay.#t,
			turn: replay.#turn,
			loop: replay.#loop,
			handle: replay.#handle,
			task: replay.#task,
			eager: replay.#eager,
			line: replay.#line,
			resumedAt: replay.#resumedAt,
			jumpedFrom: replay.#jumpedFrom,
			jumpTimer: replay.#jumpTimer,
			outputs: replay.#outputs,
			queueHead: replay.#queueHead,
			queueTail: replay.#queueTail,
			handles: replay.#handles,
			labels: replay.#labels,
			queues: replay.#queues,
			timerAdded: replay.#timerAdded,
			timerRemoved: replay.#timerRemoved,
			tasks: replay.#tasks,
			woke: replay.#woke,
			turnSteps: replay.#turnSteps,
			setTimerOrder: (order: number[]) => {
				replay.#timerOrder = order;
			}
		};
	}
}

/** The replay of a trace. */
export function buildReplay(events: readonly TraceEvent[]): LoopReplay {
	return new LoopReplay(events);
}

/** Index of the last entry of ascending `values` that is <= `value`, or -1. */
function lastAtOrBefore(values: number[], value: number): number {
	let low = 0;
	let high = values.length - 1;
	let found = -1;
	while (low <= high) {
		const middle = (low + high) >> 1;
		if (values[middle] <= value) {
			found = middle;
			low = middle + 1;
		} else {
			high = middle - 1;
		}
	}
	return found;
}

/**
 * Reads the events once, in order. The facts of a `handles` event arrive after the steps that
 * made them (they are sent in batches), so they are read first, in a pass of their own, and each
 * step applies those it made (their `by`) when it is replayed; facts of top-level code (by 0) are
 * applied at the next turn, before which they happened.
 */
class ReplayBuilder {
	readonly #replay: LoopReplay;
	readonly #events: readonly TraceEvent[];
	readonly #c: ReturnType<typeof LoopReplay.columns>;
	/** What each handle's run applies, in order: [APPLY_*, handle] pairs, by the handle running. */
	readonly #madeBy = new Map<number, number[]>();
	/** What top-level code applied, waiting for the next turn. */
	#topLevel: number[] = [];
	/** Facts of top-level code, by the index of their `handles` event. */
	readonly #topLevelAt = new Map<number, number[]>();
	#currentLoop = 0;
	#turn = 0;
	#t = 0;
	#outputs = 0;
	/** The step whose events are being read. */
	#current = 0;
	/** The last task whose step was replayed, and its step: an eager step nests in another. */
	#runningTask = 0;

	constructor(replay: LoopReplay, events: readonly TraceEvent[]) {
		this.#replay = replay;
		this.#events = events;
		this.#c = LoopReplay.columns(replay);
	}

	build(): void {
		this.#readFacts();
		this.#push(START, 0, null);
		const events = this.#events;
		for (let index = 0; index < events.length; index++) {
			const event = events[index];
			if (this.#replay.cut) continue;
			this.#read(event, index);
			// The clock as the events say, except where a turn sets it (a `handles` event is sent as
			// the next turn begins, so it carries that turn's time).
			if (event.kind === 'blocked') this.#t = Math.max(this.#t, event.t + event.duration);
			else if (event.kind !== 'handles' && event.t > this.#t) this.#t = event.t;
		}
		this.#finishTurn(this.#currentLoop, null);
		this.#applyTopLevel();
		this.#push(END, 0, null);
		this.#sortTimers();
	}

	#readFacts(): void {
		const handles = this.#c.handles;
		const events = this.#events;
		for (let index = 0; index < events.length; index++) {
			const event = events[index];
			if (event.kind === 'label') {
				this.#c.labels.set(event.label, event.text);
				continue;
			}
			if (event.kind !== 'handles') continue;
			const facts = event.facts;
			const loop = event.loop;
			for (let at = 0; at < facts.length;) {
				const fact = factAt(facts, at);
				if (!fact) break;
				const handle = facts[at + 1];
				let by = 0;
				let apply = 0;
				if (fact.kind === 'ready') {
					// [1, handle, task, fn, by, api, line, future, end]
					const task = facts[at + 2];
					by = facts[at + 4];
					handles.set(handle, {
						loop,
						kind: task > 0 ? KIND_STEP : KIND_CALLBACK,
						task,
						fn: facts[at + 3],
						by,
						api: facts[at + 5],
						line: facts[at + 6],
						future: facts[at + 7],
						end: facts[at + 8],
						t: event.t
					});
					apply = APPLY_READY;
				} else if (fact.kind === 'timer') {
					// [2, handle, t, when, fn, by, api, line]
					by = facts[at + 5];
					handles.set(handle, {
						loop,
						kind: KIND_TIMER,
						t: facts[at + 2],
						when: facts[at + 3],
						fn: facts[at + 4],
						by,
						api: facts[at + 6],
						line: facts[at + 7]
					});
					apply = APPLY_TIMER;
				} else if (fact.kind === 'cancelled') {
					by = facts[at + 2];
					apply = APPLY_CANCEL;
				} else {
					handles.skipped.add(handle);
				}
				if (apply) {
					if (by > 0) {
						let made = this.#madeBy.get(by);
						if (!made) this.#madeBy.set(by, (made = []));
						made.push(apply, handle);
					} else {
						let made = this.#topLevelAt.get(index);
						if (!made) this.#topLevelAt.set(index, (made = []));
						made.push(apply, handle);
					}
				}
				at += fact.size;
			}
		}
	}

	#read(event: TraceEvent, index: number): void {
		switch (event.kind) {
			case 'turn':
				this.#finishTurn(event.loop, event.popped);
				this.#applyTopLevel();
				this.#beginTurn(event.loop, event.turn, event.t, event.timer, event.due);
				break;
			case 'handles': {
				const made = this.#topLevelAt.get(index);
				if (made) this.#topLevel.push(...made);
				break;
			}
			case 'loop_closed': {
				this.#finishTurn(event.loop, event.popped);
				this.#applyTopLevel();
				// Dropped after the step that was last (the loop closed after it ran).
				const queue = this.#queue(event.loop);
				queue.head = queue.log.length;
				queue.turnStart = queue.head;
				queue.turnSize = 0;
				for (const handle of this.#c.timerAdded.keys()) {
					if (this.#c.handles.loop[handle] !== event.loop) continue;
					if (!this.#c.timerRemoved.has(handle))
						this.#c.timerRemoved.set(handle, this.#current + 1);
				}
				break;
			}
			case 'task_created':
				this.#task(event.task, event.name).resumeLine = null;
				this.#phase(event.task, { state: 'created', awaiting: null, chain: [], line: null });
				break;
			case 'task_resumed':
				this.#t = Math.max(this.#t, event.t);
				this.#taskResumed(event.task);
				break;
			case 'task_suspended': {
				const track = this.#task(event.task, `Task-${event.task}`);
				track.resumeLine = event.line;
				this.#phase(event.task, {
					state: 'waiting',
					awaiting: event.awaiting,
					chain: event.chain,
					line: event.line
				});
				this.#reached(event.task, event.line);
				break;
			}
			case 'task_done': {
				const ended: Omit<PhaseRecord, 'id' | 'name'> = {
					state: event.state,
					awaiting: null,
					chain: [],
					line: event.line
				};
				if (event.result !== undefined) ended.result = event.result;
				if (event.exception) ended.exception = event.exception;
				this.#phase(event.task, ended);
				if (event.line !== null) this.#reached(event.task, event.line);
				break;
			}
			case 'callback':
				this.#advanceTo(event.handle);
				break;
			case 'output':
				this.#outputs++;
				this.#c.outputs[this.#current] = this.#outputs;
				if (event.task !== null && event.line !== null) this.#reached(event.task, event.line);
				break;
			case 'note':
				if (event.code === 'events_truncated')
					this.#replay.cut = { step: this.#current, t: event.t };
				break;
			case 'deadlock':
				this.#replay.ending = 'deadlock';
				break;
			case 'limit':
				this.#replay.ending = 'limit';
				break;
			case 'error':
				this.#replay.ending = 'error';
				break;
			default:
				break;
		}
	}

	#queue(loop: number): LoopQueue {
		let queue = this.#c.queues.get(loop);
		if (!queue) {
			queue = { log: [], head: 0, turnStart: 0, turnSize: 0 };
			this.#c.queues.set(loop, queue);
		}
		return queue;
	}

	#task(id: TaskId, name: string): TaskTrack {
		let track = this.#c.tasks.get(id);
		if (!track) {
			track = { id, name, steps: [], phases: [], resumeLine: null };
			this.#c.tasks.set(id, track);
		}
		return track;
	}

	#phase(id: TaskId, phase: Omit<PhaseRecord, 'id' | 'name'>): void {
		const track = this.#task(id, `Task-${id}`);
		const record: PhaseRecord = { id, name: track.name, ...phase };
		const last = track.steps.length - 1;
		if (last >= 0 && track.steps[last] === this.#current) track.phases[last] = record;
		else {
			track.steps.push(this.#current);
			track.phases.push(record);
		}
	}

	/** The step being read ran task `task` and got to `line`. */
	#reached(task: TaskId, line: number | null): void {
		const k = this.#current;
		if (this.#c.kind[k] === RUN && this.#c.task[k] === task && line !== null)
			this.#c.line[k] = line;
	}

	#push(kind: number, handle: number, task: TaskId | null): number {
		const c = this.#c;
		const k = c.kind.length;
		c.kind.push(kind);
		c.t.push(this.#t);
		c.turn.push(this.#turn);
		c.loop.push(this.#currentLoop);
		c.handle.push(handle);
		c.task.push(task ?? 0);
		c.eager.push(false);
		c.line.push(0);
		c.resumedAt.push(0);
		c.jumpedFrom.push(-1);
		c.jumpTimer.push(0);
		c.outputs.push(this.#outputs);
		c.queueHead.push(0);
		c.queueTail.push(0);
		this.#current = k;
		this.#recordQueue(k);
		return k;
	}

	#recordQueue(k: number): void {
		const queue = this.#c.queues.get(this.#c.loop[k]);
		this.#c.queueHead[k] = queue ? queue.head : 0;
		this.#c.queueTail[k] = queue ? queue.log.length : 0;
	}

	#beginTurn(
		loop: number,
		turn: number,
		t: number,
		timer: number | null,
		due: readonly number[]
	): void {
		const previous = this.#t;
		this.#currentLoop = loop;
		this.#turn = turn;
		this.#t = Math.max(this.#t, t);
		const queue = this.#queue(loop);
		const k = this.#push(TURN, 0, null);
		this.#c.turnSteps[turn] = k;
		if (timer !== null) {
			this.#c.jumpTimer[k] = timer;
			this.#c.jumpedFrom[k] = previous;
		}
		for (const handle of due) {
			this.#c.timerRemoved.set(handle, k);
			queue.log.push(handle);
		}
		queue.turnStart = queue.head;
		queue.turnSize = queue.log.length - queue.head;
		this.#recordQueue(k);
	}

	/** The turn of `loop` ended having taken `popped` handles (null: all of them). */
	#finishTurn(loop: number, popped: number | null): void {
		const queue = this.#c.queues.get(loop);
		if (!queue) return;
		const end = queue.turnStart + (popped === null ? queue.turnSize : popped);
		while (queue.head < Math.min(end, queue.log.length)) this.#run(queue, queue.log[queue.head]);
		queue.turnSize = 0;
		queue.turnStart = queue.head;
	}

	/** Take the queue's next handle out: a step of its run, unless it was skipped. */
	#run(queue: LoopQueue, handle: number): void {
		queue.head++;
		const handles = this.#c.handles;
		if (handles.skipped.has(handle)) {
			this.#recordQueue(this.#current);
			return;
		}
		const task = handles.kind[handle] === KIND_STEP ? handles.task[handle] : null;
		const k = this.#push(RUN, handle, task);
		if (task !== null) {
			this.#runningTask = task;
			const track = this.#c.tasks.get(task);
			this.#c.resumedAt[k] = track?.resumeLine ?? 0;
			this.#c.line[k] = track?.resumeLine ?? 0;
		}
		this.#apply(this.#madeBy.get(handle) ?? [], k);
		this.#recordQueue(k);
	}

	/** Handles of the current turn run silently until `handle`, which runs now. */
	#advanceTo(handle: number): boolean {
		const queue = this.#c.queues.get(this.#currentLoop);
		if (!queue) return false;
		const end = queue.turnStart + queue.turnSize;
		const at = queue.log.indexOf(handle, queue.head);
		if (at < 0 || at >= end) return false;
		while (queue.head < at) this.#run(queue, queue.log[queue.head]);
		this.#run(queue, handle);
		return true;
	}

	#taskResumed(task: TaskId): void {
		const queue = this.#c.queues.get(this.#currentLoop);
		const handles = this.#c.handles;
		if (queue) {
			const end = Math.min(queue.turnStart + queue.turnSize, queue.log.length);
			for (let at = queue.head; at < end; at++) {
				const handle = queue.log[at];
				if (handles.kind[handle] === KIND_STEP && handles.task[handle] === task) {
					this.#advanceTo(handle);
					return;
				}
			}
		}
		// Not a handle of this turn: an eager task's first step, run inside create_task.
		const k = this.#push(RUN, 0, task);
		this.#c.eager[k] = true;
		this.#runningTask = task;
	}

	/** What top-level code did after the last step: seen from the next step on. */
	#applyTopLevel(): void {
		if (this.#topLevel.length === 0) return;
		const made = this.#topLevel;
		this.#topLevel = [];
		this.#apply(made, this.#current, this.#current + 1);
	}

	/** Apply what step `k` scheduled or cancelled, seen from step `from` on. */
	#apply(made: readonly number[], k: number, from = k): void {
		const c = this.#c;
		for (let i = 0; i < made.length; i += 2) {
			const what = made[i];
			const handle = made[i + 1];
			if (what === APPLY_READY) {
				c.handles.step[handle] = k;
				this.#queue(c.handles.loop[handle]).log.push(handle);
				this.#noteWoke(handle);
			} else if (what === APPLY_TIMER) {
				c.handles.step[handle] = k;
				c.timerAdded.set(handle, from);
			} else if (c.timerAdded.has(handle) && !c.timerRemoved.has(handle)) {
				c.timerRemoved.set(handle, from);
			}
		}
	}

	/** A task's step scheduled by a running handle: the handle woke (or started) that task. */
	#noteWoke(handle: number): void {
		const c = this.#c;
		const task = c.handles.task[handle];
		const by = c.handles.by[handle];
		if (task <= 0 || by <= 0) return;
		let woke = c.woke.get(by);
		if (!woke) c.woke.set(by, (woke = []));
		if (!woke.includes(task)) woke.push(task);
	}

	#sortTimers(): void {
		const c = this.#c;
		const order = [...c.timerAdded.keys()];
		const deadline = (handle: number) => {
			const when = c.handles.when[handle];
			return when < 0 ? NEVER : when;
		};
		order.sort((a, b) => deadline(a) - deadline(b) || a - b);
		c.setTimerOrder(order);
	}
}

// ---- words ---------------------------------------------------------------------------------

/** asyncio's function names as a learner reads them. */
function apiWords(api: string): string {
	const local = api.indexOf('.<locals>');
	const name = local >= 0 ? api.slice(0, local) : api;
	if (name === 'run') return 'asyncio.run()';
	if (name === '_set_result_unless_cancelled') return 'a sleep timer';
	if (name === 'Timeout._on_timeout') return 'a timeout expiring';
	if (name === 'Timeout.__aenter__' || name === 'Timeout.reschedule') return 'timeout()';
	if (name === '_run_until_complete_cb') return 'run_until_complete()';
	return `${name.replace(/^BaseEventLoop\./, '')}()`;
}

/** Whether `api` is the loop's own scheduling, which says nothing about why (C code called it). */
function isPlumbing(api: string | null): boolean {
	return (
		api === null ||
		api === 'BaseEventLoop.call_soon' ||
		api === 'BaseEventLoop.call_soon_threadsafe'
	);
}

function timerWhat(info: HandleInfo): string {
	const api = info.api;
	const delay = info.when === null ? 'math.inf' : compact(info.when - info.t);
	if (api === 'sleep') return `sleep(${delay}) timer`;
	if (api === 'wait_for') return `wait_for timeout (${delay} s)`;
	if (api !== null && api.startsWith('Timeout.')) return `timeout (${delay} s)`;
	if (api === 'BaseEventLoop.call_later' || api === 'BaseEventLoop.call_at' || api === null) {
		return `${info.fn ?? 'callback'} timer`;
	}
	return `${apiWords(api)} timer`;
}

function compact(seconds: number): string {
	return String(Number(seconds.toFixed(3)));
}

/** The callbacks with which gather and TaskGroup wake their parent, and what that means. */
const GROUP_WAKES: Record<string, string> = {
	'gather.<locals>._done_callback': 'gather(): its children are done',
	'TaskGroup._on_task_done': 'TaskGroup: its tasks are done'
};

/** What `describeHandle` needs to know about the rest of the run. */
export interface HandleContext {
	taskName(task: TaskId): string;
	handle(handle: number): HandleInfo | null;
	/** Whether `task` ended in step `step`. */
	endedAt(task: TaskId, step: number): boolean;
}

/**
 * A handle's label and the reason it was scheduled, in words: "Task-3 step" / "woken by
 * Lock.release() in Task-2, line 12". The engine names the asyncio function the user's code
 * called (`api`) and its line; `call_soon` with no line of the user's means C code scheduled it: a
 * future completing, or a task finishing (its done callbacks).
 */
export function describeHandle(
	info: HandleInfo,
	context: HandleContext
): { label: string; name: string; reason: string } {
	const { taskName } = context;
	const targets = info.woke.length > 0 ? ` → ${info.woke.map(taskName).join(', ')}` : '';
	const who =
		info.byTask !== null
			? taskName(info.byTask)
			: info.by !== null
				? 'a callback'
				: 'the main code';
	const at = info.line !== null ? `, line ${info.line}` : '';
	// The user's code named what it called; else C code scheduled it, while `who` ran.
	const called = info.api !== null && (!isPlumbing(info.api) || info.line !== null);
	if (info.kind === 'timer') {
		const owner = info.woke[0] ?? info.byTask;
		const label = `${timerWhat(info)}${owner !== null ? ` → ${info.woke.length > 1 ? info.woke.map(taskName).join(', ') : taskName(owner)}` : ''}`;
		const name = owner !== null ? taskName(owner) : timerWhat(info);
		return { label, name, reason: `set by ${who}${at}` };
	}
	if (info.kind === 'callback') {
		const name = callbackWords(info.fn);
		const label = `${name}${targets}`;
		if (called)
			return { label, name, reason: `scheduled by ${apiWords(info.api!)} in ${who}${at}` };
		if (info.byTask !== null && context.endedAt(info.byTask, info.scheduledAt)) {
			return { label, name, reason: `scheduled when ${taskName(info.byTask)} finished` };
		}
		return { label, name, reason: `scheduled by ${who}${at}` };
	}
	const name = taskName(info.task ?? 0);
	const label = `${name} step`;
	return { label, name, reason: stepReason(info, context, who, at, called) };
}

/** Why a task's step is in the ready queue: how it was created, or what woke it. */
function stepReason(
	info: HandleInfo,
	context: HandleContext,
	who: string,
	at: string,
	called: boolean
): string {
	const { taskName } = context;
	const wake = info.wake;
	if (wake === null) {
		if (info.byTask !== null && info.byTask === info.task) {
			return 'gave way with a bare yield (sleep(0))';
		}
		const api = called ? apiWords(info.api!) : 'create_task()';
		return `created by ${api} in ${who}${at}`;
	}
	if (wake.future !== null) {
		const ended =
			wake.end === 'result' ? 'finished' : wake.end === 'exception' ? 'raised' : 'was cancelled';
		return `woken: ${taskName(wake.future)} ${ended}`;
	}
	const by = info.by !== null ? context.handle(info.by) : null;
	if (by !== null && by.kind === 'timer') {
		if (wake.end === 'cancelled') return `cancelled: ${timerWhat(by)} expired`;
		return `woken by ${timerWhat(by)}`;
	}
	if (wake.end === 'cancelled') return `cancelled by ${who}${at}`;
	if (by !== null && by.kind === 'callback' && by.fn !== null && GROUP_WAKES[by.fn]) {
		return `woken by ${GROUP_WAKES[by.fn]}`;
	}
	if (called && !isPlumbing(info.api)) {
		return `woken by ${apiWords(info.api!)} in ${who}${at}`;
	}
	const setter = wake.end === 'exception' ? 'Future.set_exception()' : 'Future.set_result()';
	return `woken by ${setter} in ${who}${at}`;
}

/** A callback's label: "gather's callback", "Future.set_result callback". */
function callbackWords(fn: string | null): string {
	if (fn === null) return 'callback';
	const local = fn.indexOf('.<locals>');
	if (local >= 0) return `${fn.slice(0, local)}'s callback`;
	if (fn === '_run_until_complete_cb') return "run_until_complete's callback";
	if (fn === 'TaskGroup._on_task_done') return "TaskGroup's callback";
	if (fn.startsWith('BaseEventLoop.')) return `asyncio.run's ${fn.slice('BaseEventLoop.'.length)}`;
	return `${fn} callback`;
}
