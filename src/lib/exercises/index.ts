/**
 * Every exercise, read from the content folder at build time. Adding an exercise is adding a file
 * there (docs/exercises.md); nothing here changes. Node code that cannot use Vite's glob (the
 * command-line tool) reads the same files with read-exercises.ts.
 */
import { parseExercise } from './parse';
import type { Exercise } from './types';

export type { CheckSpec, Exercise } from './types';
export { parseExercise } from './parse';

const files = import.meta.glob('./content/*.md', {
	query: '?raw',
	import: 'default',
	eager: true
}) as Record<string, string>;

/** All exercises, in file-name order (the order they are meant to be done in). */
export const exercises: Exercise[] = Object.keys(files)
	.sort()
	.map((path) => parseExercise(path, files[path]));

export function findExercise(slug: string): Exercise | undefined {
	return exercises.find((exercise) => exercise.slug === slug);
}
