/**
 * One round of "predict, then reveal": after a run with Predict first on, the page hides the
 * output, the chart and the summary and asks these questions; Reveal judges the answers against
 * the run (predictions.ts) and shows everything. The component (PredictionPanel.svelte) lays the
 * round out; the answers and their changes live here.
 */
import type { RunModel } from '$lib/engine/model';
import {
	judgePredictions,
	presentedOrder,
	type FinisherQuestion,
	type OrderQuestion,
	type Question,
	type TimeQuestion,
	type Verdict
} from './predictions';
import type { ExerciseProgress } from './progress.svelte';

/** "3", "2.5", "2,5 s", "250 ms" → seconds; null for anything else (or nothing). */
export function parseSeconds(text: string): number | null {
	const match = /^\s*(\d+(?:[.,]\d+)?|[.,]\d+)\s*(ms|s|sec|secs|seconds?)?\s*$/i.exec(text);
	if (!match) return null;
	const value = Number(match[1].replace(',', '.'));
	return match[2]?.toLowerCase() === 'ms' ? value / 1000 : value;
}

/** Where a revealed round is counted: an exercise's own questions count in its progress. */
export interface PredictionOwner {
	slug: string;
	progress: ExerciseProgress;
}

export class PredictionRound {
	readonly questions: readonly Question[];
	/** The run the answers are judged against (held raw: it is big and never changes). */
	readonly model: RunModel;
	readonly owner: PredictionOwner | null;
	/** The learner's order of the lines, starting from the shuffled one. */
	order: string[] = $state([]);
	/** The total time as typed. */
	secondsText = $state('');
	finisher: string | null = $state(null);
	verdicts: readonly Verdict[] | null = $state.raw(null);

	constructor(
		questions: readonly Question[],
		model: RunModel,
		owner: PredictionOwner | null = null
	) {
		this.questions = questions;
		this.model = model;
		this.owner = owner;
		const order = this.orderQuestion;
		this.order = order ? presentedOrder(order.lines) : [];
	}

	get orderQuestion(): OrderQuestion | null {
		return (this.questions.find((question) => question.id === 'order') as OrderQuestion) ?? null;
	}

	get timeQuestion(): TimeQuestion | null {
		return (
			(this.questions.find((question) => question.id === 'total-time') as TimeQuestion) ?? null
		);
	}

	get finisherQuestion(): FinisherQuestion | null {
		return (
			(this.questions.find((question) => question.id === 'first-finisher') as FinisherQuestion) ??
			null
		);
	}

	get seconds(): number | null {
		return parseSeconds(this.secondsText);
	}

	get revealed(): boolean {
		return this.verdicts !== null;
	}

	/** True once revealed with every question answered right. */
	get allRight(): boolean {
		return this.verdicts !== null && this.verdicts.every((verdict) => verdict.right);
	}

	/** Moves the line at `index` up (-1) or down (+1); returns its new index. */
	move(index: number, delta: -1 | 1): number {
		const target = index + delta;
		if (this.revealed || target < 0 || target >= this.order.length) return index;
		const next = [...this.order];
		[next[index], next[target]] = [next[target], next[index]];
		this.order = next;
		return target;
	}

	/** Moves the line at `from` to `to` (a drop). */
	moveTo(from: number, to: number): void {
		if (this.revealed || from === to || from < 0 || to < 0 || from >= this.order.length) return;
		const next = [...this.order];
		const [line] = next.splice(from, 1);
		next.splice(Math.min(to, next.length), 0, line);
		this.order = next;
	}

	/** Judges the answers; the first reveal of an exercise's own questions counts in its progress. */
	reveal(): void {
		if (this.revealed) return;
		this.verdicts = judgePredictions(
			this.questions,
			{
				order: this.orderQuestion ? this.order : null,
				seconds: this.seconds,
				finisher: this.finisher
			},
			this.model
		);
		this.owner?.progress.recordPrediction(this.owner.slug, this.allRight);
	}
}
