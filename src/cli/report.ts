/**
 * The Run model as text for a terminal: the program's output, then what a learner should know
 * about the run. Pure, so it is tested without spawning anything.
 */
import {
	atLine,
	deadlockLines,
	formatOutputLine,
	formatSeconds,
	summaryLine
} from '../lib/engine/format';
import type { RunModel } from '../lib/engine/model';
import { foldedTracebackText } from '../lib/engine/traceback';
import type { LoopReplay } from '../lib/engine/replay';

export interface TextReport {
	/** For standard output: the program's stdout lines, then the summary. */
	out: string[];
	/** For standard error: the program's stderr lines, warnings, notes, error, deadlock, limit. */
	err: string[];
}

export interface ReportOptions {
	/** Print the program's lines exactly as it wrote them, without time and task columns. */
	plain?: boolean;
	/** Show asyncio's own frames in a traceback rather than one line for each run of them. */
	fullTraceback?: boolean;
}

export function textReport(model: RunModel, options: ReportOptions = {}): TextReport {
	const out: string[] = [];
	const err: string[] = [];
	const taskWidth = Math.min(
		16,
		Math.max(4, ...model.stdout.map((line) => (line.taskName ?? '-').length))
	);
	for (const line of model.stdout) {
		const text = options.plain ? line.text : formatOutputLine(line, taskWidth);
		(line.stream === 'stderr' ? err : out).push(text);
	}

	for (const note of model.notes) err.push(`note${atLine(note.line)}: ${note.message}`);
	for (const warning of model.warnings) {
		err.push(`${warning.category}${atLine(warning.line)}: ${warning.message}`);
	}
	if (model.error) {
		const whole = model.error.traceback.replace(/\n+$/, '');
		const traceback = options.fullTraceback ? whole : foldedTracebackText(whole);
		err.push(traceback || `${model.error.type}: ${model.error.message}`);
	}
	if (model.deadlock) err.push(...deadlockLines(model.deadlock, model.tasks));
	if (model.limit) err.push(`Stopped${atLine(model.limit.line)}: ${model.limit.message}`);
	// The engine explains a cut trace in an events_truncated note; say it only if it did not.
	const explained = model.notes.some((note) => note.code === 'events_truncated');
	if (model.droppedEvents > 0 && !explained) {
		err.push(
			`The trace was cut short: ${model.droppedEvents} events were dropped, so the timeline is incomplete.`
		);
	}

	if (!options.plain || out.length > 0) out.push('');
	out.push(`── ${summaryLine(model)}`);
	return { out, err };
}

/** Whether the run counts as a failure for the exit status: it raised, deadlocked or was stopped. */
export function runFailed(model: RunModel): boolean {
	return model.error !== null || model.deadlock !== null || model.limit !== null;
}

/** At most this many names of a list in a line of the loop log; the rest are counted. */
const LOG_LIST = 6;

/**
 * The event loop, one turn a line: when, what the turn ran (a task's step with the line it
 * reached), and the ready queue and timers it left:
 * `  2.00 s  turn 14  ran Task-3 step (line 12) · ready: Task-4 · timers: 3.00 s Task-2`.
 */
export function loopLog(replay: LoopReplay): string[] {
	const width = Math.max(...replay.turns().map((turn) => formatSeconds(turn.t).length), 6);
	return replay.turns().map((turn) => {
		const ran = turn.ran.map((run) =>
			run.line !== null ? `${run.label} (line ${run.line})` : run.label
		);
		const timers = turn.timers.map((timer) =>
			timer.when === null ? `never ${timer.label}` : `${formatSeconds(timer.when)} ${timer.label}`
		);
		return [
			`${formatSeconds(turn.t).padStart(width + 2)}  turn ${turn.turn}  ran ${listed(ran, 'nothing')}`,
			`ready: ${listed(turn.ready, '–')}`,
			`timers: ${listed(timers, '–')}`
		].join(' · ');
	});
}

/** "a, b, c" — at most LOG_LIST of them, then "… and 12 more"; `none` for an empty list. */
function listed(items: string[], none: string): string {
	if (items.length === 0) return none;
	if (items.length <= LOG_LIST) return items.join(', ');
	return `${items.slice(0, LOG_LIST).join(', ')}, … and ${items.length - LOG_LIST} more`;
}
