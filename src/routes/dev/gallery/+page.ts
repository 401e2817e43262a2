// The gallery draws the timeline's test fixtures in the browser only; prerendering emits an empty
// shell, so the fixtures never weigh on the built HTML.
export const ssr = false;
