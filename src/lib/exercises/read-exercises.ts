/**
 * Reads exercise files from disk, for Node code that runs without Vite (the command-line tool,
 * the tests). The browser build uses index.ts, which parses the same course files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExercise } from './parse';
import { parsePack, type ExercisePack } from './pack';
import { readPackFiles, titleFromFileName } from './pack-files';
import type { Exercise } from './types';

/** The content folder beside this module. */
export const contentDirectory = fileURLToPath(new URL('./content/', import.meta.url));

export function readExercises(directory = contentDirectory): Exercise[] {
	return readdirSync(directory)
		.filter((name) => name.endsWith('.md'))
		.sort()
		.map((name) => parseExercise(name, readFileSync(`${directory}/${name}`, 'utf8')));
}

/** True when `name` is meant as a file or folder rather than an exercise's name. */
export function isPackPath(name: string): boolean {
	return /[\\/]/.test(name) || /\.(md|markdown|zip)$/i.test(name);
}

/**
 * A pack from disk: a Markdown file, a zip of them, or a folder of them (the course's content
 * folder is one). Throws a PackError or an ExerciseFormatError, as the page would show them.
 */
export function readPack(path: string): ExercisePack {
	const name = basename(path.replace(/[\\/]+$/, ''));
	if (statSync(path).isDirectory()) {
		const files = readdirSync(path)
			.filter((file) => file.endsWith('.md'))
			.map((file) => ({ name: file, text: readFileSync(`${path}/${file}`, 'utf8') }));
		return parsePack(files, name);
	}
	return parsePack(readPackFiles(name, readFileSync(path)), titleFromFileName(name));
}

/** An exercise of a pack named by its slug or its number in the pack (1-based). */
export function findInPack(pack: ExercisePack, name: string): Exercise | null {
	return (
		pack.exercises.find((exercise) => exercise.slug === name) ??
		(/^\d+$/.test(name) ? (pack.exercises[Number(name) - 1] ?? null) : null)
	);
}

/**
 * An exercise named on the command line: a slug ("three-downloads"), a file name
 * ("04-three-downloads.md"), its number ("4" or "04") or a path to a file holding one exercise.
 */
export function resolveExercise(name: string, directory = contentDirectory): Exercise | null {
	if (name.endsWith('.md') && name.includes('/')) {
		const pack = readPack(name);
		if (pack.exercises.length !== 1) {
			throw new Error(`${name} holds ${pack.exercises.length} exercises; name one of them`);
		}
		return pack.exercises[0];
	}
	const all = readExercises(directory);
	return (
		all.find((exercise) => exercise.slug === name || exercise.file === name) ??
		(/^\d+$/.test(name)
			? (all.find((exercise) => Number(exercise.file.split('-')[0]) === Number(name)) ?? null)
			: null)
	);
}
