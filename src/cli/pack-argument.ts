/** A pack named on the command line, read as the page reads it. */
import { ExerciseFormatError } from '../lib/exercises/parse';
import { PackError, type ExercisePack } from '../lib/exercises/pack';
import { readPack } from '../lib/exercises/read-exercises';
import { UsageError } from './command';

/**
 * The pack at `path` (a Markdown file, a zip or a folder), or the mistake in it as the page shows
 * it (`file:line: what is wrong`). A file that cannot be read at all is a UsageError.
 */
export function openPack(path: string): { pack: ExercisePack } | { mistake: string } {
	try {
		return { pack: readPack(path) };
	} catch (error) {
		if (error instanceof ExerciseFormatError || error instanceof PackError) {
			return { mistake: error.message };
		}
		const code = (error as NodeJS.ErrnoException).code;
		const reason = code === 'ENOENT' ? 'no such file' : (error as Error).message;
		throw new UsageError(`cannot read ${path}: ${reason}`, { showUsage: false });
	}
}
