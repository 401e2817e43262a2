/**
 * What "nothing is cut off or overlaps" means, measured in the page: the boxes of a row of
 * controls share one line, none covers another, none pokes out of its container or the window,
 * and no button's text is clipped. Each check returns the problems it found, as sentences, so a
 * failing test says what is wrong where.
 */
import type { Page } from 'playwright-core';

export interface LayoutProblem {
	where: string;
	problem: string;
}

/**
 * Checks, in the page, every row of controls matched by `rows` (each row's visible children) and
 * every group of items matched by `groups` (items that may wrap, but must not overlap), and that
 * the page itself does not scroll.
 */
export async function layoutProblems(
	page: Page,
	options: { rows: string[]; groups: string[]; inside: string[] }
): Promise<string[]> {
	// Sent as source text. A transform that keeps function names (esbuild's keepNames, as tsx
	// uses) wraps inner functions in a __name helper the page does not have: it gets a stand-in.
	const script =
		`(() => { const __name = (target) => target; ` +
		`return (${checkLayout.toString()})(${JSON.stringify(options)}); })()`;
	return (await page.evaluate(script)) as string[];
}

/** Runs in the page. Self-contained: no imports, no closures. */
function checkLayout(options: { rows: string[]; groups: string[]; inside: string[] }): string[] {
	const problems: string[] = [];
	const slack = 0.5;
	const name = (element: Element) => {
		const label =
			element.getAttribute('aria-label') ??
			element.getAttribute('data-stat') ??
			(element.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 30);
		return `${element.tagName.toLowerCase()}${element.className ? '.' + String(element.className).split(' ')[0] : ''} "${label}"`;
	};
	const visible = (element: Element) => {
		const box = element.getBoundingClientRect();
		const style = getComputedStyle(element);
		return box.width > 0 && box.height > 0 && style.visibility !== 'hidden';
	};
	const within = (inner: DOMRect, outer: DOMRect) =>
		inner.left >= outer.left - slack &&
		inner.right <= outer.right + slack &&
		inner.top >= outer.top - slack &&
		inner.bottom <= outer.bottom + slack;
	const intersect = (a: DOMRect, b: DOMRect) =>
		Math.min(a.right, b.right) - Math.max(a.left, b.left) > slack &&
		Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > slack;
	const viewport = new DOMRect(0, 0, innerWidth, innerHeight);

	const scroller = document.scrollingElement ?? document.documentElement;
	if (scroller.scrollHeight > innerHeight + 1)
		problems.push(`the page scrolls: ${scroller.scrollHeight} px tall in ${innerHeight}`);
	if (scroller.scrollWidth > innerWidth + 1)
		problems.push(`the page scrolls sideways: ${scroller.scrollWidth} px in ${innerWidth}`);

	const checkItems = (container: Element, items: Element[], oneLine: boolean) => {
		const outer = container.getBoundingClientRect();
		const boxes = items.map((item) => ({ item, box: item.getBoundingClientRect() }));
		for (const { item, box } of boxes) {
			if (!within(box, outer)) problems.push(`${name(item)} pokes out of ${name(container)}`);
			if (!within(box, viewport)) problems.push(`${name(item)} is outside the window`);
			if (item.tagName === 'BUTTON' && item.scrollWidth > item.clientWidth + 1)
				problems.push(`${name(item)}'s text is clipped`);
		}
		for (let i = 0; i < boxes.length; i++) {
			for (let j = i + 1; j < boxes.length; j++) {
				if (intersect(boxes[i].box, boxes[j].box))
					problems.push(`${name(boxes[i].item)} overlaps ${name(boxes[j].item)}`);
			}
		}
		if (oneLine && boxes.length > 1) {
			const top = Math.max(...boxes.map(({ box }) => box.top));
			const bottom = Math.min(...boxes.map(({ box }) => box.bottom));
			if (top >= bottom) problems.push(`${name(container)} wraps onto more than one line`);
		}
	};
	for (const selector of options.rows) {
		const rows = [...document.querySelectorAll(selector)].filter(visible);
		if (rows.length === 0) problems.push(`nothing matches ${selector}`);
		for (const row of rows) checkItems(row, [...row.children].filter(visible), true);
	}
	for (const selector of options.groups) {
		const groups = [...document.querySelectorAll(selector)].filter(visible);
		if (groups.length === 0) problems.push(`nothing matches ${selector}`);
		for (const group of groups) checkItems(group, [...group.children].filter(visible), false);
	}
	for (const selector of options.inside) {
		const elements = [...document.querySelectorAll(selector)].filter(visible);
		if (elements.length === 0) problems.push(`nothing matches ${selector}`);
		for (const element of elements) {
			if (!within(element.getBoundingClientRect(), viewport))
				problems.push(`${name(element)} is cut off by the window`);
		}
	}
	return problems;
}
