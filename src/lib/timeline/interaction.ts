/**
 * The live chart in the browser: owns the view state (zoom window, vertical scroll, expanded
 * groups, keyboard focus, pointer) and redraws through the same orchestrator as the export, at
 * most once per animation frame. Timeline.svelte is a thin wrapper around this class.
 */
import type { RunModel, Segment, TaskModel } from '../engine/model';
import type { FocusTarget, RenderContext } from './context';
import {
	describeLane,
	describeSegment,
	laneFields,
	markerFields,
	markerLine,
	segmentFields,
	type Field
} from './describe';
import { formatSeconds } from '../engine/format';
import { hitTest, type Hit } from './hit';
import { layoutTimeline, laneTitle, type LaneRow, type TimelineLayout } from './layout';
import { cursor } from './marks/cursor';
import { rangeMark } from './marks/range';
import type { DetailsTarget } from './details';
import { svgElement } from './dom';
import { stepCursor } from './marks/step-cursor';
import { wakeArrowsMark, type Wake } from './marks/wakes';
import { clampDomain, fullDomain, panDomain, zoomDomain, type Domain } from './scales';
import { renderTimelineSvg, runsOf, type StackedRun } from './svg';
import { fullHeight, renderSwimlane } from './swimlane';
import { cssPalette, type ThemeName } from './theme';

export interface TimelineProps {
	model: RunModel;
	/** A run drawn with this one on the same time axis: pinned above, or the previous run below, faint. */
	stacked: StackedRun | null;
	highlightLine: number | null;
	theme: ThemeName;
	/** The chart's text size in pixels; everything else scales with it (sizes.ts). */
	textSize?: number;
	onselectline?: (line: number) => void;
	/** The replay's step: its virtual time, drawn as a line across the lanes (null: none). */
	stepTime?: number | null;
	/** A click on a task's segment, with the time it starts (the replay jumps there). */
	onselectsegment?: (task: number, start: number) => void;
	/** Wake-up arrows to draw over the current run's lanes (null: none). */
	wakes?: readonly Wake[] | null;
	/**
	 * Drawn on an axis of loop turns: `model` then has positions for times, `timeModel` is the run
	 * in seconds (for the words: tooltips, the title), and `turnGaps` says where the clock jumped.
	 */
	timeModel?: RunModel | null;
	turnGaps?: readonly { at: number; label: string }[] | null;
	/** A click on a segment or a task's label, or Enter on one: open the details panel. */
	ondetails?: (target: DetailsTarget) => void;
	/** Escape on the chart: close the details panel; true when there was one to close. */
	ondismiss?: () => boolean;
	/** Shift+drag measured a range (seconds, in order), or a click or Escape cleared it (null). */
	onrange?: (range: Domain | null) => void;
}

export interface TimelineElements {
	/** Where the SVG goes; receives pointer, wheel and keyboard events. */
	host: HTMLElement;
	tooltip: HTMLElement;
	/** An ARIA live region for spoken descriptions. */
	live: HTMLElement;
	/**
	 * The host has a height of its own (the page's chart pane) and the chart fills it: lanes
	 * scroll inside it, and a few lanes grow to use it. Otherwise the chart takes the height of
	 * its rows, up to MAX_HEIGHT.
	 */
	fill?: boolean;
}

/** The tallest the chart grows before its lanes scroll, when it does not fill a given height. */
const MAX_HEIGHT = 560;
/** The most a few lanes grow to fill the chart's height. */
const MAX_LANE_STRETCH = 1.6;
const ZOOM_STEP = 1.6;
/** Pointer travel (px) under which a press counts as a click, not a drag. */
const CLICK_SLOP = 4;

let instances = 0;

export class TimelineInteraction {
	private props: TimelineProps | null = null;
	private layout: TimelineLayout | null = null;
	private context: RenderContext | null = null;
	private svg: SVGSVGElement | null = null;
	private cursorGroup: SVGElement | null = null;
	private rangeGroup: SVGElement | null = null;
	/** The measured range, in seconds, or null. */
	private range: Domain | null = null;
	private stepGroup: SVGElement | null = null;
	private readonly expanded = new Set<string>();
	private domain: Domain | null = null;
	private scrollY = 0;
	private width = 800;
	/** The host's height when it fills one (0 until measured, or when it does not). */
	private height = 0;
	private laneStretch = 1;
	private focus: FocusTarget | null = null;
	private cursorT: number | null = null;
	private frameRequest = 0;
	private readonly idPrefix = `tl${++instances}`;
	private readonly pointers = new Map<number, { x: number; y: number }>();
	private drag: {
		x: number;
		y: number;
		domain: Domain;
		scrollY: number;
		moved: boolean;
		pinch: number | null;
		/** Shift+drag: the time the range starts at, rather than a pan. */
		measureFrom: number | null;
	} | null = null;
	private readonly resizeObserver: ResizeObserver | null;
	private readonly cleanup: (() => void)[] = [];
	/** For the benchmark: milliseconds the last synchronous render took. */
	lastRenderMs = 0;

	constructor(private readonly elements: TimelineElements) {
		const { host } = elements;
		// Not read here: reading a size lays the page out at once, and the chart is made in the
		// same task as the rest of a new run's page (for 50,000 tasks, 105 ms of a 320 ms task).
		// The ResizeObserver reports it after the browser's own layout; renderNow reads it if not.
		this.width = 0;
		this.listen(host, 'pointerdown', (e) => this.onPointerDown(e as PointerEvent));
		this.listen(host, 'pointermove', (e) => this.onPointerMove(e as PointerEvent));
		this.listen(host, 'pointerup', (e) => this.onPointerUp(e as PointerEvent));
		this.listen(host, 'pointercancel', (e) => this.onPointerUp(e as PointerEvent));
		this.listen(host, 'pointerleave', () => this.onPointerLeave());
		this.listen(host, 'wheel', (e) => this.onWheel(e as WheelEvent), { passive: false });
		this.listen(host, 'keydown', (e) => this.onKeyDown(e as KeyboardEvent));
		this.listen(host, 'focusout', () => this.hideTooltip());
		this.resizeObserver =
			typeof ResizeObserver === 'undefined'
				? null
				: new ResizeObserver(() => {
						const width = Math.max(320, Math.floor(host.clientWidth));
						const height = elements.fill ? Math.floor(host.clientHeight) : 0;
						if (width === this.width && height === this.height) return;
						this.width = width;
						this.height = height;
						if (this.props) this.fitLanes();
						this.schedule();
					});
		this.resizeObserver?.observe(host);
	}

	/** New props from the component. A new model or stacked run resets the zoom. */
	update(props: TimelineProps): void {
		const previous = this.props;
		this.props = props;
		if (
			!previous ||
			previous.model !== props.model ||
			previous.stacked?.model !== props.stacked?.model ||
			previous.stacked?.kind !== props.stacked?.kind
		) {
			this.expanded.clear();
			this.domain = null;
			this.scrollY = 0;
			this.focus = null;
			if (this.range) {
				// Another run, or the axis of turns: the range measured on the last one is gone.
				this.range = null;
				props.onrange?.(null);
			}
			this.relayout();
			// A new run draws in the next frame, not in the task that made the rest of its page.
			this.schedule();
			return;
		} else if (previous.textSize !== props.textSize) {
			this.relayout();
			this.hideTooltip();
		} else if (
			(previous.stepTime !== props.stepTime || previous.wakes !== props.wakes) &&
			this.context &&
			this.svg
		) {
			// Only the replay's overlay changed: redraw it, not the chart.
			this.drawStep();
			return;
		}
		this.renderNow();
	}

	destroy(): void {
		cancelAnimationFrame(this.frameRequest);
		this.resizeObserver?.disconnect();
		for (const undo of this.cleanup) undo();
		this.svg?.remove();
	}

	zoomBy(factor: number, anchor?: number): void {
		const current = this.currentDomain();
		const center = anchor ?? (current[0] + current[1]) / 2;
		this.domain = zoomDomain(current, factor, center, this.full());
		this.schedule();
	}

	zoomIn(): void {
		this.zoomBy(ZOOM_STEP);
	}

	zoomOut(): void {
		this.zoomBy(1 / ZOOM_STEP);
	}

	reset(): void {
		this.domain = null;
		this.scrollY = 0;
		this.schedule();
	}

	/** Expand every collapsed group: one lane per task (lanes are virtualised, so this scales). */
	expandAll(): void {
		for (const lane of this.layout?.lanes ?? [])
			if (lane.kind === 'group') this.expanded.add(lane.key);
		this.relayout();
		this.schedule();
	}

	/** Clear the measured range (the read-out's Clear button). */
	clearRange(): void {
		this.setRange(null);
	}

	/** Set the visible window directly (the benchmark drives zoom through this). */
	setDomain(domain: Domain): void {
		this.domain = domain;
	}

	/**
	 * The standalone SVG of what is shown, for download: the zoom window, the expanded groups and
	 * the stacked run, every lane (not only those scrolled into view), under `heading`.
	 */
	exportSvg(heading: string | null = null): string {
		const props = this.requireProps();
		return renderTimelineSvg(props.model, document, {
			width: this.width,
			theme: props.theme,
			stacked: props.stacked,
			idPrefix: `${this.idPrefix}x`,
			textSize: props.textSize,
			domain: this.domain,
			expanded: this.expanded,
			heading
		});
	}

	/** Draw now, synchronously (the component and the benchmark call this; events use schedule). */
	renderNow(): void {
		cancelAnimationFrame(this.frameRequest);
		this.frameRequest = 0;
		const props = this.props;
		const layout = this.layout;
		if (!props || !layout) return;
		const started = performance.now();
		if (this.width === 0)
			this.width = Math.max(320, Math.floor(this.elements.host.clientWidth || 800));
		const height = Math.min(fullHeight(layout, this.width), this.height || MAX_HEIGHT);
		const { svg, context } = renderSwimlane(document, layout, {
			width: this.width,
			height,
			domain: this.domain,
			scrollY: this.scrollY,
			palette: cssPalette,
			idPrefix: this.idPrefix,
			highlightLine: props.highlightLine,
			focus: this.focus,
			stacked: props.stacked !== null,
			title: this.title(props.timeModel ?? props.model),
			turnGaps: props.turnGaps ?? null
		});
		this.scrollY = context.viewTop;
		svg.style.display = 'block';
		svg.style.touchAction = 'none';
		svg.style.userSelect = 'none';
		if (this.svg) this.svg.replaceWith(svg);
		else this.elements.host.prepend(svg);
		this.svg = svg;
		this.context = context;
		this.cursorGroup = null;
		this.rangeGroup = null;
		this.stepGroup = null;
		this.drawStep();
		this.drawRange();
		this.drawCursor();
		this.lastRenderMs = performance.now() - started;
	}

	/** The chart's accessible name: what it shows, and which part of the run once zoomed. */
	private title(model: RunModel): string {
		const whole = `Timeline of ${model.tasks.length} tasks over ${formatSeconds(model.duration)}.`;
		const shown = this.domain ? clampDomain(this.domain, this.full()) : null;
		const window = shown
			? ` Showing ${formatSeconds(Math.max(0, shown[0]))} to ${formatSeconds(shown[1])}.`
			: '';
		return `${whole}${window} The table of tasks below lists the same.`;
	}

	private schedule(): void {
		if (this.frameRequest) return;
		this.frameRequest = requestAnimationFrame(() => {
			this.frameRequest = 0;
			this.renderNow();
		});
	}

	private relayout(): void {
		const props = this.requireProps();
		this.layout = layoutTimeline(runsOf(props.model, props.stacked), {
			expanded: this.expanded,
			textSize: props.textSize,
			laneStretch: this.laneStretch
		});
		this.fitLanes();
	}

	/**
	 * When the chart fills a height and its lanes leave much of it empty, they grow (up to
	 * MAX_LANE_STRETCH times) to use it; many lanes keep their size and scroll.
	 */
	private fitLanes(): void {
		const layout = this.layout;
		if (!layout || !this.height) return;
		const lanes = layout.lanes.reduce((sum, lane) => sum + lane.height, 0) / this.laneStretch;
		if (lanes === 0) return;
		const others = layout.height - lanes * this.laneStretch;
		const frame = fullHeight(layout, this.width) - layout.height; // the header and the margin
		const room = this.height - frame - others;
		const stretch = Math.min(MAX_LANE_STRETCH, Math.max(1, room / lanes));
		if (Math.abs(stretch - this.laneStretch) < 0.02) return;
		this.laneStretch = stretch;
		this.relayout();
	}

	private requireProps(): TimelineProps {
		if (!this.props) throw new Error('TimelineInteraction.update() has not been called yet.');
		return this.props;
	}

	private full(): Domain {
		return fullDomain(this.layout?.duration ?? 0);
	}

	private currentDomain(): Domain {
		return this.context?.domain ?? this.full();
	}

	private listen(
		target: EventTarget,
		type: string,
		handler: (event: Event) => void,
		options?: AddEventListenerOptions
	): void {
		target.addEventListener(type, handler, options);
		this.cleanup.push(() => target.removeEventListener(type, handler, options));
	}

	/** Pointer position in SVG coordinates. */
	private point(event: { clientX: number; clientY: number }): { x: number; y: number } {
		const rect = this.svg?.getBoundingClientRect();
		return rect ? { x: event.clientX - rect.left, y: event.clientY - rect.top } : { x: 0, y: 0 };
	}

	private onPointerDown(event: PointerEvent): void {
		if (event.button !== 0 && event.pointerType === 'mouse') return;
		const p = this.point(event);
		this.pointers.set(event.pointerId, p);
		this.elements.host.setPointerCapture?.(event.pointerId);
		this.drag = {
			x: p.x,
			y: p.y,
			domain: this.currentDomain(),
			scrollY: this.scrollY,
			moved: false,
			pinch: this.pointers.size === 2 ? this.pinchDistance() : null,
			measureFrom: event.shiftKey && this.pointers.size === 1 ? this.measurableTime(p.x) : null
		};
	}

	/**
	 * The time under px for a measured range, clamped to the run; null where the chart cannot
	 * measure (on an axis of loop turns, whose positions are not seconds).
	 */
	private measurableTime(px: number): number | null {
		const context = this.context;
		if (!context || this.props?.timeModel) return null;
		const [start, end] = this.full();
		return Math.min(Math.max(context.x.invert(px), Math.max(0, start)), end);
	}

	private pinchDistance(): number {
		const [a, b] = [...this.pointers.values()];
		return Math.hypot(a.x - b.x, a.y - b.y) || 1;
	}

	private onPointerMove(event: PointerEvent): void {
		const p = this.point(event);
		if (this.pointers.has(event.pointerId)) this.pointers.set(event.pointerId, p);
		const drag = this.drag;
		const context = this.context;
		if (drag && context && this.pointers.size > 0) {
			if (this.pointers.size >= 2 && drag.pinch !== null) {
				// Two fingers: zoom by the change in their distance, around their midpoint.
				const [a, b] = [...this.pointers.values()];
				const mid = context.x.invert((a.x + b.x) / 2);
				const factor = this.pinchDistance() / drag.pinch;
				this.domain = zoomDomain(drag.domain, factor, mid, this.full());
				drag.moved = true;
				this.schedule();
				return;
			}
			const dx = p.x - drag.x;
			const dy = p.y - drag.y;
			if (!drag.moved && Math.hypot(dx, dy) < CLICK_SLOP) return;
			drag.moved = true;
			if (drag.measureFrom !== null) {
				// Shift+drag measures: the chart stays where it is.
				const to = this.measurableTime(p.x) ?? drag.measureFrom;
				this.setRange([Math.min(drag.measureFrom, to), Math.max(drag.measureFrom, to)]);
				this.hideTooltip();
				return;
			}
			const secondsPerPixel =
				(drag.domain[1] - drag.domain[0]) / (context.frame.plotRight - context.frame.plotLeft);
			this.domain = panDomain(drag.domain, -dx * secondsPerPixel, this.full());
			this.scrollY = drag.scrollY - dy;
			this.hideTooltip();
			this.schedule();
			return;
		}
		this.hover(p);
	}

	private onPointerUp(event: PointerEvent): void {
		const drag = this.drag;
		this.pointers.delete(event.pointerId);
		if (this.pointers.size > 0) return;
		this.drag = null;
		if (!drag || drag.moved || event.type === 'pointercancel') return;
		const context = this.context;
		if (!context) return;
		// A click clears a measured range.
		if (this.range) this.setRange(null);
		const p = this.point(event);
		this.activate(hitTest(context, p.x, p.y));
	}

	/** Measure [start, end] (null: clear): draw it and tell the component. */
	private setRange(range: Domain | null): void {
		this.range = range;
		this.drawRange();
		this.props?.onrange?.(range);
	}

	private drawRange(): void {
		this.rangeGroup?.remove();
		this.rangeGroup = null;
		if (!this.range || !this.context || !this.svg) return;
		const group = rangeMark(this.range[0], this.range[1], this.context);
		if (group) {
			this.svg.appendChild(group);
			this.rangeGroup = group;
		}
	}

	private onPointerLeave(): void {
		if (this.drag) return;
		this.cursorT = null;
		this.drawCursor();
		this.hideTooltip();
	}

	private onWheel(event: WheelEvent): void {
		const context = this.context;
		if (!context) return;
		event.preventDefault();
		const p = this.point(event);
		const unit = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? 400 : 1;
		const dx = event.deltaX * unit;
		const dy = event.deltaY * unit;
		if (event.shiftKey) {
			this.scrollY += dy || dx;
		} else if (Math.abs(dx) > Math.abs(dy)) {
			const current = this.currentDomain();
			const secondsPerPixel =
				(current[1] - current[0]) / (context.frame.plotRight - context.frame.plotLeft);
			this.domain = panDomain(current, dx * secondsPerPixel, this.full());
		} else {
			// Trackpad pinches arrive as wheel events with ctrlKey, in smaller steps.
			const factor = Math.exp(-dy * (event.ctrlKey ? 0.01 : 0.002));
			const anchor = context.x.invert(Math.max(p.x, context.frame.plotLeft));
			this.domain = zoomDomain(this.currentDomain(), factor, anchor, this.full());
		}
		this.hideTooltip();
		this.schedule();
	}

	private hover(p: { x: number; y: number }): void {
		const context = this.context;
		if (!context) return;
		const inPlot =
			p.x >= context.frame.plotLeft &&
			p.x <= context.frame.plotRight &&
			p.y >= context.legendHeight;
		this.cursorT = inPlot ? context.x.invert(p.x) : null;
		this.drawCursor();
		const hit = hitTest(context, p.x, p.y);
		const fields = hit ? this.hitFields(hit) : null;
		if (!fields) return this.hideTooltip();
		this.showTooltip(fields, p);
	}

	private hitFields(hit: Hit): { title: string; fields: Field[] } | null {
		switch (hit.kind) {
			case 'segment':
				return {
					title: `${hit.lane.task.name}: ${hit.segment.kind}`,
					fields: segmentFields(...this.inSeconds(hit.lane.task, hit.index))
				};
			case 'marker':
				return {
					title: `${hit.lane.task.name}: ${hit.marker}`,
					// On an axis of turns, the marker's time is the task's own, in seconds.
					fields: markerFields(
						this.inSeconds(hit.lane.task, 0)[0],
						hit.marker,
						this.props?.timeModel ? undefined : hit.t
					)
				};
			case 'group':
				return {
					title: `${hit.lane.coro}() × ${hit.lane.members.length} tasks`,
					fields: [
						{ name: 'Time', value: formatSeconds(hit.t) },
						{ name: 'Running', value: String(hit.running) },
						{ name: 'Waiting', value: String(hit.waiting) },
						{ name: 'Expand', value: 'click the lane' }
					]
				};
			case 'strip': {
				const fields: Field[] = [
					{ name: 'Time', value: formatSeconds(hit.t) },
					{ name: 'Running', value: String(hit.running) },
					{ name: 'Waiting', value: String(hit.waiting) }
				];
				if (hit.blocked) {
					fields.push({
						name: 'Loop blocked',
						value: `${hit.blocked.cause}, line ${hit.blocked.line ?? 'unknown'}`
					});
				}
				return { title: 'Tasks at once', fields };
			}
			case 'label':
				return null;
		}
	}

	private showTooltip(content: { title: string; fields: Field[] }, p: { x: number; y: number }) {
		const tooltip = this.elements.tooltip;
		const title = document.createElement('strong');
		title.textContent = content.title;
		const list = document.createElement('dl');
		for (const field of content.fields) {
			const name = document.createElement('dt');
			name.textContent = field.name;
			const value = document.createElement('dd');
			value.textContent = field.value;
			list.append(name, value);
		}
		tooltip.replaceChildren(title, list);
		tooltip.hidden = false;
		const width = tooltip.offsetWidth || 220;
		const left = p.x + 16 + width > this.width ? p.x - 16 - width : p.x + 16;
		tooltip.style.left = `${Math.max(0, left)}px`;
		// Below the pointer, or above it near the bottom of the chart (or of its area, when the
		// chart fills one taller than itself).
		const height = tooltip.offsetHeight || 120;
		const room = Math.max(this.context?.height ?? 0, this.elements.host.clientHeight);
		const below = p.y + 14 + height <= room;
		tooltip.style.top = `${Math.max(0, below ? p.y + 14 : p.y - 10 - height)}px`;
	}

	private hideTooltip(): void {
		this.elements.tooltip.hidden = true;
	}

	private drawCursor(): void {
		this.cursorGroup?.remove();
		this.cursorGroup = null;
		if (this.cursorT === null || !this.context || !this.svg) return;
		const group = cursor(this.cursorT).render(this.context);
		if (group) {
			this.svg.appendChild(group);
			this.cursorGroup = group;
		}
	}

	/**
	 * A task and one of its segments as words should give them: in seconds, also when the chart
	 * is drawn on an axis of loop turns (its segments are the same ones, in the same order).
	 */
	private inSeconds(task: TaskModel, index: number): [TaskModel, Segment] {
		const timed = this.props?.timeModel?.tasks.find((candidate) => candidate.id === task.id);
		const chosen = timed ?? task;
		return [chosen, chosen.segments[index] ?? task.segments[index]];
	}

	/** The replay's overlay: its wake-up arrows and the step's line. */
	private drawStep(): void {
		this.stepGroup?.remove();
		this.stepGroup = null;
		const props = this.props;
		if (!props || !this.context || !this.svg) return;
		const group = svgElement(document, 'g', { class: 'tl-replay' });
		if (props.wakes) {
			const arrows = wakeArrowsMark(props.wakes, props.model, this.context);
			if (arrows) group.appendChild(arrows);
		}
		const t = props.stepTime;
		if (t !== null && t !== undefined) {
			const line = stepCursor(t, this.context);
			if (line) group.appendChild(line);
		}
		this.svg.appendChild(group);
		this.stepGroup = group;
	}

	/** A click or Enter: go to the source line, or expand / collapse a group. */
	private activate(hit: Hit | null): void {
		if (!hit) return;
		const select = this.props?.onselectline;
		switch (hit.kind) {
			case 'segment':
				if (this.inCurrentRun(hit.lane)) {
					if (hit.segment.line !== null) select?.(hit.segment.line);
					this.props?.onselectsegment?.(hit.lane.task.id, hit.segment.start);
				}
				this.focus = { lane: hit.lane.index, segment: hit.index };
				// The panel reads the current run's model: a stacked run's task ids are another run's.
				if (this.inCurrentRun(hit.lane))
					this.props?.ondetails?.({ task: hit.lane.task.id, segment: hit.index });
				this.schedule();
				return;
			case 'marker': {
				const line = hit.marker === 'created' ? hit.lane.task.line : markerLine(hit.lane.task);
				if (line !== null && this.inCurrentRun(hit.lane)) select?.(line);
				if (this.inCurrentRun(hit.lane))
					this.props?.ondetails?.({ task: hit.lane.task.id, segment: null });
				return;
			}
			case 'group':
				return this.toggleGroup(hit.lane);
			case 'label':
				if (hit.lane.kind === 'group') return this.toggleGroup(hit.lane);
				this.focus = { lane: hit.lane.index, segment: null };
				this.announce(describeLane(hit.lane, hit.lane.index, this.layout?.lanes.length ?? 0));
				if (this.inCurrentRun(hit.lane))
					this.props?.ondetails?.({ task: hit.lane.task.id, segment: null });
				this.schedule();
				return;
			case 'strip':
				return;
		}
	}

	/**
	 * Whether a lane is the current run's: only its lines are the editor's, and only its tasks are
	 * the replay's (a stacked run's code and task ids are another run's).
	 */
	private inCurrentRun(lane: LaneRow): boolean {
		const section = this.layout?.sections[lane.section];
		return section !== undefined && section.model === this.props?.model;
	}

	private toggleGroup(lane: LaneRow): void {
		if (lane.kind !== 'group') return;
		if (this.expanded.has(lane.key)) this.expanded.delete(lane.key);
		else this.expanded.add(lane.key);
		this.relayout();
		this.focus = { lane: lane.index, segment: null };
		this.announce(`Expanded ${lane.members.length} tasks of ${lane.coro}.`);
		this.schedule();
	}

	private onKeyDown(event: KeyboardEvent): void {
		const layout = this.layout;
		if (!layout || layout.lanes.length === 0) return;
		const focus = this.focus ?? { lane: 0, segment: null };
		const lane = layout.lanes[focus.lane] ?? layout.lanes[0];
		let next: FocusTarget | null = null;
		switch (event.key) {
			case 'ArrowDown':
				next = {
					lane: Math.min(focus.lane + (this.focus ? 1 : 0), layout.lanes.length - 1),
					segment: null
				};
				break;
			case 'ArrowUp':
				next = { lane: Math.max(focus.lane - 1, 0), segment: null };
				break;
			case 'ArrowRight':
			case 'ArrowLeft': {
				if (lane.kind !== 'task') return;
				const count = lane.task.segments.length;
				const step = event.key === 'ArrowRight' ? 1 : -1;
				const current = focus.segment ?? (step > 0 ? -1 : count);
				next = { lane: lane.index, segment: Math.min(Math.max(current + step, 0), count - 1) };
				break;
			}
			case 'Home':
				next = { lane: 0, segment: null };
				break;
			case 'End':
				next = { lane: layout.lanes.length - 1, segment: null };
				break;
			case 'Enter':
			case ' ': {
				event.preventDefault();
				if (lane.kind === 'group') return this.toggleGroup(lane);
				if (focus.segment !== null && this.inCurrentRun(lane)) {
					const segment = lane.task.segments[focus.segment];
					if (segment?.line != null) this.props?.onselectline?.(segment.line);
					if (segment) this.props?.onselectsegment?.(lane.task.id, segment.start);
				}
				this.hideTooltip();
				if (this.inCurrentRun(lane))
					this.props?.ondetails?.({ task: lane.task.id, segment: focus.segment });
				return;
			}
			case '+':
			case '=':
				this.zoomIn();
				event.preventDefault();
				return;
			case '-':
			case '_':
				this.zoomOut();
				event.preventDefault();
				return;
			case '0':
				this.reset();
				event.preventDefault();
				return;
			case 'Escape':
				// One thing at a time: the details panel, then the measured range, then the focus.
				if (this.props?.ondismiss?.()) return;
				if (this.range) return this.setRange(null);
				this.focus = null;
				this.hideTooltip();
				this.schedule();
				return;
			default:
				return;
		}
		event.preventDefault();
		this.focus = next;
		this.reveal(next);
		const target = layout.lanes[next.lane];
		if (target.kind === 'task' && next.segment !== null) {
			const [task, segment] = this.inSeconds(target.task, next.segment);
			this.announce(describeSegment(task, segment, next.segment));
		} else {
			this.announce(describeLane(target, next.lane, layout.lanes.length));
		}
		// Drawn first, so the tooltip is placed against the frame the learner will see.
		this.renderNow();
		this.showFocusTooltip(next);
	}

	/** What the keyboard rests on, shown beside it: the spoken description, for the eyes. */
	private showFocusTooltip(target: FocusTarget): void {
		const context = this.context;
		const lane = this.layout?.lanes[target.lane];
		if (!context || !lane) return;
		const y = lane.y + lane.height - context.viewTop + context.headerHeight;
		if (lane.kind === 'task' && target.segment !== null) {
			const segment = lane.task.segments[target.segment];
			const middle = context.x((segment.start + segment.end) / 2);
			const x = Math.min(Math.max(middle, context.frame.plotLeft), context.frame.plotRight);
			this.showTooltip(
				{
					title: `${lane.task.name}: ${segment.kind}`,
					fields: segmentFields(...this.inSeconds(lane.task, target.segment))
				},
				{ x, y }
			);
		} else {
			this.showTooltip(
				{ title: laneTitle(lane).name, fields: laneFields(lane) },
				{ x: context.frame.plotLeft, y }
			);
		}
	}

	/** Scroll and pan so the focused lane and segment are on screen. */
	private reveal(target: FocusTarget): void {
		const context = this.context;
		const lane = this.layout?.lanes[target.lane];
		if (!context || !lane) return;
		const visible = context.viewBottom - context.viewTop;
		if (lane.y < context.viewTop) this.scrollY = lane.y - 4;
		else if (lane.y + lane.height > context.viewBottom)
			this.scrollY = lane.y + lane.height - visible + 4;
		if (lane.kind !== 'task' || target.segment === null) return;
		const segment = lane.task.segments[target.segment];
		const [d0, d1] = context.domain;
		if (segment.end < d0 || segment.start > d1) {
			const span = d1 - d0;
			const middle = (segment.start + segment.end) / 2;
			this.domain = panDomain([middle - span / 2, middle + span / 2], 0, this.full());
		}
	}

	private announce(text: string): void {
		this.elements.live.textContent = text;
	}
}
