/**
 * Engine cost in Node: the same asyncio program on the playground's engine (Pyodide, virtual
 * clock, traced or not) and on native CPython's stock loop, where every sleep is 0 so both do
 * the same task steps and neither waits for real time.
 */
import { execFileSync } from 'node:child_process';
import type { Engine } from '../src/lib/engine/engine';
import type { TraceEvent } from '../src/lib/engine/events';
import { repeat, timeSync, type Repetitions } from './measure';

/** Generous limits: the default step and event caps are for learners, not for 100,000 tasks. */
export const BENCH_LIMITS = { max_steps: 10_000_000, max_events: 10_000_000 } as const;

/**
 * `tasks` tasks gathered by main, each sleeping twice. `scale` is the seconds per unit of sleep:
 * 1 on the virtual clock (timers of 1-3 s, a 5 s run), 0 on native CPython (each sleep yields
 * once, as on the virtual clock, without waiting).
 */
export function gatherProgram(tasks: number, scale: 0 | 1, sleepsPerTask = 2): string {
	const sleeps = Array.from(
		{ length: sleepsPerTask },
		(_, k) => `    await asyncio.sleep(SCALE * (1 + (i + ${k}) % 3))`
	).join('\n');
	return `import asyncio

SCALE = ${scale}


async def job(i):
${sleeps}


async def main():
    await asyncio.gather(*(job(i) for i in range(${tasks})))


asyncio.run(main())
`;
}

/** Times `source` on native CPython inside one process: `plan.warmup` untimed runs first. */
const CPYTHON_HARNESS = `
import json, sys, time
source = sys.stdin.read()
code = compile(source, "<bench>", "exec")
warmup, runs = int(sys.argv[1]), int(sys.argv[2])
times = []
for index in range(warmup + runs):
    started = time.perf_counter()
    exec(code, {"__name__": "__main__"})
    if index >= warmup:
        times.append((time.perf_counter() - started) * 1000)
print(json.dumps(times))
`;

export function timeOnCPython(source: string, plan: Repetitions): number[] {
	const out = execFileSync(
		'python3',
		['-c', CPYTHON_HARNESS, String(plan.warmup), String(plan.runs)],
		{ input: source, encoding: 'utf8', maxBuffer: 1 << 20 }
	);
	return JSON.parse(out) as number[];
}

/** Throws unless the run finished normally: a benchmark of a failed run measures nothing. */
export function assertFinished(events: TraceEvent[], what: string): void {
	const bad = events.find(
		(event) => event.kind === 'limit' || event.kind === 'error' || event.kind === 'deadlock'
	);
	if (bad) throw new Error(`${what} did not finish cleanly: ${JSON.stringify(bad)}`);
	if (events[events.length - 1]?.kind !== 'run_end') throw new Error(`${what}: no run_end event`);
}

export interface EngineCost {
	tasks: number;
	traced: number[];
	untraced: number[];
	cpython: number[];
	/** Events in the traced run, to say how big the trace is. */
	events: number;
}

/** Engine (traced and untraced) against native CPython for `tasks` tasks. */
export async function engineCost(
	engine: Engine,
	tasks: number,
	plan: Repetitions
): Promise<EngineCost> {
	const virtual = gatherProgram(tasks, 1);
	let events = 0;
	const traced = await repeat(plan, () =>
		timeSync(() => {
			const trace = engine.run(virtual, { ...BENCH_LIMITS, trace: true });
			assertFinished(trace, `${tasks} traced tasks`);
			events = trace.length;
		})
	);
	const untraced = await repeat(plan, () =>
		timeSync(() => assertFinished(engine.run(virtual, { ...BENCH_LIMITS, trace: false }), 'run'))
	);
	const cpython = timeOnCPython(gatherProgram(tasks, 0), plan);
	return { tasks, traced, untraced, cpython, events };
}
