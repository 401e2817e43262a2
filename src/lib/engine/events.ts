/**
 * The trace contract between the Python engine and TypeScript.
 *
 * The engine (src/lib/engine/python/playground) emits one flat JSON list of these events, in the
 * order they happened. Every event has a virtual time `t` in seconds (the clock starts at 0.0 each
 * run) and a `kind`. Field names are snake_case on both sides, so nothing is renamed at the
 * boundary; the Run model (model.ts) is where TypeScript's camelCase begins.
 *
 * Version 1. A change that removes or renames a field bumps TRACE_VERSION.
 */

export const TRACE_VERSION = 1;

/** A task id: 1, 2, 3 ... in creation order within one run. */
export type TaskId = number;

/** One frame of the chain of awaits inside a task, outermost first. Lines are 1-based in the user's code. */
export interface ChainFrame {
	fn: string;
	line: number;
}

/** Every kind of thing a suspended task can wait for; validators and checks use this list. */
export const AWAIT_KINDS = [
	'sleep', // asyncio.sleep(d); `until` is the wake-up time
	'task', // another task; `task` is its id
	'gather', // asyncio.gather(...); `tasks` are the children
	'wait', // asyncio.wait(...)
	'wait_for', // asyncio.wait_for(...) / asyncio.timeout(): `until` is the deadline when known
	'as_completed',
	'taskgroup', // leaving `async with TaskGroup()`, waiting for its children (`tasks`)
	'queue_get',
	'queue_put',
	'queue_join',
	'lock',
	'semaphore',
	'event',
	'condition',
	'thread', // asyncio.to_thread / run_in_executor, simulated on the virtual clock
	'future', // a bare Future
	'yield', // sleep(0) or a bare `yield`: gives the loop a turn
	'other'
] as const;

/** What a suspended task is waiting for. */
export type AwaitKind = (typeof AWAIT_KINDS)[number];

export interface Awaiting {
	kind: AwaitKind;
	/** What a learner reads on the chart: "sleep(1)", "Task-3", "gather(3)", "Queue.get", "Lock". */
	label: string;
	/** The awaited task, for kind "task" (and the single child of wait_for). */
	task?: TaskId | null;
	/** The awaited tasks, for gather / wait / taskgroup / as_completed. */
	tasks?: TaskId[];
	/** When a timer will resume this task (sleep, timeouts), in virtual seconds. */
	until?: number | null;
}

export interface RunStartEvent {
	kind: 'run_start';
	t: 0;
	version: typeof TRACE_VERSION;
	/** e.g. "3.14.2" */
	python: string;
	/** The limits in force for this run. */
	limits: {
		max_virtual_time: number;
		max_steps: number;
		max_events: number;
		max_output_chars: number;
	};
}

export interface TaskCreatedEvent {
	kind: 'task_created';
	t: number;
	task: TaskId;
	/** The task's name, as `task.get_name()` returns it ("Task-2", or the user's name). */
	name: string;
	/** The task that was running when this one was created; null when created outside any task. */
	parent: TaskId | null;
	/** The coroutine's qualified name, e.g. "main" or "worker". */
	coro: string;
	/** The user's line that created the task (create_task / gather / asyncio.run call), if known. */
	line: number | null;
}

export interface TaskResumedEvent {
	kind: 'task_resumed';
	t: number;
	task: TaskId;
	/** Loop step counter (one per task step), so a replay can step tick by tick. */
	step: number;
}

export interface TaskSuspendedEvent {
	kind: 'task_suspended';
	t: number;
	task: TaskId;
	awaiting: Awaiting;
	/** The line of the innermost `await` in user code. */
	line: number | null;
	/** The chain of awaits from the task's coroutine down to the suspension point. */
	chain: ChainFrame[];
}

export interface ExceptionInfo {
	type: string;
	message: string;
}

export interface TaskDoneEvent {
	kind: 'task_done';
	t: number;
	task: TaskId;
	state: 'done' | 'raised' | 'cancelled';
	/** repr() of the result, truncated to 200 characters; absent unless state is "done". */
	result?: string;
	exception?: ExceptionInfo;
	/** The user's line where the exception was raised (or the last line that ran). */
	line: number | null;
}

export interface BlockedEvent {
	kind: 'blocked';
	/** When the blocking call started. */
	t: number;
	/** Virtual seconds the whole loop stood still. */
	duration: number;
	/** "time.sleep" for a blocking sleep; "cpu" when CPU work is charged to the clock. */
	cause: 'time.sleep' | 'cpu';
	/** The user's line of the blocking call. */
	line: number | null;
	/** The task that blocked the loop, or null for top-level code. */
	task: TaskId | null;
}

export interface OutputEvent {
	kind: 'output';
	t: number;
	stream: 'stdout' | 'stderr';
	/** One line of text, without its trailing newline. */
	text: string;
	/** The task that printed it, or null for top-level code. */
	task: TaskId | null;
}

export interface WarningEvent {
	kind: 'warning';
	t: number;
	/** e.g. "RuntimeWarning", "DeprecationWarning" */
	category: string;
	message: string;
	/** For "coroutine ... was never awaited": the line that created the coroutine. Otherwise the warning's line. */
	line: number | null;
}

/** Something the playground explains about the run that is not CPython's own output. */
export interface NoteEvent {
	kind: 'note';
	t: number;
	/** A stable id a test or the UI can key on, e.g. "get_event_loop_314". */
	code: string;
	message: string;
	line: number | null;
}

/** The user's program raised and nothing caught it. */
export interface ErrorEvent {
	kind: 'error';
	t: number;
	type: string;
	message: string;
	line: number | null;
	/** CPython's formatted traceback, without the engine's own frames. */
	traceback: string;
}

export interface StuckTask {
	task: TaskId;
	name: string;
	awaiting: Awaiting;
	line: number | null;
}

export interface DeadlockEvent {
	kind: 'deadlock';
	t: number;
	stuck: StuckTask[];
}

export type LimitName = 'virtual_time' | 'steps' | 'events' | 'output' | 'interrupt';

export interface LimitEvent {
	kind: 'limit';
	t: number;
	limit: LimitName;
	/** A sentence for the user, including how to raise the limit. */
	message: string;
	line: number | null;
}

export interface RunEndEvent {
	kind: 'run_end';
	t: number;
	/** Task steps the loop ran. */
	steps: number;
	/** Real milliseconds the run took inside Python. */
	real_ms: number;
	/** Events dropped because the trace cap was reached. */
	dropped_events: number;
}

export type TraceEvent =
	| RunStartEvent
	| TaskCreatedEvent
	| TaskResumedEvent
	| TaskSuspendedEvent
	| TaskDoneEvent
	| BlockedEvent
	| OutputEvent
	| WarningEvent
	| NoteEvent
	| ErrorEvent
	| DeadlockEvent
	| LimitEvent
	| RunEndEvent;

export type TraceEventKind = TraceEvent['kind'];

/** Options a caller passes to the engine for one run. Omitted fields take the defaults. */
export interface RunOptions {
	/** Stop when the virtual clock passes this many seconds. */
	max_virtual_time?: number;
	/** Stop after this many task steps. */
	max_steps?: number;
	/** Keep at most this many events; later task steps are dropped, output, errors and run_end are kept. */
	max_events?: number;
	/** Keep at most this many characters of output. */
	max_output_chars?: number;
	/** Record task steps and awaits (false: output and errors only, for benchmarks). */
	trace?: boolean;
}
