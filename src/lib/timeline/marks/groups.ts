/**
 * Collapsed group lanes: many sibling tasks of one coroutine drawn as one lane of counts, how many
 * of them run (solid) and wait (hatched) at each moment. A run with ten thousand tasks reads as a
 * handful of lanes until the user expands one.
 */
import type { Mark, RenderContext } from '../context';
import { append, svgElement } from '../dom';
import { countColumns } from '../lod';
import { stepArea } from './concurrency';

export class GroupMark implements Mark {
	render(context: RenderContext): SVGElement {
		const { document, palette, frame, ids, x } = context;
		const g = svgElement(document, 'g', { class: 'tl-groups' });
		for (const row of context.rows) {
			if (row.kind !== 'group') continue;
			const stats = row.stats;
			const end = context.layout.sections[row.section].model.duration;
			const columns = countColumns(stats.points, (t) => x(t), frame.plotLeft, frame.plotRight, end);
			const base = row.y + row.height - 4;
			const unit = (row.height - 8) / Math.max(1, stats.peak);
			append(
				g,
				stepArea(context, columns, base, unit, (c) => c.running + c.waiting, {
					style: `fill:url(#${ids.hatch})`
				}),
				stepArea(context, columns, base, unit, (c) => c.running, {
					style: `fill:${palette.group}`
				})
			);
		}
		return g;
	}
}

export function groups(): GroupMark {
	return new GroupMark();
}
