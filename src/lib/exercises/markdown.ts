/**
 * A small, safe Markdown renderer for exercise instructions and hints. It parses the subset the
 * content uses (paragraphs, headings, emphasis, inline code, fenced code, lists, block quotes and
 * http(s) links) into a token tree, then builds DOM nodes with createElement and textContent.
 * No string is ever parsed as HTML, so `<script>` in an exercise is shown as text, and a link
 * to anything but http(s) is shown as its text without a link.
 */

export type Inline =
	| { type: 'text'; text: string }
	| { type: 'code'; text: string }
	| { type: 'em'; children: Inline[] }
	| { type: 'strong'; children: Inline[] }
	| { type: 'link'; href: string; children: Inline[] };

export type Block =
	| { type: 'paragraph'; children: Inline[] }
	| { type: 'heading'; level: number; children: Inline[] }
	| { type: 'code'; lang: string; text: string }
	| { type: 'list'; ordered: boolean; start: number; items: Inline[][] }
	| { type: 'quote'; children: Inline[] };

const FENCE = /^\s{0,3}(`{3,}|~{3,})\s*([\w-]*)/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const LIST_ITEM = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;

/** Only these link targets become links; anything else (javascript:, data:, relative) stays text. */
export function isSafeHref(href: string): boolean {
	return /^https?:\/\/[^\s]+$/i.test(href);
}

export function parseMarkdown(source: string): Block[] {
	const lines = source.replace(/\r\n?/g, '\n').split('\n');
	const blocks: Block[] = [];
	let i = 0;
	while (i < lines.length) {
		const line = lines[i];
		if (line.trim() === '') {
			i++;
			continue;
		}
		const fence = FENCE.exec(line);
		if (fence) {
			const marker = fence[1];
			const body: string[] = [];
			for (i++; i < lines.length; i++) {
				const close = lines[i].trim();
				if (close.startsWith(marker[0].repeat(marker.length)) && /^(`+|~+)$/.test(close)) break;
				body.push(lines[i]);
			}
			i++; // past the closing fence (or the end)
			blocks.push({ type: 'code', lang: fence[2] ?? '', text: body.join('\n') });
			continue;
		}
		const heading = HEADING.exec(line);
		if (heading) {
			blocks.push({
				type: 'heading',
				level: heading[1].length,
				children: parseInline(heading[2])
			});
			i++;
			continue;
		}
		const item = LIST_ITEM.exec(line);
		if (item) {
			const ordered = /\d/.test(item[1]);
			const start = ordered ? parseInt(item[1], 10) : 1;
			const items: string[][] = [];
			while (i < lines.length) {
				const next = LIST_ITEM.exec(lines[i]);
				if (next && /\d/.test(next[1]) === ordered) {
					items.push([next[2]]);
					i++;
				} else if (items.length && /^\s{2,}\S/.test(lines[i])) {
					items[items.length - 1].push(lines[i].trim()); // a continuation line of the item
					i++;
				} else break;
			}
			blocks.push({
				type: 'list',
				ordered,
				start,
				items: items.map((parts) => parseInline(parts.join(' ')))
			});
			continue;
		}
		if (QUOTE.test(line)) {
			const parts: string[] = [];
			for (; i < lines.length && QUOTE.test(lines[i]); i++)
				parts.push(lines[i].replace(QUOTE, '$1'));
			blocks.push({ type: 'quote', children: parseInline(parts.join(' ').trim()) });
			continue;
		}
		const parts: string[] = [];
		while (
			i < lines.length &&
			lines[i].trim() !== '' &&
			!FENCE.test(lines[i]) &&
			!HEADING.test(lines[i]) &&
			!LIST_ITEM.test(lines[i]) &&
			!QUOTE.test(lines[i])
		) {
			parts.push(lines[i].trim());
			i++;
		}
		blocks.push({ type: 'paragraph', children: parseInline(parts.join(' ')) });
	}
	return blocks;
}

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;
const WORD = /[\p{L}\p{N}]/u;

export function parseInline(text: string): Inline[] {
	const out: Inline[] = [];
	let buffer = '';
	const flush = () => {
		if (buffer) out.push({ type: 'text', text: buffer });
		buffer = '';
	};
	let i = 0;
	while (i < text.length) {
		const c = text[i];
		if (c === '\\' && PUNCTUATION.test(text[i + 1] ?? '')) {
			buffer += text[i + 1];
			i += 2;
			continue;
		}
		if (c === '`') {
			let run = 1;
			while (text[i + run] === '`') run++;
			const ticks = '`'.repeat(run);
			const end = text.indexOf(ticks, i + run);
			if (end > 0) {
				flush();
				let code = text.slice(i + run, end);
				if (code.startsWith(' ') && code.endsWith(' ') && code.trim()) code = code.slice(1, -1);
				out.push({ type: 'code', text: code });
				i = end + run;
				continue;
			}
			buffer += ticks;
			i += run;
			continue;
		}
		if ((c === '*' || c === '_') && text[i + 1] === c) {
			const close = findCloser(text, i + 2, c + c);
			if (close > i + 2) {
				flush();
				out.push({ type: 'strong', children: parseInline(text.slice(i + 2, close)) });
				i = close + 2;
				continue;
			}
		}
		if (c === '*' || c === '_') {
			// `_` inside a word (snake_case) is not emphasis.
			const opens = c === '*' || !WORD.test(text[i - 1] ?? '');
			const close = opens ? findCloser(text, i + 1, c) : -1;
			if (close > i + 1) {
				flush();
				out.push({ type: 'em', children: parseInline(text.slice(i + 1, close)) });
				i = close + 1;
				continue;
			}
		}
		if (c === '[') {
			const link = /^\[([^\]]+)\]\(((?:[^()\s]|\([^()\s]*\))*)\)/.exec(text.slice(i));
			if (link) {
				flush();
				const children = parseInline(link[1]);
				if (isSafeHref(link[2])) out.push({ type: 'link', href: link[2], children });
				else out.push(...children);
				i += link[0].length;
				continue;
			}
		}
		buffer += c;
		i++;
	}
	flush();
	return out;
}

/** The index of the closing `marker` for emphasis opened before `from`, or -1. */
function findCloser(text: string, from: number, marker: string): number {
	if (/\s/.test(text[from] ?? ' ')) return -1; // "2 * 3" is not emphasis
	for (let k = from + 1; k < text.length; k++) {
		if (text[k] === '`') {
			const end = text.indexOf('`', k + 1);
			if (end > 0) k = end;
			continue;
		}
		if (text.startsWith(marker, k) && !/\s/.test(text[k - 1])) {
			if (marker === '_' && WORD.test(text[k + 1] ?? '')) continue;
			if (marker.length === 1 && text[k + 1] === marker) {
				k++;
				continue;
			}
			return k;
		}
	}
	return -1;
}

/**
 * DOM nodes for Markdown text, built with `document` (the page's, or linkedom's in tests).
 * Headings are shifted down two levels (# becomes h3) because they sit inside a panel.
 */
export function renderMarkdown(source: string, document: Document): DocumentFragment {
	const fragment = document.createDocumentFragment();
	for (const block of parseMarkdown(source)) fragment.appendChild(renderBlock(block, document));
	return fragment;
}

function renderBlock(block: Block, document: Document): Node {
	switch (block.type) {
		case 'paragraph':
			return withInline(document.createElement('p'), block.children, document);
		case 'heading':
			return withInline(
				document.createElement(`h${Math.min(block.level + 2, 6)}`),
				block.children,
				document
			);
		case 'quote':
			return withInline(document.createElement('blockquote'), block.children, document);
		case 'code': {
			const pre = document.createElement('pre');
			const code = document.createElement('code');
			if (block.lang) code.setAttribute('data-lang', block.lang);
			code.textContent = block.text;
			pre.appendChild(code);
			return pre;
		}
		case 'list': {
			const list = document.createElement(block.ordered ? 'ol' : 'ul');
			if (block.ordered && block.start !== 1) list.setAttribute('start', String(block.start));
			for (const item of block.items) {
				list.appendChild(withInline(document.createElement('li'), item, document));
			}
			return list;
		}
	}
}

function withInline(parent: Element, children: Inline[], document: Document): Element {
	for (const child of children) parent.appendChild(renderInline(child, document));
	return parent;
}

function renderInline(node: Inline, document: Document): Node {
	switch (node.type) {
		case 'text':
			return document.createTextNode(node.text);
		case 'code': {
			const code = document.createElement('code');
			code.textContent = node.text;
			return code;
		}
		case 'em':
			return withInline(document.createElement('em'), node.children, document);
		case 'strong':
			return withInline(document.createElement('strong'), node.children, document);
		case 'link': {
			const link = document.createElement('a');
			link.setAttribute('href', node.href);
			link.setAttribute('target', '_blank');
			link.setAttribute('rel', 'noopener noreferrer');
			return withInline(link, node.children, document);
		}
	}
}

/** A Svelte action: `<div use:markdown={text}>` fills the element with the rendered Markdown. */
export function markdown(element: HTMLElement, source: string) {
	element.replaceChildren(renderMarkdown(source, element.ownerDocument));
	return {
		update(next: string) {
			element.replaceChildren(renderMarkdown(next, element.ownerDocument));
		}
	};
}
