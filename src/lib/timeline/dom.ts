/**
 * The few DOM helpers every mark uses. The document is always passed in, so marks render the
 * same in a browser and in Node (linkedom). Text goes through textContent, never markup.
 */

import { BASE_TEXT_SIZE } from './sizes';

export const SVG_NS = 'http://www.w3.org/2000/svg';

export type Attributes = Record<string, string | number | null | undefined>;

/** Round to one decimal: enough for a screen, and stable for snapshot tests. */
export function round(value: number): number {
	return Math.round(value * 10) / 10;
}

/** Create an SVG element with attributes (numbers rounded) and optional text. */
export function svgElement(
	document: Document,
	tag: string,
	attributes: Attributes = {},
	text?: string
): SVGElement {
	const element = document.createElementNS(SVG_NS, tag) as SVGElement;
	for (const [name, value] of Object.entries(attributes)) {
		if (value === null || value === undefined) continue;
		element.setAttribute(name, typeof value === 'number' ? String(round(value)) : value);
	}
	if (text !== undefined) element.textContent = text;
	return element;
}

/** Append children to a parent, skipping nulls; returns the parent. */
export function append<T extends Element>(parent: T, ...children: (Element | null)[]): T {
	for (const child of children) if (child) parent.appendChild(child);
	return parent;
}

/** A rough text width at a font size: Node has no text metrics, so both sides guess alike. */
export function textWidth(text: string, fontSize = BASE_TEXT_SIZE): number {
	return text.length * fontSize * 0.58;
}

/** Shorten text to fit `width` pixels, with an ellipsis. */
export function fitText(text: string, width: number, fontSize = BASE_TEXT_SIZE): string {
	if (textWidth(text, fontSize) <= width) return text;
	const chars = Math.floor(width / (fontSize * 0.58)) - 1;
	return chars <= 0 ? '' : text.slice(0, chars) + '…';
}
