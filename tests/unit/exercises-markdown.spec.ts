import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, renderMarkdown } from '../../src/lib/exercises/markdown';

function render(source: string): HTMLElement {
	const { document } = parseHTML('<!doctype html><html><body><div id="root"></div></body></html>');
	const root = document.getElementById('root') as HTMLElement;
	root.appendChild(renderMarkdown(source, document as unknown as Document));
	return root;
}

describe('parseMarkdown', () => {
	it('splits paragraphs, headings, lists, quotes and fenced code', () => {
		const blocks = parseMarkdown(
			[
				'# Title',
				'first line',
				'same paragraph',
				'',
				'- one',
				'- two',
				'  continued',
				'',
				'3. three',
				'4. four',
				'',
				'> quoted',
				'',
				'```python',
				'print("<b>")',
				'',
				'```'
			].join('\n')
		);
		expect(blocks.map((b) => b.type)).toEqual([
			'heading',
			'paragraph',
			'list',
			'list',
			'quote',
			'code'
		]);
		expect(blocks[1]).toEqual({
			type: 'paragraph',
			children: [{ type: 'text', text: 'first line same paragraph' }]
		});
		expect(blocks[2]).toMatchObject({
			ordered: false,
			items: [[{ text: 'one' }], [{ text: 'two continued' }]]
		});
		expect(blocks[3]).toMatchObject({ ordered: true, start: 3 });
		expect(blocks[5]).toEqual({ type: 'code', lang: 'python', text: 'print("<b>")\n' });
	});

	it('parses emphasis, strong, code and links inline', () => {
		expect(parseInline('a *b* __c__ `d*e*` [f](https://docs.python.org/3/)')).toEqual([
			{ type: 'text', text: 'a ' },
			{ type: 'em', children: [{ type: 'text', text: 'b' }] },
			{ type: 'text', text: ' ' },
			{ type: 'strong', children: [{ type: 'text', text: 'c' }] },
			{ type: 'text', text: ' ' },
			{ type: 'code', text: 'd*e*' },
			{ type: 'text', text: ' ' },
			{ type: 'link', href: 'https://docs.python.org/3/', children: [{ type: 'text', text: 'f' }] }
		]);
	});

	it('leaves snake_case names, lone stars and escapes as text', () => {
		expect(parseInline('run_until_complete and get_event_loop')).toEqual([
			{ type: 'text', text: 'run_until_complete and get_event_loop' }
		]);
		expect(parseInline('2 * 3 * 4')).toEqual([{ type: 'text', text: '2 * 3 * 4' }]);
		expect(parseInline('\\*not em\\*')).toEqual([{ type: 'text', text: '*not em*' }]);
	});
});

describe('renderMarkdown', () => {
	it('builds the elements a reader expects', () => {
		const root = render('## Step\nUse `await` **here**.\n\n1. a\n2. b\n\n```python\nx = 1\n```');
		expect(root.querySelector('h4')?.textContent).toBe('Step');
		expect(root.querySelector('p code')?.textContent).toBe('await');
		expect(root.querySelector('p strong')?.textContent).toBe('here');
		expect(root.querySelectorAll('ol li')).toHaveLength(2);
		expect(root.querySelector('pre code')?.textContent).toBe('x = 1');
		expect(root.querySelector('pre code')?.getAttribute('data-lang')).toBe('python');
	});

	it('opens http(s) links in a new tab without giving it the page', () => {
		const link = render('[docs](https://docs.python.org/3/library/asyncio.html)').querySelector(
			'a'
		);
		expect(link?.getAttribute('href')).toBe('https://docs.python.org/3/library/asyncio.html');
		expect(link?.getAttribute('rel')).toBe('noopener noreferrer');
		expect(link?.textContent).toBe('docs');
	});

	it('shows HTML in the text as text, never as elements', () => {
		const attacks = [
			'<script>alert(1)</script>',
			'<img src=x onerror="alert(1)">',
			'**<b onmouseover=alert(1)>bold</b>**',
			'`</code><script>alert(1)</script>`',
			'- <iframe src="https://evil.example"></iframe>',
			'```\n</pre><script>alert(1)</script>\n```',
			'[<svg onload=alert(1)>](https://example.com)'
		];
		for (const attack of attacks) {
			const root = render(attack);
			expect(root.querySelector('script, img, iframe, svg, b[onmouseover]')).toBeNull();
			expect(root.textContent).toContain('<');
		}
	});

	it('never makes a link of javascript:, data: or relative targets', () => {
		for (const href of [
			'javascript:alert(1)',
			'JaVaScRiPt:alert(1)',
			'data:text/html,x',
			'/local',
			'vbscript:x'
		]) {
			const root = render(`[click](${href})`);
			expect(root.querySelector('a')).toBeNull();
			expect(root.textContent).toBe('click');
		}
	});
});
