/**
 * Two versions of the engine's Python, A and B, on the bench's gather program, each in its own
 * Pyodide in this one process, their runs alternated (A B, B A, ...) so that both meet the same
 * load on a shared machine. Prints each one's median and fastest wall and CPU time, and B over A
 * per pair. For measuring a change to the engine before and after it:
 *
 *   cp -r src/lib/engine/python /tmp/engine-before   # then change it
 *   TSX_TSCONFIG_PATH=tsconfig.node.json node --import tsx bench/engine-ab.ts \
 *     /tmp/engine-before src/lib/engine/python 10000 8 [untraced]
 *
 * CPU time includes Node's own (the trace's JSON parsed); on a busy machine it is steadier than
 * wall time. Outside the test suite: timings depend on the machine and on its load.
 */
import { Engine } from '../src/lib/engine/engine';
import { loadRuntime } from '../src/lib/engine/pyodide';
import { readPythonSources } from '../src/lib/engine/python-files';
import { BENCH_LIMITS, assertFinished, gatherProgram } from './engine-native';
import { loadAverage } from './machine';
import { summarize } from './measure';

const [rootA, rootB, tasksText = '10000', pairsText = '6', mode] = process.argv.slice(2);
if (!rootA || !rootB)
	throw new Error('usage: engine-ab.ts PYTHON_ROOT_A PYTHON_ROOT_B [tasks] [pairs] [untraced]');
const options = { ...BENCH_LIMITS, trace: mode !== 'untraced' };

const engines: { name: string; engine: Engine; wall: number[]; cpu: number[] }[] = [];
for (const [name, root] of [
	['A', rootA],
	['B', rootB]
]) {
	const engine = await Engine.create(await loadRuntime(), readPythonSources(root));
	engine.run(gatherProgram(1_000, 1), options);
	engines.push({ name, engine, wall: [], cpu: [] });
}

const program = gatherProgram(Number(tasksText), 1);
const ratios: number[] = [];
for (let pair = 0; pair < Number(pairsText); pair++) {
	const order = pair % 2 ? [engines[1], engines[0]] : engines;
	for (const entry of order) {
		const start = performance.now();
		const cpuStart = process.cpuUsage();
		const events = entry.engine.run(program, options);
		const cpu = process.cpuUsage(cpuStart);
		entry.wall.push(performance.now() - start);
		entry.cpu.push((cpu.user + cpu.system) / 1000);
		assertFinished(events, entry.name);
	}
	ratios.push(engines[1].wall[pair] / engines[0].wall[pair]);
}

for (const { name, wall, cpu } of engines) {
	const w = summarize(wall);
	const c = summarize(cpu);
	console.log(
		`${name}: wall median ${w.median.toFixed(0)} ms (fastest ${w.min.toFixed(0)}), ` +
			`CPU median ${c.median.toFixed(0)} ms (least ${c.min.toFixed(0)})`
	);
}
console.log(
	`B over A, wall, per pair: median ${summarize(ratios).median.toFixed(2)}× ` +
		`[${ratios.map((ratio) => ratio.toFixed(2)).join(' ')}]; load average ${loadAverage()}`
);
