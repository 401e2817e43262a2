/**
 * The Run model: what every view reads. `analyzeRun(events)` (analyze.ts) builds it from the trace;
 * nothing else derives facts about a run. The command-line tool prints it with `--json`.
 *
 * Times are virtual seconds. Lines are 1-based lines of the user's code, or null when unknown.
 */
import type { Awaiting, BlockCause, ChainFrame, ExceptionInfo, LimitName, TaskId } from './events';

export const MODEL_VERSION = 1;

export type SegmentKind = 'running' | 'waiting' | 'blocked';

export interface Segment {
	kind: SegmentKind;
	start: number;
	end: number;
	/** Running: the coroutine name; waiting: what it awaits ("sleep(1)", "Task-3"); blocked: "time.sleep(2)". */
	label: string;
	/** The line the segment came from: the await for waiting, the blocking call for blocked, the resume point for running. */
	line: number | null;
	/** Waiting only: what exactly it awaits (kind, awaited task ids). */
	awaiting?: Awaiting;
	/** Waiting only: the chain of awaits. */
	chain?: ChainFrame[];
}

export type TaskState = 'pending' | 'done' | 'raised' | 'cancelled';

export interface TaskModel {
	id: TaskId;
	name: string;
	parent: TaskId | null;
	/** Depth in the creation tree: 0 for tasks created outside any task. */
	depth: number;
	coro: string;
	/**
	 * The arguments of the call that made the coroutine, as text (call-text.ts writes the call);
	 * null when unknown (an awaitable that is not a function's coroutine).
	 */
	arguments: string[] | null;
	/** The line that created the task. */
	line: number | null;
	created: number;
	/** When the task finished, or null if it never did (deadlock, limit). */
	finished: number | null;
	state: TaskState;
	result?: string;
	exception?: ExceptionInfo;
	/** Segments in time order, covering [created, finished ?? duration] without gaps. */
	segments: Segment[];
}

/** An arrow on the chart: task `from` waited on task `to` over [start, end]. */
export interface AwaitLink {
	from: TaskId;
	to: TaskId;
	start: number;
	end: number;
	line: number | null;
}

export interface OutputLine {
	t: number;
	task: TaskId | null;
	/** The printing task's name, or null for top-level code. */
	taskName: string | null;
	stream: 'stdout' | 'stderr';
	text: string;
}

export interface BlockedSpan {
	start: number;
	end: number;
	cause: BlockCause;
	line: number | null;
	task: TaskId | null;
}

export interface WarningInfo {
	t: number;
	category: string;
	message: string;
	line: number | null;
}

export interface NoteInfo {
	t: number;
	code: string;
	message: string;
	line: number | null;
}

export interface ErrorInfo {
	type: string;
	message: string;
	line: number | null;
	traceback: string;
}

export interface DeadlockInfo {
	t: number;
	stuck: { task: TaskId; name: string; waiting: string; awaiting: Awaiting; line: number | null }[];
}

export interface LimitInfo {
	limit: LimitName;
	t: number;
	message: string;
	line: number | null;
}

/**
 * How many tasks were running (or blocking the loop) / waiting on a timer, thread or future from
 * `t` until the next point. A step function. Tasks idle on another task or on a Lock, Semaphore,
 * Event or Queue count in neither (docs/decisions/0020-run-model.md).
 */
export interface ConcurrencyPoint {
	t: number;
	running: number;
	waiting: number;
}

export interface RunSummary {
	/** Virtual seconds from start to end of the run. */
	duration: number;
	tasks: number;
	/** The most tasks busy at one instant: the peak of running + waiting in `concurrency` (at least 1 if any task ran). */
	peakConcurrency: number;
	/** Virtual seconds the loop was blocked (time.sleep, CPU). */
	blockedTime: number;
	/** Sum over tasks of the time spent waiting on a timer (sleep) or a simulated thread: what one-by-one awaiting would take. */
	awaitedTime: number;
	/** awaitedTime / duration, the "2.0× concurrency" a learner reads; 1 when duration is 0. */
	overlap: number;
}

export interface RunModel {
	version: typeof MODEL_VERSION;
	python: string;
	/** Virtual seconds at the end of the run. */
	duration: number;
	stdout: OutputLine[];
	/** Tasks in lane order: depth-first by creation, the main task first, children under their parent. */
	tasks: TaskModel[];
	links: AwaitLink[];
	blocked: BlockedSpan[];
	concurrency: ConcurrencyPoint[];
	warnings: WarningInfo[];
	notes: NoteInfo[];
	error: ErrorInfo | null;
	deadlock: DeadlockInfo | null;
	limit: LimitInfo | null;
	summary: RunSummary;
	steps: number;
	realMs: number;
	/** Events the engine dropped because of the trace cap. */
	droppedEvents: number;
}
