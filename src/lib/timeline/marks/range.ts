/**
 * The measured range (Shift+drag): a band across the lanes between its two times, with an edge
 * line at each end. Drawn over the chart, apart from it, like the cursor: it follows zoom and pan.
 */
import type { RenderContext } from '../context';
import { append, svgElement } from '../dom';

export function rangeMark(start: number, end: number, context: RenderContext): SVGElement | null {
	const { document, palette, frame, x } = context;
	const x0 = Math.max(x(Math.min(start, end)), frame.plotLeft);
	const x1 = Math.min(x(Math.max(start, end)), frame.plotRight);
	if (x1 < x0) return null;
	const top = context.headerHeight;
	const height = context.height - top;
	const edge = (px: number) =>
		svgElement(document, 'path', {
			d: `M${px},${top}V${context.height}`,
			style: `stroke:${palette.focus};stroke-width:1.5`
		});
	return append(
		svgElement(document, 'g', { class: 'tl-range', 'pointer-events': 'none' }),
		svgElement(document, 'rect', {
			x: x0,
			y: top,
			width: Math.max(x1 - x0, 1),
			height,
			style: `fill:${palette.focus};opacity:0.12`
		}),
		edge(x0),
		edge(x1)
	);
}
