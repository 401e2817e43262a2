import { describe, expect, it } from 'vitest';
import type { Segment } from '../../src/lib/engine/model';
import { countColumns, levelOfDetail, RUNNING_MIN_WIDTH } from '../../src/lib/timeline/lod';
import { groupStats, layoutTimeline, visibleRows } from '../../src/lib/timeline/layout';
import { fullDomain, frame, timeScale } from '../../src/lib/timeline/scales';
import { gatherThree, largeRun, manyTasks, sequentialThree } from './timeline/fixtures';

/** A lane of n alternating waiting / running segments over n seconds. */
function alternating(n: number): Segment[] {
	return Array.from({ length: n }, (_, i) => ({
		kind: i % 2 === 0 ? ('waiting' as const) : ('running' as const),
		start: i,
		end: i + 1,
		label: i % 2 === 0 ? 'sleep(1)' : 'worker',
		line: 3
	}));
}

describe('levelOfDetail', () => {
	const linear = (scale: number) => (t: number) => t * scale;

	it('draws wide segments one for one', () => {
		const out = levelOfDetail(alternating(10), linear(50), 0, 500);
		expect(out).toHaveLength(10);
		expect(out.every((piece) => piece.count === 1)).toBe(true);
		expect(out[3]).toMatchObject({ kind: 'running', x0: 150, x1: 200, first: 3 });
	});

	it('never draws more pieces than the lane has pixels, however many segments', () => {
		const out = levelOfDetail(alternating(100_000), linear(0.005), 0, 500);
		expect(out.length).toBeLessThanOrEqual(500);
		expect(out.reduce((sum, piece) => sum + piece.count, 0)).toBe(100_000);
	});

	it('shows a merged block as running when any running segment is inside', () => {
		const [piece] = levelOfDetail(alternating(1000), linear(0.001), 0, 500);
		expect(piece.kind).toBe('running');
		expect(piece.count).toBe(1000);
	});

	it('merges neighbours of one kind into one rectangle', () => {
		const segments: Segment[] = [
			{ kind: 'waiting', start: 0, end: 1, label: 'a', line: 1 },
			{ kind: 'waiting', start: 1, end: 2, label: 'b', line: 1 }
		];
		expect(levelOfDetail(segments, linear(100), 0, 500)).toEqual([
			{ kind: 'waiting', style: 'ready', x0: 0, x1: 200, first: 0, count: 2 }
		]);
	});

	it('gives a zero-length running step a visible tick', () => {
		const segments: Segment[] = [{ kind: 'running', start: 1, end: 1, label: 'main', line: 1 }];
		const [piece] = levelOfDetail(segments, linear(100), 0, 500);
		expect(piece.x1 - piece.x0).toBe(RUNNING_MIN_WIDTH);
		// At the edges of the plot (the run's first and last steps) the tick stays whole, inside.
		const [first] = levelOfDetail(segments, linear(100), 100, 500);
		expect([first.x0, first.x1]).toEqual([100, 100 + RUNNING_MIN_WIDTH]);
		const [last] = levelOfDetail(segments, linear(100), 0, 100);
		expect([last.x0, last.x1]).toEqual([100 - RUNNING_MIN_WIDTH, 100]);
	});

	it('skips what lies outside the window and clips what crosses it', () => {
		const out = levelOfDetail(alternating(10), linear(50), 120, 260);
		expect(out[0]).toMatchObject({ first: 2, x0: 120 });
		expect(out[out.length - 1].x1).toBe(260);
		expect(out.map((piece) => piece.first)).toEqual([2, 3, 4, 5]);
	});
});

describe('countColumns', () => {
	it('reduces a step function to at most one column per pixel and keeps peaks', () => {
		const points = Array.from({ length: 10_000 }, (_, i) => ({
			t: i / 10_000,
			running: i === 5000 ? 99 : 0,
			waiting: 1
		}));
		const columns = countColumns(points, (t) => t * 300, 0, 300, 1);
		expect(columns.length).toBeLessThanOrEqual(301);
		expect(Math.max(...columns.map((c) => c.running))).toBe(99);
	});
});

describe('layoutTimeline', () => {
	it('gives each task a lane in model order, indented by depth', () => {
		const layout = layoutTimeline([{ model: gatherThree(), label: null }]);
		expect(layout.lanes.map((lane) => (lane.kind === 'task' ? lane.task.name : lane.key))).toEqual([
			'Task-1',
			'Task-2',
			'Task-3',
			'Task-4'
		]);
		expect(layout.lanes.map((lane) => lane.depth)).toEqual([0, 1, 1, 1]);
	});

	it('collapses a big group of sibling tasks into one lane, and expands it on request', () => {
		const model = manyTasks(1000);
		const collapsed = layoutTimeline([{ model, label: null }]);
		expect(collapsed.lanes).toHaveLength(2);
		const group = collapsed.lanes[1];
		expect(group.kind === 'group' && group.members.length).toBe(1000);
		expect(group.kind === 'group' && group.stats.peak).toBe(1000);
		const expanded = layoutTimeline([{ model, label: null }], {
			expanded: new Set([group.kind === 'group' ? group.key : ''])
		});
		expect(expanded.lanes).toHaveLength(1001);
	});

	it('stacks a pinned run above this run, each with a labelled section', () => {
		const layout = layoutTimeline([
			{ model: sequentialThree(), label: 'pinned' },
			{ model: gatherThree(), label: 'this run' }
		]);
		expect(layout.sections.map((s) => s.label)).toEqual(['pinned', 'this run']);
		expect(layout.duration).toBe(6);
		expect(layout.sections[1].lanesTop).toBeGreaterThan(layout.sections[0].lanesBottom);
	});

	it('finds the visible rows of a 10,000-lane layout without walking all of them', () => {
		const model = largeRun(10_000, 5);
		const groupKey = `0:1:worker`;
		const layout = layoutTimeline([{ model, label: null }], { expanded: new Set([groupKey]) });
		expect(layout.lanes).toHaveLength(10_001);
		const rows = visibleRows(layout.rows, 100_000, 100_400);
		expect(rows.length).toBeGreaterThan(15);
		expect(rows.length).toBeLessThan(22);
		expect(rows[0].y).toBeLessThanOrEqual(100_000);
	});

	it('counts a group’s running and waiting members over time', () => {
		const stats = groupStats(gatherThree().tasks.slice(1));
		expect(stats.peak).toBe(3);
		expect(stats.points.map((p) => [p.t, p.waiting])).toEqual([
			[0, 3],
			[1, 2],
			[2, 1],
			[3, 0]
		]);
	});
});

describe('timeScale with the layout', () => {
	it('spans the longest of the stacked runs', () => {
		const layout = layoutTimeline([
			{ model: sequentialThree(), label: 'pinned' },
			{ model: gatherThree(), label: 'this run' }
		]);
		const x = timeScale(fullDomain(layout.duration), frame(800));
		expect(x.domain()).toEqual([0, 6]);
	});
});
