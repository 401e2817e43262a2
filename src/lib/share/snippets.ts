/**
 * What the Share popover offers a course author besides the link: an `<iframe>` that embeds the
 * code (docs/embedding.md), and a Markdown snippet for course notes: a small preview of the code
 * and a link that opens it. Both are text for the author to paste; nothing here touches the DOM.
 */

/** The default height of an embed's frame: an editor of about ten lines, the chart and output. */
export const EMBED_FRAME_HEIGHT = 520;

/** Lines of code the Markdown preview shows before it says there is more. */
const PREVIEW_LINES = 8;

const attribute = (text: string): string =>
	text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** `<iframe src="…/embed?…" …></iframe>`, lazy-loaded so a long page loads only what is seen. */
export function iframeSnippet(src: string, title: string, height = EMBED_FRAME_HEIGHT): string {
	return (
		`<iframe src="${attribute(src)}" title="${attribute(title)}" width="100%" height="${height}" ` +
		'loading="lazy" style="border: 0; max-width: 960px"></iframe>'
	);
}

/**
 * A fenced block with the first lines of `code` (a fence longer than any in the code), then a
 * link that opens all of it in the playground.
 */
export function markdownSnippet(code: string, link: string): string {
	const lines = code.replace(/\s+$/, '').split('\n');
	const shown = lines.slice(0, PREVIEW_LINES);
	if (lines.length > PREVIEW_LINES) shown.push(`# … ${lines.length - PREVIEW_LINES} more lines`);
	const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((match) => match[0].length));
	const fence = '`'.repeat(longest + 1);
	return `${fence}python\n${shown.join('\n')}\n${fence}\n\n[▶ Run it in the asyncio playground](${link})\n`;
}
