/**
 * The link that opens one exercise, for a teacher to hand out: `/?exercise=three-downloads`, or
 * `/?pack=workshop&exercise=first-steps` for an exercise of a pack stored in this browser.
 * Query parameters, not a route, so the static site needs no extra page and the share link's
 * `#code=` fragment can sit beside them.
 */

export const EXERCISE_PARAM = 'exercise';
export const PACK_PARAM = 'pack';

/** The exercise a link names (and its pack, or null for the course), or null. */
export function exerciseFromUrl(href: string): string | null {
	return parameter(href, EXERCISE_PARAM);
}

/** The pack of the exercise a link names, or null for the built-in course. */
export function packFromUrl(href: string): string | null {
	return parameter(href, PACK_PARAM);
}

function parameter(href: string, name: string): string | null {
	try {
		return new URL(href).searchParams.get(name) || null;
	} catch {
		return null;
	}
}

/** `href` with the exercise (and pack) parameters set, or both removed for a null slug. */
export function urlWithExercise(
	href: string,
	slug: string | null,
	packId: string | null = null
): string {
	const url = new URL(href);
	url.searchParams.delete(PACK_PARAM);
	url.searchParams.delete(EXERCISE_PARAM);
	if (slug && packId) url.searchParams.set(PACK_PARAM, packId);
	if (slug) url.searchParams.set(EXERCISE_PARAM, slug);
	return url.href;
}
