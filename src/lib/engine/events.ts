/**
 * The trace contract between the Python engine and TypeScript.
 *
 * The engine emits one flat JSON list of these events, in the order they happened; one Python
 * module builds every one of them (src/lib/engine/python/playground/events.py). Every event has a
 * virtual time `t` in seconds (the clock starts at 0.0 each run, and times are rounded to
 * nanoseconds, so 0.1 + 0.2 reads 0.3) and a `kind`. Field names are snake_case on both sides, so nothing is
 * renamed at the boundary; the Run model (model.ts) is where TypeScript's camelCase begins.
 *
 * The validators below are the definition: every type is inferred from them, so what the page
 * accepts and what the code expects cannot drift apart. The engine's output is untrusted (the
 * user's Python can replace it), so it is always read through `traceEventValidator`. The contract
 * test (tests/engine/contract.spec.ts) runs every example and exercise and fails when Python sends
 * a kind or field not declared here, or when something declared here is never sent.
 *
 * Version 2: version 1's events, unchanged but for the new `output.line`, and the event loop itself
 * (turn, handles, callback, loop_closed, label): every handle the loop will run is numbered when it
 * joins the ready queue or the timers, so a replay can rebuild the real queue at every step
 * (replay.ts). A change that removes or renames a field bumps TRACE_VERSION.
 */
import {
	array,
	boolean,
	type Budget,
	literal,
	nullable,
	number,
	object,
	optional,
	string,
	union,
	ValidationError,
	type Infer
} from '$lib/validate';

export const TRACE_VERSION = 2;

/** Limits on what one trace may hold; anything larger is refused as a whole. */
/**
 * The engine's caps under the page's default options (the run client's DEFAULT_RUN_OPTIONS): at
 * most this many task events, and this many characters of output (one line event at most per
 * character); errors, notes, warnings and run_end are always kept.
 */
export const ENGINE_CAPS = { maxTaskEvents: 200_000, maxOutputChars: 200_000 } as const;

export const TRACE_LIMITS = {
	/** Longest text field (tracebacks, output lines, results). */
	maxString: 1_000_000,
	/** Longest short text (names, labels, categories). */
	maxShortString: 10_000,
	/**
	 * Most events in one trace: the most the engine can send under ENGINE_CAPS (and 1,000 for the
	 * events it always keeps), so a forged trace cannot make the page read more than a real one;
	 * anything past it is cut.
	 */
	maxEvents: ENGINE_CAPS.maxTaskEvents + ENGINE_CAPS.maxOutputChars + 1_000,
	/** Most items in an event's own lists (chains, gathered tasks, stuck tasks). */
	maxList: 100_000,
	/** Most arguments of a task's call (calls.py writes 12 and "…"). */
	maxArguments: 16,
	/** Longest text of one argument (calls.py writes at most 100 characters). */
	maxArgumentText: 256
} as const;

// ---- the lists the contract names, each written once -----------------------------------------

/** Every kind of thing a suspended task can wait for. */
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

/**
 * What ended a run early: a runaway program or the user's Stop. (The event and output caps do
 * not end a run: they drop what is beyond them, with a note.)
 */
export const LIMIT_NAMES = ['virtual_time', 'steps', 'interrupt'] as const;

/** The streams a program prints to. */
export const OUTPUT_STREAMS = ['stdout', 'stderr'] as const;

/** How a task ended. */
export const TASK_END_STATES = ['done', 'raised', 'cancelled'] as const;

/**
 * What held the whole loop: a blocking sleep. (CPU work costs no virtual time, so it blocks
 * nothing on the clock; a long step gets a `cpu_work` note instead: docs/decisions/0001.)
 */
export const BLOCK_CAUSES = ['time.sleep'] as const;

/**
 * How the future a woken task awaited ended, by the number a READY fact carries in `end`
 * (0: not a wakeup).
 */
export const FUTURE_ENDS = ['result', 'exception', 'cancelled'] as const;

/**
 * The records in a `handles` event's `facts`, each a kind number followed by its fields, every
 * field a number. `by`: the handle the loop was running (0: top-level code); `api`: the label of
 * the asyncio function the user's code called to cause it (0: none); `line`: that call's line in
 * the user's code (0: none).
 * - READY: `handle` joined the ready queue: a step of `task` (fn 0), or a callback (task 0) whose
 *   function is label `fn`. A wakeup has `end` > 0 (FUTURE_ENDS[end - 1]): the future the task
 *   awaited ended; `future` is its task id when it is one of the run's tasks, else 0.
 * - TIMER: a timer set at `t` to run label `fn` at `when` (-1: never, as sleep(math.inf)).
 * - CANCELLED: a timer was cancelled while waiting in the heap.
 * - SKIPPED: the turn took `handle` out of the ready queue without running it (cancelled there).
 */
export const HANDLE_FACTS = {
	ready: { code: 1, fields: ['handle', 'task', 'fn', 'by', 'api', 'line', 'future', 'end'] },
	timer: { code: 2, fields: ['handle', 't', 'when', 'fn', 'by', 'api', 'line'] },
	cancelled: { code: 3, fields: ['handle', 'by'] },
	skipped: { code: 4, fields: ['handle'] }
} as const;

export type HandleFactKind = keyof typeof HANDLE_FACTS;

/** Fact kind by its number, with its size (the kind number and its fields). */
const FACT_BY_CODE = new Map<number, { kind: HandleFactKind; size: number }>(
	(
		Object.entries(HANDLE_FACTS) as [HandleFactKind, { code: number; fields: readonly string[] }][]
	).map(([kind, fact]) => [fact.code, { kind, size: fact.fields.length + 1 }])
);

/** The kind of fact starting at `facts[at]` and its size, or null if there is none such. */
export function factAt(
	facts: readonly number[],
	at: number
): { kind: HandleFactKind; size: number } | null {
	const fact = FACT_BY_CODE.get(facts[at]);
	return fact && at + fact.size <= facts.length ? fact : null;
}

/**
 * `handles.facts`: whole records only, each field a whole number >= 0 (a timer's `t` and `when`
 * may be fractional, and `when` is -1 for never). What a replay reads needs no further checks.
 * One loop over the numbers, counting as `array(number({ min: -1 }))` counts (a big run has
 * hundreds of thousands of them); a path is built only for an error.
 */
const handleFacts = Object.assign(
	(value: unknown, path: string, budget: Budget): number[] => {
		if (!Array.isArray(value)) throw new ValidationError(path, 'expected an array');
		if (value.length > TRACE_LIMITS.maxList) {
			throw new ValidationError(path, `more than ${TRACE_LIMITS.maxList} items`);
		}
		budget.spend(path, 1 + 2 * value.length);
		const facts: number[] = new Array(value.length);
		for (let i = 0; i < value.length; i++) {
			const field: unknown = value[i];
			// Finite and >= -1: NaN fails the comparison, and so does Infinity.
			if (typeof field !== 'number' || !(field >= -1 && field <= Number.MAX_VALUE)) {
				throw new ValidationError(`${path}[${i}]`, 'expected a finite number >= -1');
			}
			facts[i] = field;
		}
		for (let at = 0; at < facts.length;) {
			const fact = factAt(facts, at);
			if (!fact) throw new ValidationError(`${path}[${at}]`, 'not a whole handle fact');
			for (let i = 1; i < fact.size; i++) {
				const field = facts[at + i];
				const timeField = fact.kind === 'timer' && (i === 2 || i === 3);
				const ok = timeField ? field >= (i === 3 ? -1 : 0) : Number.isInteger(field) && field >= 0;
				if (!ok) throw new ValidationError(`${path}[${at + i}]`, 'not a valid fact field');
			}
			at += fact.size;
		}
		return facts;
	},
	{ item: number({ min: -1 }) }
);

// ---- fields ----------------------------------------------------------------------------------

const text = string(TRACE_LIMITS.maxString);
const shortText = string(TRACE_LIMITS.maxShortString);
/** Virtual seconds since the start of the run. */
const time = number({ min: 0 });
const count = number({ min: 0, integer: true });
/** A task id: 1, 2, 3 ... in creation order within one run. */
const taskId = number({ min: 0, integer: true });
/** A 1-based line in the user's code, or null when the engine cannot name one. */
const line = nullable(number({ min: 0, integer: true }));
/** A handle's number: 1, 2, 3 ... in the order the run scheduled them (ready or timer). */
const handleId = number({ min: 1, integer: true });
/** A label's number (see the `label` event). */
const labelId = number({ min: 1, integer: true });
/** A loop's number in the run: 1, 2 ... in the order the run made them. */
const loopId = number({ min: 1, integer: true });

/** What a suspended task is waiting for. */
const awaiting = object({
	kind: literal(...AWAIT_KINDS),
	/** What a learner reads on the chart: "sleep(1)", "Task-3", "gather(3)", "Queue.get", "Lock". */
	label: shortText,
	/** The awaited task, for kind "task" (and the single child of wait_for). */
	task: optional(nullable(taskId)),
	/** The awaited tasks, for gather / wait / taskgroup / as_completed. */
	tasks: optional(array(taskId, TRACE_LIMITS.maxList)),
	/** When a timer will resume this task (sleep, timeouts), in virtual seconds. */
	until: optional(nullable(time))
});

/** One frame of the chain of awaits inside a task, outermost first. */
const chainFrame = object({ fn: shortText, line: number({ min: 0, integer: true }) });

const exceptionInfo = object({ type: shortText, message: text });

/** A task that can never run again, in a deadlock report. */
const stuckTask = object({ task: taskId, name: shortText, awaiting, line });

/** The limits in force for one run, as run_start reports them. */
const runLimits = object({
	max_virtual_time: number({ min: 0 }),
	max_steps: number({ min: 0 }),
	max_events: number({ min: 0 }),
	max_output_chars: number({ min: 0 })
});

// ---- events ----------------------------------------------------------------------------------

/** Every event, by kind. */
export const traceEventValidator = union('kind', {
	run_start: object({
		kind: literal('run_start'),
		t: literal(0),
		version: literal(TRACE_VERSION),
		/** e.g. "3.14.2" */
		python: shortText,
		limits: runLimits
	}),
	task_created: object({
		kind: literal('task_created'),
		t: time,
		task: taskId,
		/** The task's name, as `task.get_name()` returns it ("Task-2", or the user's name). */
		name: shortText,
		/** The task that was running when this one was created; null outside any task. */
		parent: nullable(taskId),
		/** The coroutine's qualified name, e.g. "main" or "worker". */
		coro: shortText,
		/**
		 * The arguments the coroutine was called with, as text: ["2", "'world'", "retries=3"]
		 * (a method's `self` left out). Null when unknown: not a coroutine a function made.
		 */
		arguments: nullable(array(string(TRACE_LIMITS.maxArgumentText), TRACE_LIMITS.maxArguments)),
		/** The user's line that created the task (create_task / gather / asyncio.run call). */
		line
	}),
	task_resumed: object({
		kind: literal('task_resumed'),
		t: time,
		task: taskId,
		/** Loop step counter (one per task step), so a replay can step tick by tick. */
		step: count
	}),
	task_suspended: object({
		kind: literal('task_suspended'),
		t: time,
		task: taskId,
		awaiting,
		/** The line of the innermost `await` in user code. */
		line,
		/** The chain of awaits from the task's coroutine down to the suspension point. */
		chain: array(chainFrame, TRACE_LIMITS.maxList)
	}),
	task_done: object({
		kind: literal('task_done'),
		t: time,
		task: taskId,
		state: literal(...TASK_END_STATES),
		/** repr() of the result, truncated to 200 characters; absent unless state is "done". */
		result: optional(text),
		exception: optional(exceptionInfo),
		/** The user's line where the exception was raised. */
		line
	}),
	blocked: object({
		kind: literal('blocked'),
		/** When the blocking call started. */
		t: time,
		/** Virtual seconds the whole loop stood still. */
		duration: time,
		cause: literal(...BLOCK_CAUSES),
		/** The user's line of the blocking call. */
		line,
		/** The task that blocked the loop, or null for top-level code. */
		task: nullable(taskId)
	}),
	output: object({
		kind: literal('output'),
		t: time,
		stream: literal(...OUTPUT_STREAMS),
		/** One line of text, without its trailing newline. */
		text,
		/** The task that printed it, or null for top-level code. */
		task: nullable(taskId),
		/** The user's line that wrote it (where the line's first character was written). */
		line
	}),
	warning: object({
		kind: literal('warning'),
		t: time,
		/** e.g. "RuntimeWarning", "DeprecationWarning" */
		category: shortText,
		message: text,
		/** For "coroutine ... was never awaited": the line that created the coroutine. */
		line
	}),
	/** Something the playground explains about the run that is not CPython's own output. */
	note: object({
		kind: literal('note'),
		t: time,
		/** A stable id a test or the UI can key on, e.g. "get_event_loop_314". */
		code: shortText,
		message: text,
		line
	}),
	/** The user's program raised and nothing caught it. */
	error: object({
		kind: literal('error'),
		t: time,
		type: shortText,
		message: text,
		line,
		/** CPython's formatted traceback, without the engine's own frames. */
		traceback: text
	}),
	deadlock: object({
		kind: literal('deadlock'),
		t: time,
		stuck: array(stuckTask, TRACE_LIMITS.maxList)
	}),
	limit: object({
		kind: literal('limit'),
		t: time,
		limit: literal(...LIMIT_NAMES),
		/** A sentence for the user, including how to raise the limit. */
		message: text,
		line
	}),
	run_end: object({
		kind: literal('run_end'),
		t: time,
		/** Task steps the loop ran. */
		steps: count,
		/** Real milliseconds the run took inside Python. */
		real_ms: number({ min: 0 }),
		/** Events dropped because the trace cap was reached. */
		dropped_events: count
	}),

	// ---- the event loop (version 2) ----

	/** A function name, sent once, before the first event or fact that names it by `label`. */
	label: object({ kind: literal('label'), t: time, label: labelId, text: shortText }),
	/** Loop `loop` (1, 2 ... in the run) begins a turn: one `_run_once`. */
	turn: object({
		kind: literal('turn'),
		t: time,
		loop: loopId,
		/** 1, 2, 3 ... across the run. */
		turn: count,
		/** Handles the loop took from its ready queue since its previous turn: run or skipped. */
		popped: count,
		/** The timer the clock jumped to, when it jumped. */
		timer: nullable(handleId),
		/** Timers that became due in this turn and joined the ready queue, in order. */
		due: array(handleId, TRACE_LIMITS.maxList)
	}),
	/**
	 * What was scheduled on loop `loop` since the previous `handles` event, as flat records of
	 * numbers (see HANDLE_FACTS and `readHandleFacts`): compact, as a big run has tens of
	 * thousands.
	 */
	handles: object({
		kind: literal('handles'),
		t: time,
		loop: loopId,
		facts: handleFacts
	}),
	/**
	 * The loop runs callback `handle`: sent only before an event the callback made that does not
	 * name it (a print, a new task); what it schedules names it in `by`.
	 */
	callback: object({ kind: literal('callback'), t: time, handle: handleId }),
	/** Loop `loop` was closed: its ready queue and timers are dropped (`popped` as in turn). */
	loop_closed: object({ kind: literal('loop_closed'), t: time, loop: loopId, popped: count }),
	/**
	 * Debug (run option loop_snapshots): the loop's real ready queue and live timers as a turn's
	 * handles are about to run, by handle number (-1: a handle the trace does not know).
	 */
	loop_snapshot: object({
		kind: literal('loop_snapshot'),
		t: time,
		ready: array(number({ min: -1, integer: true }), TRACE_LIMITS.maxList),
		timers: array(number({ min: -1, integer: true }), TRACE_LIMITS.maxList)
	})
});

/** A whole trace. */
export const traceValidator = array(traceEventValidator, TRACE_LIMITS.maxEvents);

/** Options a caller passes to the engine for one run. Omitted fields take the defaults. */
export const runOptionsValidator = object({
	/** Stop when the virtual clock passes this many seconds. */
	max_virtual_time: optional(number({ min: 0 })),
	/** Stop after this many task steps. */
	max_steps: optional(number({ min: 0, integer: true })),
	/** Keep at most this many task events; output, errors and run_end are always kept. */
	max_events: optional(number({ min: 0, integer: true })),
	/** Keep at most this many characters of output. */
	max_output_chars: optional(number({ min: 0, integer: true })),
	/** Record task steps and awaits (false: output and errors only, for benchmarks). */
	trace: optional(boolean()),
	/** Record the event loop too (false: version 1's events only, for benchmarks). */
	trace_loop: optional(boolean()),
	/** Debug: also record the real ready queue and timers at every turn (loop_snapshot events). */
	loop_snapshots: optional(boolean())
});

// ---- the types, inferred ---------------------------------------------------------------------

export type TraceEvent = Infer<typeof traceEventValidator>;
export type TraceEventKind = TraceEvent['kind'];
/** The event of one kind: `EventOf<'task_created'>`. */
export type EventOf<K extends TraceEventKind> = Extract<TraceEvent, { kind: K }>;
export type RunOptions = Infer<typeof runOptionsValidator>;

export type TaskId = number;
export type Awaiting = Infer<typeof awaiting>;
export type AwaitKind = (typeof AWAIT_KINDS)[number];
export type ChainFrame = Infer<typeof chainFrame>;
export type ExceptionInfo = Infer<typeof exceptionInfo>;
export type StuckTask = Infer<typeof stuckTask>;
export type LimitName = (typeof LIMIT_NAMES)[number];
export type BlockCause = (typeof BLOCK_CAUSES)[number];
export type FutureEnd = (typeof FUTURE_ENDS)[number];
export type RunLimits = Infer<typeof runLimits>;
