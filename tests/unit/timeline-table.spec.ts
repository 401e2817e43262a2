import { describe, expect, it } from 'vitest';
import {
	describeLane,
	describeSegment,
	segmentFields,
	taskTableRows
} from '../../src/lib/timeline/describe';
import { hitTest } from '../../src/lib/timeline/hit';
import { layoutTimeline } from '../../src/lib/timeline/layout';
import { renderSwimlane } from '../../src/lib/timeline/swimlane';
import { renderTimelineSvg } from '../../src/lib/timeline/svg';
import { palettes } from '../../src/lib/timeline/theme';
import {
	blockingSleep,
	deadlock,
	gatherThree,
	manyTasks,
	taskGroupFailure
} from './timeline/fixtures';
import { nodeDocument } from './timeline/snapshot';

describe('taskTableRows (the table alternative)', () => {
	it('lists every task with parent, times, state and what it waited on', () => {
		const rows = taskTableRows(gatherThree());
		expect(rows).toHaveLength(4);
		expect(rows[0]).toMatchObject({
			name: 'Task-1',
			parent: '—',
			start: '0 s',
			end: '3.00 s',
			state: 'done',
			waitedOn: 'gather(3)'
		});
		expect(rows[3]).toMatchObject({ name: 'Task-4', parent: 'Task-1', waitedOn: 'sleep(3)' });
	});

	it('says when a task never finished and what it was stuck on', () => {
		const rows = taskTableRows(deadlock());
		expect(rows[1]).toMatchObject({ end: 'never', state: 'never finished' });
		expect(rows[1].waitedOn).toBe('sleep(0.1), Lock b');
	});

	it('names raised and cancelled tasks', () => {
		const states = taskTableRows(taskGroupFailure()).map((row) => row.state);
		expect(states).toEqual(['raised', 'done', 'raised', 'cancelled']);
	});

	it('keeps a row per task in a collapsed 1,000-task run', () => {
		expect(taskTableRows(manyTasks(1000))).toHaveLength(1001);
	});
});

describe('descriptions', () => {
	it('describes a segment for a screen reader', () => {
		const task = blockingSleep().tasks[1];
		expect(describeSegment(task, task.segments[1], 1)).toBe(
			'Task-2, blocker(): blocking the loop in time.sleep(2) from 0 s to 2.00 s, line 5. Segment 2 of 5.'
		);
	});

	it('gives the tooltip every field the issue asks for', () => {
		const task = gatherThree().tasks[2];
		const names = segmentFields(task, task.segments[1]).map((f) => f.name);
		expect(names).toEqual(['Task', 'Call', 'State', 'Start', 'End', 'Duration', 'Awaits', 'Line']);
	});

	it('tells a keyboard user a group lane expands with Enter', () => {
		const layout = layoutTimeline([{ model: manyTasks(100), label: null }]);
		expect(describeLane(layout.lanes[1], 1, 2)).toContain('Press Enter to expand');
	});
});

describe('hitTest', () => {
	it('finds the segment under the pointer from the scales, not the DOM', () => {
		const layout = layoutTimeline([{ model: gatherThree(), label: null }]);
		const { context } = renderSwimlane(nodeDocument(), layout, {
			width: 800,
			palette: palettes.light,
			idPrefix: 't'
		});
		const lane = layout.lanes[2];
		const y = context.headerHeight + lane.y + lane.height / 2;
		const hit = hitTest(context, context.x(1.5), y);
		expect(hit?.kind).toBe('segment');
		expect(hit?.kind === 'segment' && hit.segment.label).toBe('sleep(2)');
		const marker = hitTest(context, context.x(2), y);
		expect(marker?.kind === 'marker' && marker.marker).toBe('done');
		expect(hitTest(context, context.frame.plotLeft - 30, y)?.kind).toBe('label');
	});
});

describe('renderTimelineSvg', () => {
	it('sets user text as text, never markup', () => {
		const model = gatherThree();
		model.tasks[1].name = '<img src=x onerror=alert(1)>';
		const svg = renderTimelineSvg(model, nodeDocument());
		expect(svg).not.toContain('<img');
		expect(svg).toContain('&lt;img');
	});

	it('inlines every colour, so the file needs no stylesheet', () => {
		const svg = renderTimelineSvg(gatherThree(), nodeDocument(), { theme: 'dark' });
		expect(svg).not.toContain('var(--');
		expect(svg).toContain(palettes.dark.running);
		expect(svg.startsWith('<svg')).toBe(true);
		expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
	});

	it('labels the blocking bar with the call that held the loop and its line', () => {
		const svg = renderTimelineSvg(blockingSleep(), nodeDocument());
		expect(svg).toContain('time.sleep(2) blocks the loop · line 5');
		// Inside the blocking task's own bar, not over the concurrency strip, where it collided
		// with the strip's bars.
		const document = nodeDocument();
		const container = document.createElement('div');
		container.innerHTML = svg;
		expect(container.querySelector('.tl-blocked text')).toBeNull();
		const label = [...container.querySelectorAll('.tl-segments text')].find((text) =>
			text.textContent?.includes('blocks the loop')
		);
		expect(label).toBeDefined();
	});

	it('renders 10,000 lanes of SVG only for what is visible in a viewport', () => {
		const layout = layoutTimeline([{ model: manyTasks(10_000), label: null }], {
			expanded: new Set(['0:1:worker'])
		});
		const { svg } = renderSwimlane(nodeDocument(), layout, {
			width: 800,
			height: 500,
			palette: palettes.light,
			idPrefix: 't',
			scrollY: 50_000
		});
		const labels = [...svg.querySelectorAll('tspan')]
			.map((t) => t.textContent ?? '')
			.filter((text) => text.startsWith('Task-'));
		expect(labels.length).toBeLessThan(30);
		expect(svg.querySelector('.tl-scrollbar')).not.toBeNull();
		const firstVisible = layout.lanes.find((lane) => lane.y + lane.height > 50_000);
		expect(firstVisible?.kind === 'task' && labels[0] === firstVisible.task.name).toBe(true);
	});
});

describe('the axis of loop turns', () => {
	function axisTexts(turnGaps: { at: number; label: string }[]): string[] {
		const layout = layoutTimeline([{ model: gatherThree(), label: null }], {});
		const { svg } = renderSwimlane(nodeDocument(), layout, {
			width: 800,
			palette: palettes.light,
			idPrefix: 't',
			turnGaps
		});
		return [...svg.querySelectorAll('.tl-axis text')].map((text) => text.textContent ?? '');
	}

	it('gives a "+1.00 s" the room where a tick label would run into it, and keeps both apart', () => {
		// gather-three lasts 3: ticks at 0, 0.5 … 3 are whole turns at 0, 1, 2 and 3.
		const plain = axisTexts([{ at: 0.5, label: '+1.00 s' }]);
		expect(plain).toEqual(expect.arrayContaining(['0', '1', '2', '3', '+1.00 s']));
		// A jump just before turn 1: its label starts where "1" is centred, so "1" gives way.
		const crowded = axisTexts([{ at: 0.98, label: '+1.00 s' }]);
		expect(crowded).toContain('+1.00 s');
		expect(crowded).not.toContain('1');
		expect(crowded).toEqual(expect.arrayContaining(['0', '2', '3']));
	});

	it('leaves out a jump label that would overlap the one before; its mark stays', () => {
		const layout = layoutTimeline([{ model: gatherThree(), label: null }], {});
		const { svg } = renderSwimlane(nodeDocument(), layout, {
			width: 800,
			palette: palettes.light,
			idPrefix: 't',
			turnGaps: [
				{ at: 1.5, label: '+1.00 s' },
				{ at: 1.52, label: '+2.00 s' }
			]
		});
		expect([...svg.querySelectorAll('.tl-axis-gaps text')].map((t) => t.textContent)).toEqual([
			'+1.00 s'
		]);
		expect(svg.querySelectorAll('.tl-axis-gaps path')).toHaveLength(2);
	});
});

describe('taskTableRows pages', () => {
	it('gives the rows of one page, with parent names from outside the page', () => {
		const model = manyTasks(1000);
		const page = taskTableRows(model, 500, 1000);
		expect(page).toHaveLength(500);
		expect(page[0]).toMatchObject({ name: 'Task-501', parent: 'Task-1' });
		expect(taskTableRows(model, 1000, 1500)).toHaveLength(1);
	});
});
