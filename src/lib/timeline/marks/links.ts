/**
 * Await arrows: task A waited on task B. Each arrow stands where the wait ended (B finished, or
 * the run did), from A's waiting segment to B's lane, pointing at the task awaited.
 */
import type { Mark, RenderContext } from '../context';
import { laneCenter } from '../context';
import { append, round, svgElement } from '../dom';
import { MARKER_RADIUS } from './markers';

/** Beyond this many arrows in view, more would only be ink. */
const MAX_ARROWS = 1500;

export class LinkMark implements Mark {
	render(context: RenderContext): SVGElement {
		const { document, palette, frame, x, ids } = context;
		const g = svgElement(document, 'g', {
			class: 'tl-links',
			style: `stroke:${palette.link};stroke-width:1.25;fill:none`
		});
		let d = '';
		let count = 0;
		const drawn = new Set<string>();
		for (const section of context.layout.sections) {
			if (section.lanesBottom < context.viewTop || section.lanesTop > context.viewBottom) continue;
			for (const link of section.model.links) {
				const px = x(link.end);
				if (px < frame.plotLeft || px > frame.plotRight) continue;
				const from = section.laneOf.get(link.from);
				const to = section.laneOf.get(link.to);
				// A collapsed group already shows its members' waits as counts; arrows into it are noise.
				if (!from || !to || from === to || to.kind === 'group') continue;
				const y1 = laneCenter(from);
				const y2 = laneCenter(to);
				if (Math.max(y1, y2) < context.viewTop || Math.min(y1, y2) > context.viewBottom) continue;
				const key = `${from.index}:${to.index}:${Math.round(px)}`;
				if (drawn.has(key)) continue;
				drawn.add(key);
				const down = y2 > y1 ? 1 : -1;
				const start = y1 + down * 6;
				const end = y2 - down * (MARKER_RADIUS + 2);
				const bow = Math.min(14, Math.abs(end - start) / 3);
				d +=
					`M${round(px)},${round(start)}` +
					`C${round(px - bow)},${round(start + down * bow)} ${round(px - bow)},${round(end - down * bow)} ${round(px)},${round(end)}`;
				if (++count >= MAX_ARROWS) break;
			}
		}
		if (d) append(g, svgElement(document, 'path', { d, 'marker-end': `url(#${ids.arrow})` }));
		return g;
	}
}

export function links(): LinkMark {
	return new LinkMark();
}
