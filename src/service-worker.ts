/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * The service worker: after one visit the playground works offline, a share or exercise link
 * included (docs/decisions/0085-offline.md).
 *
 * - One cache per build, named by SvelteKit's build `version`, filled on install with every file
 *   of that build: the app shell and its chunks (Monaco's among them), the web workers' bundles,
 *   the sandbox frame's document (all listed by the build in OFFLINE_FILES), the static files
 *   (the Pyodide files and their manifest, the sandbox frame's starter) and the prerendered pages.
 * - Those files are answered from that cache only, pages too (a share or exercise link is the page
 *   with a fragment or a query), so a page never mixes two builds: the HTML, the engine in the
 *   JavaScript, the Pyodide files and the manifest the snapshot key is made of all come from one
 *   build. What the build does not hold goes to the network.
 * - A new build installs beside the old one and waits; the page offers to reload into it
 *   (offline/app-update.svelte.ts), then asks it to take over. On activation every older cache is deleted.
 *
 * The sandboxed runner frame is outside all of this: its opaque origin has no service worker, and
 * it fetches nothing; the page hands it its document and its files.
 */
import { base, build, files, prerendered, version } from '$service-worker';
import { OFFLINE_FILES, SKIP_WAITING } from '$lib/offline/files';

const sw = self as unknown as ServiceWorkerGlobalScope;

const CACHE_PREFIX = 'asyncio-playground-';
const CACHE = `${CACHE_PREFIX}${version}`;

/**
 * `no-cache` revalidates with the server: an HTTP cache entry from an older build must not end up
 * in this build's cache.
 */
function fresh(path: string): Request {
	return new Request(path, { cache: 'no-cache' });
}

async function readOwnFiles(): Promise<Set<string>> {
	const response = await fetch(fresh(`${base}/${OFFLINE_FILES}`));
	if (!response.ok) throw new Error(`no list of the build's files (HTTP ${response.status})`);
	const listed = (await response.json()) as string[];
	return new Set([...build, ...files, ...prerendered, ...listed.map((path) => `${base}/${path}`)]);
}

sw.addEventListener('install', (event) => {
	event.waitUntil(
		readOwnFiles().then(async (paths) => {
			const cache = await caches.open(CACHE);
			await cache.addAll([...paths].map(fresh));
		})
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		caches
			.keys()
			.then((keys) =>
				Promise.all(
					keys
						.filter((key) => key.startsWith(CACHE_PREFIX) && key !== CACHE)
						.map((key) => caches.delete(key))
				)
			)
	);
});

sw.addEventListener('message', (event) => {
	if (event.data === SKIP_WAITING) void sw.skipWaiting();
});

sw.addEventListener('fetch', (event) => {
	const request = event.request;
	if (request.method !== 'GET') return;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin) return;
	event.respondWith(fromCache(url.pathname, request));
});

/**
 * This build's copy of `path`, whatever the query (a share link's page is the page), or the
 * network for what the build does not hold.
 */
async function fromCache(path: string, request: Request): Promise<Response> {
	const cached = await caches.match(path, { cacheName: CACHE });
	if (!cached) return fetch(request);
	// A navigation may not be answered with a response that was redirected on its way in.
	return cached.redirected ? new Response(cached.body, cached) : cached;
}
