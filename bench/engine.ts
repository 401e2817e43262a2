/**
 * Engine benchmark: N tasks that each sleep twice, run in Pyodide under Node, with and without
 * tracing. Prints the median of several runs: wall time of Engine.run (which includes turning the
 * trace into JSON and parsing it), the CPU time Node spent in it (steadier than wall time on a
 * busy machine), and the Python-side real_ms.
 *
 *   node --import tsx bench/engine.ts [runs]
 *
 * Outside the test suite: timings depend on the machine and on its load.
 */
import { createNodeEngine } from '../src/lib/engine/node-engine';

const RUNS = Number(process.argv[2] ?? 5);

function program(tasks: number): string {
	return [
		'import asyncio',
		'async def worker(i):',
		'    await asyncio.sleep(1)',
		'    await asyncio.sleep(1)',
		'    return i',
		'async def main():',
		`    await asyncio.gather(*(worker(i) for i in range(${tasks})))`,
		'asyncio.run(main())',
		''
	].join('\n');
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const bootStart = performance.now();
const engine = await createNodeEngine();
console.log(`Pyodide + engine ready in ${(performance.now() - bootStart).toFixed(0)} ms`);
// Warm up imports and caches.
engine.run(program(100));

console.log(
	'| tasks | trace | median wall ms | median CPU ms | min CPU ms | median python ms | events | runs |'
);
console.log('| ---: | :---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const tasks of [1_000, 10_000]) {
	for (const trace of [false, true]) {
		const walls: number[] = [];
		const cpus: number[] = [];
		const pythons: number[] = [];
		let eventCount = 0;
		for (let i = 0; i < RUNS; i++) {
			const start = performance.now();
			const cpuStart = process.cpuUsage();
			const events = engine.run(program(tasks), { trace });
			const cpu = process.cpuUsage(cpuStart);
			walls.push(performance.now() - start);
			cpus.push((cpu.user + cpu.system) / 1000);
			const end = events[events.length - 1];
			if (end.kind !== 'run_end' || end.t !== 2) throw new Error('unexpected run end');
			pythons.push(end.real_ms);
			eventCount = events.length;
		}
		console.log(
			`| ${tasks.toLocaleString('en')} | ${trace ? 'on' : 'off'} | ${median(walls).toFixed(0)} | ` +
				`${median(cpus).toFixed(0)} | ${Math.min(...cpus).toFixed(0)} | ` +
				`${median(pythons).toFixed(0)} | ${eventCount.toLocaleString('en')} | ${RUNS} |`
		);
	}
}
