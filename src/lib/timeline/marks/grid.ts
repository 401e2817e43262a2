/** Vertical grid lines at the axis ticks, behind the lanes. */
import type { Mark, RenderContext } from '../context';
import { append, svgElement } from '../dom';
import { axisTicks } from './axis';

export class GridMark implements Mark {
	render(context: RenderContext): SVGElement {
		const g = svgElement(context.document, 'g', { class: 'tl-grid' });
		for (const tick of axisTicks(context)) {
			append(
				g,
				svgElement(context.document, 'path', {
					d: `M${context.x(tick.t)},${context.viewTop}V${context.viewBottom}`,
					style: `stroke:${context.palette.grid};stroke-width:1`
				})
			);
		}
		return g;
	}
}

export function grid(): GridMark {
	return new GridMark();
}
