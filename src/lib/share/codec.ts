/**
 * The share-link codec: a snippet travels in the URL fragment as `#code=v1.<base64url>`, where the
 * payload is the UTF-8 source compressed with raw DEFLATE (fflate). An exercise pack travels the
 * same way, with the same caps, as `#pack=v1.<base64url>` (exercises/pack-link.ts).
 *
 * The fragment never reaches a server, so a link is the whole share: no storage of ours. A link is
 * someone else's input, so decoding is defensive: the encoded text is capped before anything is
 * decoded, and the inflated size is capped *while* inflating, so a small "deflate bomb" cannot
 * make the page allocate megabytes. Every failure is a value with a sentence for the user, never
 * an exception, and never a partial result.
 */
import { Inflate, deflateSync, strToU8 } from 'fflate';

/** The only format this build writes; a link with another version is refused with a clear message. */
export const SHARE_VERSION = 'v1';

/** The fragment key: `#code=...`. */
export const SHARE_PARAM = 'code';

/** What a link carries: a program, or an exercise pack. Only the sentences differ. */
export type LinkContent = 'code' | 'pack';

const WORDS: Record<LinkContent, { link: string; unchanged: string; tooLong: string }> = {
	code: {
		link: 'share link',
		unchanged: 'Your own code is unchanged.',
		tooLong: 'This code is too long to share as a link'
	},
	pack: {
		link: 'pack link',
		unchanged: 'Your packs, your progress and your code are unchanged.',
		tooLong: 'This pack is too long for a link; hand out the file instead'
	}
};

/**
 * The largest snippet a link may carry, in UTF-8 bytes. Course examples are 1-3 KB; 64 KB is a
 * long program, and bounds what the page will ever inflate from a link.
 */
export const MAX_CODE_BYTES = 64 * 1024;

/**
 * The longest encoded payload accepted (characters after `v1.`). Deflate shrinks typical Python
 * by 2-4×, so 32,000 characters (24 KB compressed) carries any snippet under MAX_CODE_BYTES that
 * compresses at all, and still fits the URL limits of every current browser (2 MB in Chromium).
 */
export const MAX_LINK_CHARS = 32_000;

/**
 * The longest address the page reads at all: twice the longest payload (MAX_LINK_CHARS), so a
 * link just over the codec's cap still gets the codec's own message. Longer ones are refused before anything parses them or touches the
 * history (history.replaceState with a 2 MB address took 6 s): static/address-guard.js reloads
 * the page at its own path before the page's scripts start, and the page's banner says why.
 */
export const MAX_ADDRESS_CHARS = 64_000;

/** Input is fed to the inflater in slices this small, so one push can produce at most ~260 KB. */
const INFLATE_SLICE = 256;

export type ShareError = 'malformed' | 'version' | 'too_large';

export type DecodeResult =
	{ ok: true; code: string } | { ok: false; error: ShareError; message: string };

export type EncodeResult =
	{ ok: true; payload: string } | { ok: false; error: 'too_large'; message: string };

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function toBase64Url(bytes: Uint8Array): string {
	let binary = '';
	for (let i = 0; i < bytes.length; i += 0x8000) {
		binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	}
	return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | null {
	// One leftover character can never encode a whole byte: the text was cut short.
	if (!BASE64URL.test(text) || text.length % 4 === 1) return null;
	const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
	let binary: string;
	try {
		binary = atob(padded);
	} catch {
		return null;
	}
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

/** Compress `text` (code, or a pack's Markdown) into the payload of a link (`v1.<base64url>`). */
export function encodeShare(text: string, content: LinkContent = 'code'): EncodeResult {
	const tooLarge: EncodeResult = {
		ok: false,
		error: 'too_large',
		message: `${WORDS[content].tooLong} (the limit is ${MAX_CODE_BYTES / 1024} KB).`
	};
	const bytes = strToU8(text);
	if (bytes.length > MAX_CODE_BYTES) return tooLarge;
	const payload = `${SHARE_VERSION}.${toBase64Url(deflateSync(bytes, { level: 9 }))}`;
	if (payload.length > MAX_LINK_CHARS + SHARE_VERSION.length + 1) return tooLarge;
	return { ok: true, payload };
}

class InflateCapExceeded extends Error {}

/** Inflate raw DEFLATE data, giving up as soon as the output passes `cap` bytes. */
function inflateCapped(data: Uint8Array, cap: number): Uint8Array | 'too_large' | null {
	const chunks: Uint8Array[] = [];
	let total = 0;
	let ended = false;
	const inflater = new Inflate((chunk, final) => {
		total += chunk.length;
		if (total > cap) throw new InflateCapExceeded();
		chunks.push(chunk);
		if (final) ended = true;
	});
	try {
		for (let i = 0; i < data.length; i += INFLATE_SLICE) {
			inflater.push(data.subarray(i, i + INFLATE_SLICE), i + INFLATE_SLICE >= data.length);
		}
		if (data.length === 0) inflater.push(new Uint8Array(0), true);
	} catch (error) {
		if (error instanceof InflateCapExceeded) return 'too_large';
		return null;
	}
	if (!ended) return null;
	const out = new Uint8Array(total);
	let offset = 0;
	for (const chunk of chunks) {
		out.set(chunk, offset);
		offset += chunk.length;
	}
	return out;
}

/** Decode a payload (`v1.<base64url>`) back into its text. Never throws. */
export function decodeShare(payload: string, content: LinkContent = 'code'): DecodeResult {
	const { link, unchanged } = WORDS[content];
	const MALFORMED = `This ${link} is broken (it may have been cut short when it was copied). ${unchanged}`;
	const dot = payload.indexOf('.');
	const version = dot < 0 ? '' : payload.slice(0, dot);
	if (!/^v\d+$/.test(version)) return { ok: false, error: 'malformed', message: MALFORMED };
	if (version !== SHARE_VERSION) {
		return {
			ok: false,
			error: 'version',
			message: `This ${link} uses a format (${version}) this version of the playground does not know. ${unchanged}`
		};
	}
	const body = payload.slice(dot + 1);
	if (body.length > MAX_LINK_CHARS) {
		return {
			ok: false,
			error: 'too_large',
			message: `This ${link} is too long to open. ${unchanged}`
		};
	}
	const compressed = fromBase64Url(body);
	if (!compressed || compressed.length === 0)
		return { ok: false, error: 'malformed', message: MALFORMED };
	const inflated = inflateCapped(compressed, MAX_CODE_BYTES);
	if (inflated === 'too_large') {
		return {
			ok: false,
			error: 'too_large',
			message: `This ${link} holds more than ${MAX_CODE_BYTES / 1024} KB of ${content === 'code' ? 'code' : 'text'}, so it was not opened. ${unchanged}`
		};
	}
	if (!inflated) return { ok: false, error: 'malformed', message: MALFORMED };
	let code: string;
	try {
		code = new TextDecoder('utf-8', { fatal: true }).decode(inflated);
	} catch {
		return { ok: false, error: 'malformed', message: MALFORMED };
	}
	return { ok: true, code };
}

/** The URL fragment for a payload: `#code=v1....` (or `#pack=v1....` with that key). */
export function shareFragment(payload: string, key = SHARE_PARAM): string {
	return `#${key}=${payload}`;
}

/**
 * Find a payload in a URL fragment. Returns null when the fragment carries no `code=` (or `key=`)
 * parameter at all (an ordinary visit), and the raw payload otherwise, even if it is empty.
 */
export function payloadFromHash(hash: string, key = SHARE_PARAM): string | null {
	const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
	for (const part of fragment.split('&')) {
		const eq = part.indexOf('=');
		const name = eq < 0 ? part : part.slice(0, eq);
		if (name === key) return eq < 0 ? '' : part.slice(eq + 1);
	}
	return null;
}
