/**
 * The pinned run of the compare view. Pin a run, edit, run again: the page shows both runs on one
 * time axis (Timeline's `pinned` prop) and Compare.svelte reads out the difference.
 */
import type { RunModel } from '$lib/engine/model';
import { runLabel, type NamedRun } from './compare';

export class CompareState {
	/** The run kept for comparison, or null when nothing is pinned. */
	pinned: NamedRun | null = $state(null);

	/** Pins a run; without a label, it is named after the idea its code uses ("gather"). */
	pin(model: RunModel, code: string, label: string = runLabel(code)): void {
		this.pinned = { model, code, label };
	}

	unpin(): void {
		this.pinned = null;
	}

	/**
	 * Swaps the pinned run and the current one: the current run becomes pinned, and the run that
	 * was pinned is returned for the page to show (and load into the editor) as the current run.
	 */
	swap(model: RunModel, code: string, label: string = runLabel(code)): NamedRun | null {
		const previous = this.pinned;
		this.pinned = { model, code, label };
		return previous;
	}
}
