/**
 * What an exercise is once its content file has been parsed. The file format is described in
 * docs/exercises.md; parse.ts turns a file into an Exercise.
 */

/** One check as written in an exercise's `checks` block, before it is evaluated. */
export interface CheckSpec {
	/** The check's name, e.g. "max-duration" (see checks.ts for the full list). */
	id: string;
	/** The arguments after the colon, already split into numbers, words and strings. */
	args: CheckArg[];
	/** The line of the content file the check was written on, for error messages. */
	line: number;
}

/** A number (`3.1`), a bare word (`sleep`, `asyncio.gather`) or a quoted string (`"done"`). */
export type CheckArg =
	| { kind: 'number'; value: number }
	| { kind: 'word'; value: string }
	| { kind: 'string'; value: string };

export interface Exercise {
	/** From the file name without its number and extension: `03-three-downloads.md` → "three-downloads". */
	slug: string;
	/** The file name, which also fixes the order: exercises are sorted by it. */
	file: string;
	title: string;
	/** Which idea of the course the exercise practises. */
	topic: string;
	/** Markdown, shown beside the editor. */
	instructions: string;
	/** Markdown, revealed one at a time. */
	hints: string[];
	starter: string;
	solution: string;
	checks: CheckSpec[];
}
