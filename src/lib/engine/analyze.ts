/**
 * Events → Run model. `analyzeRun` is the one place that derives facts about a run: every view
 * (timeline, output, summary, exercise checks, the command-line tool) reads the model it returns.
 *
 * Pure, one pass over the events plus numeric sorts for the concurrency step function: a
 * 100,000-event trace takes tens of milliseconds (bench/analyze.ts). It tolerates truncated
 * traces: events dropped by the trace cap, a task that never finished, a resume without a
 * suspend before it.
 */
import type { AwaitKind, Awaiting, BlockCause, TaskId, TraceEvent } from './events';
import {
	MODEL_VERSION,
	type AwaitLink,
	type BlockedSpan,
	type ConcurrencyPoint,
	type DeadlockInfo,
	type ErrorInfo,
	type LimitInfo,
	type NoteInfo,
	type OutputLine,
	type RunModel,
	type Segment,
	type TaskModel,
	type WarningInfo
} from './model';

interface TaskBuilder {
	model: TaskModel;
	/** The segment the task is in right now; its `end` is set when it closes. */
	open: Segment | null;
	/** The line of the last await, where the next resume continues. */
	resumeLine: number | null;
}

/** "2", "0.5", "0.125": a duration as a learner would type it in `sleep(...)`. */
export function compactNumber(value: number): string {
	return String(Number(value.toFixed(3)));
}

/** "time.sleep(2)": the blocking call as the learner wrote it. */
function blockedLabel(cause: BlockCause, duration: number): string {
	return `${cause}(${compactNumber(duration)})`;
}

/**
 * What waiting on each kind of thing means for the run's numbers (docs/decisions/0020-run-model.md),
 * one entry per await kind, so a kind added to the contract cannot go unclassified:
 * - "idle": waiting for another task (gather, TaskGroup, `await task`) or for a turn at a
 *   synchronisation primitive (Lock, Semaphore, Event, Queue). Not counted as "at once": the
 *   concurrency numbers count tasks that are running, blocked, or waiting on the outside world.
 * - "timed": waiting on a timer or a thread: time a sequential program would also spend.
 * - "outside": waiting on the outside world some other way (a future, a timeout, a turn).
 */
const WAIT_MEANING: Record<AwaitKind, 'idle' | 'timed' | 'outside'> = {
	sleep: 'timed',
	task: 'idle',
	gather: 'idle',
	wait: 'idle',
	wait_for: 'outside',
	as_completed: 'idle',
	taskgroup: 'idle',
	queue_get: 'idle',
	queue_put: 'idle',
	queue_join: 'idle',
	lock: 'idle',
	semaphore: 'idle',
	event: 'idle',
	condition: 'idle',
	thread: 'timed',
	future: 'outside',
	yield: 'outside',
	other: 'outside'
};

/**
 * True when a task waiting on `awaiting` is idle (see WAIT_MEANING) rather than in progress.
 * No `awaiting` means the task is scheduled and waiting for the loop to give it a turn: idle too,
 * which matters when another task blocks the loop with time.sleep.
 */
export function isIdleWait(awaiting: Awaiting | undefined): boolean {
	if (!awaiting) return true;
	if (awaiting.task != null) return true;
	if (awaiting.tasks && awaiting.tasks.length > 0) return true;
	return WAIT_MEANING[awaiting.kind] === 'idle';
}

export function analyzeRun(events: TraceEvent[]): RunModel {
	const steps = analysisSteps(events);
	for (;;) {
		const next = steps.next();
		if (next.done) return next.value;
	}
}

/**
 * `analyzeRun` in slices: between slices (about ANALYSIS_SLICE events, or one phase after the
 * events) it awaits `pause`, so a page analysing 200,000 events stays responsive.
 */
export async function analyzeRunInSlices(
	events: TraceEvent[],
	pause: () => Promise<void>
): Promise<RunModel> {
	const steps = analysisSteps(events);
	for (;;) {
		const next = steps.next();
		if (next.done) return next.value;
		await pause();
	}
}

/** Events analysed between two pauses of `analyzeRunInSlices`. */
const ANALYSIS_SLICE = 20_000;

/** The analysis, yielding where it may pause (see analyzeRunInSlices). */
function* analysisSteps(events: TraceEvent[]): Generator<void, RunModel, void> {
	const tasks = new Map<TaskId, TaskBuilder>();
	const stdout: OutputLine[] = [];
	const blocked: BlockedSpan[] = [];
	const warnings: WarningInfo[] = [];
	const notes: NoteInfo[] = [];
	let error: ErrorInfo | null = null;
	let deadlock: DeadlockInfo | null = null;
	let limit: LimitInfo | null = null;
	let python = '';
	let steps = 0;
	let realMs = 0;
	let droppedEvents = 0;
	let endTime: number | null = null;
	let lastTime = 0;

	/** Find a task, or invent one for a task whose `task_created` event was dropped. */
	const taskFor = (id: TaskId, t: number): TaskBuilder => {
		let builder = tasks.get(id);
		if (!builder) {
			builder = newTask(id, `Task-${id}`, null, '?', null, null, t);
			tasks.set(id, builder);
		}
		return builder;
	};

	const close = (builder: TaskBuilder, t: number): void => {
		const open = builder.open;
		if (!open) return;
		builder.open = null;
		open.end = t > open.start ? t : open.start;
		// A zero-length wait (a task resumed at the instant it suspended) draws nothing and says
		// nothing; a zero-length running step is kept because it is the moment the task ran.
		if (open.kind === 'waiting' && open.end === open.start) return;
		builder.model.segments.push(open);
	};

	let seen = 0;
	for (const event of events) {
		if (++seen % ANALYSIS_SLICE === 0) yield;
		if (event.t > lastTime && event.kind !== 'blocked') lastTime = event.t;
		switch (event.kind) {
			case 'run_start':
				python = event.python;
				break;
			case 'task_created': {
				const existing = tasks.get(event.task);
				if (existing) break;
				const builder = newTask(
					event.task,
					event.name,
					event.parent,
					event.coro,
					event.arguments,
					event.line,
					event.t
				);
				// Until its first step the task waits for the loop to give it a turn.
				builder.open = segment('waiting', event.t, 'scheduled', null);
				tasks.set(event.task, builder);
				break;
			}
			case 'task_resumed': {
				const builder = taskFor(event.task, event.t);
				close(builder, event.t);
				builder.open = segment('running', event.t, builder.model.coro, builder.resumeLine);
				break;
			}
			case 'task_suspended': {
				const builder = taskFor(event.task, event.t);
				close(builder, event.t);
				builder.resumeLine = event.line;
				// Built whole, in one literal, so every waiting segment has the same shape.
				const waiting: Segment = {
					kind: 'waiting',
					start: event.t,
					end: event.t,
					label: event.awaiting.label,
					line: event.line,
					awaiting: event.awaiting,
					chain: event.chain
				};
				builder.open = waiting;
				break;
			}
			case 'task_done': {
				const builder = taskFor(event.task, event.t);
				close(builder, event.t);
				const model = builder.model;
				model.finished = event.t;
				model.state = event.state;
				if (event.result !== undefined) model.result = event.result;
				if (event.exception) model.exception = event.exception;
				break;
			}
			case 'blocked': {
				const end = event.t + event.duration;
				if (end > lastTime) lastTime = end;
				blocked.push({
					start: event.t,
					end,
					cause: event.cause,
					line: event.line,
					task: event.task
				});
				if (event.task == null) break;
				const builder = taskFor(event.task, event.t);
				const open = builder.open;
				// Cut the blocking task's running step around the blocked span.
				const resume = open && open.kind === 'running' ? open : null;
				close(builder, event.t);
				builder.model.segments.push({
					kind: 'blocked',
					start: event.t,
					end,
					label: blockedLabel(event.cause, event.duration),
					line: event.line
				});
				builder.open = segment(
					'running',
					end,
					resume?.label ?? builder.model.coro,
					resume?.line ?? builder.resumeLine
				);
				break;
			}
			case 'output': {
				stdout.push({
					t: event.t,
					task: event.task,
					taskName: event.task == null ? null : (tasks.get(event.task)?.model.name ?? null),
					stream: event.stream,
					text: event.text
				});
				break;
			}
			case 'warning':
				warnings.push({
					t: event.t,
					category: event.category,
					message: event.message,
					line: event.line
				});
				break;
			case 'note':
				notes.push({ t: event.t, code: event.code, message: event.message, line: event.line });
				break;
			case 'error':
				error = {
					type: event.type,
					message: event.message,
					line: event.line,
					traceback: event.traceback
				};
				break;
			case 'deadlock':
				deadlock = {
					t: event.t,
					stuck: event.stuck.map((stuck) => ({
						task: stuck.task,
						name: stuck.name,
						waiting: stuck.awaiting.label,
						awaiting: stuck.awaiting,
						line: stuck.line
					}))
				};
				break;
			case 'limit':
				limit = { limit: event.limit, t: event.t, message: event.message, line: event.line };
				break;
			case 'run_end':
				endTime = event.t;
				steps = event.steps;
				realMs = event.real_ms;
				droppedEvents = event.dropped_events;
				break;
		}
	}

	const duration = Math.max(endTime ?? lastTime, lastTime);

	for (const builder of tasks.values()) {
		// A task that never finished (deadlock, limit, truncated trace) stays open to the end.
		close(builder, duration);
	}

	// A small run is analysed in one go; a big one pauses between phases too.
	const big = events.length > ANALYSIS_SLICE;
	if (big) yield;
	const ordered = laneOrder(tasks);
	const byId = new Map<TaskId, TaskModel>();
	for (const task of ordered) byId.set(task.id, task);

	if (big) yield;
	const links = awaitLinks(ordered, byId);
	if (big) yield;
	const { concurrency, peak } = concurrencySteps(ordered);

	let awaitedTime = 0;
	for (const task of ordered) {
		for (const segment of task.segments) {
			if (
				segment.kind === 'waiting' &&
				segment.awaiting &&
				WAIT_MEANING[segment.awaiting.kind] === 'timed'
			) {
				awaitedTime += segment.end - segment.start;
			}
		}
	}
	let blockedTime = 0;
	for (const span of blocked) blockedTime += span.end - span.start;

	return {
		version: MODEL_VERSION,
		python,
		duration,
		stdout,
		tasks: ordered,
		links,
		blocked,
		concurrency,
		warnings,
		notes,
		error,
		deadlock,
		limit,
		summary: {
			duration,
			tasks: ordered.length,
			// At least one task ran whenever there was a task, even if nothing ever took time.
			peakConcurrency: ordered.length > 0 ? Math.max(peak, 1) : 0,
			blockedTime,
			awaitedTime,
			overlap: duration > 0 ? awaitedTime / duration : 1
		},
		steps,
		realMs,
		droppedEvents
	};
}

/** An open segment; `end` is filled in when it closes. */
function segment(
	kind: Segment['kind'],
	start: number,
	label: string,
	line: number | null
): Segment {
	return { kind, start, end: start, label, line };
}

function newTask(
	id: TaskId,
	name: string,
	parent: TaskId | null,
	coro: string,
	args: string[] | null,
	line: number | null,
	created: number
): TaskBuilder {
	return {
		model: {
			id,
			name,
			parent,
			depth: 0,
			coro,
			arguments: args,
			line,
			created,
			finished: null,
			state: 'pending',
			segments: []
		},
		open: null,
		resumeLine: null
	};
}

/** Depth-first by creation: each root (the main task first), then its children under it. */
function laneOrder(tasks: Map<TaskId, TaskBuilder>): TaskModel[] {
	// The map holds tasks in the order they were first seen, which is creation order.
	const builders = [...tasks.values()];
	const children = new Map<TaskId | null, TaskBuilder[]>();
	for (const builder of builders) {
		const parent = builder.model.parent;
		// A parent we never heard of (its event was dropped) makes the task a root.
		const key = parent != null && tasks.has(parent) && parent !== builder.model.id ? parent : null;
		let list = children.get(key);
		if (!list) children.set(key, (list = []));
		list.push(builder);
	}
	const ordered: TaskModel[] = [];
	const seen = new Set<TaskId>();
	// An explicit stack rather than recursion: 10,000 nested tasks must not overflow the JS stack.
	const stack: { builder: TaskBuilder; depth: number }[] = [];
	const pushChildren = (key: TaskId | null, depth: number) => {
		const list = children.get(key);
		if (!list) return;
		for (let i = list.length - 1; i >= 0; i--) stack.push({ builder: list[i], depth });
	};
	pushChildren(null, 0);
	while (stack.length > 0) {
		const { builder, depth } = stack.pop()!;
		if (seen.has(builder.model.id)) continue;
		seen.add(builder.model.id);
		builder.model.depth = depth;
		ordered.push(builder.model);
		pushChildren(builder.model.id, depth + 1);
	}
	// Tasks in a parent cycle (only possible in a corrupt trace) are still shown, as roots.
	for (const builder of builders) {
		if (!seen.has(builder.model.id)) {
			seen.add(builder.model.id);
			ordered.push(builder.model);
		}
	}
	return ordered;
}

/** An arrow for every wait on another task, ending when that task finished if it finished first. */
function awaitLinks(ordered: TaskModel[], byId: Map<TaskId, TaskModel>): AwaitLink[] {
	const links: AwaitLink[] = [];
	for (const task of ordered) {
		for (const segment of task.segments) {
			const awaiting = segment.awaiting;
			if (segment.kind !== 'waiting' || !awaiting) continue;
			const link = (to: TaskId) => {
				const target = byId.get(to);
				if (!target || to === task.id) return;
				const finished = target.finished;
				const end =
					finished != null && finished < segment.end
						? Math.max(finished, segment.start)
						: segment.end;
				links.push({ from: task.id, to, start: segment.start, end, line: segment.line });
			};
			if (!awaiting.tasks) {
				if (awaiting.task != null) link(awaiting.task);
				continue;
			}
			// Each task once, in order: a Set, because gather of 50,000 tasks lists them all and a
			// search per id was quadratic (157 ms of one analysis slice).
			const targets = new Set<TaskId>();
			if (awaiting.task != null) targets.add(awaiting.task);
			for (const id of awaiting.tasks) targets.add(id);
			for (const to of targets) link(to);
		}
	}
	return links;
}

/**
 * The step function of running / waiting tasks. Zero-length segments change nothing, so the
 * counts at an instant are those after every event at that instant. Idle waits are left out
 * (see isIdleWait).
 */
function concurrencySteps(ordered: TaskModel[]): { concurrency: ConcurrencyPoint[]; peak: number } {
	// Four sorted lists of times (typed arrays sort numerically and allocate nothing per item),
	// then one merge: this keeps a 100,000-segment run to a few milliseconds.
	let runningCount = 0;
	let waitingCount = 0;
	for (const task of ordered) {
		for (const segment of task.segments) {
			if (segment.end <= segment.start) continue;
			if (segment.kind !== 'waiting') runningCount++;
			else if (!isIdleWait(segment.awaiting)) waitingCount++;
		}
	}
	const runningStarts = new Float64Array(runningCount);
	const runningEnds = new Float64Array(runningCount);
	const waitingStarts = new Float64Array(waitingCount);
	const waitingEnds = new Float64Array(waitingCount);
	let r = 0;
	let w = 0;
	for (const task of ordered) {
		for (const segment of task.segments) {
			if (segment.end <= segment.start) continue;
			if (segment.kind !== 'waiting') {
				runningStarts[r] = segment.start;
				runningEnds[r++] = segment.end;
			} else if (!isIdleWait(segment.awaiting)) {
				waitingStarts[w] = segment.start;
				waitingEnds[w++] = segment.end;
			}
		}
	}
	const lists = [runningStarts, runningEnds, waitingStarts, waitingEnds];
	for (const list of lists) list.sort();
	const cursor = [0, 0, 0, 0];
	const concurrency: ConcurrencyPoint[] = [{ t: 0, running: 0, waiting: 0 }];
	let running = 0;
	let waiting = 0;
	let peak = 0;
	for (;;) {
		let t = Infinity;
		for (let i = 0; i < 4; i++) {
			if (cursor[i] < lists[i].length && lists[i][cursor[i]] < t) t = lists[i][cursor[i]];
		}
		if (t === Infinity) break;
		const startedRunning = advance(runningStarts, cursor, 0, t);
		const stoppedRunning = advance(runningEnds, cursor, 1, t);
		const startedWaiting = advance(waitingStarts, cursor, 2, t);
		const stoppedWaiting = advance(waitingEnds, cursor, 3, t);
		running += startedRunning - stoppedRunning;
		waiting += startedWaiting - stoppedWaiting;
		if (running + waiting > peak) peak = running + waiting;
		const last = concurrency[concurrency.length - 1];
		if (last.running === running && last.waiting === waiting) continue;
		if (last.t === t) {
			last.running = running;
			last.waiting = waiting;
		} else {
			concurrency.push({ t, running, waiting });
		}
	}
	return { concurrency, peak };
}

/** Move `cursor[which]` past every entry of the sorted `list` equal to `t`; returns how many. */
function advance(list: Float64Array, cursor: number[], which: number, t: number): number {
	let count = 0;
	while (cursor[which] < list.length && list[cursor[which]] === t) {
		cursor[which]++;
		count++;
	}
	return count;
}
