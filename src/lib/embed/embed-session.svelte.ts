/**
 * An embed's state: the code it opened with and what the reader made of it, the latest run, and
 * the link that opens the code in the full playground. Smaller than the page's
 * PlaygroundSession: no drafts (an embed must not write over the reader's own work in the
 * playground), no exercises panel, no pins, and it never runs anything before the reader
 * presses Run.
 */
import { examples as allExamples, type Example } from '$lib/examples';
import { exercises as allExercises } from '$lib/exercises';
import type { Exercise } from '$lib/exercises/types';
import { outputItems } from '$lib/ui/output-items';
import { NOTHING_TO_SHOW, resultOf, type RunResult } from '$lib/ui/playground-session.svelte';
import type { LazyRunner } from './lazy-runner.svelte';
import { playgroundAddress, type EmbedOptions, type EmbedSource } from './options';

export interface EmbedCatalog {
	examples: readonly Example[];
	exercises: readonly Exercise[];
}

/** The code, title and link target an embed's source names, or why it names nothing. */
function resolve(
	source: EmbedSource | null,
	catalog: EmbedCatalog
): { code: string; title: string; problem: string | null } {
	const nothing = (problem: string) => ({ code: '', title: 'asyncio playground', problem });
	if (!source) return nothing('This embed names no code: give it ?example=, ?exercise= or #code=.');
	switch (source.kind) {
		case 'code':
			return { code: source.code, title: 'Python', problem: null };
		case 'example': {
			const example = catalog.examples.find(
				(item) => item.slug === source.slug || item.slug.replace(/^\d+-/, '') === source.slug
			);
			return example
				? { code: example.code, title: example.title, problem: null }
				: nothing(`There is no example "${source.slug}".`);
		}
		case 'exercise': {
			const exercise = catalog.exercises.find((item) => item.slug === source.slug);
			return exercise
				? { code: exercise.starter, title: exercise.title, problem: null }
				: nothing(`There is no exercise "${source.slug}".`);
		}
	}
}

export class EmbedSession {
	/** What the editor holds. */
	code: string = $state('');
	/** The latest run's result; replaced whole. */
	result: RunResult = $state.raw(NOTHING_TO_SHOW);
	running = $state(false);
	readonly title: string;
	/** The code the embed opened with. */
	readonly original: string;
	readonly source: EmbedSource | null;
	/** Sentences about the address: what could not be shown, options that were wrong. */
	readonly problems: readonly string[];
	readonly runner: LazyRunner;
	readonly outputItems = $derived(this.result.run ? outputItems(this.result.run.model) : []);
	#runSequence = 0;

	constructor(
		options: EmbedOptions,
		runner: LazyRunner,
		catalog: EmbedCatalog = { examples: allExamples, exercises: allExercises }
	) {
		const resolved = resolve(options.source, catalog);
		this.code = resolved.code;
		this.original = resolved.code;
		this.title = resolved.title;
		this.source = options.source;
		this.problems = resolved.problem ? [resolved.problem, ...options.problems] : options.problems;
		this.runner = runner;
	}

	get model() {
		return this.result.run?.model ?? null;
	}

	edit(code: string): void {
		this.code = code;
	}

	/** Runs the editor's code (starting Python if this embed has not yet); replaces a run going. */
	async run(): Promise<void> {
		const source = this.code;
		const sequence = ++this.#runSequence;
		this.running = true;
		this.result = { ...this.result, message: null };
		const outcome = await this.runner.run(source);
		if (sequence !== this.#runSequence) return;
		this.running = false;
		this.result = resultOf(outcome, source).result;
	}

	stop(): void {
		this.runner.stop();
	}

	/** The address that opens this code in the playground at `site` (see playgroundAddress). */
	playgroundLink(site: string): string {
		const exercise =
			this.source?.kind === 'exercise' && this.code === this.original ? this.source.slug : null;
		return playgroundAddress(site, this.code, exercise);
	}
}
