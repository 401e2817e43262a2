/**
 * Marks on editor lines: what went wrong where (an exception, a coroutine never awaited, a stuck
 * task, a limit), which lines the learner is looking at on the chart, and, at the replay's step,
 * the line the running task is at and the awaits where the other tasks are suspended.
 *
 * `markersFromModel` is pure and decides *what* to mark; `toMonacoDecorations` and
 * `toMonacoMarkers` describe it for Monaco (glyphs with hover text, squiggles). Every message is
 * user-controlled text (exception messages, task names), so hover text is escaped for Monaco's
 * Markdown renderer and markers carry plain text only.
 */
import type { RunModel } from '../engine/model';

export type MarkerSeverity = 'error' | 'warning' | 'info';

export interface LineMarker {
	line: number;
	severity: MarkerSeverity;
	/** Plain text for the hover. */
	message: string;
}

/** Everything in a run that belongs on a line of the learner's code. */
export function markersFromModel(model: RunModel | null): LineMarker[] {
	if (!model) return [];
	const markers: LineMarker[] = [];
	if (model.error?.line) {
		markers.push({
			line: model.error.line,
			severity: 'error',
			message: `${model.error.type}: ${model.error.message}`
		});
	}
	for (const warning of model.warnings) {
		if (warning.line) {
			markers.push({
				line: warning.line,
				severity: 'warning',
				message: `${warning.category}: ${warning.message}`
			});
		}
	}
	for (const stuck of model.deadlock?.stuck ?? []) {
		if (stuck.line) {
			markers.push({
				line: stuck.line,
				severity: 'error',
				message: `Deadlock: ${stuck.name} waits forever on ${stuck.waiting}`
			});
		}
	}
	if (model.limit?.line) {
		markers.push({ line: model.limit.line, severity: 'warning', message: model.limit.message });
	}
	for (const note of model.notes) {
		if (note.line) markers.push({ line: note.line, severity: 'info', message: note.message });
	}
	return markers;
}

/** Escape text so Monaco's Markdown renderer shows it literally (as MarkdownString.appendText does). */
export function escapeMarkdown(text: string): string {
	return text.replace(/[\\`*_{}[\]()#+\-.!<>|~&]/g, '\\$&').replace(/\n/g, '  \n');
}

/** The structural subset of Monaco's decoration type that we produce. */
export interface DecorationSpec {
	range: { startLineNumber: number; startColumn: number; endLineNumber: number; endColumn: number };
	options: {
		isWholeLine: boolean;
		className?: string;
		glyphMarginClassName?: string;
		glyphMarginHoverMessage?: { value: string; isTrusted: false; supportHtml: false };
		stickiness?: number;
	};
}

function lineRange(line: number) {
	return { startLineNumber: line, startColumn: 1, endLineNumber: line, endColumn: 1 };
}

/**
 * Glyphs for markers (one per line, the most severe wins; all messages in the hover) and a
 * background for highlighted lines. Lines outside 1..lineCount are dropped: the code may have
 * changed since the run.
 */
export function toMonacoDecorations(
	markers: readonly LineMarker[],
	highlightLines: readonly number[],
	lineCount: number
): DecorationSpec[] {
	const rank: Record<MarkerSeverity, number> = { error: 3, warning: 2, info: 1 };
	const byLine = new Map<number, LineMarker[]>();
	for (const marker of markers) {
		if (marker.line < 1 || marker.line > lineCount) continue;
		const list = byLine.get(marker.line) ?? [];
		list.push(marker);
		byLine.set(marker.line, list);
	}
	const specs: DecorationSpec[] = [];
	for (const [line, list] of [...byLine].sort((a, b) => a[0] - b[0])) {
		const worst = list.reduce((a, b) => (rank[b.severity] > rank[a.severity] ? b : a)).severity;
		specs.push({
			range: lineRange(line),
			options: {
				isWholeLine: true,
				className: `pg-line-${worst}`,
				glyphMarginClassName: `pg-glyph pg-glyph-${worst}`,
				glyphMarginHoverMessage: {
					value: list.map((marker) => escapeMarkdown(marker.message)).join('\n\n'),
					isTrusted: false,
					supportHtml: false
				}
			}
		});
	}
	for (const line of new Set(highlightLines)) {
		if (line < 1 || line > lineCount) continue;
		specs.push({
			range: lineRange(line),
			options: { isWholeLine: true, className: 'pg-line-highlight' }
		});
	}
	return specs;
}

/** The replay's step on the code: the running task's line, and each suspended task's await. */
export interface ReplayLines {
	running: number | null;
	waiting: readonly { line: number; text: string }[];
}

/**
 * The running task's line highlighted (with a marker in the gutter), and a small gutter marker at
 * each line where tasks are suspended, its hover naming them. Lines outside 1..lineCount are
 * dropped.
 */
export function replayDecorations(replay: ReplayLines | null, lineCount: number): DecorationSpec[] {
	if (!replay) return [];
	const specs: DecorationSpec[] = [];
	const inside = (line: number) => line >= 1 && line <= lineCount;
	for (const { line, text } of replay.waiting) {
		if (!inside(line) || line === replay.running) continue;
		specs.push({
			range: lineRange(line),
			options: {
				isWholeLine: true,
				glyphMarginClassName: 'pg-glyph-await',
				glyphMarginHoverMessage: {
					value: escapeMarkdown(text),
					isTrusted: false,
					supportHtml: false
				}
			}
		});
	}
	if (replay.running !== null && inside(replay.running)) {
		specs.push({
			range: lineRange(replay.running),
			options: {
				isWholeLine: true,
				className: 'pg-line-running',
				glyphMarginClassName: 'pg-glyph-running',
				glyphMarginHoverMessage: {
					value: "Running now, at the replay's step",
					isTrusted: false,
					supportHtml: false
				}
			}
		});
	}
	return specs;
}
