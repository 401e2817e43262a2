/**
 * Wake-up arrows (the replay's, src/lib/replay/wakes.ts): from the waker's lane, where it
 * released a task, to the woken task's lane, where it resumed. Dashed and in their own colour,
 * apart from the grey "ends an await" arrows (links.ts), which stand where a wait ended. Drawn over
 * the lanes on screen, inside the visible time window, at most MAX_ARROWS of them.
 */
import type { TaskId } from '../../engine/events';
import type { RenderContext } from '../context';
import { laneCenter } from '../context';
import { append, round, svgElement } from '../dom';
import type { RunModel } from '../../engine/model';

/** A wake-up to draw: who released whom, when and when it resumed. */
export interface Wake {
	from: TaskId;
	fromT: number;
	to: TaskId;
	toT: number;
	/** The waker's line that released it, when known (the details panel names it). */
	line?: number | null;
}

const MAX_ARROWS = 1500;

export function wakeArrowsMark(
	wakes: readonly Wake[],
	model: RunModel,
	context: RenderContext
): SVGElement | null {
	const { document, palette, frame, x, sizes, layout } = context;
	const section = layout.sections.find((candidate) => candidate.model === model);
	if (!section || wakes.length === 0) return null;
	const [t0, t1] = [x.invert(frame.plotLeft), x.invert(frame.plotRight)];
	const top = context.viewTop - 12;
	const bottom = context.viewBottom + 12;
	const head = 5 * sizes.scale;
	let lines = '';
	let heads = '';
	let count = 0;
	for (const wake of wakes) {
		if (wake.toT < t0 || wake.fromT > t1) continue;
		const from = section.laneOf.get(wake.from);
		const to = section.laneOf.get(wake.to);
		if (!from || !to || from === to) continue;
		const y1 = laneCenter(from);
		const y2 = laneCenter(to);
		if (Math.max(y1, y2) < top || Math.min(y1, y2) > bottom) continue;
		const x1 = x(wake.fromT);
		const x2 = x(wake.toT);
		const down = y2 > y1 ? 1 : -1;
		const stop = y2 - down * (sizes.markerRadius + 1);
		// Bowed to the right, so an arrow at one instant is not hidden by the lanes' ticks.
		const bow = Math.min(16, Math.abs(stop - y1) / 3) * sizes.scale;
		lines +=
			`M${round(x1)},${round(y1)}` +
			`C${round(x1 + bow)},${round(y1 + down * bow)} ${round(x2 + bow)},${round(stop - down * bow)} ${round(x2)},${round(stop)}`;
		heads += `M${round(x2)},${round(stop)}l${round(-head / 1.6)},${round(-down * head)}h${round((2 * head) / 1.6)}z`;
		if (++count >= MAX_ARROWS) break;
	}
	if (!lines) return null;
	return append(
		svgElement(document, 'g', {
			class: 'tl-wakes',
			'pointer-events': 'none',
			'clip-path': `url(#${context.ids.clip})`
		}),
		append(
			svgElement(document, 'g', {
				transform: `translate(0,${round(context.headerHeight - context.viewTop)})`
			}),
			svgElement(document, 'path', {
				d: lines,
				style: `stroke:${palette.wake};stroke-width:${1.5 * sizes.scale};stroke-dasharray:${4 * sizes.scale} ${3 * sizes.scale};fill:none`
			}),
			svgElement(document, 'path', { d: heads, style: `fill:${palette.wake};stroke:none` })
		)
	);
}
