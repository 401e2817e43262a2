/**
 * Builds the sandbox frame's document, /runner/frame.html, from frame.ts: one classic script with
 * no imports, inline in the HTML, under a Content Security Policy that names that script by its
 * SHA-256. Built, not written by hand, so the frame runs the same protocol validators and the
 * same snapshot check (snapshot/verify.ts) as the page and the worker: nothing to keep in step
 * (docs/decisions/0046-frame-script-built.md).
 *
 * The page fetches this file and hands it to the frame as `srcdoc` (hosts.ts, prestart.js), so
 * the frame itself loads nothing from the network, and the page's service worker can serve the
 * file offline: a sandboxed frame's own navigation is never seen by a service worker
 * (docs/decisions/0085-offline.md).
 *
 * `frameScriptPlugin` serves it under `vite dev` (rebuilt when one of its sources changes) and
 * emits it into the client build, which `vite build` writes to build/ and `vite preview` serves.
 * Node only: vite.config.ts and the unit tests use this file, the page never does.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build, type Plugin, type Rollup } from 'vite';
import { FRAME_DOCUMENT } from './frame-document';

const ENTRY = fileURLToPath(new URL('./frame.ts', import.meta.url));
const LIB = fileURLToPath(new URL('../../', import.meta.url));

export interface FrameScript {
	code: string;
	/** Every source file bundled into it. */
	sources: string[];
}

/** Bundles frame.ts and what it imports into one immediately-invoked function. */
export async function buildFrameScript(): Promise<FrameScript> {
	const result = await build({
		configFile: false,
		envFile: false,
		logLevel: 'warn',
		publicDir: false,
		resolve: { alias: { $lib: LIB } },
		build: {
			write: false,
			modulePreload: false,
			// Every runtime's frame gets the whole document again: 8 kB minified against 22 kB.
			minify: true,
			rollupOptions: { input: ENTRY, output: { format: 'iife', entryFileNames: 'frame.js' } }
		}
	});
	const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
	const chunk = outputs.flatMap((output) => output.output).find((file) => file.type === 'chunk');
	if (!chunk) throw new Error('building the sandbox frame script produced no code');
	return { code: chunk.code, sources: chunk.moduleIds };
}

/**
 * The frame's policy, inherited by the blob: worker that runs Pyodide: no network at all (the
 * page hands the Pyodide files in as Blobs), no script but this document's own (by its hash) and
 * blob: ones (Pyodide's modules), no eval or Function (only WebAssembly compilation), workers only
 * from blob:. No 'self': the frame needs nothing from our origin. See SECURITY.md and
 * docs/decisions/0040-sandbox.md.
 */
export function framePolicy(scriptSha256: string): string {
	return [
		"default-src 'none'",
		`script-src 'sha256-${scriptSha256}' blob: 'wasm-unsafe-eval'`,
		'worker-src blob:',
		"connect-src 'none'",
		"base-uri 'none'",
		"form-action 'none'"
	].join('; ');
}

/** The frame's whole document: the policy first, so it holds before anything else is parsed. */
export function frameDocument(code: string): string {
	// The script sits inside <script>…</script>: text that could end it early must not occur.
	if (/<\/script|<!--|<script/i.test(code)) {
		throw new Error('the sandbox frame script contains text that would end its <script> early');
	}
	const sha256 = createHash('sha256').update(code, 'utf8').digest('base64');
	return [
		'<!doctype html>',
		'<html lang="en">',
		'<head>',
		'<meta charset="utf-8">',
		`<meta http-equiv="Content-Security-Policy" content="${framePolicy(sha256)}">`,
		'<title>Python runner</title>',
		'</head>',
		`<body><script>${code}</script></body>`,
		'</html>',
		''
	].join('\n');
}

/** Serves /runner/frame.html under `vite dev` and emits it into the client build. */
export function frameScriptPlugin(): Plugin {
	let built: Promise<FrameScript> | null = null;
	return {
		name: 'runner-frame-document',
		configureServer(server) {
			const path = `${server.config.base}${FRAME_DOCUMENT}`;
			server.watcher.on('change', (file) => {
				void built?.then(({ sources }) => {
					if (sources.includes(file)) built = null;
				});
			});
			server.middlewares.use((req, res, next) => {
				if (new URL(req.url ?? '/', 'http://localhost').pathname !== path) return next();
				built ??= buildFrameScript().catch((error: unknown) => {
					built = null; // the next request tries again, after the source is fixed
					throw error;
				});
				built.then(({ code }) => {
					res.setHeader('content-type', 'text/html; charset=utf-8');
					res.end(frameDocument(code));
				}, next);
			});
		},
		async generateBundle() {
			// SvelteKit builds the server, then the client: the frame belongs to the client's files.
			if (this.environment.config.consumer !== 'client') return;
			const { code } = await buildFrameScript();
			this.emitFile({ type: 'asset', fileName: FRAME_DOCUMENT, source: frameDocument(code) });
		}
	};
}
