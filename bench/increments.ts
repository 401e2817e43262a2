/**
 * What progress increments cost the engine (engine/progress.ts, playground/progress.py): the
 * runner asks for them where Stop can only end the worker. Measured in Node on the engine
 * section's program: `Engine.runJson` traced with increments every 250 ms (the runner's
 * interval) over the same run traced without them, run alternately, one ratio per pair.
 */
import type { Engine } from '../src/lib/engine/engine';
import { BENCH_LIMITS, gatherProgram } from './engine-native';
import { timeSync, type Repetitions } from './measure';

export interface IncrementsCost {
	/** Engine.runJson with increments over the same run without them, one per round. */
	overhead: number[];
	/** Increments one run made, and the characters of JSON they held (the last run's). */
	increments: number;
	chars: number;
}

export function incrementsCost(engine: Engine, tasks: number, plan: Repetitions): IncrementsCost {
	const source = gatherProgram(tasks, 1);
	const options = { ...BENCH_LIMITS, trace: true };
	let increments = 0;
	let chars = 0;
	const without = () => engine.runJson(source, options);
	const reporting = () => {
		increments = chars = 0;
		engine.runJson(source, options, (increment) => {
			increments += 1;
			chars += increment.length;
		});
	};
	for (let i = 0; i < plan.warmup; i++) {
		without();
		reporting();
	}
	const overhead: number[] = [];
	for (let i = 0; i < plan.runs; i++) {
		const first = timeSync(without);
		const second = timeSync(reporting);
		overhead.push(second / first);
	}
	return { overhead, increments, chars };
}
