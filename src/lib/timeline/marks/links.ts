/**
 * Await arrows: task A waited on task B. Each arrow stands where the wait ended (B finished, or
 * the run did), from A's waiting segment to B's lane, pointing at the task awaited.
 *
 * A run with a gather of ten thousand tasks has ten thousand links, so they are indexed once per
 * layout by lane and by time; a frame visits only the links of the lanes on screen, inside the
 * visible time window.
 */
import type { Mark, RenderContext } from '../context';
import { laneCenter } from '../context';
import { append, round, svgElement } from '../dom';
import type { LaneRow, TimelineLayout } from '../layout';

/** Beyond this many arrows in view, more would only be ink. */
const MAX_ARROWS = 1500;

interface PlacedLink {
	from: LaneRow;
	to: LaneRow;
	end: number;
}

/** For each lane index, the links that touch it, sorted by the time they end. */
type LinkIndex = PlacedLink[][];

const indexes = new WeakMap<TimelineLayout, LinkIndex>();

export function linkIndex(layout: TimelineLayout): LinkIndex {
	let index = indexes.get(layout);
	if (index) return index;
	index = layout.lanes.map(() => []);
	for (const section of layout.sections) {
		for (const link of section.model.links) {
			const from = section.laneOf.get(link.from);
			const to = section.laneOf.get(link.to);
			// A collapsed group already shows its members' waits as counts; arrows into it are noise.
			if (!from || !to || from === to || to.kind === 'group') continue;
			const placed = { from, to, end: link.end };
			index[from.index].push(placed);
			index[to.index].push(placed);
		}
	}
	for (const list of index) list.sort((a, b) => a.end - b.end);
	indexes.set(layout, index);
	return index;
}

export class LinkMark implements Mark {
	render(context: RenderContext): SVGElement {
		const { document, palette, frame, x, ids, sizes } = context;
		const g = svgElement(document, 'g', {
			class: 'tl-links',
			style: `stroke:${palette.link};stroke-width:1.25;fill:none`
		});
		const index = linkIndex(context.layout);
		const [t0, t1] = [x.invert(frame.plotLeft), x.invert(frame.plotRight)];
		// Both ends on screen: an arrow into nowhere explains nothing and clutters big runs.
		const top = context.viewTop - 12;
		const bottom = context.viewBottom + 12;
		let d = '';
		let count = 0;
		const drawn = new Set<string>();
		for (const row of context.rows) {
			if (row.kind !== 'task' && row.kind !== 'group') continue;
			const list = index[row.index];
			for (let i = firstEndingAfter(list, t0); i < list.length && list[i].end <= t1; i++) {
				const { from, to, end } = list[i];
				const y1 = laneCenter(from);
				const y2 = laneCenter(to);
				if (y1 < top || y1 > bottom || y2 < top || y2 > bottom) continue;
				const px = x(end);
				const key = `${from.index}:${to.index}:${Math.round(px)}`;
				if (drawn.has(key)) continue;
				drawn.add(key);
				const down = y2 > y1 ? 1 : -1;
				const start = y1 + down * 6;
				const stop = y2 - down * (sizes.markerRadius + 2);
				const bow = Math.min(14, Math.abs(stop - start) / 3);
				d +=
					`M${round(px)},${round(start)}` +
					`C${round(px - bow)},${round(start + down * bow)} ${round(px - bow)},${round(stop - down * bow)} ${round(px)},${round(stop)}`;
				if (++count >= MAX_ARROWS) break;
			}
			if (count >= MAX_ARROWS) break;
		}
		if (d) append(g, svgElement(document, 'path', { d, 'marker-end': `url(#${ids.arrow})` }));
		return g;
	}
}

function firstEndingAfter(list: PlacedLink[], t: number): number {
	let lo = 0;
	let hi = list.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (list[mid].end < t) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

export function links(): LinkMark {
	return new LinkMark();
}
