/**
 * The concurrency strip above a run's lanes: how many tasks run (solid) and wait (hatched) at each
 * moment, from model.concurrency, one column per pixel at most.
 */
import type { Mark, RenderContext } from '../context';
import { append, round, svgElement } from '../dom';
import { countColumns, type CountColumn } from '../lod';

export class ConcurrencyMark implements Mark {
	render(context: RenderContext): SVGElement {
		const { document, palette, frame, ids, x, sizes } = context;
		const g = svgElement(document, 'g', { class: 'tl-concurrency' });
		for (const row of context.rows) {
			if (row.kind !== 'strip') continue;
			const points = row.model.concurrency;
			// The label says what the summary says (0 for a run with no task); the scale needs 1 at least.
			const peak = row.model.summary.peakConcurrency;
			const scale = Math.max(1, ...points.map((p) => p.running + p.waiting));
			const base = row.y + row.height - 5 * sizes.scale;
			const full = row.height - 10 * sizes.scale;
			const columns = countColumns(
				points,
				(t) => x(t),
				frame.plotLeft,
				frame.plotRight,
				row.model.duration
			);
			append(
				g,
				svgElement(
					document,
					'text',
					{ x: 8, y: row.y + 13 * sizes.scale, style: `fill:${palette.text}` },
					'tasks at once'
				),
				svgElement(
					document,
					'text',
					{
						x: 8,
						y: row.y + 25 * sizes.scale,
						style: `fill:${palette.muted};font-size:${sizes.small}px`
					},
					`peak ${peak.toLocaleString('en-US')}`
				),
				svgElement(document, 'path', {
					d: `M${frame.plotLeft},${base}H${frame.plotRight}`,
					style: `stroke:${palette.grid}`
				}),
				stepArea(context, columns, base, full / scale, (c) => c.running + c.waiting, {
					style: `fill:url(#${ids.hatch})`
				}),
				stepArea(context, columns, base, full / scale, (c) => c.running, {
					style: `fill:${palette.running}`
				})
			);
		}
		return g;
	}
}

/** One path of bars for a step function: cheaper than a rectangle per column. */
export function stepArea(
	context: RenderContext,
	columns: CountColumn[],
	base: number,
	unit: number,
	value: (column: CountColumn) => number,
	attributes: Record<string, string>
): SVGElement | null {
	let d = '';
	for (const column of columns) {
		const v = value(column);
		if (v <= 0) continue;
		const width = Math.max(column.x1 - column.x0, 1);
		d += `M${round(column.x0)},${round(base)}v${round(-v * unit)}h${round(width)}v${round(v * unit)}z`;
	}
	return d ? svgElement(context.document, 'path', { d, ...attributes }) : null;
}

export function concurrency(): ConcurrencyMark {
	return new ConcurrencyMark();
}
