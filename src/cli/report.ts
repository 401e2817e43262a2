/**
 * The Run model as text for a terminal: the program's output, then what a learner should know
 * about the run. Pure, so it is tested without spawning anything.
 */
import { atLine, deadlockLines, formatOutputLine, summaryLine } from '../lib/engine/format';
import type { RunModel } from '../lib/engine/model';
import { foldedTracebackText } from '../lib/engine/traceback';

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
	if (model.deadlock) err.push(...deadlockLines(model.deadlock));
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
