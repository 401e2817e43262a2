/**
 * Page load in Chromium: when the playground's editor is usable, when Monaco is in, when Python
 * is ready and when the default example's chart is drawn, on a cold load (a fresh browser
 * profile: empty cache and storage) and on a return visit (same profile, new tab); beside the
 * same for a bare page that only calls loadPyodide() (bench/pages/bare.html), and the bytes a
 * cold load costs.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, type StaticServer } from '../tests/e2e/harness';
import { sleep, type Repetitions } from './measure';

const VIEWPORT = { width: 1280, height: 800 };
/** Generous: on the shared machine under heavy load, a cold start has taken over 2 minutes. */
const LOAD_TIMEOUT = 300_000;

/** Milliseconds since navigation started, recorded in the page as each milestone appears. */
export interface PageMarks {
	/** The app has hydrated and mounted: the (plain) editor takes input and Run is wired. */
	hydrated?: number;
	/** Monaco has replaced the plain editor. */
	monaco?: number;
	/** The status line first says Python is ready (or already running the default example). */
	ready?: number;
	/** The default example's chart is in the page. */
	chart?: number;
}

/**
 * Installed before any page script: a MutationObserver that stamps each milestone. The status
 * text before hydration is the prerendered "Starting Python…"; once the page mounts it shows
 * the runner's own phase.
 */
const MARKS_SCRIPT = `(() => {
	const marks = {};
	window.__benchMarks = marks;
	const check = () => {
		const now = performance.now();
		const status = document.querySelector('[data-testid="status"] .status-text');
		const text = status ? status.textContent.trim() : '';
		if (marks.hydrated === undefined && status && !text.startsWith('Starting Python')) marks.hydrated = now;
		if (marks.monaco === undefined && document.querySelector('[data-editor="monaco"]')) marks.monaco = now;
		if (marks.ready === undefined && /ready$|^Running/.test(text)) marks.ready = now;
		if (marks.chart === undefined && document.querySelector('[aria-roledescription="timeline"] svg')) marks.chart = now;
		if (marks.hydrated !== undefined && marks.monaco !== undefined && marks.ready !== undefined && marks.chart !== undefined) observer.disconnect();
	};
	const observer = new MutationObserver(check);
	observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-editor'] });
})();`;

/** Wait until the server has had no request for `quietMs` (background loads have settled). */
export async function waitForQuiet(server: StaticServer, quietMs = 1500, maxMs = 30_000) {
	const started = Date.now();
	let count = server.requests.length;
	let since = Date.now();
	while (Date.now() - started < maxMs) {
		await sleep(100);
		if (server.requests.length !== count) {
			count = server.requests.length;
			since = Date.now();
		} else if (Date.now() - since >= quietMs) return;
	}
}

export async function newContext(browser: Browser): Promise<BrowserContext> {
	return browser.newContext({ viewport: VIEWPORT });
}

/** Where each open profile keeps its files, deleted when it closes. */
const profileDirs = new Map<BrowserContext, string>();

/**
 * A fresh browser profile on disk, as a first visit in a normal window has, for what depends on
 * the HTTP cache. An off-the-record context (`newContext`) will not do: its in-memory cache does
 * not keep Pyodide's 9.6 MB WebAssembly file, so there a "cached" bare loadPyodide() downloads and
 * compiles it again (4.7-5.6 s, against 2.3-2.9 s in a profile, measured on 2026-12-06), and the
 * service worker's install downloads it a second time.
 */
export async function newProfile(): Promise<BrowserContext> {
	const dir = mkdtempSync(join(tmpdir(), 'asyncio-playground-profile-'));
	const context = await chromium.launchPersistentContext(dir, {
		executablePath: CHROMIUM_PATH,
		args: CHROMIUM_ARGS,
		viewport: VIEWPORT
	});
	profileDirs.set(context, dir);
	return context;
}

/** Closes a profile's browser, then deletes the profile (about 50 MB with a snapshot in it). */
async function closeProfile(context: BrowserContext): Promise<void> {
	await context.close();
	const dir = profileDirs.get(context);
	profileDirs.delete(context);
	if (dir) rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}

/** Open the playground in a new tab of `context` and wait for every milestone. */
export async function openPlayground(
	context: BrowserContext,
	url: string
): Promise<{ page: Page; marks: PageMarks }> {
	const page = await context.newPage();
	await page.addInitScript(MARKS_SCRIPT);
	await page.goto(url, { waitUntil: 'commit' });
	await page.waitForFunction(
		() => {
			const marks = (window as unknown as { __benchMarks?: PageMarks }).__benchMarks;
			return (
				marks?.hydrated !== undefined && marks.monaco !== undefined && marks.ready !== undefined
			);
		},
		null,
		{ timeout: LOAD_TIMEOUT, polling: 50 }
	);
	// The default example runs by itself once Python is ready; its chart is a milestone too.
	await page
		.waitForFunction(
			() => (window as unknown as { __benchMarks?: PageMarks }).__benchMarks?.chart !== undefined,
			null,
			{ timeout: 30_000, polling: 50 }
		)
		.catch(() => undefined);
	const marks = await page.evaluate(
		() => (window as unknown as { __benchMarks: PageMarks }).__benchMarks
	);
	return { page, marks: { ...marks } };
}

/**
 * How long the bare page's first visit in a profile stays open after Python is ready: Chromium
 * writes the WebAssembly code cache of a module only once V8 has tiered it up, a few seconds in,
 * and a page closed at once leaves none. Closed at once, the bare page's cached visits took
 * 4.8-6.2 s, against 2.2-2.3 s after a first visit kept open 5 s (both with the .wasm answered
 * 304, 2026-12-06); two full runs that day had measured a "cached" floor of 4.4 and 4.6 s that way.
 */
const CODE_CACHE_LINGER_MS = 5000;

/**
 * Open the bare floor page and return when its worker had Python ready; the page stays open
 * `lingerMs` longer.
 */
async function openBare(context: BrowserContext, url: string, lingerMs = 0): Promise<number> {
	const page = await context.newPage();
	await page.goto(url, { waitUntil: 'commit' });
	const handle = await page.waitForFunction(
		() => {
			const w = window as unknown as { __bareReady?: number; __bareError?: string };
			if (w.__bareError) throw new Error(w.__bareError);
			return w.__bareReady;
		},
		null,
		{ timeout: LOAD_TIMEOUT, polling: 50 }
	);
	const ready = (await handle.jsonValue()) as number;
	await sleep(lingerMs);
	await page.close();
	return ready;
}

export interface LoadSamples {
	cold: PageMarks[];
	warm: PageMarks[];
	bareCold: number[];
	bareWarm: number[];
	bytes: ColdBytes;
	/** Every file the bare floor page fetched on a cold load. */
	bareBytes: { raw: number; gzip: number };
}

export interface ColdBytes {
	/** JavaScript the page fetched before it was usable, gzipped, and the files. */
	jsBeforeUsableGzip: number;
	jsBeforeUsableFiles: string[];
	/** The HTML document, gzipped (its inline start-up script included). */
	htmlGzip: number;
	/** Every file served for one cold load, until the network went quiet after Python was ready. */
	totalRaw: number;
	totalGzip: number;
	requests: number;
	/** Every JavaScript file of that load (Monaco and the runner included), gzipped. */
	allJsGzip: number;
	/** The biggest files of that load, raw bytes. */
	largest: { path: string; raw: number; gzip: number }[];
}

const gzipCache = new Map<string, number>();

function fileSizes(root: string, path: string): { raw: number; gzip: number } {
	const base = join(root, decodeURIComponent(new URL(path, 'http://x').pathname));
	// As the static server resolves it: a page's route (/dev/gallery, which the service worker
	// caches) is its .html file.
	const file =
		[base, `${base}.html`, join(base, 'index.html')].find(
			(candidate) => existsSync(candidate) && statSync(candidate).isFile()
		) ?? base;
	const body = readFileSync(file);
	let gzip = gzipCache.get(file);
	if (gzip === undefined) {
		gzip = gzipSync(body, { level: 6 }).length;
		gzipCache.set(file, gzip);
	}
	return { raw: body.length, gzip };
}

async function measureColdBytes(
	page: Page,
	served: { path: string; status: number }[],
	root: string
): Promise<ColdBytes> {
	// The JavaScript the page needs before it is usable is what the HTML asks for: its module
	// preloads and scripts, all requested while the document is parsed. Everything the app
	// imports lazily (Monaco, the runner) is requested after it mounts, which is after
	// DOMContentLoaded. (Completion time would not do: on a loaded machine lazy chunks can
	// arrive before the status line says the page has mounted.)
	const { resources, parsed } = await page.evaluate(() => ({
		resources: performance
			.getEntriesByType('resource')
			.map((entry) => ({ name: entry.name, start: entry.startTime })),
		parsed:
			(performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)
				?.domContentLoadedEventStart ?? 0
	}));
	const js = resources.filter((r) => /\.m?js$/.test(new URL(r.name).pathname) && r.start <= parsed);
	const jsPaths = [...new Set(js.map((r) => new URL(r.name).pathname))];
	const jsBeforeUsableGzip = jsPaths.reduce((sum, path) => sum + fileSizes(root, path).gzip, 0);
	const htmlGzip = fileSizes(root, '/index.html').gzip;
	let totalRaw = 0;
	let totalGzip = 0;
	let allJsGzip = 0;
	const perFile: { path: string; raw: number; gzip: number }[] = [];
	for (const request of served) {
		if (request.status !== 200) continue;
		const path = new URL(request.path, 'http://x').pathname;
		const sizes = fileSizes(root, path === '/' ? '/index.html' : path);
		totalRaw += sizes.raw;
		totalGzip += sizes.gzip;
		if (/\.m?js$/.test(path)) allJsGzip += sizes.gzip;
		perFile.push({ path, ...sizes });
	}
	perFile.sort((a, b) => b.raw - a.raw);
	return {
		jsBeforeUsableGzip,
		jsBeforeUsableFiles: jsPaths,
		htmlGzip,
		totalRaw,
		totalGzip,
		requests: served.length,
		allJsGzip,
		largest: perFile.slice(0, 5)
	};
}

/**
 * Cold loads (each in a fresh profile), then return visits (one profile, warmed by one visit
 * that is not counted), for the playground and for the bare floor page, interleaved so a burst
 * of load on the shared machine hits both alike.
 */
export async function measurePageLoads(
	server: StaticServer,
	root: string,
	plan: Repetitions
): Promise<LoadSamples> {
	const appUrl = server.url('/');
	const bareUrl = server.url('/bench/bare.html');
	const cold: PageMarks[] = [];
	const bareCold: number[] = [];
	let bytes: ColdBytes | null = null;
	let bareBytes: { raw: number; gzip: number } | null = null;
	for (let i = 0; i < plan.warmup + plan.runs; i++) {
		const counted = i >= plan.warmup;
		const context = await newProfile();
		const before = server.requests.length;
		const { page, marks } = await openPlayground(context, appUrl);
		if (counted) cold.push(marks);
		if (counted && bytes === null) {
			await waitForQuiet(server);
			bytes = await measureColdBytes(page, server.requests.slice(before), root);
		}
		await closeProfile(context);
		const bareContext = await newProfile();
		const bareBefore = server.requests.length;
		const bare = await openBare(bareContext, bareUrl);
		if (counted) bareCold.push(bare);
		if (counted && bareBytes === null) {
			bareBytes = { raw: 0, gzip: 0 };
			for (const request of server.requests.slice(bareBefore)) {
				if (request.status !== 200) continue;
				const sizes = fileSizes(root, request.path);
				bareBytes.raw += sizes.raw;
				bareBytes.gzip += sizes.gzip;
			}
		}
		await closeProfile(bareContext);
	}

	const warm: PageMarks[] = [];
	const bareWarm: number[] = [];
	const appContext = await newProfile();
	const bareContext = await newProfile();
	// The first visit fills the HTTP cache and whatever the page keeps for return visits (a
	// snapshot is made after Python is ready): give it time to finish before the tab closes.
	const first = await openPlayground(appContext, appUrl);
	await waitForQuiet(server);
	await sleep(3000);
	await first.page.close();
	// Left open as long, so that the floor's return visits find their compiled code too.
	await openBare(bareContext, bareUrl, CODE_CACHE_LINGER_MS);
	for (let i = 0; i < plan.warmup + plan.runs; i++) {
		const { page, marks } = await openPlayground(appContext, appUrl);
		if (i >= plan.warmup) warm.push(marks);
		await waitForQuiet(server, 500);
		await page.close();
		const bare = await openBare(bareContext, bareUrl);
		if (i >= plan.warmup) bareWarm.push(bare);
	}
	await closeProfile(appContext);
	await closeProfile(bareContext);
	if (!bytes || !bareBytes) throw new Error('no cold load was measured');
	return { cold, warm, bareCold, bareWarm, bytes, bareBytes };
}
