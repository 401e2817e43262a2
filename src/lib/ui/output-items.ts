/**
 * The Output panel's content, derived from the Run model: printed lines, warnings and the
 * playground's notes in time order, then how the run ended (an uncaught exception, a deadlock, a
 * limit). Pure, so the order and wording are tested without a browser.
 */
import type { RunModel } from '../engine/model';
import { deadlockLines } from '../engine/format';

export type OutputItem =
	| {
			kind: 'print';
			/** Its index in the model's stdout (the replay counts printed lines by it). */
			printed: number;
			t: number;
			task: string | null;
			stream: 'stdout' | 'stderr';
			text: string;
	  }
	| { kind: 'warning'; t: number; category: string; message: string; line: number | null }
	| { kind: 'note'; t: number; code: string; message: string; line: number | null }
	| {
			kind: 'error';
			t: number;
			type: string;
			message: string;
			line: number | null;
			traceback: string;
	  }
	| { kind: 'deadlock'; t: number; lines: string[]; stuckLines: (number | null)[] }
	| { kind: 'limit'; t: number; message: string; line: number | null }
	| { kind: 'dropped'; t: number; count: number };

/** At the same virtual time: a note explains before the output, warnings come after it. */
const ORDER = { note: 0, print: 1, warning: 2 } as const;

export function outputItems(model: RunModel): OutputItem[] {
	const timed: (OutputItem & { kind: 'print' | 'warning' | 'note' })[] = [
		...model.notes.map((note) => ({ kind: 'note' as const, ...note })),
		...model.stdout.map((line, printed) => ({
			kind: 'print' as const,
			printed,
			t: line.t,
			task: line.taskName,
			stream: line.stream,
			text: line.text
		})),
		...model.warnings.map((warning) => ({ kind: 'warning' as const, ...warning }))
	];
	// Array.prototype.sort is stable, so lines printed at one instant keep their order.
	timed.sort((a, b) => a.t - b.t || ORDER[a.kind] - ORDER[b.kind]);

	const items: OutputItem[] = timed;
	if (model.error) items.push({ kind: 'error', t: model.duration, ...model.error });
	if (model.deadlock) {
		items.push({
			kind: 'deadlock',
			t: model.deadlock.t,
			lines: deadlockLines(model.deadlock, model.tasks),
			stuckLines: model.deadlock.stuck.map((stuck) => stuck.line)
		});
	}
	if (model.limit) items.push({ kind: 'limit', ...model.limit });
	if (model.droppedEvents > 0) {
		items.push({ kind: 'dropped', t: model.duration, count: model.droppedEvents });
	}
	return items;
}

export type TextPart = { text: string; line?: undefined } | { text: string; line: number };

/**
 * Split text around references to source lines ("line 7", "Line 12") so each can become a
 * button that shows that line in the editor. Lines past `maxLine` stay plain text: they cannot
 * be the learner's code.
 */
export function splitLineRefs(text: string, maxLine = Infinity): TextPart[] {
	const parts: TextPart[] = [];
	const pattern = /\bline (\d+)\b/gi;
	let last = 0;
	for (const match of text.matchAll(pattern)) {
		const line = Number(match[1]);
		if (line < 1 || line > maxLine) continue;
		if (match.index > last) parts.push({ text: text.slice(last, match.index) });
		parts.push({ text: match[0], line });
		last = match.index + match[0].length;
	}
	if (last < text.length) parts.push({ text: text.slice(last) });
	return parts;
}

/**
 * Whether an item comes after the replay's step: a line not yet printed by then (`printedCount`
 * lines are), anything else later than the step's time, and how the run ended (an exception, a
 * deadlock, a limit) before the end. With no step (null), nothing is.
 */
export function afterStep(
	item: OutputItem,
	step: { printedCount: number; t: number } | null
): boolean {
	if (step === null) return false;
	switch (item.kind) {
		case 'print':
			return item.printed >= step.printedCount;
		case 'warning':
		case 'note':
			return item.t > step.t;
		default:
			return true;
	}
}
