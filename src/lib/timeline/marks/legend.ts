/**
 * The legend and a one-line summary of the run: what each colour, pattern and shape means, for
 * what the chart shows. An entry for something the runs never do is noise, and on a projector it
 * takes a row the lanes need.
 */
import type { Mark, RenderContext } from '../context';
import { append, svgElement, textWidth } from '../dom';
import { formatSeconds } from '../../engine/format';
import type { TimelineLayout } from '../layout';
import type { ChartSizes } from '../sizes';
import { markerShape } from './markers';

type Swatch =
	| 'running'
	| 'waiting'
	| 'blocked'
	| 'created'
	| 'done'
	| 'raised'
	| 'cancelled'
	| 'stuck'
	| 'link';

type RunModel = TimelineLayout['sections'][number]['model'];

/** Each entry, and whether a run shows what it explains. */
const ITEMS: { swatch: Swatch; label: string; shown: (model: RunModel) => boolean }[] = [
	{ swatch: 'running', label: 'running', shown: () => true },
	{ swatch: 'waiting', label: 'waiting (awaits …)', shown: (m) => hasSegment(m, 'waiting') },
	{
		swatch: 'blocked',
		label: 'loop blocked',
		shown: (m) => m.blocked.length > 0 || hasSegment(m, 'blocked')
	},
	{ swatch: 'created', label: 'created', shown: () => true },
	{ swatch: 'done', label: 'done', shown: (m) => m.tasks.some((t) => t.state === 'done') },
	{ swatch: 'raised', label: 'raised', shown: (m) => m.tasks.some((t) => t.state === 'raised') },
	{
		swatch: 'cancelled',
		label: 'cancelled',
		shown: (m) => m.tasks.some((t) => t.state === 'cancelled')
	},
	{ swatch: 'link', label: 'awaits task', shown: (m) => m.links.length > 0 },
	{ swatch: 'stuck', label: 'stuck (deadlock)', shown: (m) => m.deadlock !== null }
];

function hasSegment(model: RunModel, kind: 'waiting' | 'blocked'): boolean {
	return model.tasks.some((task) => task.segments.some((segment) => segment.kind === kind));
}

type Item = { swatch: Swatch; label: string };

/** Per layout: the legend is asked for every frame, and finding it reads every segment. */
const itemsOf = new WeakMap<TimelineLayout, Item[]>();

/** The entries for what some run on the chart shows, in a fixed order. */
export function legendItems(layout: TimelineLayout): Item[] {
	let items = itemsOf.get(layout);
	if (!items) {
		const models = layout.sections.map((section) => section.model);
		items = ITEMS.filter((item) => models.some(item.shown)).map(({ swatch, label }) => ({
			swatch,
			label
		}));
		itemsOf.set(layout, items);
	}
	return items;
}

/** A swatch's width, and the gap after an item's label, at the default scale. */
const SWATCH_WIDTH = 18;
const ITEM_GAP = 14;

/** Where each legend item goes, wrapping onto more rows when the chart is narrow. */
export function legendPositions(
	layout: TimelineLayout,
	width: number
): { x: number; row: number }[] {
	const sizes = layout.sizes;
	let x = 10;
	let row = 0;
	return legendItems(layout).map((item) => {
		const itemWidth =
			itemLabelX(sizes) + textWidth(item.label, sizes.text) + ITEM_GAP * sizes.scale;
		if (x + itemWidth > width - 10 && x > 10) {
			row++;
			x = 10;
		}
		const position = { x, row };
		x += itemWidth;
		return position;
	});
}

export function legendHeight(layout: TimelineLayout, width: number): number {
	const positions = legendPositions(layout, width);
	return (positions[positions.length - 1].row + 1) * layout.sizes.legendRow + 6;
}

/** Where an item's label starts, after its swatch. */
function itemLabelX(sizes: ChartSizes): number {
	return (SWATCH_WIDTH + 5) * sizes.scale;
}

/** A one-line summary of a single run, shown beside the legend when it fits. */
export function summaryText(context: RenderContext): string | null {
	if (context.stacked || context.layout.sections.length !== 1) return null;
	const model = context.layout.sections[0].model;
	const tasks = model.tasks.length;
	const span = context.turnGaps
		? `${model.duration.toLocaleString('en-US')} loop turns`
		: `${formatSeconds(model.duration)} virtual`;
	return `${tasks.toLocaleString('en-US')} task${tasks === 1 ? '' : 's'} · ${span}`;
}

export class LegendMark implements Mark {
	render(context: RenderContext): SVGElement {
		const { document, palette, sizes } = context;
		const g = svgElement(document, 'g', { class: 'tl-legend' });
		const items = legendItems(context.layout);
		const positions = legendPositions(context.layout, context.frame.width);
		const rowCenter = (row: number) => 6 + row * sizes.legendRow + sizes.legendRow / 2;
		items.forEach((item, i) => {
			const { x, row } = positions[i];
			const cy = rowCenter(row);
			append(
				g,
				this.swatch(context, item.swatch, x, cy),
				svgElement(
					document,
					'text',
					{ x: x + itemLabelX(sizes), y: cy + 4 * sizes.scale, style: `fill:${palette.text}` },
					item.label
				)
			);
		});
		const summary = summaryText(context);
		const lastRow = positions[positions.length - 1];
		const lastEnd =
			lastRow.x + itemLabelX(sizes) + textWidth(items[items.length - 1].label, sizes.text);
		if (summary && lastEnd + textWidth(summary, sizes.text) + 30 < context.frame.width) {
			append(
				g,
				svgElement(
					document,
					'text',
					{
						x: context.frame.width - 10,
						y: rowCenter(lastRow.row) + 4 * sizes.scale,
						'text-anchor': 'end',
						style: `fill:${palette.muted}`
					},
					summary
				)
			);
		}
		return g;
	}

	private swatch(context: RenderContext, swatch: Swatch, x: number, cy: number): SVGElement {
		const { document, palette, ids, sizes } = context;
		const width = SWATCH_WIDTH * sizes.scale;
		const bar = (style: string) =>
			svgElement(document, 'rect', {
				x,
				y: cy - 6 * sizes.scale,
				width,
				height: 12 * sizes.scale,
				rx: 2,
				style
			});
		switch (swatch) {
			case 'running':
				return bar(`fill:${palette.running}`);
			case 'waiting':
				return bar(`fill:url(#${ids.hatch});stroke:${palette.waitingStroke}`);
			case 'blocked':
				return bar(`fill:${palette.blocked}`);
			case 'link':
				return svgElement(document, 'path', {
					d: `M${x},${cy}H${x + width - 3}`,
					'marker-end': `url(#${ids.arrow})`,
					style: `stroke:${palette.link};stroke-width:1.5;fill:none`
				});
			default:
				return markerShape(context, swatch, x + width / 2, cy);
		}
	}
}

export function legend(): LegendMark {
	return new LegendMark();
}
