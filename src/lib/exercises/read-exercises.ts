/**
 * Reads the exercise content files from disk, for Node code that runs without Vite (the
 * command-line tool). The browser build uses index.ts, which parses the same files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExercise } from './parse';
import type { Exercise } from './types';

/** The content folder beside this module. */
export const contentDirectory = fileURLToPath(new URL('./content/', import.meta.url));

export function readExercises(directory = contentDirectory): Exercise[] {
	return readdirSync(directory)
		.filter((name) => name.endsWith('.md'))
		.sort()
		.map((name) => parseExercise(name, readFileSync(`${directory}/${name}`, 'utf8')));
}

/**
 * An exercise named on the command line: a slug ("three-downloads"), a file name
 * ("04-three-downloads.md"), its number ("4" or "04") or a path to a content file.
 */
export function resolveExercise(name: string, directory = contentDirectory): Exercise | null {
	if (name.endsWith('.md') && name.includes('/')) {
		return parseExercise(basename(name), readFileSync(name, 'utf8'));
	}
	const all = readExercises(directory);
	return (
		all.find((exercise) => exercise.slug === name || exercise.file === name) ??
		(/^\d+$/.test(name)
			? (all.find((exercise) => Number(exercise.file.split('-')[0]) === Number(name)) ?? null)
			: null)
	);
}
