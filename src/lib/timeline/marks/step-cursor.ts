/**
 * The replay's step on the chart: a vertical line at the step's virtual time, over the lanes and
 * through the axis, with a flag at its top. Apart from the pointer's cursor (cursor.ts), which
 * follows the mouse and goes with it.
 */
import type { RenderContext } from '../context';
import { append, svgElement } from '../dom';

export function stepCursor(t: number, context: RenderContext): SVGElement | null {
	const { document, palette, frame, x, sizes } = context;
	const px = x(t);
	if (px < frame.plotLeft - 1 || px > frame.plotRight + 1) return null;
	const top = context.legendHeight;
	const flag = 6 * sizes.scale;
	return append(
		svgElement(document, 'g', {
			class: 'tl-step-cursor',
			'pointer-events': 'none',
			'data-t': t
		}),
		svgElement(document, 'path', {
			d: `M${px},${top}V${context.height}`,
			style: `stroke:${palette.highlight};stroke-width:${2 * sizes.scale}`
		}),
		svgElement(document, 'path', {
			d: `M${px - flag},${top}h${2 * flag}l${-flag},${flag * 1.4}z`,
			style: `fill:${palette.highlight}`
		})
	);
}
