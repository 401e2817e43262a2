/**
 * Headers that name each stacked run ("pinned", "this run") with its duration and task count. The
 * previous run's label carries its total ("previous: 3.00 s"), so its header does not repeat it.
 */
import type { Mark, RenderContext } from '../context';
import { append, svgElement } from '../dom';
import { formatSeconds } from '../../engine/format';

export class SectionMark implements Mark {
	render(context: RenderContext): SVGElement {
		const { document, palette, frame, sizes } = context;
		const g = svgElement(document, 'g', { class: 'tl-sections' });
		const baseline = 16 * sizes.scale;
		for (const row of context.rows) {
			if (row.kind !== 'section') continue;
			const tasks = row.model.tasks.length;
			append(
				g,
				svgElement(document, 'path', {
					d: `M0,${row.y + 0.5}H${frame.width}`,
					style: `stroke:${palette.muted};stroke-width:1`
				}),
				svgElement(
					document,
					'text',
					{
						x: 8,
						y: row.y + baseline,
						style: `fill:${palette.text};font-weight:700;font-size:${sizes.heading}px`
					},
					row.label
				),
				svgElement(
					document,
					'text',
					{ x: frame.plotLeft, y: row.y + baseline, style: `fill:${palette.muted}` },
					`${row.faint ? '' : `${formatSeconds(row.model.duration)} · `}${tasks} task${tasks === 1 ? '' : 's'}`
				)
			);
		}
		return g;
	}
}

export function sections(): SectionMark {
	return new SectionMark();
}
