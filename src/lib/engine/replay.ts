/**
 * The event loop, step by step: `buildReplay(events)` reads a version-2 trace and answers, for any
 * step k, the state of the loop after it: the clock, the handle running (a task's step and the
 * line it reached, or a callback), the ready queue in FIFO order, the timers by deadline, every
 * task's state and what it awaits, and how much output was printed.
 *
 * Steps are the start of the run, each turn of the loop (the clock may jump, due timers join the
 * ready queue), each handle the loop ran, and the end. Nothing is copied per step, and everything
 * is held in typed arrays: the ready queue is first in, first out, so each loop's queue at any
 * step is a slice of the list of every handle it ever queued (two numbers a step); a timer is an
 * interval of steps, the timers kept sorted by deadline; a task's state changes a few times,
 * found by binary search. Pure: no DOM.
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
import { describeHandle } from './loop-words';

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
	/** What it runs, without whom for: "Task-3 step", "sleep(2) timer", "gather's callback". */
	what: string;
	/** Why it is there: "woken by Lock.release() in Task-2, line 12". */
	reason: string;
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
	/** Waiting: the line of its await; ended: where it raised; running: the line it reached. */
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

// Step kinds, as stored.
const START = 0;
const TURN = 1;
const RUN = 2;
const EAGER = 3;
const END = 4;
const STEP_KINDS: StepKind[] = ['start', 'turn', 'run', 'run', 'end'];

// Handle kinds, as stored (0: a number the trace does not know).
const STEP = 1;
const CALLBACK = 2;
const TIMER = 3;

// Task phases, as stored.
const PHASES: TaskPhase[] = ['created', 'waiting', 'done', 'raised', 'cancelled'];

// What a handle's run applies, in the packed list of what each handle made.
const MADE_READY = 1;
const MADE_TIMER = 2;
const MADE_CANCEL = 3;

/** A growable typed array: `data` holds `length` values (and room for more). */
class Column<A extends Int32Array | Float64Array | Uint8Array> {
	length = 0;
	constructor(
		public data: A,
		private readonly make: (size: number) => A
	) {}

	push(value: number): void {
		if (this.length === this.data.length) this.#grow(this.length + 1);
		this.data[this.length++] = value;
	}

	/** Set entry `at`, growing (with zeros) as needed. */
	set(at: number, value: number): void {
		if (at >= this.data.length) this.#grow(at + 1);
		this.data[at] = value;
		if (at >= this.length) this.length = at + 1;
	}

	get(at: number): number {
		return at >= 0 && at < this.length ? this.data[at] : 0;
	}

	/** Keep only what is used. */
	trim(): void {
		this.data = this.data.slice(0, this.length) as A;
	}

	#grow(size: number): void {
		const bigger = this.make(Math.max(size, this.data.length * 2, 64));
		bigger.set(this.data);
		this.data = bigger;
	}
}

const ints = (size = 64) => new Column(new Int32Array(size), (n) => new Int32Array(n));
const floats = (size = 64) => new Column(new Float64Array(size), (n) => new Float64Array(n));
const bytes = (size = 64) => new Column(new Uint8Array(size), (n) => new Uint8Array(n));

/** Index of the last of `count` ascending values from `values[from]` that is <= `value`, or -1. */
function lastAtOrBefore(values: Int32Array, from: number, count: number, value: number): number {
	let low = from;
	let high = from + count - 1;
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

/** Steps, one column a field. */
class Steps {
	kind = bytes();
	t = floats();
	handle = ints();
	task = ints();
	/** The line a task's step reached. */
	line = ints();
	outputs = ints();
	/** The current loop's ready queue after the step: [queueHead, queueTail) of its log. */
	queueHead = ints();
	queueTail = ints();
	/** The loop of each turn, and the step that begins it (turn numbers count from 1). */
	turnLoop = ints();
	turnStep = ints();
	/** Turn steps where the clock jumped: step -> [from, timer]. */
	jumps = new Map<number, [number, number]>();

	trim(): void {
		for (const column of [
			this.kind,
			this.t,
			this.handle,
			this.task,
			this.line,
			this.outputs,
			this.queueHead,
			this.queueTail,
			this.turnLoop,
			this.turnStep
		]) {
			column.trim();
		}
	}
}

/** What was scheduled, by handle number (0 unused). */
class Handles {
	loop = ints();
	kind = bytes();
	task = ints();
	fn = ints();
	by = ints();
	api = ints();
	line = ints();
	future = ints();
	end = bytes();
	/** Timers: deadline (-1: never), when set, and the steps they were in the heap over
	 * [added, removed). */
	when = floats();
	setAt = floats();
	added = ints();
	removed = ints();
	/** The step it was scheduled in. */
	step = ints();
	/** The first task its run woke; more than one in `alsoWoke`. */
	woke = ints();
	alsoWoke = new Map<number, TaskId[]>();
	skipped = new Set<number>();

	has(handle: number): boolean {
		return this.kind.get(handle) !== 0;
	}

	/** Make every column hold `size` entries (zeros where nothing was set). */
	size(size: number): void {
		for (const column of this.#columns()) {
			if (size > 0 && column.length < size) column.set(size - 1, column.get(size - 1));
		}
	}

	trim(): void {
		for (const column of this.#columns()) column.trim();
	}

	#columns() {
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
			this.setAt,
			this.added,
			this.removed,
			this.step,
			this.woke
		];
	}
}

/** Each task's phases, packed: task i's are phase[start[i] .. start[i] + count[i]). */
class Phases {
	/** Tasks in creation order, and their names. */
	ids: TaskId[] = [];
	names = new Map<TaskId, string>();
	step = ints();
	kind = bytes();
	line = ints();
	/** Waiting: what it awaits; ended: the result (string) or the exception. */
	info: (Awaiting | string | ExceptionInfo | null)[] = [];
	chain: (ChainFrame[] | null)[] = [];
	start = new Map<TaskId, number>();
	count = new Map<TaskId, number>();
}

export class LoopReplay {
	readonly #steps = new Steps();
	readonly #handles = new Handles();
	readonly #labels = new Map<number, string>();
	/** Each loop's queue: every handle it queued, in order. */
	readonly #logs = new Map<number, Int32Array>();
	/** Timers by deadline (then number). */
	#timerOrder: Int32Array = new Int32Array(0);
	readonly #phases = new Phases();
	readonly #described = new Map<number, HandleInfo>();
	/** Stamps for stateAt: which tasks have a step in the ready queue. */
	#readyStamp: Int32Array = new Int32Array(0);
	#stamp = 0;

	/** Set when the trace was cut at the event cap: the replay ends where the trace does. */
	cut: { step: number; t: number } | null = null;
	/** How the run ended, in a word. */
	ending: 'finished' | 'deadlock' | 'limit' | 'error' = 'finished';

	constructor(events: readonly TraceEvent[]) {
		const built = new ReplayBuilder(
			this,
			this.#steps,
			this.#handles,
			this.#phases,
			this.#labels
		).build(events);
		for (const [loop, log] of built.logs) this.#logs.set(loop, Int32Array.from(log));
		this.#timerOrder = built.timerOrder;
		this.#steps.trim();
		this.#handles.trim();
		this.#phases.step.trim();
		this.#phases.kind.trim();
		this.#phases.line.trim();
		let maxTask = 0;
		for (const id of this.#phases.ids) maxTask = Math.max(maxTask, id);
		this.#readyStamp = new Int32Array(maxTask + 1);
	}

	/** Number of steps (at least 2: the start and the end). */
	get stepCount(): number {
		return this.#steps.kind.length;
	}

	/** Number of turns the loop made. */
	get turnCount(): number {
		return Math.max(0, this.#steps.turnStep.length - 1);
	}

	/** The step that begins turn `turn` (1 ...), clamped to the turns there are. */
	stepOfTurn(turn: number): number {
		const count = this.turnCount;
		if (count === 0) return 0;
		const n = Math.min(count, Math.max(1, Math.trunc(turn) || 1));
		return this.#steps.turnStep.data[n];
	}

	/** The first step that runs at or after virtual time `t` (the last step if none). */
	stepAtTime(t: number): number {
		const times = this.#steps.t.data;
		let low = 0;
		let high = this.stepCount - 1;
		while (low < high) {
			const middle = (low + high) >> 1;
			if (times[middle] >= t) high = middle;
			else low = middle + 1;
		}
		return low;
	}

	/** The first step of task `task` at or after time `t` (for a click on a chart segment), or -1. */
	taskStepFrom(task: TaskId, t: number): number {
		const steps = this.#steps;
		for (let k = this.stepAtTime(t); k < this.stepCount; k++) {
			const kind = steps.kind.data[k];
			if ((kind === RUN || kind === EAGER) && steps.task.data[k] === task) return k;
		}
		return -1;
	}

	/** Step `k` (clamped into range). */
	step(k: number): ReplayStep {
		const steps = this.#steps;
		const index = this.#clamp(k);
		const kind = steps.kind.data[index];
		const handle = steps.handle.data[index];
		const task = steps.task.data[index];
		const line = steps.line.data[index];
		const turn = this.#turnOf(index);
		const jump = steps.jumps.get(index);
		return {
			index,
			kind: STEP_KINDS[kind],
			t: steps.t.data[index],
			turn,
			loop: turn > 0 ? steps.turnLoop.data[turn] : 0,
			handle: handle > 0 ? handle : null,
			task: task > 0 ? task : null,
			eager: kind === EAGER,
			line: line > 0 ? line : null,
			resumedAt: task > 0 ? this.#resumedAt(task, index) : null,
			jumpedFrom: jump ? jump[0] : null,
			jumpTimer: jump ? jump[1] : null
		};
	}

	/** The state of the loop after step `k` (any number: clamped into range; never throws). */
	stateAt(k: number): LoopState {
		const step = this.step(k);
		const index = step.index;
		const steps = this.#steps;
		const handles = this.#handles;
		const log = this.#logs.get(step.loop);
		const ready = log
			? Array.from(log.subarray(steps.queueHead.data[index], steps.queueTail.data[index]))
			: [];
		const timers: number[] = [];
		for (const handle of this.#timerOrder) {
			if (handles.loop.data[handle] !== step.loop) continue;
			const removed = handles.removed.data[handle];
			if (handles.added.data[handle] <= index && (removed === 0 || index < removed))
				timers.push(handle);
		}
		const stamp = ++this.#stamp;
		for (const handle of ready) {
			if (handles.kind.data[handle] === STEP) this.#readyStamp[handles.task.data[handle]] = stamp;
		}
		const running = step.kind === 'run' ? step.task : null;
		const tasks: TaskAt[] = [];
		for (const id of this.#phases.ids) {
			const task = this.#taskAt(id, index, running === id ? step.line : undefined);
			if (task === null) continue;
			if (task.state !== 'running' && this.#readyStamp[id] === stamp) {
				if (task.state === 'waiting' || task.state === 'created') task.state = 'ready';
			}
			tasks.push(task);
		}
		return {
			step,
			t: step.t,
			running: step.kind === 'run' && step.handle !== null ? this.handle(step.handle) : null,
			runningTask: running,
			runningLine: step.kind === 'run' ? step.line : null,
			ready,
			timers,
			tasks,
			outputCount: steps.outputs.data[index]
		};
	}

	/** What handle `handle` runs and why it was scheduled (null for a number the trace lacks). */
	handle(handle: number): HandleInfo | null {
		const cached = this.#described.get(handle);
		if (cached) return cached;
		const table = this.#handles;
		if (!Number.isInteger(handle) || !table.has(handle)) return null;
		const steps = this.#steps;
		const kind = table.kind.data[handle];
		const by = table.by.data[handle];
		const end = table.end.data[handle];
		const scheduledAt = table.step.data[handle];
		const byKind = steps.kind.data[scheduledAt];
		const byTask =
			by > 0 && (byKind === RUN || byKind === EAGER) && steps.task.data[scheduledAt] > 0
				? steps.task.data[scheduledAt]
				: null;
		const woke = table.woke.get(handle);
		const when = table.when.data[handle];
		const info: HandleInfo = {
			handle,
			loop: table.loop.data[handle],
			kind: kind === STEP ? 'step' : kind === TIMER ? 'timer' : 'callback',
			task: kind === STEP ? table.task.data[handle] : null,
			fn: kind === STEP ? null : (this.#labels.get(table.fn.data[handle]) ?? null),
			scheduledAt,
			t: kind === TIMER ? table.setAt.data[handle] : steps.t.data[scheduledAt],
			by: by > 0 ? by : null,
			byTask,
			api: this.#labels.get(table.api.data[handle]) ?? null,
			line: table.line.data[handle] > 0 ? table.line.data[handle] : null,
			wake:
				end > 0 ? { end: FUTURE_ENDS[end - 1], future: table.future.data[handle] || null } : null,
			when: kind === TIMER && when >= 0 ? when : null,
			woke: woke > 0 ? [woke, ...(table.alsoWoke.get(handle) ?? [])] : [],
			label: '',
			name: '',
			what: '',
			reason: ''
		};
		const words = describeHandle(info, {
			taskName: (id) => this.taskName(id),
			handle: (h) => this.handle(h),
			endedAt: (task, step) => this.#endedAt(task, step)
		});
		info.label = words.label;
		info.name = words.name;
		info.what = words.what;
		info.reason = words.reason;
		this.#described.set(handle, info);
		return info;
	}

	/** A task's name ("Task-3"), or "task <id>" for one the trace lost. */
	taskName(task: TaskId): string {
		return this.#phases.names.get(task) ?? `task ${task}`;
	}

	/**
	 * The run turn by turn, for a log: what each turn ran, and the ready queue and timers it left.
	 * (`asyncio-playground run --loop` prints it; `--json` includes it.)
	 */
	turns(): LoopTurn[] {
		const turns: LoopTurn[] = [];
		const kinds = this.#steps.kind.data;
		for (let turn = 1; turn <= this.turnCount; turn++) {
			const first = this.stepOfTurn(turn);
			const next = turn < this.turnCount ? this.stepOfTurn(turn + 1) : this.stepCount - 1;
			let last = first;
			const ran: LoopTurn['ran'] = [];
			for (let k = first + 1; k < next; k++) {
				if (kinds[k] !== RUN && kinds[k] !== EAGER) continue;
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
				ready: state.ready.map((handle) => this.#name(handle)),
				timers: state.timers.map((handle) => ({
					when: this.handle(handle)?.when ?? null,
					label: this.#name(handle)
				}))
			});
		}
		return turns;
	}

	#name(handle: number): string {
		return this.handle(handle)?.name ?? `handle ${handle}`;
	}

	/** Task `id` after step `index` (null: not created yet); `reached`: the line it runs at. */
	#taskAt(id: TaskId, index: number, reached: number | null | undefined): TaskAt | null {
		const phases = this.#phases;
		const start = phases.start.get(id) ?? 0;
		const at = lastAtOrBefore(phases.step.data, start, phases.count.get(id) ?? 0, index);
		if (at < 0) return null;
		const kind = PHASES[phases.kind.data[at]];
		const info = phases.info[at];
		const line = phases.line.data[at];
		const task: TaskAt = {
			id,
			name: phases.names.get(id) ?? `task ${id}`,
			state: reached !== undefined ? 'running' : kind,
			awaiting: kind === 'waiting' ? (info as Awaiting) : null,
			chain: phases.chain[at] ?? [],
			line: reached !== undefined ? reached : line > 0 ? line : null
		};
		if (kind === 'done' && typeof info === 'string') task.result = info;
		if ((kind === 'raised' || kind === 'cancelled') && info !== null && typeof info === 'object') {
			task.exception = info as ExceptionInfo;
		}
		return task;
	}

	/** The line task `task` resumed at in step `index`: its await before the step. */
	#resumedAt(task: TaskId, index: number): number | null {
		const phases = this.#phases;
		const start = phases.start.get(task) ?? 0;
		const at = lastAtOrBefore(phases.step.data, start, phases.count.get(task) ?? 0, index - 1);
		if (at < 0 || phases.kind.data[at] !== 1) return null;
		return phases.line.data[at] > 0 ? phases.line.data[at] : null;
	}

	#endedAt(task: TaskId, step: number): boolean {
		const phases = this.#phases;
		const start = phases.start.get(task) ?? 0;
		const at = lastAtOrBefore(phases.step.data, start, phases.count.get(task) ?? 0, step);
		return at >= 0 && phases.step.data[at] === step && phases.kind.data[at] >= 2;
	}

	/** The turn step `index` belongs to (0 before the first): turns are numbered from 1. */
	#turnOf(index: number): number {
		return Math.max(0, lastAtOrBefore(this.#steps.turnStep.data, 1, this.turnCount, index));
	}

	#clamp(k: number): number {
		const last = this.stepCount - 1;
		if (!Number.isFinite(k)) return k > 0 ? last : 0;
		return Math.min(last, Math.max(0, Math.trunc(k)));
	}
}

/** The replay of a trace. */
export function buildReplay(events: readonly TraceEvent[]): LoopReplay {
	return new LoopReplay(events);
}

/** A loop's queue while replaying: every handle it queued, and the turn being replayed. */
interface LoopQueue {
	log: number[];
	head: number;
	turnStart: number;
	turnSize: number;
}

/**
 * Reads the events once, in order. The facts of a `handles` event arrive after the steps that
 * made them (they are sent in batches), so they are read first, in a pass of their own, and each
 * step applies those it made (their `by`) when it is replayed; facts of top-level code (by 0) are
 * applied at the next turn, before which they happened.
 */
class ReplayBuilder {
	/** What each handle's run made, packed: [kind, handle] pairs from madeStart[by]. */
	#made: Int32Array = new Int32Array(0);
	#madeStart: Int32Array = new Int32Array(0);
	#madeCount: Int32Array = new Int32Array(0);
	/** What top-level code made, by the index of the `handles` event it came in. */
	readonly #topLevelAt = new Map<number, number[]>();
	#topLevel: number[] = [];
	readonly #queues = new Map<number, LoopQueue>();
	/** Per task while reading: its phases' indices, in order. */
	readonly #taskPhases = new Map<TaskId, number[]>();
	#currentLoop = 0;
	#t = 0;
	#outputs = 0;
	/** The step whose events are being read. */
	#current = 0;

	constructor(
		private readonly replay: LoopReplay,
		private readonly steps: Steps,
		private readonly handles: Handles,
		private readonly phases: Phases,
		private readonly labels: Map<number, string>
	) {}

	build(events: readonly TraceEvent[]): { logs: Map<number, number[]>; timerOrder: Int32Array } {
		this.#readFacts(events);
		this.#push(START, 0, 0);
		for (let index = 0; index < events.length; index++) {
			if (this.replay.cut) break;
			const event = events[index];
			this.#read(event, index);
			// The clock as the events say, except where a turn sets it (a `handles` event is sent
			// as the next turn begins, so it carries that turn's time).
			if (event.kind === 'blocked') this.#t = Math.max(this.#t, event.t + event.duration);
			else if (event.kind !== 'handles' && event.t > this.#t) this.#t = event.t;
		}
		this.#finishTurn(this.#currentLoop, null);
		this.#applyTopLevel();
		this.#push(END, 0, 0);
		this.#packPhases();
		const logs = new Map<number, number[]>();
		for (const [loop, queue] of this.#queues) logs.set(loop, queue.log);
		return { logs, timerOrder: this.#sortTimers() };
	}

	#readFacts(events: readonly TraceEvent[]): void {
		const handles = this.handles;
		// [by, kind, handle] triples, then packed by `by`.
		const made: number[] = [];
		let maxHandle = 0;
		for (let index = 0; index < events.length; index++) {
			const event = events[index];
			if (event.kind === 'label') {
				this.labels.set(event.label, event.text);
				continue;
			}
			if (event.kind !== 'handles') continue;
			const { facts, loop } = event;
			for (let at = 0, fact = factAt(facts, 0); fact; fact = factAt(facts, (at += fact.size))) {
				const handle = facts[at + 1];
				maxHandle = Math.max(maxHandle, handle);
				let by = 0;
				let kind = 0;
				if (fact.kind === 'ready') {
					// [1, handle, task, fn, by, api, line, future, end]
					const task = facts[at + 2];
					by = facts[at + 4];
					handles.loop.set(handle, loop);
					handles.kind.set(handle, task > 0 ? STEP : CALLBACK);
					handles.task.set(handle, task);
					handles.fn.set(handle, facts[at + 3]);
					handles.by.set(handle, by);
					handles.api.set(handle, facts[at + 5]);
					handles.line.set(handle, facts[at + 6]);
					handles.future.set(handle, facts[at + 7]);
					handles.end.set(handle, facts[at + 8]);
					kind = MADE_READY;
				} else if (fact.kind === 'timer') {
					// [2, handle, t, when, fn, by, api, line]
					by = facts[at + 5];
					handles.loop.set(handle, loop);
					handles.kind.set(handle, TIMER);
					handles.setAt.set(handle, facts[at + 2]);
					handles.when.set(handle, facts[at + 3]);
					handles.fn.set(handle, facts[at + 4]);
					handles.by.set(handle, by);
					handles.api.set(handle, facts[at + 6]);
					handles.line.set(handle, facts[at + 7]);
					kind = MADE_TIMER;
				} else if (fact.kind === 'cancelled') {
					by = facts[at + 2];
					kind = MADE_CANCEL;
				} else {
					handles.skipped.add(handle);
				}
				if (kind === 0) continue;
				if (by > 0) {
					made.push(by, kind, handle);
					maxHandle = Math.max(maxHandle, by);
				} else {
					let top = this.#topLevelAt.get(index);
					if (!top) this.#topLevelAt.set(index, (top = []));
					top.push(kind, handle);
				}
			}
		}
		// Counting sort by `by`: each handle's run then finds what it made in one slice.
		const count = new Int32Array(maxHandle + 1);
		for (let i = 0; i < made.length; i += 3) count[made[i]]++;
		const start = new Int32Array(maxHandle + 1);
		for (let h = 1, total = 0; h <= maxHandle; h++) {
			start[h] = total;
			total += count[h];
		}
		const packed = new Int32Array((made.length / 3) * 2);
		const fill = start.slice();
		for (let i = 0; i < made.length; i += 3) {
			const at = fill[made[i]]++ * 2;
			packed[at] = made[i + 1];
			packed[at + 1] = made[i + 2];
		}
		this.#made = packed;
		this.#madeStart = start;
		this.#madeCount = count;
		handles.size(maxHandle + 1);
	}

	#read(event: TraceEvent, index: number): void {
		switch (event.kind) {
			case 'turn':
				this.#finishTurn(event.loop, event.popped);
				this.#applyTopLevel();
				this.#beginTurn(event.loop, event.turn, event.t, event.timer, event.due);
				break;
			case 'handles': {
				const top = this.#topLevelAt.get(index);
				if (top) this.#topLevel.push(...top);
				break;
			}
			case 'loop_closed': {
				this.#finishTurn(event.loop, event.popped);
				this.#applyTopLevel();
				// Dropped after the step that was last: the loop closed after it ran.
				const queue = this.#queue(event.loop);
				queue.head = queue.log.length;
				queue.turnStart = queue.head;
				queue.turnSize = 0;
				const handles = this.handles;
				for (let h = 1; h < handles.kind.length; h++) {
					if (handles.kind.data[h] !== TIMER || handles.loop.data[h] !== event.loop) continue;
					if (handles.added.data[h] > 0 && handles.removed.data[h] === 0) {
						handles.removed.set(h, this.#current + 1);
					}
				}
				break;
			}
			case 'task_created':
				this.phases.names.set(event.task, event.name);
				this.#phase(event.task, 0, 0, null, null);
				break;
			case 'task_resumed':
				this.#t = Math.max(this.#t, event.t);
				this.#taskResumed(event.task);
				break;
			case 'task_suspended':
				this.#phase(event.task, 1, event.line ?? 0, event.awaiting, event.chain);
				this.#reached(event.task, event.line);
				break;
			case 'task_done': {
				const kind = event.state === 'done' ? 2 : event.state === 'raised' ? 3 : 4;
				const info = event.state === 'done' ? (event.result ?? null) : (event.exception ?? null);
				this.#phase(event.task, kind, event.line ?? 0, info, null);
				this.#reached(event.task, event.line);
				break;
			}
			case 'callback':
				this.#advanceTo(event.handle);
				break;
			case 'output':
				this.#outputs++;
				this.steps.outputs.data[this.#current] = this.#outputs;
				if (event.task !== null) this.#reached(event.task, event.line);
				break;
			case 'note':
				if (event.code === 'events_truncated')
					this.replay.cut = { step: this.#current, t: event.t };
				break;
			case 'deadlock':
				this.replay.ending = 'deadlock';
				break;
			case 'limit':
				this.replay.ending = 'limit';
				break;
			case 'error':
				this.replay.ending = 'error';
				break;
			default:
				break;
		}
	}

	#queue(loop: number): LoopQueue {
		let queue = this.#queues.get(loop);
		if (!queue) this.#queues.set(loop, (queue = { log: [], head: 0, turnStart: 0, turnSize: 0 }));
		return queue;
	}

	#phase(
		task: TaskId,
		kind: number,
		line: number,
		info: Awaiting | string | ExceptionInfo | null,
		chain: ChainFrame[] | null
	): void {
		const phases = this.phases;
		if (!phases.names.has(task)) phases.names.set(task, `Task-${task}`);
		let mine = this.#taskPhases.get(task);
		if (!mine) {
			this.#taskPhases.set(task, (mine = []));
			phases.ids.push(task);
		}
		const last = mine.length > 0 ? mine[mine.length - 1] : -1;
		// A later change in the same step replaces the earlier one: the state is after the step.
		const at = last >= 0 && phases.step.data[last] === this.#current ? last : phases.step.length;
		if (at !== last) mine.push(at);
		phases.step.set(at, this.#current);
		phases.kind.set(at, kind);
		phases.line.set(at, line);
		phases.info[at] = info;
		phases.chain[at] = chain;
	}

	/** Lay each task's phases out together, for binary search by step. */
	#packPhases(): void {
		const phases = this.phases;
		const order: number[] = [];
		for (const id of phases.ids) {
			const mine = this.#taskPhases.get(id) ?? [];
			phases.start.set(id, order.length);
			phases.count.set(id, mine.length);
			order.push(...mine);
		}
		const step = new Int32Array(order.length);
		const kind = new Uint8Array(order.length);
		const line = new Int32Array(order.length);
		const info: Phases['info'] = [];
		const chain: Phases['chain'] = [];
		order.forEach((from, to) => {
			step[to] = phases.step.data[from];
			kind[to] = phases.kind.data[from];
			line[to] = phases.line.data[from];
			info.push(phases.info[from]);
			chain.push(phases.chain[from]);
		});
		phases.step.data = step;
		phases.step.length = order.length;
		phases.kind.data = kind;
		phases.kind.length = order.length;
		phases.line.data = line;
		phases.line.length = order.length;
		phases.info = info;
		phases.chain = chain;
	}

	/** The step being read ran task `task` and got to `line`. */
	#reached(task: TaskId, line: number | null): void {
		const steps = this.steps;
		const k = this.#current;
		const kind = steps.kind.data[k];
		if ((kind === RUN || kind === EAGER) && steps.task.data[k] === task && line !== null) {
			steps.line.data[k] = line;
		}
	}

	#push(kind: number, handle: number, task: TaskId): number {
		const steps = this.steps;
		const k = steps.kind.length;
		steps.kind.push(kind);
		steps.t.push(this.#t);
		steps.handle.push(handle);
		steps.task.push(task);
		steps.line.push(task > 0 ? this.#resumeLine(task) : 0);
		steps.outputs.push(this.#outputs);
		steps.queueHead.push(0);
		steps.queueTail.push(0);
		this.#current = k;
		this.#recordQueue(k);
		return k;
	}

	/** Where task `task` will resume: the line of its last await (0 before its first step). */
	#resumeLine(task: TaskId): number {
		const mine = this.#taskPhases.get(task);
		if (!mine || mine.length === 0) return 0;
		const last = mine[mine.length - 1];
		return this.phases.kind.data[last] === 1 ? this.phases.line.data[last] : 0;
	}

	#recordQueue(k: number): void {
		const queue = this.#queues.get(this.#currentLoop);
		this.steps.queueHead.data[k] = queue ? queue.head : 0;
		this.steps.queueTail.data[k] = queue ? queue.log.length : 0;
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
		this.#t = Math.max(this.#t, t);
		const queue = this.#queue(loop);
		const k = this.#push(TURN, 0, 0);
		this.steps.turnLoop.set(turn, loop);
		this.steps.turnStep.set(turn, k);
		if (timer !== null) this.steps.jumps.set(k, [previous, timer]);
		for (const handle of due) {
			this.handles.removed.set(handle, k);
			queue.log.push(handle);
		}
		queue.turnStart = queue.head;
		queue.turnSize = queue.log.length - queue.head;
		this.#recordQueue(k);
	}

	/** The turn of `loop` ended having taken `popped` handles (null: all of them). */
	#finishTurn(loop: number, popped: number | null): void {
		const queue = this.#queues.get(loop);
		if (!queue) return;
		const end = Math.min(queue.turnStart + (popped ?? queue.turnSize), queue.log.length);
		while (queue.head < end) this.#run(queue, queue.log[queue.head]);
		queue.turnSize = 0;
		queue.turnStart = queue.head;
	}

	/** Take the queue's next handle out: a step of its own, unless it was skipped. */
	#run(queue: LoopQueue, handle: number): void {
		queue.head++;
		const handles = this.handles;
		if (handles.skipped.has(handle)) {
			this.#recordQueue(this.#current);
			return;
		}
		const task = handles.kind.data[handle] === STEP ? handles.task.data[handle] : 0;
		const k = this.#push(RUN, handle, task);
		this.#apply(handle, k);
		this.#recordQueue(k);
	}

	/** Handles of the current turn run silently until `handle`, which runs now. */
	#advanceTo(handle: number): void {
		const queue = this.#queues.get(this.#currentLoop);
		if (!queue) return;
		const end = Math.min(queue.turnStart + queue.turnSize, queue.log.length);
		for (let at = queue.head; at < end; at++) {
			if (queue.log[at] !== handle) continue;
			while (queue.head <= at) this.#run(queue, queue.log[queue.head]);
			return;
		}
	}

	#taskResumed(task: TaskId): void {
		const queue = this.#queues.get(this.#currentLoop);
		const handles = this.handles;
		if (queue) {
			const end = Math.min(queue.turnStart + queue.turnSize, queue.log.length);
			for (let at = queue.head; at < end; at++) {
				const handle = queue.log[at];
				if (handles.kind.data[handle] === STEP && handles.task.data[handle] === task) {
					this.#advanceTo(handle);
					return;
				}
			}
		}
		// Not a handle of this turn: an eager task's first step, run inside create_task.
		this.#push(EAGER, 0, task);
	}

	/** What top-level code did after the last step: seen from the next step on. */
	#applyTopLevel(): void {
		if (this.#topLevel.length === 0) return;
		const made = this.#topLevel;
		this.#topLevel = [];
		for (let i = 0; i < made.length; i += 2)
			this.#make(made[i], made[i + 1], this.#current, this.#current + 1);
	}

	/** Apply what handle `by`'s run (step `k`) scheduled or cancelled. */
	#apply(by: number, k: number): void {
		if (by >= this.#madeStart.length) return;
		const start = this.#madeStart[by] * 2;
		const end = start + this.#madeCount[by] * 2;
		for (let i = start; i < end; i += 2) this.#make(this.#made[i], this.#made[i + 1], k, k);
	}

	/** One thing step `k` made, seen from step `from` on. */
	#make(kind: number, handle: number, k: number, from: number): void {
		const handles = this.handles;
		if (kind === MADE_READY) {
			handles.step.set(handle, k);
			this.#queue(handles.loop.data[handle]).log.push(handle);
			this.#noteWoke(handle);
		} else if (kind === MADE_TIMER) {
			handles.step.set(handle, k);
			handles.added.set(handle, from);
		} else if (handles.added.data[handle] > 0 && handles.removed.data[handle] === 0) {
			handles.removed.set(handle, from);
		}
	}

	/** A task's step scheduled by a running handle: the handle woke (or started) that task. */
	#noteWoke(handle: number): void {
		const handles = this.handles;
		const task = handles.task.data[handle];
		const by = handles.by.data[handle];
		if (task <= 0 || by <= 0) return;
		const first = handles.woke.data[by];
		if (first === 0) handles.woke.set(by, task);
		else if (first !== task) {
			const more = handles.alsoWoke.get(by) ?? [];
			if (!more.includes(task)) handles.alsoWoke.set(by, [...more, task]);
		}
	}

	#sortTimers(): Int32Array {
		const handles = this.handles;
		const order: number[] = [];
		for (let h = 1; h < handles.kind.length; h++) {
			if (handles.kind.data[h] === TIMER && handles.added.data[h] > 0) order.push(h);
		}
		const deadline = (h: number) => (handles.when.data[h] < 0 ? Infinity : handles.when.data[h]);
		order.sort((a, b) => deadline(a) - deadline(b) || a - b);
		return Int32Array.from(order);
	}
}
