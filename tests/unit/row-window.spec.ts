/** The Output panel's row window: a screenful of 20,000 rows, with spacers that keep the scroll bar true. */
import { describe, expect, it } from 'vitest';
import { MAX_ROWS, rowWindow } from '../../src/lib/ui/row-window';

describe('rowWindow', () => {
	it('renders the rows in view and a margin, and spaces the rest, for 20,000 rows', () => {
		const heights = new Float64Array(20_000);
		const top = rowWindow(20_000, heights, 0, 600);
		expect(top).toEqual({ start: 0, end: 60, before: 0, after: (20_000 - 60) * 20 });
		const middle = rowWindow(20_000, heights, 200_000, 600);
		expect(middle.start).toBe(9_970);
		expect(middle.end - middle.start).toBe(90);
		expect(middle.before + (middle.end - middle.start) * 20 + middle.after).toBe(400_000);
	});

	it('uses measured heights, and their average for rows not yet measured', () => {
		const heights = new Float64Array(1_000);
		heights.fill(40, 0, 10); // ten tall rows (a traceback) measured at the top
		const window = rowWindow(1_000, heights, 0, 400);
		expect(window.start).toBe(0);
		expect(window.end).toBe(20); // 800 px of 40 px rows
		expect(window.after).toBe(980 * 40);
	});

	it('never renders more than MAX_ROWS, even for rows measured at zero height', () => {
		const window = rowWindow(50_000, new Float64Array(50_000), 0, 1e9);
		expect(window.end - window.start).toBe(MAX_ROWS);
	});
});
