/** The keyboard focus ring: around the focused segment, or the whole lane when none is chosen. */
import type { Mark, RenderContext } from '../context';
import { svgElement } from '../dom';
import { RUNNING_MIN_WIDTH } from '../lod';

export class FocusMark implements Mark {
	render(context: RenderContext): SVGElement | null {
		const focus = context.focus;
		if (!focus) return null;
		const lane = context.layout.lanes[focus.lane];
		if (!lane) return null;
		const { document, palette, frame, x } = context;
		let x0 = 1;
		let x1 = frame.width - 1;
		if (lane.kind === 'task' && focus.segment !== null) {
			const segment = lane.task.segments[focus.segment];
			if (!segment) return null;
			x0 = x(segment.start);
			x1 = Math.max(x(segment.end), x0 + RUNNING_MIN_WIDTH);
			x0 = Math.max(x0 - 3, frame.plotLeft - 3);
			x1 = Math.min(x1 + 3, frame.plotRight + 3);
		}
		return svgElement(document, 'rect', {
			class: 'tl-focus',
			x: x0,
			y: lane.y + 1,
			width: Math.max(x1 - x0, 4),
			height: lane.height - 2,
			rx: 3,
			style: `fill:none;stroke:${palette.focus};stroke-width:2;stroke-dasharray:4 2`
		});
	}
}

export function focusRing(): FocusMark {
	return new FocusMark();
}
