/**
 * Numbers and sentences about a run, for humans. The command-line tool and the page both use
 * these, so a learner reads the same words in a terminal and in the browser.
 */
import type { DeadlockInfo, OutputLine, RunModel } from './model';

/** Virtual seconds with two decimals: `formatSeconds(3) === "3.00 s"`. */
export function formatSeconds(seconds: number): string {
	return `${fixed(seconds, 2)} s`;
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
 * "total 3.00 s · 4 tasks · up to 3 at once · slept 6.00 s in all (2.0× overlap) · loop blocked 0.00 s".
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

/** The time column of the output: "  1.00 s", right-aligned to `width` characters. */
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

/** The deadlock report, one sentence per stuck task. */
export function deadlockLines(deadlock: DeadlockInfo): string[] {
	const head = `Deadlock at ${formatSeconds(deadlock.t)}: nothing can ever run again, but ${plural(deadlock.stuck.length, 'task')} never finished.`;
	return [
		head,
		...deadlock.stuck.map(
			(stuck) => `  ${stuck.name} waits on ${stuck.waiting}${atLine(stuck.line)}`
		)
	];
}
