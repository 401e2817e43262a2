/**
 * A pack in a link: `/#pack=v1.<base64url>`, the pack as one Markdown file compressed with the
 * share codec and held to its caps (share/codec.ts). The fragment never reaches a server, and a
 * page opened from such a link runs nothing: the learner reads the first exercise, then presses
 * Run.
 */
import { decodeShare, encodeShare, payloadFromHash, shareFragment } from '$lib/share/codec';
import { ExerciseFormatError } from './parse';
import { PackError, packAsMarkdown, parsePack, type ExercisePack } from './pack';

/** The fragment key: `#pack=...`. */
export const PACK_LINK_PARAM = 'pack';

/** The name a pack from a link goes by in messages ("pack.md:12: unknown check ..."). */
export const PACK_LINK_FILE = 'pack.md';

export type PackLinkResult = { ok: true; pack: ExercisePack } | { ok: false; message: string };

/** The address that opens `pack` in the playground at `page` (its query and fragment dropped). */
export function packLink(
	page: string,
	pack: ExercisePack
): { ok: true; url: string } | { ok: false; message: string } {
	const encoded = encodeShare(packAsMarkdown(pack), 'pack');
	if (!encoded.ok) return { ok: false, message: encoded.message };
	const url = new URL(page);
	url.search = '';
	url.hash = shareFragment(encoded.payload, PACK_LINK_PARAM).slice(1);
	return { ok: true, url: url.href };
}

/** The pack payload in a URL fragment, or null when there is none. */
export function packPayloadFromHash(hash: string): string | null {
	return payloadFromHash(hash, PACK_LINK_PARAM);
}

/** Opens a pack link's payload: decoded within the codec's caps, then parsed. Never throws. */
export function packFromPayload(payload: string): PackLinkResult {
	const decoded = decodeShare(payload, 'pack');
	if (!decoded.ok) return { ok: false, message: decoded.message };
	try {
		return {
			ok: true,
			pack: parsePack([{ name: PACK_LINK_FILE, text: decoded.code }], 'Exercise pack')
		};
	} catch (error) {
		if (error instanceof ExerciseFormatError || error instanceof PackError) {
			return { ok: false, message: `This pack link holds a mistake: ${error.message}` };
		}
		throw error;
	}
}
