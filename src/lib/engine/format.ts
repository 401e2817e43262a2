/**
 * Numbers and sentences about a run, for humans. The command-line tool, the page and the chart
 * all use these, so a learner reads the same words in a terminal and in the browser.
 */
import { callText } from './call-text';
import type { DeadlockInfo, OutputLine, RunModel, TaskModel } from './model';

/**
 * The units a time is written in, smallest first. The first whose rounded value stays below its
 * bound is used, so 0.9996 s reads "1.00 s", not "1000 ms".
 */
const TIME_SCALES = [
	{ below: 1e-3, factor: 1e6, digits: 1, unit: 'µs' },
	{ below: 0.1, factor: 1e3, digits: 1, unit: 'ms' },
	{ below: 1, factor: 1e3, digits: 0, unit: 'ms' },
	{ below: 100, factor: 1, digits: 2, unit: 's' },
	{ below: Infinity, factor: 1, digits: 0, unit: 's' }
] as const;

/**
 * A time or a duration in virtual seconds, with about three significant digits at every scale:
 * "3.00 s", "250 ms", "12.5 µs", "3600 s", "0 s". Small times keep their digits (a 4 ms blocking
 * call reads "4.0 ms", never "0.00 s"), and the words match the chart's axis, which zooms to
 * microseconds.
 */
export function formatSeconds(seconds: number): string {
	for (const { below, factor, digits, unit } of TIME_SCALES) {
		const text = (seconds * factor).toFixed(digits);
		const value = Number(text);
		if (value === 0) return '0 s';
		if (Math.abs(value) / factor < below) return `${text} ${unit}`;
	}
	return `${seconds} s`;
}

/** A speed-up or overlap factor with one decimal: `formatRatio(2) === "2.0×"`. */
export function formatRatio(ratio: number): string {
	if (!Number.isFinite(ratio)) return '–';
	return `${fixed(ratio, 1)}×`;
}

/** "1 task", "4 tasks". */
export function plural(count: number, noun: string): string {
	return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `toFixed` without the "-0.00" that rounding a tiny negative number gives. */
function fixed(value: number, digits: number): string {
	const text = value.toFixed(digits);
	return Number(text) === 0 ? (0).toFixed(digits) : text;
}

/** The parts of the summary, in reading order, for a view that lays them out itself. */
export interface SummaryPart {
	/** A stable key: "total", "tasks", "peak", "waited", "blocked". */
	key: 'total' | 'tasks' | 'peak' | 'waited' | 'blocked';
	text: string;
}

export function summaryParts(model: RunModel): SummaryPart[] {
	const summary = model.summary;
	const parts: SummaryPart[] = [
		{ key: 'total', text: `total ${formatSeconds(summary.duration)}` },
		{ key: 'tasks', text: plural(summary.tasks, 'task') }
	];
	// "up to 0 at once" says nothing when no task ever ran (a SyntaxError, plain top-level code).
	if (summary.tasks > 0) {
		parts.push({ key: 'peak', text: `up to ${summary.peakConcurrency} at once` });
	}
	if (summary.awaitedTime > 0) {
		parts.push({
			key: 'waited',
			text: `slept ${formatSeconds(summary.awaitedTime)} in all (${formatRatio(summary.overlap)} overlap)`
		});
	}
	parts.push({ key: 'blocked', text: `loop blocked ${formatSeconds(summary.blockedTime)}` });
	return parts;
}

/**
 * One line a learner reads at a glance, e.g.
 * "total 3.00 s · 4 tasks · up to 3 at once · slept 6.00 s in all (2.0× overlap) · loop blocked 0 s".
 */
export function summaryLine(model: RunModel): string {
	return summaryParts(model)
		.map((part) => part.text)
		.join(' · ');
}

/** "sequential 6.00 s → gather 3.00 s, 2.0× faster": a pinned run against the current one. */
export function comparisonLine(
	before: { name: string; model: RunModel },
	after: { name: string; model: RunModel }
): string {
	const from = before.model.duration;
	const to = after.model.duration;
	const head = `${before.name} ${formatSeconds(from)} → ${after.name} ${formatSeconds(to)}`;
	if (from === to || from === 0 || to === 0) return head;
	return from > to
		? `${head}, ${formatRatio(from / to)} faster`
		: `${head}, ${formatRatio(to / from)} slower`;
}

/**
 * The change from one run to the next in words, for the summary:
 * "1.00 s faster than the previous run (3.00 s → 2.00 s)", "… slower than …", or
 * "same time as the previous run (2.00 s)". Two totals that read the same count as the same time,
 * so the words never claim a difference the figures do not show.
 */
export function changeLine(before: number, after: number, than = 'the previous run'): string {
	const from = formatSeconds(before);
	const to = formatSeconds(after);
	if (from === to) return `same time as ${than} (${to})`;
	const direction = after < before ? 'faster' : 'slower';
	return `${formatSeconds(Math.abs(before - after))} ${direction} than ${than} (${from} → ${to})`;
}

/** Where an interrupted run stopped, on its virtual clock: "stopped at 2.40 s". */
export function stoppedAtLine(t: number): string {
	return `stopped at ${formatSeconds(t)}`;
}

/**
 * The title line of an exported chart: what ran and its totals, e.g.
 * "gather · 3.00 s · 3 tasks · peak 3 at once", then the run stacked with it when there is one
 * ("previous run 3.00 s"), so an image read on its own still says what it shows.
 */
export function chartHeading(
	name: string | null,
	model: RunModel,
	stacked: { kind: 'pinned' | 'previous'; model: RunModel } | null = null
): string {
	const { summary } = model;
	const parts = [name, formatSeconds(model.duration), plural(summary.tasks, 'task')];
	if (summary.tasks > 0) parts.push(`peak ${summary.peakConcurrency} at once`);
	if (model.limit?.limit === 'interrupt') parts.push(stoppedAtLine(model.limit.t));
	if (stacked) parts.push(`${stacked.kind} run ${formatSeconds(stacked.model.duration)}`);
	return parts.filter((part) => part !== null).join(' · ');
}

/** The time column of the output: "  1.00 s", " 250 ms", right-aligned to `width` characters. */
export function formatClock(t: number, width = 8): string {
	return formatSeconds(t).padStart(width);
}

/** One output line with its virtual time and task: "  1.00 s  Task-2   hello 1". */
export function formatOutputLine(line: OutputLine, taskWidth = 8): string {
	const who = (line.taskName ?? '-').padEnd(taskWidth);
	return `${formatClock(line.t)}  ${who}  ${line.text}`;
}

/** Where a line number is known: " (line 7)". */
export function atLine(line: number | null): string {
	return line == null ? '' : ` (line ${line})`;
}

/**
 * The deadlock report, one sentence per stuck task, each named with its call when `tasks` has it:
 * "  Task-2 consumer(<Queue>) waits on Queue.get (line 7)".
 */
export function deadlockLines(
	deadlock: DeadlockInfo,
	tasks: readonly Pick<TaskModel, 'id' | 'coro' | 'arguments'>[] = []
): string[] {
	const head = `Deadlock at ${formatSeconds(deadlock.t)}: nothing can ever run again, but ${plural(deadlock.stuck.length, 'task')} never finished.`;
	const byId = new Map(tasks.map((task) => [task.id, task]));
	return [
		head,
		...deadlock.stuck.map((stuck) => {
			const task = byId.get(stuck.task);
			const who = task ? `${stuck.name} ${callText(task)}` : stuck.name;
			return `  ${who} waits on ${stuck.waiting}${atLine(stuck.line)}`;
		})
	];
}
