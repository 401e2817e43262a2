/**
 * End-to-end test harness: a static file server for the built site (build/) and Debian's
 * Chromium driven through playwright-core.
 *
 *   const site = await startStaticServer();            // http://127.0.0.1:<random port>/
 *   const browser = await launchBrowser();
 *   const { context, page } = await openPage(browser, site.url('/'));
 *   ...
 *   await browser.close(); await site.close();
 *
 * Or, in a spec file, `const e2e = useE2E()` registers beforeAll/afterAll hooks and gives
 * `e2e.site`, `e2e.browser` and `e2e.open(path)` (a fresh context per call, closed after the file).
 *
 * The server answers like a plain static host (correct MIME types incl. application/wasm,
 * ETag / 304, no special headers) and records every request, so tests can assert that nothing
 * left our origin. `startRecordingServer()` is an "attacker" server that records every hit.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import {
	chromium,
	type Browser,
	type BrowserContext,
	type Page,
	type Request
} from 'playwright-core';

/** The built site; E2E_BUILD_DIR points elsewhere (a private build, when others share build/). */
export const BUILD_DIR = resolve(
	process.env.E2E_BUILD_DIR ?? resolve(import.meta.dirname, '../../build')
);

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	// Chromium 156 loads the omnibox popup's WebUI in a renderer of its own for every new tab,
	// even headless: about 3 s of CPU per tab on two cores, which competed with the page under
	// test (seen in a trace of one return visit). Puppeteer turns the same features off.
	'--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup'
];

const MIME_TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.wasm': 'application/wasm',
	'.zip': 'application/zip',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.ico': 'image/x-icon',
	'.txt': 'text/plain; charset=utf-8',
	'.map': 'application/json; charset=utf-8',
	'.ttf': 'font/ttf',
	'.woff': 'font/woff',
	'.woff2': 'font/woff2'
};

export interface RecordedRequest {
	method: string;
	/** Path and query, e.g. "/pyodide/pyodide.asm.wasm". */
	path: string;
	status: number;
	headers: Record<string, string | string[] | undefined>;
	/** Milliseconds since the server started. */
	at: number;
}

export interface StaticServerOptions {
	/** Directory to serve; build/ by default. */
	root?: string;
	/**
	 * Serve with COOP/COEP so the page is cross-origin isolated (SharedArrayBuffer, the interrupt
	 * buffer). Off by default: the site must work on a host that sets no headers.
	 */
	crossOriginIsolated?: boolean;
	/** Extra headers on every response. */
	headers?: Record<string, string>;
	/**
	 * Changes a file's body before it is sent (the path as requested, without the query): a test
	 * can make the site look redeployed without building it twice.
	 */
	rewrite?: (path: string, body: Buffer) => Buffer;
}

export interface StaticServer {
	/** "http://127.0.0.1:<port>" */
	origin: string;
	/** Absolute URL for a path on this server. */
	url(path?: string): string;
	/** Every request so far, in order. */
	readonly requests: RecordedRequest[];
	close(): Promise<void>;
}

function listen(server: Server): Promise<string> {
	return new Promise((resolvePromise, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as AddressInfo;
			resolvePromise(`http://127.0.0.1:${port}`);
		});
	});
}

function closeServer(server: Server): Promise<void> {
	server.closeAllConnections();
	return new Promise((resolvePromise) => server.close(() => resolvePromise()));
}

/** Maps a URL path to a file in root the way static hosts do: exact, then .html, then index.html. */
function resolveFile(root: string, urlPath: string): string | null {
	let decoded: string;
	try {
		decoded = decodeURIComponent(urlPath);
	} catch {
		return null;
	}
	const base = normalize(join(root, decoded));
	if (base !== root && !base.startsWith(root + sep)) return null;
	for (const candidate of [base, `${base}.html`, join(base, 'index.html')]) {
		if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
	}
	return null;
}

export async function startStaticServer(options: StaticServerOptions = {}): Promise<StaticServer> {
	const root = resolve(options.root ?? BUILD_DIR);
	if (!existsSync(join(root, 'index.html'))) {
		throw new Error(`${root}/index.html is missing: run \`npm run build\` before the e2e tests`);
	}
	const requests: RecordedRequest[] = [];
	const started = Date.now();
	const extra: Record<string, string> = { ...options.headers };
	if (options.crossOriginIsolated) {
		extra['Cross-Origin-Opener-Policy'] = 'same-origin';
		extra['Cross-Origin-Embedder-Policy'] = 'require-corp';
		// The runner frame has an opaque origin, so even our own files are cross-origin to it.
		extra['Cross-Origin-Resource-Policy'] = 'cross-origin';
	}
	const server = createServer((req: IncomingMessage, res: ServerResponse) => {
		const path = req.url ?? '/';
		const record = (status: number) =>
			requests.push({
				method: req.method ?? 'GET',
				path,
				status,
				headers: req.headers,
				at: Date.now() - started
			});
		for (const [name, value] of Object.entries(extra)) res.setHeader(name, value);
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			record(405);
			res.writeHead(405).end();
			return;
		}
		const pathname = new URL(path, 'http://x').pathname;
		const file = resolveFile(root, pathname);
		if (!file) {
			record(404);
			res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
			return;
		}
		const original = readFileSync(file);
		const body = options.rewrite ? options.rewrite(pathname, original) : original;
		const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
		if (req.headers['if-none-match'] === etag) {
			record(304);
			res.writeHead(304, { etag }).end();
			return;
		}
		record(200);
		res.writeHead(200, {
			'content-type': MIME_TYPES[extname(file)] ?? 'application/octet-stream',
			'content-length': body.length,
			etag
		});
		res.end(req.method === 'HEAD' ? undefined : body);
	});
	const origin = await listen(server);
	return {
		origin,
		url: (p = '/') => new URL(p, origin).href,
		requests,
		close: () => closeServer(server)
	};
}

export interface RecordedHit {
	method: string;
	path: string;
	headers: Record<string, string | string[] | undefined>;
}

export interface RecordingServer {
	origin: string;
	url(path?: string): string;
	/** Every HTTP request and WebSocket upgrade that reached this server. */
	readonly hits: RecordedHit[];
	close(): Promise<void>;
}

/**
 * An "attacker" server: records every hit (HTTP or WebSocket upgrade) and answers permissively
 * (CORS open, scripts that would report back), so a request that escapes is seen, never blocked
 * by this side.
 */
export async function startRecordingServer(): Promise<RecordingServer> {
	const hits: RecordedHit[] = [];
	const server = createServer((req, res) => {
		hits.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers });
		res.writeHead(200, {
			'access-control-allow-origin': '*',
			'cross-origin-resource-policy': 'cross-origin',
			'content-type': (req.url ?? '').includes('.js') ? 'text/javascript' : 'text/plain'
		});
		res.end((req.url ?? '').includes('.js') ? 'fetch(location.origin + "/script-ran")' : 'ok');
	});
	server.on('upgrade', (req, socket) => {
		hits.push({ method: 'UPGRADE', path: req.url ?? '/', headers: req.headers });
		socket.destroy();
	});
	const origin = await listen(server);
	return {
		origin,
		url: (p = '/') => new URL(p, origin).href,
		hits,
		close: () => closeServer(server)
	};
}

export async function launchBrowser(): Promise<Browser> {
	// Each launch gets a fresh temporary user data dir from playwright.
	return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface OpenedPage {
	context: BrowserContext;
	page: Page;
	/** Every request the page, its frames and workers made, as absolute URLs. */
	readonly requests: string[];
	/** Console messages and page errors, for debugging a failing test. */
	readonly console: string[];
}

/** A fresh browser context (empty storage and cache) with one page open at `url`. */
export async function openPage(
	browser: Browser,
	url: string,
	options: {
		beforeLoad?: (context: BrowserContext) => Promise<void>;
		viewport?: { width: number; height: number };
	} = {}
): Promise<OpenedPage> {
	const context = await browser.newContext({
		viewport: options.viewport ?? { width: 1280, height: 800 }
	});
	const requests: string[] = [];
	const consoleLines: string[] = [];
	context.on('request', (request: Request) => requests.push(request.url()));
	await options.beforeLoad?.(context);
	const page = await context.newPage();
	page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
	page.on('pageerror', (error) => consoleLines.push(`pageerror: ${error.stack ?? error.message}`));
	await page.goto(url);
	return { context, page, requests, console: consoleLines };
}

/** URLs in `requests` that are not on `origin` (blob: and data: URLs are local, so allowed). */
export function foreignRequests(requests: string[], origin: string): string[] {
	return requests.filter(
		(u) => !u.startsWith(origin + '/') && !u.startsWith('blob:') && !u.startsWith('data:')
	);
}

export interface E2E {
	readonly site: StaticServer;
	readonly browser: Browser;
	/** Opens `path` on the site in a fresh context; every context is closed after the file. */
	open(path: string, options?: Parameters<typeof openPage>[2]): Promise<OpenedPage>;
}

/** Registers beforeAll/afterAll hooks that start the site and Chromium for one spec file. */
export function useE2E(options: StaticServerOptions = {}): E2E {
	let site: StaticServer | null = null;
	let browser: Browser | null = null;
	const contexts: BrowserContext[] = [];
	beforeAll(async () => {
		site = await startStaticServer(options);
		browser = await launchBrowser();
	});
	afterAll(async () => {
		await Promise.allSettled(contexts.map((c) => c.close()));
		await browser?.close();
		await site?.close();
	});
	return {
		get site() {
			if (!site) throw new Error('useE2E: the site is not started yet (use it inside a test)');
			return site;
		},
		get browser() {
			if (!browser)
				throw new Error('useE2E: the browser is not started yet (use it inside a test)');
			return browser;
		},
		async open(path, openOptions) {
			const opened = await openPage(this.browser, this.site.url(path), openOptions);
			contexts.push(opened.context);
			return opened;
		}
	};
}
