/**
 * The exercises as the page follows them: the built-in course and the teachers' packs (each a
 * collection with its own progress), and the exercise open beside the editor (its link is
 * link.ts). The page keeps the editor and the runs (PlaygroundSession); it asks this object which
 * code an exercise opens with.
 */
import { exercises as allExercises } from './index';
import type { ExercisePack } from './pack';
import { PackLibrary } from './pack-library.svelte';
import { ExerciseProgress } from './progress.svelte';
import type { Exercise } from './types';

/** The built-in course or one pack: its exercises in order, and the learner's progress in them. */
export interface ExerciseCollection {
	/** The pack's id, or null for the built-in course. */
	packId: string | null;
	title: string;
	exercises: readonly Exercise[];
	progress: ExerciseProgress;
}

export const COURSE_TITLE = 'asyncio playground exercises';

export class ExerciseCourse {
	readonly builtIn: ExerciseCollection;
	readonly library: PackLibrary;
	/** The pack the open exercise belongs to, or null for the built-in course. */
	packId: string | null = $state(null);
	/** The open exercise's slug, or null in free play. */
	slug: string | null = $state(null);

	constructor(
		exercises: readonly Exercise[] = allExercises,
		progress: ExerciseProgress = new ExerciseProgress(),
		library: PackLibrary = new PackLibrary()
	) {
		this.builtIn = { packId: null, title: COURSE_TITLE, exercises, progress };
		this.library = library;
	}

	/** The course first, then every stored pack. */
	get collections(): readonly ExerciseCollection[] {
		return [this.builtIn, ...this.library.packs.map((pack) => this.#collectionOf(pack))];
	}

	/** The collection of the open exercise (the course when none is open). */
	get collection(): ExerciseCollection {
		return this.collections.find((item) => item.packId === this.packId) ?? this.builtIn;
	}

	get exercises(): readonly Exercise[] {
		return this.collection.exercises;
	}

	get progress(): ExerciseProgress {
		return this.collection.progress;
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
	 * Opens an exercise of the course (packId null) or of a stored pack, and returns the code the
	 * editor should show (the learner's last code for it, or the starter); null for an unknown
	 * exercise or pack, which leaves everything as it was.
	 */
	open(slug: string, packId: string | null = null): string | null {
		const collection = this.collections.find((item) => item.packId === packId);
		const exercise = collection?.exercises.find((item) => item.slug === slug);
		if (!collection || !exercise) return null;
		this.packId = packId;
		this.slug = slug;
		return collection.progress.codeFor(slug, exercise.starter);
	}

	close(): void {
		this.slug = null;
		this.packId = null;
	}

	/** Stores a pack (replacing an older version of it); see PackLibrary.add. */
	addPack(pack: ExercisePack): { replaced: boolean; stored: boolean } {
		return this.library.add(pack);
	}

	/** Removes a pack and its progress, closing its exercise if one is open. */
	removePack(id: string): void {
		if (this.packId === id) this.close();
		this.library.remove(id);
	}

	#collectionOf(pack: ExercisePack): ExerciseCollection {
		return {
			packId: pack.id,
			title: pack.title,
			exercises: pack.exercises,
			progress: this.library.progressOf(pack.id)
		};
	}
}
