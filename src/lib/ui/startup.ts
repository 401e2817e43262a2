/**
 * What the editor shows when the page opens, and whether it may run by itself.
 *
 * Only the built-in default example is ever run automatically: it is our code. Restored drafts
 * and shared links are someone's code, so they are shown and wait for the Run button. A share
 * link that cannot be read never replaces the learner's own draft.
 */
import { decodeShare, payloadFromHash } from '../share/codec';
import type { SavedCode } from '../storage/local';

/** The part of an Example this module needs. */
export interface CodeSample {
	slug: string;
	code: string;
}

export interface InitialCode {
	code: string;
	/** The example shown, when the code is a bundled example unchanged. */
	example: string | null;
	source: 'default' | 'draft' | 'share';
	/** True only for the built-in default example. */
	autorun: boolean;
	/** A sentence for the learner about the share link (opened, or why it was not), else null. */
	shareMessage: string | null;
	shareOk: boolean;
}

/** The fragment of an address, "#code=…", or "" when it has none. */
export function fragmentOf(href: string): string {
	return new URL(href).hash;
}

/** The address without its fragment: a reload then no longer opens the share link. */
export function withoutFragment(href: string): string {
	const url = new URL(href);
	url.hash = '';
	return url.href;
}

/** The bundled example whose code is exactly `code`, if any. */
export function exampleWithCode(code: string, examples: readonly CodeSample[]): CodeSample | null {
	return examples.find((example) => example.code === code) ?? null;
}

/**
 * True when `code` is the learner's own (not empty, not a bundled example unchanged): such code
 * must be set aside before the editor shows anything else.
 */
export function isOwnCode(code: string, examples: readonly CodeSample[]): boolean {
	return code.trim() !== '' && exampleWithCode(code, examples) === null;
}

export function chooseInitialCode(
	hash: string,
	draft: SavedCode | null,
	examples: readonly CodeSample[]
): InitialCode {
	const fallback = (shareMessage: string | null): InitialCode => {
		if (draft) {
			return {
				code: draft.code,
				example: exampleWithCode(draft.code, examples)?.slug ?? null,
				source: 'draft',
				autorun: false,
				shareMessage,
				shareOk: false
			};
		}
		const first = examples[0];
		return {
			code: first?.code ?? '',
			example: first?.slug ?? null,
			source: 'default',
			// A page opened from a broken link did not ask for our example; do not run anything.
			autorun: first !== undefined && shareMessage === null,
			shareMessage,
			shareOk: false
		};
	};

	const payload = payloadFromHash(hash);
	if (payload === null) return fallback(null);
	const decoded = decodeShare(payload);
	if (!decoded.ok) return fallback(decoded.message);
	return {
		code: decoded.code,
		example: exampleWithCode(decoded.code, examples)?.slug ?? null,
		source: 'share',
		autorun: false,
		shareMessage: 'Opened shared code. It has not been run: read it, then press Run.',
		shareOk: true
	};
}
