/**
 * The segments that came from one source line (where the editor's cursor is), outlined at full
 * strength while the rest of the chart steps back.
 */
import type { Mark, RenderContext } from '../context';
import { laneCenter } from '../context';
import { append, svgElement } from '../dom';
import { firstSegmentEndingAfter } from '../lod';
import { inkOf, segmentStyle } from '../wait-style';

export class HighlightMark implements Mark {
	render(context: RenderContext): SVGElement | null {
		const line = context.highlightLine;
		if (line === null) return null;
		const { document, palette, frame, x, ids, sizes } = context;
		const inset = sizes.segmentInset;
		const g = svgElement(document, 'g', { class: 'tl-highlight' });
		const t0 = x.invert(frame.plotLeft);
		for (const row of context.rows) {
			if (row.kind !== 'task') continue;
			const segments = row.task.segments;
			let lastRight = -Infinity;
			for (let i = firstSegmentEndingAfter(segments, t0); i < segments.length; i++) {
				const segment = segments[i];
				let x0 = x(segment.start);
				if (x0 > frame.plotRight) break;
				if (segment.line !== line) continue;
				let x1 = x(segment.end);
				if (x1 - x0 < 3) {
					x0 -= (3 - (x1 - x0)) / 2;
					x1 = x0 + 3;
				}
				// Several highlighted pieces inside one pixel draw once.
				if (x1 <= lastRight + 0.5) continue;
				lastRight = x1;
				x0 = Math.max(x0, frame.plotLeft);
				x1 = Math.min(x1, frame.plotRight);
				const fill = inkOf(segmentStyle(segment), palette, ids).fill;
				append(
					g,
					svgElement(document, 'rect', {
						x: x0,
						y: row.y + inset - 1,
						width: x1 - x0,
						height: row.height - 2 * inset + 2,
						rx: 2,
						style: `fill:${fill};stroke:${palette.highlight};stroke-width:2`
					})
				);
			}
			if (row.task.line === line) {
				const px = x(row.task.created);
				if (px >= frame.plotLeft && px <= frame.plotRight)
					append(
						g,
						svgElement(document, 'circle', {
							cx: px,
							cy: laneCenter(row),
							r: 7 * sizes.scale,
							style: `fill:none;stroke:${palette.highlight};stroke-width:2`
						})
					);
			}
		}
		return g;
	}
}

export function highlight(): HighlightMark {
	return new HighlightMark();
}
