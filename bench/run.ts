/**
 * `npm run bench`: every budget in docs/architecture.md ("Budgets") measured beside its anchor, in Node and
 * in headless Chromium, written to BENCHMARKS.md. Not part of the test suite.
 *
 *   npm run bench                 full run (about 5-10 minutes)
 *   npm run bench -- --quick      fewer repetitions, for checking the suite itself
 *   options: --only=engine,load,run,chart   --no-build   --out=FILE
 *
 * Sections fail independently: one that cannot be measured is reported as such and the others
 * still run.
 */
import { execFileSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import type { Browser } from 'playwright-core';
import { analyzeRun } from '../src/lib/engine/analyze';
import { createNodeEngine } from '../src/lib/engine/node-engine';
import type { Engine } from '../src/lib/engine/engine';
import { readExamples } from '../src/lib/examples/read-examples';
import { BUILD_DIR, launchBrowser } from '../tests/e2e/harness';
import {
	assertFinished,
	BENCH_LIMITS,
	engineCost,
	gatherProgram,
	timeOnCPython
} from './engine-native';
import { explanations } from './explanations';
import { describeMachine, loadAverage } from './machine';
import { sleep, summarize, timeSync, type Repetitions } from './measure';
import {
	measurePageLoads,
	newContext,
	openPlayground,
	waitForQuiet,
	type PageMarks
} from './page-load';
import { renderReport, times, type Row, type Section } from './report';
import { incrementsCost } from './increments';
import { loopCost } from './replay';
import { measureRestarts } from './restart';
import { runToChart, type RunToChart } from './run-to-chart';
import { buildIsStale, buildSite, ROOT, startBenchSite, type BenchSite } from './site';
import type { FirstChart } from './pages/chart-bench';
import type { BenchResult } from './timeline-harness';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only =
	args
		.find((arg) => arg.startsWith('--only='))
		?.slice(7)
		.split(',') ?? null;
const outFile = args.find((arg) => arg.startsWith('--out='))?.slice(6) ?? 'BENCHMARKS.md';
const wanted = (name: string) => only === null || only.includes(name);

/** Repetitions per kind of measurement: warm-up runs, then timed runs. */
const PLANS = {
	engineSmall: quick ? { warmup: 1, runs: 3 } : { warmup: 2, runs: 9 },
	engineMedium: quick ? { warmup: 1, runs: 2 } : { warmup: 1, runs: 5 },
	engineLarge: quick ? { warmup: 0, runs: 1 } : { warmup: 1, runs: 3 },
	// A ratio of two runs of about a second each: nine pairs, so one disturbed pair moves no median.
	loopPairs: quick ? { warmup: 1, runs: 2 } : { warmup: 2, runs: 9 },
	pageLoad: quick ? { warmup: 0, runs: 1 } : { warmup: 1, runs: 5 },
	example: quick ? { warmup: 1, runs: 1 } : { warmup: 2, runs: 5 },
	bigRun: quick ? { warmup: 1, runs: 1 } : { warmup: 1, runs: 3 },
	chart: quick ? { warmup: 1, runs: 2 } : { warmup: 1, runs: 5 }
} satisfies Record<string, Repetitions>;

/** Traces for the chart section: tasks gathered by main, each sleeping twice (5 segments). */
const CHART_TASKS = [200, 2_000, 10_000];
/** The timeline helper's generated runs at the same sizes: tasks × 5 segments each. */
const TIMELINE_CASES = [200, 2_000, 10_000];
const FRAME_MS = 1000 / 60;

const TITLES = {
	load: 'Start-up (Chromium)',
	bytes: 'Bytes (Chromium, cold load)',
	run: 'Run to chart (Chromium, warm)',
	chart: 'Analysis and chart (Chromium)',
	engine: 'Engine cost (Node)',
	loop: 'The event loop recorded and replayed (Node)'
};
/** The order of the sections in the report (they run in another order: see main). */
const SECTION_ORDER = [
	TITLES.load,
	TITLES.bytes,
	TITLES.run,
	TITLES.engine,
	TITLES.loop,
	TITLES.chart
];

function wantedTitle(title: string): boolean {
	if (title === TITLES.bytes) return wanted('load');
	if (title === TITLES.loop) return wanted('engine');
	const key = Object.entries(TITLES).find(([, value]) => value === title)?.[0];
	return key !== undefined && wanted(key);
}

const notes: string[] = [];
const sections: Section[] = [];

function log(message: string): void {
	console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

async function section(title: string, about: string, fill: (rows: Row[]) => Promise<void>) {
	const entry: Section = { title, about, rows: [] };
	sections.push(entry);
	log(title);
	try {
		await fill(entry.rows);
	} catch (error) {
		entry.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
		entry.error = entry.error.split('\n').slice(0, 3).join(' ');
		log(`  failed: ${entry.error}`);
	}
	await writeReport();
}

const ofFloor = (figure: number, anchor: number) => `${times(figure / anchor)} the floor`;
const ofCPython = (figure: number, anchor: number) => `${times(figure / anchor)} CPython's time`;

/** A remark for a row whose runs did not all draw a chart. */
function chartNote(samples: RunToChart[]): string {
	const drawn = samples.filter((sample) => sample.chart).length;
	if (drawn === samples.length) return '';
	if (drawn === 0) return ' (no chart: output only)';
	return ` (no chart in ${samples.length - drawn} of ${samples.length} runs)`;
}

function marksOf(samples: PageMarks[], key: keyof PageMarks): number[] {
	return samples.map((marks) => marks[key] ?? NaN).filter((value) => Number.isFinite(value));
}

async function engineSection(engine: Engine): Promise<void> {
	await section(
		TITLES.engine,
		'The same program (N tasks gathered by `main`, each awaiting `asyncio.sleep` twice) on the playground engine in Pyodide under Node, with and without tracing (and traced with the progress increments a runner without cross-origin isolation asks for, over traced without, run alternately), against native `python3` running it on the stock asyncio loop with every sleep 0 (so both do the same task steps and neither waits). Engine figures are the wall time of `Engine.run`, which includes turning the trace into JSON and parsing it; CPython figures are timed inside one `python3` process around the program.',
		async (rows) => {
			for (const tasks of [1_000, 10_000, 100_000]) {
				const plan =
					tasks === 1_000
						? PLANS.engineSmall
						: tasks === 10_000
							? PLANS.engineMedium
							: PLANS.engineLarge;
				log(`  ${tasks} tasks`);
				const cost = await engineCost(engine, tasks, plan);
				const label = `native CPython, ${tasks.toLocaleString('en')} tasks`;
				rows.push({
					figure: `${tasks.toLocaleString('en')} tasks, traced (${cost.events.toLocaleString('en')} events)`,
					unit: 'ms',
					samples: cost.traced,
					anchor: { label, samples: cost.cpython },
					ratio: ofCPython
				});
				rows.push({
					figure: `${tasks.toLocaleString('en')} tasks, untraced`,
					unit: 'ms',
					samples: cost.untraced,
					anchor: { label, samples: cost.cpython },
					ratio: ofCPython
				});
			}
			log('  10000 tasks with progress increments');
			const reporting = incrementsCost(engine, 10_000, PLANS.engineMedium);
			const made = `${reporting.increments} increments, ${(reporting.chars / 1e6).toFixed(1)} M characters`;
			rows.push({
				figure: `10,000 tasks, traced: with progress increments every 250 ms (${made}) over without`,
				unit: 'ratio',
				samples: reporting.overhead,
				budget: { id: 'increments-overhead', max: 1.1, text: '≤ 1.1×' }
			});
		}
	);
}

async function loopSection(engine: Engine): Promise<void> {
	await section(
		TITLES.loop,
		"The 10,000-task program of the engine section. Recording the loop: `Engine.run` traced (trace version 2: the loop's turns and every handle scheduled, besides the tasks) over the same run traced with `trace_loop: false` (version 1's events alone), run alternately, one ratio per pair. The replay (`buildReplay`, engine/replay.ts) of that trace: the state at a step (`stateAt`) for a sample of steps (every turn, and 200 spread over the run), the slowest of them measured again; and the heap the Run model holds, with and without the replay beside it (Node's heap after a collection, the trace kept alive throughout).",
		async (rows) => {
			const tasks = 10_000;
			const cost = loopCost(engine, tasks, PLANS.loopPairs);
			const perTask = `${cost.eventsPerTask.v2.toFixed(1)} events a task, against ${cost.eventsPerTask.v1.toFixed(1)}`;
			rows.push(
				{
					figure: `10,000 tasks: traced with the loop over traced without it (${perTask})`,
					unit: 'ratio',
					samples: cost.overhead,
					budget: { id: 'loop-overhead', max: 1.3, text: '≤ 1.3×' }
				},
				{
					figure: 'State at a step, the slowest of the steps sampled (10,000 tasks)',
					unit: 'ms',
					samples: cost.slowestState,
					anchor: { label: `every step sampled (${cost.states.length})`, samples: cost.states },
					ratio: (figure, anchor) => `${times(figure / anchor)} the median step`,
					budget: { id: 'state', max: 5, text: '< 5 ms' }
				},
				{
					figure: 'Building the replay (10,000 tasks)',
					unit: 'ms',
					samples: cost.build
				},
				{
					figure: 'Heap of the Run model with the replay, over the model alone (10,000 tasks)',
					unit: 'ratio',
					samples: [cost.withReplayBytes / cost.modelBytes],
					budget: { id: 'replay-memory', max: 2, text: '≤ 2×' }
				}
			);
			notes.push(
				`Heap held for 10,000 tasks: the Run model ${(cost.modelBytes / 1e6).toFixed(1)} MB; with the replay ${(cost.withReplayBytes / 1e6).toFixed(1)} MB.`
			);
		}
	);
}

interface ExampleFacts {
	slug: string;
	title: string;
	code: string;
	/** Virtual seconds the run lasts: what real CPython would spend waiting. */
	duration: number;
}

/** Each example's virtual duration, from the engine in Node (the same engine as the page). */
function exampleFacts(engine: Engine): ExampleFacts[] {
	return readExamples().map((example) => {
		const model = analyzeRun(engine.run(example.code));
		return {
			slug: example.slug,
			title: example.title,
			code: example.code,
			duration: model.duration
		};
	});
}

/** Write the chart section's traces; returns the time each took to make (the engine, traced). */
function writeChartTraces(engine: Engine, site: BenchSite): Map<number, number[]> {
	const made = new Map<number, number[]>();
	for (const tasks of CHART_TASKS) {
		let json = '';
		const samples = [0, 1, 2].map(() =>
			timeSync(() => {
				const events = engine.run(gatherProgram(tasks, 1), { ...BENCH_LIMITS, trace: true });
				assertFinished(events, `${tasks}-task trace`);
				json = JSON.stringify(events);
			})
		);
		made.set(tasks, samples.slice(1));
		site.write(`trace-${tasks}.json`, json);
	}
	return made;
}

async function loadSection(browser: Browser, site: BenchSite): Promise<void> {
	let bytesRows: Row[] = [];
	await section(
		TITLES.load,
		'Milliseconds from navigation start. Cold: a fresh browser profile on disk (empty cache and storage) each time. Return visit: a new tab in a profile that has loaded the page before (warm HTTP cache and whatever the page keeps). Profiles, not off-the-record contexts: those do not keep Pyodide\'s 9.6 MB WebAssembly file in their HTTP cache, so a return visit there downloads and compiles it again. The anchor is the floor: `bench/pages/bare.html`, a page that only calls `loadPyodide()` in a module worker from the same `/pyodide/` files on the same server, measured in the same way and interleaved with the playground. "Editor usable" is when the page has hydrated (the status line leaves its prerendered text): the plain editor takes input and Run is wired; Monaco replaces it later. Stop → next run: on the runner\'s dev page (/dev/runner), from Stop on a runaway `while True: pass` to the result of the next run; "back to back" stops a second time at once, so the replacement starts from the stored snapshot with no warm spare.',
		async (rows) => {
			const loads = await measurePageLoads(site.server, site.root, PLANS.pageLoad);
			const restartContext = await newContext(browser);
			const restarts = await measureRestarts(
				restartContext,
				site.server.url('/dev/runner?watchdog=300000'),
				PLANS.pageLoad
			);
			await restartContext.close();
			const cold = { label: 'bare `loadPyodide()`, cold', samples: loads.bareCold };
			const warm = { label: 'bare `loadPyodide()`, cached', samples: loads.bareWarm };
			const editorBudget = { id: 'editor', max: 1000, text: '< 1 s' };
			rows.push(
				{
					figure: 'Editor usable, cold',
					unit: 'ms',
					samples: marksOf(loads.cold, 'hydrated'),
					anchor: cold,
					ratio: ofFloor,
					budget: editorBudget
				},
				{
					figure: 'Editor usable, return visit',
					unit: 'ms',
					samples: marksOf(loads.warm, 'hydrated'),
					anchor: warm,
					ratio: ofFloor,
					budget: editorBudget
				},
				{
					figure: 'Monaco editor in, cold',
					unit: 'ms',
					samples: marksOf(loads.cold, 'monaco'),
					anchor: cold,
					ratio: ofFloor
				},
				{
					figure: 'Monaco editor in, return visit',
					unit: 'ms',
					samples: marksOf(loads.warm, 'monaco'),
					anchor: { label: 'Python ready, return visit', samples: marksOf(loads.warm, 'ready') },
					ratio: (figure, anchor) => `${times(figure / anchor)} Python ready`,
					budget: { id: 'monaco', max: 1, ofAnchor: true, text: '≤ 1.0× Python ready' }
				},
				{
					figure: 'Python ready, cold',
					unit: 'ms',
					samples: marksOf(loads.cold, 'ready'),
					anchor: cold,
					ratio: ofFloor,
					budget: { id: 'ready-cold', max: 1.1, ofAnchor: true, text: '≤ 1.1× the floor' }
				},
				{
					figure: 'Python ready, return visit',
					unit: 'ms',
					samples: marksOf(loads.warm, 'ready'),
					anchor: warm,
					ratio: ofFloor,
					budget: { id: 'ready', max: 0.15, ofAnchor: true, text: '≤ 0.15× the floor' }
				},
				{
					figure: 'Stop on `while True: pass` → next run, warm spare',
					unit: 'ms',
					samples: restarts.warmSpare,
					anchor: warm,
					ratio: ofFloor,
					budget: { id: 'restart', max: 500, text: '< 0.5 s' }
				},
				{
					figure: 'Stop → next run, back to back (no spare: from the snapshot)',
					unit: 'ms',
					samples: restarts.backToBack,
					anchor: warm,
					ratio: ofFloor,
					budget: {
						id: 'restart-snapshot',
						max: 0.15,
						ofAnchor: true,
						text: '≤ 0.15× the floor'
					}
				},
				{
					figure: 'Default example charted, cold',
					unit: 'ms',
					samples: marksOf(loads.cold, 'chart'),
					anchor: cold,
					ratio: ofFloor
				},
				{
					figure: 'Default example charted, return visit',
					unit: 'ms',
					samples: marksOf(loads.warm, 'chart'),
					anchor: warm,
					ratio: ofFloor
				}
			);
			const b = loads.bytes;
			const share = (figure: number, anchor: number) =>
				`${((figure / anchor) * 100).toFixed(0)}% of it`;
			bytesRows = [
				{
					figure: `JavaScript before the editor is usable, gzipped (${b.jsBeforeUsableFiles.length} files)`,
					unit: 'bytes',
					samples: [b.jsBeforeUsableGzip],
					anchor: { label: 'all JavaScript of a cold load, gzipped', samples: [b.allJsGzip] },
					ratio: share,
					budget: { id: 'js', max: 200_000, text: '< 200 KB' }
				},
				{
					figure: 'The HTML page, gzipped (inline start-up script included)',
					unit: 'bytes',
					samples: [b.htmlGzip]
				},
				{
					figure: `Everything a cold load fetches (${b.requests} requests)`,
					unit: 'bytes',
					samples: [b.totalRaw],
					anchor: { label: 'the bare floor page, cold', samples: [loads.bareBytes.raw] },
					ratio: (f, a) => `${times(f / a)} the floor`,
					budget: { id: 'bytes', max: 1.1, ofAnchor: true, text: '≤ 1.1× the floor' }
				},
				{
					figure: 'The same, if served gzipped',
					unit: 'bytes',
					samples: [b.totalGzip],
					anchor: { label: 'the bare floor page, gzipped', samples: [loads.bareBytes.gzip] },
					ratio: (f, a) => `${times(f / a)} the floor`
				}
			];
			notes.push(
				`Largest files of a cold load: ${b.largest.map((file) => `${file.path} ${(file.raw / 1e6).toFixed(2)} MB (${(file.gzip / 1e6).toFixed(2)} MB gzipped)`).join('; ')}.`,
				`JavaScript before the editor is usable: ${b.jsBeforeUsableFiles.join(', ')}.`
			);
		}
	);
	sections.push({
		title: TITLES.bytes,
		about:
			'Files the static server sent, sized on disk; "gzipped" is each file compressed with gzip level 6, as a static host would serve it (the test server sends them uncompressed). KB = 1,000 bytes. The cold load is counted until the network is quiet after Python is ready.',
		rows: bytesRows,
		error: bytesRows.length === 0 ? 'the start-up section failed, see above' : undefined
	});
}

async function runSection(
	browser: Browser,
	site: BenchSite,
	examples: ExampleFacts[],
	engine: Engine
): Promise<void> {
	await section(
		TITLES.run,
		'On the real playground with Python ready and its spare runtime loaded: milliseconds from clicking Run to the end of the frame that shows the new chart (engine in the worker, transfer, analysis, render, paint). The anchor is what real CPython would need for the same program: the run\'s virtual duration, since its `asyncio.sleep` and `time.sleep` calls take real time there; the ratio is the time-warp factor. The 10,000-task rows are the budget "engine + analysis + first render": against native CPython running it with sleeps of 0, and against the playground\'s engine alone running it traced in Node, in the same run.',
		async (rows) => {
			const context = await newContext(browser);
			const { page } = await openPlayground(context, site.server.url('/'));
			await waitForQuiet(site.server);
			await sleep(3000);
			const budget = { id: 'run', max: 100, text: '< 100 ms' };
			for (const example of examples) {
				const samples = await runToChart(page, example.code, PLANS.example);
				rows.push({
					figure: `${example.slug}${chartNote(samples)}`,
					unit: 'ms',
					samples: samples.map((sample) => sample.frameMs),
					anchor:
						example.duration > 0
							? {
									label: `${example.duration.toFixed(2)} s of asyncio time`,
									samples: [example.duration * 1000]
								}
							: { label: 'no waiting: 0 s', samples: [0] },
					ratio: (figure, anchor) =>
						anchor > 0 ? `${times(anchor / figure)} faster than real` : '—',
					budget
				});
			}
			log('  10,000 tasks');
			const cpython10k = timeOnCPython(gatherProgram(10_000, 0), PLANS.engineMedium);
			const big = await runToChart(page, gatherProgram(10_000, 1), PLANS.bigRun);
			rows.push({
				figure: `10,000 tasks (gather, two sleeps each): engine + analysis + first render${chartNote(big)}`,
				unit: 'ms',
				samples: big.map((sample) => sample.frameMs),
				anchor: { label: 'native CPython, sleeps of 0', samples: cpython10k },
				ratio: ofCPython,
				budget: { id: 'big', max: 2000, text: '< 2 s' }
			});
			// The same program on the engine alone (Node, traced): what the sandbox, the analysis and
			// the first render add to it.
			const alone = (await engineCost(engine, 10_000, PLANS.engineMedium)).traced;
			rows.push({
				figure: '10,000 tasks: engine + analysis + first render, over the engine alone',
				unit: 'ms',
				samples: big.map((sample) => sample.frameMs),
				anchor: { label: 'engine alone, traced, Node', samples: alone },
				ratio: (figure, anchor) => `${times(figure / anchor)} the engine alone`,
				budget: { id: 'big', max: 1.5, ofAnchor: true, text: '≤ 1.5× the engine alone' }
			});
			await context.close();
		}
	);
}

async function chartSection(
	browser: Browser,
	site: BenchSite,
	traceCost: Map<number, number[]>
): Promise<void> {
	await section(
		TITLES.chart,
		"Real engine traces (tasks gathered by `main`, each sleeping twice: five segments a task) analysed by `analyzeRun` and drawn by the live timeline (`TimelineInteraction`), timed from the start of an animation frame to the end of the rendered frame; the anchor is the engine run (Node, traced) that made the trace. Zoom and pan frames come from the timeline helper's own benchmark (`bench/timeline-harness.ts`, its generated runs of the same sizes): the redraw plus the style and layout it forces, per frame, against one 60 Hz frame.",
		async (rows) => {
			const context = await newContext(browser);
			const page = await context.newPage();
			await page.goto(site.server.url('/bench/chart-bench.html'));
			await page.waitForFunction(() => 'benchFirstChart' in window);
			for (const tasks of CHART_TASKS) {
				const url = `/bench/trace-${tasks}.json`;
				const results: FirstChart[] = [];
				for (let i = 0; i < PLANS.chart.warmup + PLANS.chart.runs; i++) {
					const result = await page.evaluate(
						(u) =>
							(
								window as unknown as { benchFirstChart: (u: string) => Promise<FirstChart> }
							).benchFirstChart(u),
						url
					);
					if (i >= PLANS.chart.warmup) results.push(result);
				}
				const segments = results[0].segments.toLocaleString('en');
				const anchor = {
					label: `engine run that made the trace (${tasks.toLocaleString('en')} tasks)`,
					samples: traceCost.get(tasks) ?? []
				};
				const ofEngine = (f: number, a: number) => `${times(f / a)} the engine's time`;
				rows.push(
					{
						figure: `${segments} segments: analysis`,
						unit: 'ms',
						samples: results.map((r) => r.analyzeMs),
						anchor,
						ratio: ofEngine
					},
					{
						figure: `${segments} segments: analysis + first render, to paint`,
						unit: 'ms',
						samples: results.map((r) => r.firstFrameMs),
						anchor,
						ratio: ofEngine
					}
				);
			}
			const frame = { label: 'one 60 Hz frame', samples: [FRAME_MS] };
			const ofFrame = (f: number, a: number) => `${times(f / a)} a frame`;
			for (const tasks of TIMELINE_CASES) {
				for (const expanded of [false, true]) {
					const call = () =>
						page.evaluate(
							([t, e]) =>
								(
									window as unknown as {
										timelineBench: (t: number, s: number, e: boolean) => Promise<BenchResult>;
									}
								).timelineBench(t, 5, e),
							[tasks, expanded] as const
						);
					let result: BenchResult;
					try {
						if (!quick) await call();
						result = await call();
					} catch (error) {
						notes.push(
							`Timeline benchmark, ${tasks} tasks${expanded ? ' expanded' : ''}: ${String(error).split('\n')[0]}`
						);
						continue;
					}
					const name = `${result.segments.toLocaleString('en')} segments, ${expanded ? 'one lane per task' : 'lanes grouped'}`;
					const budget =
						result.segments >= 50_000 ? { id: 'frame', max: 16, text: '< 16 ms' } : undefined;
					rows.push(
						{
							figure: `${name}: first render`,
							unit: 'ms',
							samples: [result.firstRenderMs],
							anchor: frame,
							ratio: ofFrame
						},
						{
							figure: `${name}: zoom frame`,
							unit: 'ms',
							samples: result.zoomFrameMs,
							anchor: frame,
							ratio: ofFrame,
							budget
						},
						{
							figure: `${name}: pan frame`,
							unit: 'ms',
							samples: result.panFrameMs,
							anchor: frame,
							ratio: ofFrame,
							budget
						}
					);
				}
			}
			await context.close();
		}
	);
}

/** Everything the report needs besides the sections, set once the browser and Pyodide are up. */
const run = {
	started: performance.now(),
	loadBefore: loadAverage(),
	chromium: 'unknown',
	pyodidePython: 'unknown',
	finished: false
};

/**
 * Write BENCHMARKS.md (or --out) now: after every section, so a run cut short still leaves
 * every figure measured so far.
 */
async function writeReport(): Promise<void> {
	const order = SECTION_ORDER;
	const sorted = [...sections].sort((a, b) => order.indexOf(a.title) - order.indexOf(b.title));
	const pending = order.filter(
		(title) => !sections.some((entry) => entry.title === title) && wantedTitle(title)
	);
	const markdown = renderReport({
		machine: describeMachine({ chromium: run.chromium, pyodidePython: run.pyodidePython }),
		loadBefore: run.loadBefore,
		loadAfter: loadAverage(),
		quick,
		site: siteDescription(),
		wallSeconds: (performance.now() - run.started) / 1000,
		sections: sorted,
		explanations,
		notes: [
			...notes,
			...(run.finished || pending.length === 0
				? []
				: [
						`This file was written while the run was still going: not yet measured: ${pending.join('; ')}.`
					])
		]
	});
	const path = resolve(ROOT, outFile);
	// Formatted with the repository's own Prettier settings, so `npm run lint` stays green.
	const config = (await resolveConfig(path)) ?? {};
	const formatted = await format(markdown, { ...config, parser: 'markdown', filepath: path });
	writeFileSync(path, formatted);
}

/** Which build the browser sections loaded: build/'s date and the commit checked out. */
function siteDescription(): string {
	const built = statSync(join(BUILD_DIR, 'index.html')).mtime.toISOString().slice(0, 16);
	let commit = 'unknown commit';
	try {
		commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
			cwd: ROOT,
			encoding: 'utf8'
		}).trim();
	} catch {
		// Not a git checkout: the date alone says which build it was.
	}
	return `build/ of ${built.replace('T', ' ')} UTC, working tree at git ${commit}`;
}

async function main(): Promise<void> {
	log(`load average ${run.loadBefore}${quick ? ', quick' : ''}`);
	if (!args.includes('--no-build') && buildIsStale()) {
		log('build/ is missing or stale: npm run build');
		buildSite();
	}
	const site = await startBenchSite();
	const browser = await launchBrowser();
	run.chromium = browser.version();
	try {
		log('loading Pyodide in Node');
		const engine = await createNodeEngine();
		run.pyodidePython = engine.python;
		// Browser sections first, the long engine section last: a run cut short keeps most.
		const examples = wanted('run') ? exampleFacts(engine) : [];
		const traceCost = wanted('chart')
			? writeChartTraces(engine, site)
			: new Map<number, number[]>();
		if (wanted('load')) await loadSection(browser, site);
		if (wanted('run')) await runSection(browser, site, examples, engine);
		if (wanted('chart')) await chartSection(browser, site, traceCost);
		if (wanted('engine')) {
			await engineSection(engine);
			await loopSection(engine);
		}
	} finally {
		await browser.close().catch(() => undefined);
		await site.close();
	}
	run.finished = true;
	await writeReport();
	log(`wrote ${resolve(ROOT, outFile)}`);
	for (const entry of sections) {
		if (entry.error) log(`section failed: ${entry.title}: ${entry.error}`);
	}
	console.log(summarizeForConsole());
}

function summarizeForConsole(): string {
	const lines: string[] = [];
	for (const entry of sections) {
		for (const row of entry.rows) {
			const s = summarize(row.samples);
			lines.push(`${row.figure}: ${s.median.toFixed(1)} (${s.runs} runs)`);
		}
	}
	return lines.join('\n');
}

await main();
