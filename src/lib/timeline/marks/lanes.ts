/**
 * Lane backgrounds and labels: one lane per task (indented under the task that created it) or
 * per collapsed group of sibling tasks. Labels name the task and its coroutine.
 */
import type { Mark, RenderContext } from '../context';
import { laneCenter } from '../context';
import { append, fitText, svgElement, textWidth } from '../dom';
import { labelIndent, laneTitle } from '../layout';

export class LaneMark implements Mark {
	render(context: RenderContext): SVGElement {
		const { document, palette, frame, sizes } = context;
		const g = svgElement(document, 'g', { class: 'tl-lanes' });
		for (const row of context.rows) {
			if (row.kind !== 'task' && row.kind !== 'group') continue;
			if (row.index % 2 === 1 || row.kind === 'group') {
				append(
					g,
					svgElement(document, 'rect', {
						x: 0,
						y: row.y,
						width: frame.width,
						height: row.height,
						style: `fill:${palette.laneAlt}`
					})
				);
			}
			const indent = labelIndent(row, sizes);
			const room = frame.plotLeft - 12 - indent;
			const { name, detail } = laneTitle(row);
			const cy = laneCenter(row);
			const label = svgElement(document, 'text', {
				x: indent,
				y: row.kind === 'group' ? cy - 2 * sizes.scale : cy + 4 * sizes.scale,
				style: `fill:${palette.text}`
			});
			const shownName = fitText(name, room, sizes.text);
			append(label, svgElement(document, 'tspan', { style: 'font-weight:600' }, shownName));
			if (row.kind === 'task') {
				const left = room - textWidth(shownName + ' ', sizes.text);
				const shownDetail = left > 20 * sizes.scale ? fitText(detail, left, sizes.text) : '';
				if (shownDetail)
					append(
						label,
						svgElement(document, 'tspan', { style: `fill:${palette.muted}` }, ' ' + shownDetail)
					);
			}
			append(g, label);
			if (row.kind === 'group') {
				append(
					g,
					svgElement(
						document,
						'text',
						{
							x: indent,
							y: cy + 11 * sizes.scale,
							style: `fill:${palette.muted};font-size:${sizes.small}px`
						},
						fitText('collapsed group of tasks', room, sizes.small)
					)
				);
			}
			if (row.depth > 0) {
				// A short elbow shows the lane hangs under its parent.
				const ex = indent - 6 * sizes.scale;
				append(
					g,
					svgElement(document, 'path', {
						d: `M${ex},${row.y}V${cy}h4`,
						style: `stroke:${palette.grid};stroke-width:1;fill:none`
					})
				);
			}
		}
		append(
			g,
			svgElement(document, 'path', {
				d: `M${frame.plotLeft - 0.5},${context.viewTop}V${context.viewBottom}`,
				style: `stroke:${palette.grid}`
			})
		);
		return g;
	}
}

export function lanes(): LaneMark {
	return new LaneMark();
}
