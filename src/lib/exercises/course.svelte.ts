/**
 * The course of exercises as the page follows it: every exercise in order, the learner's progress,
 * and the exercise open beside the editor (its `?exercise=<slug>` link is link.ts). The page keeps
 * the editor and the runs (PlaygroundSession); it asks this object which code an exercise opens with.
 */
import { exercises as allExercises } from './index';
import type { Exercise } from './types';
import { ExerciseProgress } from './progress.svelte';

export class ExerciseCourse {
	readonly exercises: readonly Exercise[];
	readonly progress: ExerciseProgress;
	/** The open exercise's slug, or null in free play. */
	slug: string | null = $state(null);

	constructor(
		exercises: readonly Exercise[] = allExercises,
		progress: ExerciseProgress = new ExerciseProgress()
	) {
		this.exercises = exercises;
		this.progress = progress;
	}

	get exercise(): Exercise | null {
		return this.exercises.find((exercise) => exercise.slug === this.slug) ?? null;
	}

	/** "Exercise 4 of 18". */
	get position(): { index: number; total: number } | null {
		const index = this.exercises.findIndex((exercise) => exercise.slug === this.slug);
		return index < 0 ? null : { index, total: this.exercises.length };
	}

	get next(): Exercise | null {
		const position = this.position;
		return position ? (this.exercises[position.index + 1] ?? null) : null;
	}

	/**
	 * Opens an exercise and returns the code the editor should show (the learner's last code for
	 * it, or the starter); null for an unknown slug, which leaves everything as it was.
	 */
	open(slug: string): string | null {
		const exercise = this.exercises.find((item) => item.slug === slug);
		if (!exercise) return null;
		this.slug = slug;
		return this.progress.codeFor(slug, exercise.starter);
	}

	close(): void {
		this.slug = null;
	}
}
