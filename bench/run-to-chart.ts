/**
 * Run to chart in Chromium, on the real playground with Python warm: the time from clicking Run
 * to the end of the frame that shows the new chart, for each course example and for a
 * 10,000-task program (engine + transfer + analysis + first render, the 2 s budget).
 */
import type { Page } from 'playwright-core';
import { setCode } from '../tests/e2e/playground-helpers';
import type { Repetitions } from './measure';

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
		const isChart = (node: Node) =>
			node instanceof SVGSVGElement && node.closest('[aria-roledescription="timeline"]') !== null;
		const endOfFrame = (drawn: boolean) => {
			observer.disconnect();
			requestAnimationFrame(() => {
				const channel = new MessageChannel();
				channel.port1.onmessage = () =>
					resolve({ frameMs: performance.now() - started, chart: drawn });
				channel.port2.postMessage(null);
			});
		};
		const observer = new MutationObserver((records) => {
			if (finished) return;
			for (const record of records) {
				for (const node of record.addedNodes) if (isChart(node)) chart = true;
			}
			if (!stop.disabled) sawRunning = true;
			else if (sawRunning) {
				finished = true;
				if (chart) endOfFrame(true);
				else {
					// The chart may be drawn by an effect right after the status change.
					requestAnimationFrame(() => endOfFrame(chart));
				}
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

/** Put `code` in the editor, then time `plan` runs of it (after the warm-up runs). */
export async function runToChart(
	page: Page,
	code: string,
	plan: Repetitions
): Promise<RunToChart[]> {
	await setCode(page, code);
	const samples: RunToChart[] = [];
	for (let i = 0; i < plan.warmup + plan.runs; i++) {
		const sample = await page.evaluate(clickRunAndWait);
		if (i >= plan.warmup) samples.push(sample);
	}
	return samples;
}
