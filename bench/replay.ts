/**
 * The event loop's record, measured in Node on the same N-task program as the engine section:
 * what recording the loop (trace version 2) costs the engine beside version 1's events alone,
 * how long the replay takes to give the state at a step, and how much memory it holds beside the
 * Run model.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { analyzeRun } from '../src/lib/engine/analyze';
import type { Engine } from '../src/lib/engine/engine';
import { factAt, type TraceEvent } from '../src/lib/engine/events';
import { buildReplay, type LoopReplay } from '../src/lib/engine/replay';
import { assertFinished, BENCH_LIMITS, gatherProgram } from './engine-native';
import { timeSync, type Repetitions } from './measure';

export interface LoopCost {
	/** Engine.run traced with the loop, over the same run traced without it, one per round. */
	overhead: number[];
	/** Events per task: with the loop's events (facts counted one each), and version 1's alone. */
	eventsPerTask: { v2: number; v1: number };
	/** Milliseconds of `stateAt` at the slowest step found, measured again and again. */
	slowestState: number[];
	/** Milliseconds of `stateAt` at a sample of steps across the run. */
	states: number[];
	/** Milliseconds to build the replay. */
	build: number[];
	/** Heap bytes of the Run model alone, and of the model and the replay. */
	modelBytes: number;
	withReplayBytes: number;
}

/** Version 2 against version 1, interleaved: the machine's load changes between runs. */
export function loopCost(engine: Engine, tasks: number, plan: Repetitions): LoopCost {
	const source = gatherProgram(tasks, 1);
	const v2 = () => engine.run(source, { ...BENCH_LIMITS, trace: true });
	const v1 = () => engine.run(source, { ...BENCH_LIMITS, trace: true, trace_loop: false });
	let withLoop: TraceEvent[] = [];
	let withoutLoop: TraceEvent[] = [];
	for (let i = 0; i < plan.warmup; i++) {
		v1();
		v2();
	}
	const overhead: number[] = [];
	for (let i = 0; i < plan.runs; i++) {
		const first = timeSync(() => (withoutLoop = v1()));
		const second = timeSync(() => (withLoop = v2()));
		overhead.push(second / first);
	}
	assertFinished(withLoop, `${tasks} tasks with the loop`);
	const memory = heapOf(withLoop);
	const replay = buildReplay(withLoop);
	const build = [0, 1, 2].map(() => timeSync(() => buildReplay(withLoop)));
	const { slowest, states } = probe(replay);
	return {
		overhead,
		eventsPerTask: { v2: countEvents(withLoop) / tasks, v1: countEvents(withoutLoop) / tasks },
		slowestState: Array.from({ length: 9 }, () => timeSync(() => replay.stateAt(slowest))),
		states,
		build,
		...memory
	};
}

/** Events, with each loop fact counted as one (they stand for what would be an event each). */
function countEvents(events: TraceEvent[]): number {
	let count = 0;
	for (const event of events) {
		if (event.kind !== 'handles') count++;
		else count += factCount(event.facts);
	}
	return count;
}

function factCount(facts: number[]): number {
	let count = 0;
	for (let at = 0, fact = factAt(facts, 0); fact; fact = factAt(facts, (at += fact.size))) count++;
	return count;
}

/** The slowest of a sample of steps (every turn, and steps spread over the run). */
function probe(replay: LoopReplay): { slowest: number; states: number[] } {
	const steps = new Set<number>();
	for (let turn = 1; turn <= replay.turnCount; turn++) steps.add(replay.stepOfTurn(turn));
	const spread = Math.max(1, Math.floor(replay.stepCount / 200));
	for (let k = 0; k < replay.stepCount; k += spread) steps.add(k);
	let slowest = 0;
	let worst = -1;
	const states: number[] = [];
	for (const k of steps) {
		const ms = timeSync(() => replay.stateAt(k));
		states.push(ms);
		if (ms > worst) {
			worst = ms;
			slowest = k;
		}
	}
	return { slowest, states };
}

/** Heap held by the Run model, and by the model and the replay, with the events kept alive. */
function heapOf(events: TraceEvent[]): { modelBytes: number; withReplayBytes: number } {
	const collect = garbageCollector();
	collect();
	const before = process.memoryUsage().heapUsed;
	const model = analyzeRun(events);
	collect();
	const withModel = process.memoryUsage().heapUsed;
	const replay = buildReplay(events);
	collect();
	const withReplay = process.memoryUsage().heapUsed;
	// Keep both alive until measured.
	if (model.tasks.length < 0 || replay.stepCount < 0) throw new Error('unreachable');
	return { modelBytes: withModel - before, withReplayBytes: withReplay - before };
}

/** Node's garbage collector, exposed for the measurement (`--expose-gc` is not needed). */
function garbageCollector(): () => void {
	setFlagsFromString('--expose-gc');
	return runInNewContext('gc') as () => void;
}
