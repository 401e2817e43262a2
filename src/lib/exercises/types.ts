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

/**
 * One question of an exercise's `predict` block (predictions.ts), written like a check:
 * `order: "hello" "world"`, `total-time: 0.1`, `first-finisher: referee runner`.
 */
export type PredictSpec = CheckSpec;

/** A number (`3.1`), a bare word (`sleep`, `asyncio.gather`) or a quoted string (`"done"`). */
export type CheckArg =
	| { kind: 'number'; value: number }
	| { kind: 'word'; value: string }
	| { kind: 'string'; value: string };

export interface Exercise {
	/**
	 * The `slug:` of its front matter, else from the file name without its number and extension
	 * (`03-three-downloads.md` → "three-downloads"), or from the title when one file holds several.
	 */
	slug: string;
	/** The file name (a path inside a zipped pack), which also fixes the order of a folder. */
	file: string;
	/** The line of the file where the exercise's front matter opens, for messages. */
	line: number;
	title: string;
	/** Which idea of the course the exercise practises. */
	topic: string;
	/** Markdown, shown beside the editor. */
	instructions: string;
	/** Markdown, revealed one at a time. */
	hints: string[];
	starter: string;
	/** The line of the file where the starter block opens. */
	starterLine: number;
	solution: string;
	/** The line of the file where the solution block opens. */
	solutionLine: number;
	checks: CheckSpec[];
	/** The questions to answer before the run is shown (empty when the exercise asks none). */
	predict: PredictSpec[];
}
