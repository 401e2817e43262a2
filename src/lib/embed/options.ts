/**
 * What an embed shows, read from its address, and the address that asks for it (the Share
 * popover's snippets, a course author by hand). docs/embedding.md documents every option:
 *
 *     /embed?example=01-gather               a built-in example (with or without its number)
 *     /embed?exercise=three-downloads        an exercise's starter
 *     /embed#code=v1.<payload>               any code, in the share codec
 *     &theme=light|dark  &height=240  &panes=code,output,chart
 *
 * An address is someone else's input: every option is checked, and a wrong one falls back to
 * its default with a sentence saying so, never to an error page.
 */
import { decodeShare, encodeShare, payloadFromHash, shareFragment } from '$lib/share/codec';

export const EMBED_PANES = ['code', 'output', 'chart'] as const;
export type EmbedPane = (typeof EMBED_PANES)[number];

/** Where the code comes from. */
export type EmbedSource =
	| { kind: 'example'; slug: string }
	| { kind: 'exercise'; slug: string }
	| { kind: 'code'; code: string };

export interface EmbedOptions {
	source: EmbedSource | null;
	/** Null: follow the reader's system. */
	theme: 'light' | 'dark' | null;
	/** The editor's height in CSS pixels; null: fit the code (within limits). */
	height: number | null;
	panes: EmbedPane[];
	/** Sentences about options that could not be used. */
	problems: string[];
}

export const EMBED_HEIGHT = { min: 80, max: 1200 } as const;

export function readEmbedOptions(href: string): EmbedOptions {
	const url = new URL(href);
	const params = url.searchParams;
	const problems: string[] = [];
	let source: EmbedSource | null = null;

	const payload = payloadFromHash(url.hash);
	const example = params.get('example');
	const exercise = params.get('exercise');
	if (payload !== null) {
		const decoded = decodeShare(payload);
		if (decoded.ok) source = { kind: 'code', code: decoded.code };
		else problems.push(decoded.message);
	} else if (example) {
		source = { kind: 'example', slug: example };
	} else if (exercise) {
		source = { kind: 'exercise', slug: exercise };
	}

	const themeText = params.get('theme');
	const theme = themeText === 'light' || themeText === 'dark' ? themeText : null;
	if (themeText !== null && theme === null)
		problems.push(`theme "${themeText}" is not light or dark`);

	const heightText = params.get('height');
	let height: number | null = null;
	if (heightText !== null) {
		const value = Number(heightText.replace(/px$/, ''));
		if (Number.isFinite(value) && value > 0) {
			height = Math.round(Math.min(EMBED_HEIGHT.max, Math.max(EMBED_HEIGHT.min, value)));
		} else {
			problems.push(`height "${heightText}" is not a number of pixels`);
		}
	}

	let panes: EmbedPane[] = [...EMBED_PANES];
	const panesText = params.get('panes');
	if (panesText !== null) {
		const asked = panesText.split(',').map((pane) => pane.trim());
		const known = EMBED_PANES.filter((pane) => asked.includes(pane));
		const unknown = asked.filter((pane) => !(EMBED_PANES as readonly string[]).includes(pane));
		if (unknown.length > 0) {
			problems.push(`unknown panes: ${unknown.join(', ')} (known: ${EMBED_PANES.join(', ')})`);
		}
		if (known.length > 0) panes = known;
	}
	return { source, theme, height, panes, problems };
}

/**
 * The address that opens `code` in the playground at `site`: the exercise itself when the code is
 * its unchanged starter, else the code as a share link (which the playground never runs by
 * itself), or the playground alone when the code is too long for a link.
 */
export function playgroundAddress(site: string, code: string, exercise: string | null): string {
	const url = new URL(site);
	if (exercise && code !== '') {
		url.searchParams.set('exercise', exercise);
		return url.href;
	}
	const encoded = encodeShare(code);
	if (encoded.ok && code !== '') url.hash = shareFragment(encoded.payload).slice(1);
	return url.href;
}

/** The embed's address for `source` on the site at `site` (its origin and base path, "…/"). */
export function embedAddress(
	site: string,
	source: EmbedSource,
	options: { theme?: 'light' | 'dark'; height?: number; panes?: EmbedPane[] } = {}
): { ok: true; url: string } | { ok: false; message: string } {
	const url = new URL('embed', site);
	if (source.kind === 'example') url.searchParams.set('example', source.slug);
	if (source.kind === 'exercise') url.searchParams.set('exercise', source.slug);
	if (options.theme) url.searchParams.set('theme', options.theme);
	if (options.height) url.searchParams.set('height', String(options.height));
	if (options.panes && options.panes.length < EMBED_PANES.length) {
		url.searchParams.set('panes', options.panes.join(','));
	}
	if (source.kind === 'code') {
		const encoded = encodeShare(source.code);
		if (!encoded.ok) return { ok: false, message: encoded.message };
		url.hash = shareFragment(encoded.payload).slice(1);
	}
	return { ok: true, url: url.href };
}
