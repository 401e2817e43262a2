/**
 * One job of the CPython test run (run.ts), in a worker thread: a fresh Pyodide with the engine,
 * CPython's test files and harness.py, then one module in one configuration.
 *
 * Messages to the parent: {kind: 'start', id} when a test starts, {kind: 'done', id, outcome,
 * detail} as soon as it ends (so a worker that has to be ended loses nothing already reported,
 * and the parent knows which test it was in), then {kind: 'finished', tests} or
 * {kind: 'failed', error}. `beats` (shared) counts test starts and ends for the parent's watchdog,
 * which interrupts a test that runs too long through `interrupt` (Pyodide's interrupt buffer).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { PyodideAPI } from 'pyodide';
import { readPythonSources } from '../../src/lib/engine/python-files';
import { bootNodeRuntime } from '../../src/lib/runner/snapshot/node-cache';

export interface WorkerJob {
	module: string;
	mode: string;
	skip: string[];
	beats: SharedArrayBuffer;
	interrupt: SharedArrayBuffer;
}

export type WorkerMessage =
	| { kind: 'start'; id: string }
	| { kind: 'done'; id: string; outcome: string; detail: string }
	| { kind: 'finished'; tests: number }
	| { kind: 'failed'; error: string };

const HERE = fileURLToPath(new URL('.', import.meta.url));
/** Where CPython's `test` package is written in Pyodide's file system. */
const TESTS_ROOT = '/cpython';

function writeTree(pyodide: PyodideAPI, from: string, to: string): void {
	for (const name of readdirSync(from)) {
		const source = join(from, name);
		const target = `${to}/${name}`;
		if (statSync(source).isDirectory()) {
			if (name === '__pycache__') continue;
			pyodide.FS.mkdirTree(target);
			writeTree(pyodide, source, target);
		} else {
			pyodide.FS.writeFile(target, readFileSync(source));
		}
	}
}

async function main(job: WorkerJob): Promise<void> {
	const post = (message: WorkerMessage) => parentPort!.postMessage(message);
	const quiet = () => {};
	const { engine } = await bootNodeRuntime({
		sources: readPythonSources(),
		load: async (extra) => {
			const { loadPyodide } = await import('pyodide');
			// In a worker thread Pyodide cannot find its own files: say where they are.
			const indexURL = fileURLToPath(new URL('.', import.meta.resolve('pyodide')));
			return loadPyodide({ ...extra, indexURL, stdout: quiet, stderr: quiet } as Parameters<
				typeof loadPyodide
			>[0]);
		}
	});
	const pyodide = engine.pyodide;
	pyodide.FS.mkdirTree(`${TESTS_ROOT}/test`);
	writeTree(pyodide, join(HERE, 'test'), `${TESTS_ROOT}/test`);
	pyodide.FS.writeFile(`${TESTS_ROOT}/cpython_harness.py`, readFileSync(join(HERE, 'harness.py')));
	pyodide.runPython(`import sys; sys.path.insert(0, ${JSON.stringify(TESTS_ROOT)})`);
	pyodide.setInterruptBuffer(new Int32Array(job.interrupt));
	const beats = new Int32Array(job.beats);
	const notify = (kind: string, id: string, outcome?: string, detail?: string) => {
		// Starts and ends only: an odd count means a test is running.
		if (kind !== 'revised') Atomics.add(beats, 0, 1);
		if (kind === 'start') post({ kind, id });
		else post({ kind: 'done', id, outcome: outcome!, detail: detail ?? '' });
	};
	const harness = pyodide.pyimport('cpython_harness');
	const answer = JSON.parse(
		harness.run_module(job.module, job.mode, JSON.stringify(job.skip), notify) as string
	) as { tests?: number; error?: string };
	if (answer.error) post({ kind: 'failed', error: answer.error });
	else post({ kind: 'finished', tests: answer.tests ?? 0 });
}

main(workerData as WorkerJob).catch((error: unknown) => {
	parentPort!.postMessage({
		kind: 'failed',
		error: String(error).slice(0, 2000)
	} satisfies WorkerMessage);
});
