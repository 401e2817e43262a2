/**
 * Run to chart in Chromium, on the real playground with Python warm: the time from clicking Run
 * to the end of the frame that shows the new chart, for each course example and for a
 * 10,000-task program (engine + transfer + analysis + first render, the 2 s budget).
 */
import type { Page } from 'playwright-core';
import { encodeShare, shareFragment } from '../src/lib/share/codec';
import { editorText } from '../tests/e2e/playground-helpers';
import { sleep, type Repetitions } from './measure';

export interface RunToChart {
	/** Milliseconds from the click to the end of the painted frame. */
	frameMs: number;
	/** Whether a chart was drawn (a program that fails before any task runs draws none). */
	chart: boolean;
}

/**
 * Click Run (from page script, so the clock starts at the click itself) and resolve once the
 * run is over (Stop is disabled again) and the chart it produced is in the page, at the end of
 * the next rendered frame.
 */
function clickRunAndWait(): Promise<RunToChart> {
	const stop = document.querySelector<HTMLButtonElement>('button[aria-label="Stop"]');
	const run = document.querySelector<HTMLButtonElement>('button[aria-label="Run"]');
	if (!stop || !run) throw new Error('Run or Stop button missing');
	return new Promise((resolve) => {
		let sawRunning = false;
		let chart = false;
		let finished = false;
		let ended = false;
		const isChart = (node: Node) =>
			node instanceof SVGSVGElement && node.closest('[aria-roledescription="timeline"]') !== null;
		const endOfFrame = (drawn: boolean) => {
			if (ended) return;
			ended = true;
			observer.disconnect();
			requestAnimationFrame(() => {
				const channel = new MessageChannel();
				channel.port1.onmessage = () =>
					resolve({ frameMs: performance.now() - started, chart: drawn });
				channel.port2.postMessage(null);
			});
		};
		// The chart draws a new run in the frame after the run ends: wait for it a few frames (a
		// program that fails before any task runs draws none).
		const awaitChart = (frames: number) => {
			if (chart) endOfFrame(true);
			else if (frames === 0) endOfFrame(false);
			else requestAnimationFrame(() => awaitChart(frames - 1));
		};
		const observer = new MutationObserver((records) => {
			for (const record of records) {
				for (const node of record.addedNodes) if (isChart(node)) chart = true;
			}
			if (finished) {
				if (chart) endOfFrame(true);
			} else if (!stop.disabled) sawRunning = true;
			else if (sawRunning) {
				finished = true;
				awaitChart(3);
			}
		});
		observer.observe(document.body, {
			subtree: true,
			childList: true,
			attributes: true,
			attributeFilter: ['disabled']
		});
		const started = performance.now();
		run.click();
	});
}

/**
 * Put `code` in the editor the way a pasted share link does (the page opens `#code=...` on
 * hashchange), then wait until the editor shows it. Typing it would not do: Monaco on
 * Chromium's EditContext auto-indents inserted text, so the program would change.
 */
export async function showCode(page: Page, code: string): Promise<void> {
	const encoded = encodeShare(code);
	if (!encoded.ok) throw new Error(encoded.message);
	await page.evaluate((fragment) => {
		location.hash = fragment;
	}, shareFragment(encoded.payload));
	const expected = code.split('\n');
	for (let waited = 0; waited < 20_000; waited += 100) {
		const shown = (await editorText(page)).split('\n');
		const lines = Math.min(8, shown.length - 1, expected.length);
		if (lines > 0 && shown.slice(0, lines).every((line, i) => line === expected[i])) return;
		await sleep(100);
	}
	throw new Error(`the editor never showed the program starting "${expected[0]}"`);
}

/** Show `code` in the editor, then time `plan` runs of it (after the warm-up runs). */
export async function runToChart(
	page: Page,
	code: string,
	plan: Repetitions
): Promise<RunToChart[]> {
	// A hack, labelled: tsx compiles this file with esbuild's keepNames, which wraps the inner
	// functions of clickRunAndWait in calls to a `__name` helper that the page does not have.
	await page.evaluate('globalThis.__name ??= (fn) => fn');
	await showCode(page, code);
	const samples: RunToChart[] = [];
	for (let i = 0; i < plan.warmup + plan.runs; i++) {
		const sample = await page.evaluate(clickRunAndWait);
		if (i >= plan.warmup) samples.push(sample);
	}
	return samples;
}
