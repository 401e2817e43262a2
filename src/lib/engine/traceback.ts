/**
 * A CPython traceback with the library's frames folded, so the learner's own frames lead: each
 * run of consecutive frames from the interpreter's files (asyncio's `runners.py`,
 * `taskgroups.py` …) becomes one line, "… 3 frames inside asyncio", which the page expands on
 * click and the CLI shows with --full-traceback. Works line by line on CPython's own text,
 * exception groups' `|` margins included; anything it does not recognise stays as it is.
 */

export type TracebackPart =
	| { kind: 'text'; text: string }
	/** Consecutive library frames: `summary` is the folded line, `text` the frames in full. */
	| { kind: 'library'; frames: number; summary: string; text: string };

/** A frame's first line: `  File "path", line 12, in name`, after any exception-group margin. */
const FRAME = /^([\s|]*)File "([^"]*)", line \d+, in /;

/** The user's program is `main.py`; the interpreter's own files have absolute paths. */
function libraryOf(path: string): string | null {
	if (!path.startsWith('/')) return null;
	const match = /\/(asyncio|concurrent|threading|contextlib|selectors|socket)[/.]/.exec(path);
	return match ? match[1] : 'the standard library';
}

function frameWord(count: number): string {
	return count === 1 ? '1 frame' : `${count} frames`;
}

/** The traceback in parts, in order; each part's text ends with a newline but the last's. */
export function foldTraceback(traceback: string): TracebackPart[] {
	const lines = traceback.replace(/\n+$/, '').split('\n');
	const parts: TracebackPart[] = [];
	let text: string[] = [];
	let folded: { lines: string[]; frames: number; margin: string; libraries: Set<string> } | null =
		null;

	const flushText = () => {
		if (text.length) parts.push({ kind: 'text', text: text.join('\n') + '\n' });
		text = [];
	};
	const flushFolded = () => {
		if (!folded) return;
		const where = folded.libraries.size === 1 ? [...folded.libraries][0] : 'the standard library';
		parts.push({
			kind: 'library',
			frames: folded.frames,
			summary: `${folded.margin}… ${frameWord(folded.frames)} inside ${where}\n`,
			text: folded.lines.join('\n') + '\n'
		});
		folded = null;
	};

	for (let i = 0; i < lines.length; i++) {
		const match = FRAME.exec(lines[i]);
		const library = match ? libraryOf(match[2]) : null;
		if (!match || library === null) {
			// A user frame, or not a frame at all: either ends a fold.
			flushFolded();
			text.push(lines[i]);
			continue;
		}
		// A library frame: its header and the lines indented under it (source, carets, "...<2 lines>...").
		const margin = match[1];
		const frame = [lines[i]];
		while (
			i + 1 < lines.length &&
			lines[i + 1].startsWith(margin + '  ') &&
			!FRAME.test(lines[i + 1])
		)
			frame.push(lines[++i]);
		if (folded && folded.margin !== margin) flushFolded();
		if (!folded) {
			flushText();
			folded = { lines: [], frames: 0, margin, libraries: new Set() };
		}
		folded.lines.push(...frame);
		folded.frames += 1;
		folded.libraries.add(library);
	}
	flushFolded();
	flushText();
	const last = parts.at(-1);
	if (last) {
		last.text = last.text.slice(0, -1);
		if (last.kind === 'library') last.summary = last.summary.slice(0, -1);
	}
	return parts;
}

/** The traceback as text with the library's frames folded to their one line (the CLI's). */
export function foldedTracebackText(traceback: string): string {
	return foldTraceback(traceback)
		.map((part) => (part.kind === 'text' ? part.text : part.summary))
		.join('');
}
