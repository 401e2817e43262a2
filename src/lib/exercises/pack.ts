/**
 * Exercise packs: a teacher's own exercises, opened in the page without a rebuild. A pack is one
 * Markdown file of one or more exercises (the course's format, docs/exercises.md), or a folder of
 * such files given as a zip; every way in (file, drop, link, the command line) ends here.
 *
 * A pack is untrusted text. It is only parsed: its Markdown is shown by the safe renderer, its
 * checks and questions are data, and its code runs only in the sandbox, when the learner presses
 * Run.
 */
import { ExerciseFormatError, parseExerciseFile, slugFromTitle } from './parse';
import type { Exercise } from './types';

/** One Markdown file of a pack: its name (a path inside a zip) and its text. */
export interface PackFile {
	name: string;
	text: string;
}

export interface ExercisePack {
	/** From the title: opening a pack with the same title again replaces it (a newer version). */
	id: string;
	title: string;
	files: PackFile[];
	/** In file-name order, then in file order. */
	exercises: Exercise[];
}

/**
 * A pack that cannot be opened as a whole (no exercise file in it, too big), as opposed to a
 * mistake at one line of one file (ExerciseFormatError).
 */
export class PackError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'PackError';
	}
}

/** The pack id for a title: "Asyncio workshop, day 1" → "asyncio-workshop-day-1". */
export function packId(title: string): string {
	return slugFromTitle(title) || 'pack';
}

/**
 * Parses every file of a pack. The title is the first `pack:` header in file-name order, else
 * `fallbackTitle` (the file's or the zip's name). Throws ExerciseFormatError at the first mistake.
 */
export function parsePack(files: readonly PackFile[], fallbackTitle: string): ExercisePack {
	const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	if (sorted.length === 0) throw new PackError(`${fallbackTitle} holds no exercise file (.md)`);
	let title: string | null = null;
	const exercises: Exercise[] = [];
	const bySlug = new Map<string, Exercise>();
	for (const file of sorted) {
		const parsed = parseExerciseFile(file.name, file.text);
		title ??= parsed.title;
		for (const exercise of parsed.exercises) {
			const earlier = bySlug.get(exercise.slug);
			if (earlier) {
				throw new ExerciseFormatError(
					exercise.file,
					exercise.line,
					`the exercise at ${earlier.file}:${earlier.line} has the slug "${exercise.slug}" too; ` +
						'give one a "slug: ..." line'
				);
			}
			bySlug.set(exercise.slug, exercise);
			exercises.push(exercise);
		}
	}
	const packTitle = title ?? fallbackTitle;
	return { id: packId(packTitle), title: packTitle, files: sorted, exercises };
}

/**
 * The whole pack as one Markdown file, for a link: one `pack:` header, then every file's
 * exercises, each given a `slug:` line where its slug came from its file name, so the joined
 * file opens as the same exercises with the same progress.
 */
export function packAsMarkdown(pack: ExercisePack): string {
	const parts = [`---\npack: ${pack.title}\n---\n`];
	for (const file of pack.files) {
		const lines = file.text.replace(/\r\n?/g, '\n').split('\n');
		const parsed = parseExerciseFile(file.name, file.text);
		// From the last exercise up, so earlier line numbers stay valid.
		for (const exercise of [...parsed.exercises].reverse()) {
			const opening = exercise.line - 1;
			let close = opening + 1;
			while (close < lines.length && lines[close].trim() !== '---') close++;
			const named = lines.slice(opening + 1, close).some((line) => /^slug\s*:/.test(line));
			if (!named) lines.splice(opening + 1, 0, `slug: ${exercise.slug}`);
		}
		if (parsed.header)
			lines.splice(parsed.header.from - 1, parsed.header.to - parsed.header.from + 1);
		parts.push(lines.join('\n').trim() + '\n');
	}
	return parts.join('\n');
}
