/**
 * The link that opens one exercise, for a teacher to hand out: `/?exercise=three-downloads`.
 * A query parameter, not a route, so the static site needs no extra page and the share link's
 * `#code=` fragment can sit beside it.
 */

export const EXERCISE_PARAM = 'exercise';

/** The exercise a link names, or null. */
export function exerciseFromUrl(href: string): string | null {
	try {
		return new URL(href).searchParams.get(EXERCISE_PARAM) || null;
	} catch {
		return null;
	}
}

/** `href` with the exercise parameter set to `slug`, or removed for null. */
export function urlWithExercise(href: string, slug: string | null): string {
	const url = new URL(href);
	if (slug) url.searchParams.set(EXERCISE_PARAM, slug);
	else url.searchParams.delete(EXERCISE_PARAM);
	return url.href;
}
