/**
 * Markers where a task's life begins and ends: created (hollow circle), done (filled circle),
 * raised (diamond), cancelled (cross). Shapes differ, not only colours.
 */
import type { Mark, RenderContext } from '../context';
import { laneCenter } from '../context';
import { append, round, svgElement } from '../dom';
import type { MarkerKind } from '../describe';

export function markerShape(
	context: RenderContext,
	kind: MarkerKind,
	cx: number,
	cy: number
): SVGElement {
	const { document, palette } = context;
	const r = context.sizes.markerRadius;
	switch (kind) {
		case 'created':
			return svgElement(document, 'circle', {
				cx,
				cy,
				r: r - 0.5,
				style: `fill:${palette.background};stroke:${palette.created};stroke-width:1.5`
			});
		case 'done':
			return svgElement(document, 'circle', {
				cx,
				cy,
				r,
				style: `fill:${palette.done};stroke:${palette.background};stroke-width:1`
			});
		case 'raised':
			return svgElement(document, 'path', {
				d: `M${round(cx)},${round(cy - r - 1)}l${r + 1},${r + 1}l${-r - 1},${r + 1}l${-r - 1},${-r - 1}z`,
				style: `fill:${palette.raised};stroke:${palette.background};stroke-width:1`
			});
		case 'stuck':
			// A "no entry" sign: the task can never go on.
			return append(
				svgElement(document, 'g', {
					style: `stroke:${palette.raised};stroke-width:1.6;fill:${palette.background}`
				}),
				svgElement(document, 'circle', { cx, cy, r: r + 0.5 }),
				svgElement(document, 'path', {
					d: `M${round(cx - r + 1.5)},${round(cy)}H${round(cx + r - 1.5)}`
				})
			);
		case 'cancelled':
			return svgElement(document, 'path', {
				d: `M${round(cx - r)},${round(cy - r)}l${2 * r},${2 * r}m0,${-2 * r}l${-2 * r},${2 * r}`,
				style: `stroke:${palette.cancelled};stroke-width:2.2;stroke-linecap:round`
			});
	}
}

export class MarkerMark implements Mark {
	render(context: RenderContext): SVGElement {
		const { x, frame } = context;
		const g = svgElement(context.document, 'g', { class: 'tl-markers' });
		const inside = (px: number) => px >= frame.plotLeft - 1 && px <= frame.plotRight + 1;
		for (const row of context.rows) {
			if (row.kind === 'group') {
				this.groupMarkers(context, g, row.stats.raised, 'raised', laneCenter(row));
				this.groupMarkers(context, g, row.stats.cancelled, 'cancelled', laneCenter(row));
				continue;
			}
			if (row.kind !== 'task') continue;
			const task = row.task;
			const cy = laneCenter(row);
			const created = x(task.created);
			if (inside(created)) append(g, markerShape(context, 'created', created, cy));
			if (task.finished !== null && task.state !== 'pending') {
				const finished = x(task.finished);
				if (inside(finished)) append(g, markerShape(context, task.state, finished, cy));
			}
			const stuckAt = stuckTime(context, row.section, task.id);
			if (stuckAt !== null && inside(x(stuckAt)))
				append(g, markerShape(context, 'stuck', x(stuckAt), cy));
		}
		return g;
	}

	/** One marker per pixel at most: a thousand cancellations at one instant draw once. */
	private groupMarkers(
		context: RenderContext,
		g: SVGElement,
		times: number[],
		kind: MarkerKind,
		cy: number
	): void {
		let lastPixel = -Infinity;
		for (const t of times) {
			const px = context.x(t);
			if (px < context.frame.plotLeft - 1 || px > context.frame.plotRight + 1) continue;
			if (px - lastPixel < 3) continue;
			lastPixel = px;
			append(g, markerShape(context, kind, px, cy));
		}
	}
}

/** When the task was found stuck in a deadlock, or null. */
export function stuckTime(context: RenderContext, section: number, task: number): number | null {
	const deadlock = context.layout.sections[section]?.model.deadlock;
	return deadlock && deadlock.stuck.some((s) => s.task === task) ? deadlock.t : null;
}

export function markers(): MarkerMark {
	return new MarkerMark();
}
