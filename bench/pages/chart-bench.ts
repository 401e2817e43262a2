/**
 * Browser side of the chart benchmark, bundled by Vite into /bench/chart-bench.js.
 *
 * - `benchFirstChart(url)`: a real engine trace, analysed (analyzeRun) and drawn by the live
 *   timeline (TimelineInteraction, the class inside Timeline.svelte), timed from the start of an
 *   animation frame to the first task after that frame was rendered, so style, layout and
 *   paint count and no vsync wait does.
 * - `timelineBench`: the timeline helper's own render, zoom and pan benchmark
 *   (bench/timeline-harness.ts), reused as it is.
 */
import { analyzeRun } from '../../src/lib/engine/analyze';
import type { TraceEvent } from '../../src/lib/engine/events';
import { cssVariables } from '../../src/lib/timeline/theme';
import { TimelineInteraction } from '../../src/lib/timeline/interaction';
import { run as timelineBench } from '../timeline-harness';

export interface FirstChart {
	tasks: number;
	segments: number;
	/** analyzeRun alone. */
	analyzeMs: number;
	/** analyzeRun, then the first render, to the end of the rendered frame. */
	firstFrameMs: number;
}

/** Run `work` inside an animation frame; resolve with the ms until that frame was rendered. */
function frame(work: () => void): Promise<number> {
	return new Promise((resolve) => {
		requestAnimationFrame(() => {
			const started = performance.now();
			work();
			const channel = new MessageChannel();
			channel.port1.onmessage = () => resolve(performance.now() - started);
			channel.port2.postMessage(null);
		});
	});
}

async function benchFirstChart(url: string): Promise<FirstChart> {
	const events = (await (await fetch(url)).json()) as TraceEvent[];
	document.body.replaceChildren();
	const section = document.createElement('section');
	section.setAttribute('style', `${cssVariables('light')}; width: 1000px; position: relative`);
	const host = document.createElement('div');
	const tooltip = document.createElement('div');
	tooltip.hidden = true;
	const live = document.createElement('div');
	host.append(tooltip);
	section.append(host, live);
	document.body.append(section);
	const view = new TimelineInteraction({ host, tooltip, live });
	let analyzeMs = 0;
	let result: FirstChart | null = null;
	const firstFrameMs = await frame(() => {
		const started = performance.now();
		const model = analyzeRun(events);
		analyzeMs = performance.now() - started;
		view.update({ model, stacked: null, highlightLine: null, theme: 'light' });
		view.renderNow();
		const segments = model.tasks.reduce((sum, task) => sum + task.segments.length, 0);
		result = { tasks: model.tasks.length, segments, analyzeMs: 0, firstFrameMs: 0 };
	});
	view.destroy();
	if (!result) throw new Error('the first chart was not drawn');
	return { ...(result as FirstChart), analyzeMs, firstFrameMs };
}

Object.assign(window, { benchFirstChart, timelineBench });
