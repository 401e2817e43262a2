/**
 * What the page, the build and the service worker (src/service-worker.ts) share about offline
 * use: where the build lists its own files, and the one message the page sends the worker.
 */

/**
 * Every file of the client build, as a JSON list of paths from the site's root, written by
 * `offlineFilesPlugin`. SvelteKit's `$service-worker` lists the build's chunks but not the web
 * workers' bundles (the runner's and Monaco's) nor files other plugins emit (the sandbox
 * frame's document), and offline every one of them is needed.
 */
export const OFFLINE_FILES = '_app/offline-files.json';

/** What the page posts to a waiting service worker to make it take over. */
export const SKIP_WAITING = 'skip-waiting';
