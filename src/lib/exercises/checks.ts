/**
 * The checks an exercise can ask for, evaluated on the Run model of the learner's run (what
 * actually happened on the event loop) and, for "uses"/"not-uses", on the source text with
 * comments and strings left out. Each check says in words why it passed or failed:
 * "took 6.00 s, must be at most 3.10 s".
 *
 * Adding a check: add an entry to CHECKS (its syntax and summary feed docs/exercises.md's test).
 */
import { atLine, formatSeconds, plural } from '../engine/format';
import { isIdleWait } from '../engine/analyze';
import { AWAIT_KINDS } from '../engine/events';
import type { RunModel, Segment, TaskModel } from '../engine/model';
import { dottedReferences, refersTo } from './python-names';
import type { CheckArg, CheckSpec } from './types';

export interface CheckResult {
	/** The check's name, e.g. "max-duration". */
	id: string;
	/** What is asked, for the checklist: "finishes within 3.10 s". */
	label: string;
	passed: boolean;
	/** Why it passed or failed, from the run: "took 6.00 s, must be at most 3.10 s". */
	why: string;
}

/** What a check looks at: the run, and the source that produced it. */
export interface CheckContext {
	model: RunModel;
	source: string;
	/** Dotted names the source refers to (computed once for all checks). */
	references: string[];
}

type ArgShape = 'none' | 'number' | 'number-and-optional-kind' | 'strings' | 'names';

interface CheckKind {
	/** The syntax as written in a ```checks block. */
	syntax: string;
	/** One sentence for the documentation. */
	summary: string;
	shape: ArgShape;
	label(args: CheckArg[]): string;
	evaluate(args: CheckArg[], context: CheckContext): { passed: boolean; why: string };
}

const num = (args: CheckArg[], k = 0): number => args[k].value as number;
const texts = (args: CheckArg[]): string[] => args.map((arg) => String(arg.value));
const quote = (text: string): string => JSON.stringify(text);

/** The learner's printed lines (stdout only; tracebacks and warnings go to stderr). */
function printed(model: RunModel): string[] {
	return model.stdout.filter((line) => line.stream === 'stdout').map((line) => line.text.trimEnd());
}

/**
 * A segment in which a task is busy: running, blocked, or waiting on the outside world (a timer,
 * a thread, a future), as opposed to idly waiting for other tasks or for its turn at a Lock,
 * Semaphore, Event or Queue. The same rule as the Run model's "at once" (analyze.ts), so "three
 * downloads at once" means the three downloads, not main waiting on gather.
 */
function isBusy(segment: Segment): boolean {
	return segment.kind !== 'waiting' || !isIdleWait(segment.awaiting);
}

/** The most tasks at one instant with a segment accepted by `accept`, and when that was. */
export function peakOverlap(
	tasks: readonly TaskModel[],
	accept: (segment: Segment) => boolean
): { peak: number; at: number } {
	const edges: { t: number; delta: number }[] = [];
	for (const task of tasks) {
		// Merge a task's accepted segments so one task counts once, however its segments split.
		let open: { start: number; end: number } | null = null;
		for (const segment of task.segments) {
			if (accept(segment) && open && segment.start <= open.end) {
				open.end = Math.max(open.end, segment.end);
				continue;
			}
			if (open && open.end > open.start)
				edges.push({ t: open.start, delta: 1 }, { t: open.end, delta: -1 });
			open = accept(segment) ? { start: segment.start, end: segment.end } : null;
		}
		if (open && open.end > open.start)
			edges.push({ t: open.start, delta: 1 }, { t: open.end, delta: -1 });
	}
	// At equal times, ends come first: a task finishing at 1 s and one starting at 1 s never overlap.
	edges.sort((a, b) => a.t - b.t || a.delta - b.delta);
	let count = 0;
	let peak = 0;
	let at = 0;
	for (const edge of edges) {
		count += edge.delta;
		if (count > peak) {
			peak = count;
			at = edge.t;
		}
	}
	return { peak, at };
}

function overlapOf(args: CheckArg[], model: RunModel) {
	const kind = args[1]?.value as string | undefined;
	const accept = kind
		? (segment: Segment) => segment.kind === 'waiting' && segment.awaiting?.kind === kind
		: isBusy;
	return { ...peakOverlap(model.tasks, accept), kind };
}

/** "3 tasks awaiting sleep at once at 0.00 s", "1 task at a time", "no task ever awaited lock". */
function overlapWhy(peak: number, at: number, kind: string | undefined): string {
	const awaiting = kind ? ` awaiting ${kind}` : '';
	if (peak === 0) return kind ? `no task ever awaited ${kind}` : 'no task was ever busy';
	if (peak === 1) return `1 task${awaiting} at a time`;
	return `${peak} tasks${awaiting} at once at ${formatSeconds(at)}`;
}

export const CHECKS: Record<string, CheckKind> = {
	'max-duration': {
		syntax: 'max-duration: SECONDS',
		summary: 'The whole run takes at most SECONDS of virtual time.',
		shape: 'number',
		label: (args) => `finishes within ${formatSeconds(num(args))}`,
		evaluate: (args, { model }) => {
			const passed = model.duration <= num(args) + 1e-9;
			return {
				passed,
				why: passed
					? `took ${formatSeconds(model.duration)}`
					: `took ${formatSeconds(model.duration)}, must be at most ${formatSeconds(num(args))}`
			};
		}
	},
	'min-duration': {
		syntax: 'min-duration: SECONDS',
		summary:
			'The run takes at least SECONDS of virtual time (proves a limit or a wait really happened).',
		shape: 'number',
		label: (args) => `takes at least ${formatSeconds(num(args))}`,
		evaluate: (args, { model }) => {
			const passed = model.duration >= num(args) - 1e-9;
			return {
				passed,
				why: passed
					? `took ${formatSeconds(model.duration)}`
					: `took ${formatSeconds(model.duration)}, must be at least ${formatSeconds(num(args))}`
			};
		}
	},
	'min-overlap': {
		syntax: 'min-overlap: N [AWAIT-KIND]',
		summary:
			'At some instant at least N tasks were busy at once: running, blocked, or awaiting the ' +
			'outside world (a sleep, a thread, a future), not idly waiting for other tasks or for a ' +
			'Lock, Semaphore, Event or Queue (the chart\'s "at once"). With an await kind (sleep, ' +
			'queue_get, lock, semaphore, event, ...), count only tasks awaiting that.',
		shape: 'number-and-optional-kind',
		label: (args) =>
			`at least ${num(args)} ${args[1] ? `tasks awaiting ${args[1].value}` : 'tasks'} at once`,
		evaluate: (args, { model }) => {
			const { peak, at, kind } = overlapOf(args, model);
			const passed = peak >= num(args);
			const why = overlapWhy(peak, at, kind);
			return { passed, why: passed ? why : `${why}, needs at least ${num(args)}` };
		}
	},
	'max-overlap': {
		syntax: 'max-overlap: N [AWAIT-KIND]',
		summary:
			'At no instant were more than N tasks busy at once (same counting as min-overlap); ' +
			'for limits such as a Semaphore.',
		shape: 'number-and-optional-kind',
		label: (args) =>
			`at most ${num(args)} ${args[1] ? `tasks awaiting ${args[1].value}` : 'tasks'} at once`,
		evaluate: (args, { model }) => {
			const { peak, at, kind } = overlapOf(args, model);
			const passed = peak <= num(args);
			const why = overlapWhy(peak, at, kind);
			return { passed, why: passed ? why : `${why}, must be at most ${num(args)}` };
		}
	},
	'min-tasks': {
		syntax: 'min-tasks: N',
		summary: 'The run created at least N tasks, counting the main one.',
		shape: 'number',
		label: (args) => `creates at least ${plural(num(args), 'task')} (counting main)`,
		evaluate: (args, { model }) => {
			const count = model.tasks.length;
			const passed = count >= num(args);
			return {
				passed,
				why: passed
					? `${plural(count, 'task')} ran`
					: `only ${plural(count, 'task')} ran, needs at least ${num(args)}`
			};
		}
	},
	'min-cancelled': {
		syntax: 'min-cancelled: N',
		summary: 'At least N tasks ended cancelled.',
		shape: 'number',
		label: (args) => `at least ${plural(num(args), 'task')} ends cancelled`,
		evaluate: (args, { model }) => {
			const cancelled = model.tasks.filter((task) => task.state === 'cancelled');
			const passed = cancelled.length >= num(args);
			const names = cancelled.map((task) => task.name).join(', ');
			return {
				passed,
				why: passed
					? `cancelled: ${names}`
					: cancelled.length === 0
						? `no task ended cancelled, needs at least ${num(args)}`
						: `only ${names} ended cancelled, needs at least ${num(args)}`
			};
		}
	},
	'all-tasks-finish': {
		syntax: 'all-tasks-finish',
		summary: 'Every task finished (done, raised or cancelled) before the run ended.',
		shape: 'none',
		label: () => 'every task finishes',
		evaluate: (_args, { model }) => {
			const pending = model.tasks.filter((task) => task.finished == null);
			return {
				passed: pending.length === 0,
				why:
					pending.length === 0
						? `all ${plural(model.tasks.length, 'task')} finished`
						: `${pending.map((task) => `${task.name}${atLine(task.line)}`).join(', ')} never finished`
			};
		}
	},
	'output-equals': {
		syntax: 'output-equals: "LINE" "LINE" ...',
		summary: 'The printed output is exactly these lines, in this order.',
		shape: 'strings',
		label: (args) =>
			`prints exactly ${plural(args.length, 'line')}: ${texts(args).map(quote).join(', ')}`,
		evaluate: (args, { model }) => {
			const want = texts(args);
			const got = printed(model);
			for (let k = 0; k < Math.max(want.length, got.length); k++) {
				if (got[k] === want[k]) continue;
				if (k >= got.length) {
					return {
						passed: false,
						why: `printed ${plural(got.length, 'line')}; line ${k + 1} should be ${quote(want[k])}`
					};
				}
				if (k >= want.length) {
					return { passed: false, why: `an extra line ${k + 1} was printed: ${quote(got[k])}` };
				}
				return {
					passed: false,
					why: `line ${k + 1} is ${quote(got[k])}, expected ${quote(want[k])}`
				};
			}
			return { passed: true, why: `printed the ${plural(want.length, 'line')} expected` };
		}
	},
	'output-in-order': {
		syntax: 'output-in-order: "LINE" "LINE" ...',
		summary:
			'Each of these lines is printed (as a whole line), in this order; other lines may come between.',
		shape: 'strings',
		label: (args) => `prints ${texts(args).map(quote).join(' then ')}`,
		evaluate: (args, { model }) => {
			const want = texts(args);
			const got = printed(model);
			let from = 0;
			for (let k = 0; k < want.length; k++) {
				const index = got.indexOf(want[k], from);
				if (index >= 0) {
					from = index + 1;
					continue;
				}
				if (got.includes(want[k]) && k > 0) {
					return {
						passed: false,
						why: `${quote(want[k])} is printed, but not after ${quote(want[k - 1])}`
					};
				}
				return { passed: false, why: `${quote(want[k])} is never printed` };
			}
			return { passed: true, why: 'all printed, in order' };
		}
	},
	'output-contains': {
		syntax: 'output-contains: "TEXT" ...',
		summary: 'Each TEXT appears somewhere in the printed output (part of a line is enough).',
		shape: 'strings',
		label: (args) => `prints ${texts(args).map(quote).join(' and ')}`,
		evaluate: (args, { model }) => {
			const got = printed(model);
			const missing = texts(args).filter((text) => !got.some((line) => line.includes(text)));
			return {
				passed: missing.length === 0,
				why: missing.length === 0 ? 'found' : `${missing.map(quote).join(', ')} never printed`
			};
		}
	},
	'output-not-contains': {
		syntax: 'output-not-contains: "TEXT" ...',
		summary: 'No TEXT appears anywhere in the printed output.',
		shape: 'strings',
		label: (args) => `never prints ${texts(args).map(quote).join(' or ')}`,
		evaluate: (args, { model }) => {
			const got = printed(model);
			const found = texts(args).filter((text) => got.some((line) => line.includes(text)));
			return {
				passed: found.length === 0,
				why: found.length === 0 ? 'not printed' : `${found.map(quote).join(', ')} was printed`
			};
		}
	},
	'no-never-awaited': {
		syntax: 'no-never-awaited',
		summary: 'No "coroutine ... was never awaited" warning.',
		shape: 'none',
		label: () => 'every coroutine is awaited',
		evaluate: (_args, { model }) => {
			const warning = model.warnings.find((w) => w.message.includes('was never awaited'));
			return {
				passed: !warning,
				why: warning ? `${warning.message}${atLine(warning.line)}` : 'no never-awaited warning'
			};
		}
	},
	'no-warnings': {
		syntax: 'no-warnings',
		summary: 'Python printed no warning at all.',
		shape: 'none',
		label: () => 'no warnings',
		evaluate: (_args, { model }) => {
			const warning = model.warnings[0];
			return {
				passed: !warning,
				why: warning
					? `${warning.category}: ${warning.message}${atLine(warning.line)}`
					: 'no warnings'
			};
		}
	},
	'no-blocking': {
		syntax: 'no-blocking',
		summary: 'Nothing blocked the event loop (no time.sleep or charged CPU work inside the loop).',
		shape: 'none',
		label: () => 'never blocks the event loop',
		evaluate: (_args, { model }) => {
			const span = model.blocked[0];
			if (!span) return { passed: true, why: 'the loop was never blocked' };
			const total = model.blocked.reduce((sum, b) => sum + (b.end - b.start), 0);
			return {
				passed: false,
				why: `${span.cause} blocked the loop for ${formatSeconds(total)} in all${atLine(span.line)}`
			};
		}
	},
	'no-error': {
		syntax: 'no-error',
		summary: 'The program ends without an uncaught exception.',
		shape: 'none',
		label: () => 'ends without an error',
		evaluate: (_args, { model }) => {
			const error = model.error;
			return {
				passed: !error,
				why: error
					? `${error.type}${error.message ? `: ${error.message}` : ''}${
							// A SyntaxError's message already says "(main.py, line 5)".
							/\bline \d+/.test(error.message) ? '' : atLine(error.line)
						}`
					: 'no uncaught exception'
			};
		}
	},
	'no-deadlock': {
		syntax: 'no-deadlock',
		summary: 'The run does not end in a deadlock (tasks waiting for something that never comes).',
		shape: 'none',
		label: () => 'no deadlock',
		evaluate: (_args, { model }) => {
			const deadlock = model.deadlock;
			if (!deadlock) return { passed: true, why: 'no deadlock' };
			const stuck = deadlock.stuck
				.map((s) => `${s.name} waits on ${s.waiting}${atLine(s.line)}`)
				.join('; ');
			return { passed: false, why: `deadlock at ${formatSeconds(deadlock.t)}: ${stuck}` };
		}
	},
	'no-limit': {
		syntax: 'no-limit',
		summary: 'The run finishes by itself, not stopped by a time, step or output limit.',
		shape: 'none',
		label: () => 'finishes by itself',
		evaluate: (_args, { model }) => {
			const limit = model.limit;
			return {
				passed: !limit,
				why: limit ? `stopped by the ${limit.limit} limit at ${formatSeconds(limit.t)}` : 'finished'
			};
		}
	},
	uses: {
		syntax: 'uses: NAME ...',
		summary:
			'The code refers to every NAME (comments and strings do not count). "gather" matches ' +
			'gather(...) and asyncio.gather(...); "asyncio.gather" needs the dotted form.',
		shape: 'names',
		label: (args) => `uses ${texts(args).join(' and ')}`,
		evaluate: (args, { references }) => {
			const missing = texts(args).filter((name) => !refersTo(references, name));
			return {
				passed: missing.length === 0,
				why:
					missing.length === 0 ? 'found in the code' : `${missing.join(', ')} not found in the code`
			};
		}
	},
	'uses-any': {
		syntax: 'uses-any: NAME ...',
		summary: 'The code refers to at least one NAME (for "either asyncio.timeout or wait_for").',
		shape: 'names',
		label: (args) => `uses ${texts(args).join(' or ')}`,
		evaluate: (args, { references }) => {
			const found = texts(args).filter((name) => refersTo(references, name));
			return {
				passed: found.length > 0,
				why:
					found.length > 0 ? `uses ${found.join(', ')}` : `none of ${texts(args).join(', ')} found`
			};
		}
	},
	'not-uses': {
		syntax: 'not-uses: NAME ...',
		summary: 'The code refers to no NAME (comments and strings do not count).',
		shape: 'names',
		label: (args) => `does not use ${texts(args).join(' or ')}`,
		evaluate: (args, { references }) => {
			const found = texts(args).filter((name) => refersTo(references, name));
			return {
				passed: found.length === 0,
				why: found.length === 0 ? 'not used' : `${found.join(', ')} still used`
			};
		}
	}
};

/** Why a check as written is invalid, or null when it is fine. */
export function validateCheck(spec: CheckSpec): string | null {
	const kind = CHECKS[spec.id];
	if (!kind) {
		return `unknown check "${spec.id}" (known: ${Object.keys(CHECKS).join(', ')})`;
	}
	const { args } = spec;
	const usage = `expected "${kind.syntax}"`;
	switch (kind.shape) {
		case 'none':
			return args.length === 0 ? null : `${spec.id} takes no arguments`;
		case 'number':
			return args.length === 1 && args[0].kind === 'number' ? null : usage;
		case 'number-and-optional-kind':
			if (args.length < 1 || args.length > 2 || args[0].kind !== 'number') return usage;
			if (args[1] && !(AWAIT_KINDS as readonly string[]).includes(String(args[1].value))) {
				return `unknown await kind "${args[1].value}" (known: ${AWAIT_KINDS.join(', ')})`;
			}
			return null;
		case 'strings':
			return args.length > 0 && args.every((arg) => arg.kind === 'string') ? null : usage;
		case 'names':
			return args.length > 0 &&
				args.every((arg) => arg.kind === 'word' && /^[\p{L}_][\p{L}\p{N}_.]*$/u.test(arg.value))
				? null
				: usage;
	}
}

/** The checklist's label for a check, without running anything. */
export function checkLabel(spec: CheckSpec): string {
	return CHECKS[spec.id].label(spec.args);
}

/** Evaluates every check against one run; the order of the results is the order of the checks. */
export function evaluateChecks(
	specs: readonly CheckSpec[],
	model: RunModel,
	source: string
): CheckResult[] {
	const context: CheckContext = { model, source, references: dottedReferences(source) };
	return specs.map((spec) => {
		const kind = CHECKS[spec.id];
		const label = kind.label(spec.args);
		try {
			return { id: spec.id, label, ...kind.evaluate(spec.args, context) };
		} catch (error) {
			// A bug in one check must not hide the others; say so instead of crashing the panel.
			return { id: spec.id, label, passed: false, why: `check failed to run: ${String(error)}` };
		}
	});
}
