/**
 * Comparing two runs, for the pin-and-compare view: a short name for each run, and what the
 * difference comes to ("sequential 6.00 s → gather 3.00 s, 2.0× faster").
 */
import { comparisonLine } from '$lib/engine/format';
import type { RunModel } from '$lib/engine/model';
import { dottedReferences, refersTo } from '$lib/exercises/python-names';

/** A run as the compare view knows it: its model, the code it came from, and a name. */
export interface NamedRun {
	model: RunModel;
	code: string;
	label: string;
}

/**
 * The idea that sets a run apart, read from its code, in order of precedence: a blocking
 * time.sleep trumps everything, then the concurrency tool used; code with none is "sequential".
 */
const SIGNATURES: [name: string, label: string][] = [
	['time.sleep', 'time.sleep'],
	['TaskGroup', 'TaskGroup'],
	['as_completed', 'as_completed'],
	['gather', 'gather'],
	['asyncio.wait', 'asyncio.wait'],
	['create_task', 'create_task'],
	['Semaphore', 'Semaphore'],
	['Queue', 'Queue']
];

export function runLabel(code: string): string {
	const references = dottedReferences(code);
	for (const [name, label] of SIGNATURES) if (refersTo(references, name)) return label;
	return 'sequential';
}

/** Two names for two runs that a reader can tell apart, even when their code looks alike. */
export function distinctLabels(before: string, after: string): [string, string] {
	return before === after ? [`${before} (pinned)`, `${after} (now)`] : [before, after];
}

export interface Comparison {
	/** "sequential 6.00 s → gather 3.00 s, 2.0× faster" */
	text: string;
	before: number;
	after: number;
	/** Virtual seconds the second run saved (negative when it took longer). */
	saved: number;
	/** before / after, or null when either took no time. */
	speedup: number | null;
}

export function compareRuns(before: NamedRun, after: NamedRun): Comparison {
	const [beforeName, afterName] = distinctLabels(before.label, after.label);
	const from = before.model.duration;
	const to = after.model.duration;
	return {
		text: comparisonLine(
			{ name: beforeName, model: before.model },
			{ name: afterName, model: after.model }
		),
		before: from,
		after: to,
		saved: from - to,
		speedup: from > 0 && to > 0 ? from / to : null
	};
}
