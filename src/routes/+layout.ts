// Every page is prerendered to static HTML; the app itself runs entirely in the browser.
export const prerender = true;
export const ssr = true;
