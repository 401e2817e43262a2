/**
 * `npm run test:cpython`: CPython 3.14's own asyncio tests (tests/cpython/test) on Pyodide, each
 * module on the stock loop, on the virtual loop bare and with the run-time patches
 * (harness.py), then docs/fidelity.md from the results (report.ts).
 *
 * Jobs run in worker threads, two at a time; a watchdog here interrupts a test that runs longer
 * than TEST_SECONDS, and ends a worker that does not answer the interrupt (the job then goes on
 * in a new worker, after the tests already reported). Exits 1 when a test that passes on the
 * stock loop fails on a virtual configuration and is not listed in expectations.ts, or when a test
 * listed there as a known failure passes.
 *
 *   npm run test:cpython [-- --modules test_locks,test_queues] [-- --modes stock,patched]
 *                        [-- --no-report] [-- --report-only]
 *
 * The results are kept in node_modules/.cache/asyncio-playground/cpython-results.json;
 * --report-only writes the report from them again without running anything.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { format, resolveConfig } from 'prettier';
import { MODES, MODULES, type Mode, type Outcome, type Results } from './expectations';
import { regressions, renderReport, stale } from './report';
import type { WorkerJob, WorkerMessage } from './worker';

/** A test that takes longer than this, in real seconds, is interrupted (a hang). */
const TEST_SECONDS = 20;
/** A worker that does not answer the interrupt within this many seconds is ended. */
const GRACE_SECONDS = 10;

const TSX_API = import.meta.resolve('tsx/esm/api');
const WORKER = new URL('./worker.ts', import.meta.url).href;

interface Job {
	module: string;
	mode: Mode;
}

function runJob(job: Job, outcomes: Map<string, Outcome>): Promise<string | null> {
	return new Promise((resolve) => {
		const beats = new SharedArrayBuffer(4);
		const interrupt = new SharedArrayBuffer(4);
		const data: WorkerJob = { ...job, skip: [...outcomes.keys()], beats, interrupt };
		// Node 20 does not pass tsx's loader to worker threads: the worker loads worker.ts itself.
		const worker = new Worker(
			`import(${JSON.stringify(TSX_API)}).then(({ tsImport }) =>
			   tsImport(${JSON.stringify(WORKER)}, ${JSON.stringify(import.meta.url)}))`,
			{ eval: true, workerData: data }
		);
		const beat = new Int32Array(beats);
		let lastBeat = Atomics.load(beat, 0);
		let since = Date.now();
		let interruptedAt = 0;
		let running: string | null = null;
		let settled = false;
		const finish = (error: string | null) => {
			if (settled) return;
			settled = true;
			clearInterval(watchdog);
			void worker.terminate();
			resolve(error);
		};
		const watchdog = setInterval(() => {
			const now = Atomics.load(beat, 0);
			if (now !== lastBeat) {
				lastBeat = now;
				since = Date.now();
				interruptedAt = 0;
				return;
			}
			// Nothing counted yet: Pyodide is still starting, which takes its own time. Otherwise
			// a test (odd count) or what runs between two tests (a runner's teardown) hangs.
			if (now === 0) return;
			const waited = (Date.now() - since) / 1000;
			if (!interruptedAt && waited > TEST_SECONDS) {
				interruptedAt = Date.now();
				Atomics.store(new Int32Array(interrupt), 0, 2);
			} else if (interruptedAt && (Date.now() - interruptedAt) / 1000 > GRACE_SECONDS) {
				// The next worker goes on after this test.
				if (running !== null) outcomes.set(running, ['timeout', 'the worker stopped answering']);
				finish('stuck');
			}
		}, 250);
		worker.on('message', (message: WorkerMessage) => {
			if (message.kind === 'start') {
				running = message.id;
			} else if (message.kind === 'done') {
				running = null;
				outcomes.set(message.id, [message.outcome, message.detail] as Outcome);
			} else if (message.kind === 'finished') {
				finish(null);
			} else {
				finish(message.error);
			}
		});
		worker.on('error', (error) => finish(String(error)));
		worker.on('exit', () => finish('the worker exited'));
	});
}

/**
 * Run one job to its end, in a new worker after a stuck one (which goes on after the test it was
 * stuck in), until a few workers in a row get nowhere.
 */
async function runToEnd(
	job: Job
): Promise<{ outcomes: Map<string, Outcome>; note: string | null }> {
	const outcomes = new Map<string, Outcome>();
	let note: string | null = null;
	for (let fruitless = 0; fruitless < 3;) {
		const before = outcomes.size;
		const error = await runJob(job, outcomes);
		if (error === null) return { outcomes, note };
		if (error !== 'stuck') return { outcomes, note: error };
		note = 'a worker stopped answering and was replaced';
		fruitless = outcomes.size > before ? 0 : fruitless + 1;
	}
	return { outcomes, note };
}

/** The last run's results, kept so that `--report-only` can write the report again. */
const RESULTS = new URL(
	'../../node_modules/.cache/asyncio-playground/cpython-results.json',
	import.meta.url
);

async function runAll(modules: readonly string[], modes: readonly Mode[]): Promise<Results> {
	const jobs: Job[] = modules.flatMap((module) => modes.map((mode) => ({ module, mode })));
	const results: Results = {};
	const started = Date.now();
	let next = 0;
	const lanes = Math.max(1, Math.min(2, availableParallelism()));
	await Promise.all(
		Array.from({ length: lanes }, async () => {
			while (next < jobs.length) {
				const job = jobs[next++];
				const jobStarted = Date.now();
				const { outcomes, note } = await runToEnd(job);
				results[job.module] ??= {};
				results[job.module][job.mode] = {
					tests: Object.fromEntries(outcomes),
					note,
					seconds: (Date.now() - jobStarted) / 1000
				};
				const count = outcomes.size;
				console.log(
					`${job.module} ${job.mode}: ${count} tests in ${((Date.now() - jobStarted) / 1000).toFixed(1)} s${note ? ` (${note})` : ''}`
				);
			}
		})
	);
	const seconds = (Date.now() - started) / 1000;
	console.log(`all jobs in ${seconds.toFixed(0)} s`);
	return results;
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const only = args.includes('--modules') ? args[args.indexOf('--modules') + 1].split(',') : null;
	const modes = args.includes('--modes')
		? MODES.filter((mode) => args[args.indexOf('--modes') + 1].split(',').includes(mode))
		: MODES;
	let results: Results;
	if (args.includes('--report-only')) {
		results = JSON.parse(readFileSync(RESULTS, 'utf8')) as Results;
	} else {
		results = await runAll(
			MODULES.filter((module) => !only || only.includes(module)),
			modes
		);
		mkdirSync(new URL('.', RESULTS), { recursive: true });
		writeFileSync(RESULTS, JSON.stringify(results));
	}
	if (!args.includes('--no-report') && !only && modes === MODES) {
		const report = fileURLToPath(new URL('../../docs/fidelity.md', import.meta.url));
		// Formatted as `npm run lint` wants the repository's Markdown.
		const options = { ...(await resolveConfig(report)), filepath: report };
		writeFileSync(report, await format(renderReport(results), options));
		console.log(`wrote ${report}`);
	}
	const unexpected = [...regressions(results), ...stale(results)];
	for (const line of unexpected) console.error(`unexpected: ${line}`);
	process.exitCode = unexpected.length ? 1 : 0;
}

await main();
