/**
 * Where the sandbox frame's document is served, relative to the site's root: built by
 * frame-script.ts, fetched by the page (hosts.ts, static/runner/prestart.js) and kept by the
 * service worker.
 */
export const FRAME_DOCUMENT = 'runner/frame.html';
