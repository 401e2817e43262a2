/**
 * Which rows of a long list to render: those in view plus a margin on each side, and the space the
 * others would take (spacers keep the scroll bar true). Rows may differ in height: a row measured
 * once keeps its height, the others count as the average of those measured. Pure, so it is tested
 * without a browser; OutputPanel renders 20,000 printed lines this way in about a screenful of rows.
 */
export interface RowWindow {
	/** The first row to render. */
	start: number;
	/** One past the last row to render. */
	end: number;
	/** Pixels above the first rendered row, and below the last. */
	before: number;
	after: number;
}

/** Rows rendered at most, whatever the heights say (a row of zero height cannot make it unbounded). */
export const MAX_ROWS = 400;

/**
 * `heights[i]` is row i's measured height, or 0 if it was never rendered; `fallback` stands in for
 * unmeasured rows until some are measured.
 */
export function rowWindow(
	count: number,
	heights: ArrayLike<number>,
	scrollTop: number,
	viewport: number,
	fallback = 20
): RowWindow {
	let measuredSum = 0;
	let measuredCount = 0;
	for (let i = 0; i < count; i++) {
		if (heights[i] > 0) {
			measuredSum += heights[i];
			measuredCount += 1;
		}
	}
	const average = measuredCount > 0 ? measuredSum / measuredCount : fallback;
	const height = (i: number) => (heights[i] > 0 ? heights[i] : average);
	const top = Math.max(0, scrollTop - viewport);
	const bottom = scrollTop + 2 * viewport;
	let y = 0;
	let start = 0;
	while (start < count && y + height(start) <= top) y += height(start++);
	const before = y;
	let end = start;
	while (end < count && end - start < MAX_ROWS && y < bottom) y += height(end++);
	let after = 0;
	for (let i = end; i < count; i++) after += height(i);
	return { start, end, before, after };
}
