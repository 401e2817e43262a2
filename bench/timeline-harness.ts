/**
 * The page side of bench/timeline.ts: draws a generated run with the real TimelineInteraction and times
 * the first render and a series of zoom and pan frames. Bundled by Vite into one script.
 */
import { largeRun } from '../tests/unit/timeline/fixtures';
import { cssVariables } from '../src/lib/timeline/theme';
import { TimelineInteraction } from '../src/lib/timeline/interaction';

export interface BenchResult {
	tasks: number;
	segments: number;
	expanded: boolean;
	firstRenderMs: number;
	zoomFrameMs: number[];
	panFrameMs: number[];
	rafIntervalMs: number[];
	elements: number;
	scriptFrameMs: number[];
}

function nextFrame(): Promise<number> {
	return new Promise((resolve) => requestAnimationFrame(resolve));
}

/** Of each frame, the part spent building the SVG (the rest is style and layout). */
export const scriptMs: number[] = [];

/** Work for one frame: the redraw plus the style and layout it forces. */
function timeFrame(view: TimelineInteraction, host: HTMLElement, change: () => void): number {
	const started = performance.now();
	change();
	view.renderNow();
	scriptMs.push(performance.now() - started);
	host.getBoundingClientRect();
	host.querySelector('svg')?.getBBox();
	return performance.now() - started;
}

export async function run(
	tasks: number,
	segmentsPerTask: number,
	expanded: boolean
): Promise<BenchResult> {
	const model = largeRun(tasks, segmentsPerTask);
	document.body.replaceChildren();
	const section = document.createElement('section');
	section.setAttribute('style', cssVariables('light') + '; width: 1000px; position: relative');
	const host = document.createElement('div');
	const tooltip = document.createElement('div');
	const live = document.createElement('div');
	host.append(tooltip);
	section.append(host, live);
	document.body.append(section);
	await nextFrame();

	const started = performance.now();
	const view = new TimelineInteraction({ host, tooltip, live });
	view.update({ model, stacked: null, highlightLine: null, theme: 'light' });
	view.renderNow();
	if (expanded) {
		view.expandAll();
		view.renderNow();
	}
	host.querySelector('svg')?.getBBox();
	const firstRenderMs = performance.now() - started;
	await nextFrame();

	scriptMs.length = 0;
	const duration = model.duration;
	const zoomFrameMs: number[] = [];
	const rafIntervalMs: number[] = [];
	// Zoom in 40 steps towards a point, then out again, one redraw per animation frame.
	let last = await nextFrame();
	for (let i = 0; i < 80; i++) {
		const factor = i < 40 ? 1.15 : 1 / 1.15;
		zoomFrameMs.push(timeFrame(view, host, () => view.zoomBy(factor, duration * 0.37)));
		const now = await nextFrame();
		rafIntervalMs.push(now - last);
		last = now;
	}
	view.reset();
	view.zoomBy(4, duration / 2);
	view.renderNow();
	const panFrameMs: number[] = [];
	const span = duration / 4;
	for (let i = 0; i < 60; i++) {
		const start = (duration - span) * (i / 59);
		panFrameMs.push(timeFrame(view, host, () => view.setDomain([start, start + span])));
		await nextFrame();
	}
	const elements = host.querySelectorAll('svg *').length;
	view.destroy();
	return {
		tasks: model.tasks.length,
		segments: model.tasks.reduce((sum, t) => sum + t.segments.length, 0),
		expanded,
		firstRenderMs,
		zoomFrameMs,
		panFrameMs,
		rafIntervalMs,
		elements,
		scriptFrameMs: [...scriptMs]
	};
}
