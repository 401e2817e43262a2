/**
 * Builds the sandbox frame's script, /runner/frame.js, from frame.ts: one classic script with no
 * imports, as static/runner/frame.html loads it under its policy (`script-src 'self' blob:`).
 * Built, not written by hand, so the frame runs the same protocol validators and the same
 * snapshot check (snapshot/verify.ts) as the page and the worker: nothing to keep in step
 * (docs/decisions/0046-frame-script-built.md).
 *
 * `frameScriptPlugin` serves it under `vite dev` (rebuilt when one of its sources changes) and
 * emits it into the client build, which `vite build` writes to build/ and `vite preview` serves.
 * Node only: vite.config.ts and the unit tests use this file, the page never does.
 */
import { fileURLToPath } from 'node:url';
import { build, type Plugin, type Rollup } from 'vite';

/** Where the frame's HTML expects its script, relative to the site's root. */
export const FRAME_SCRIPT = 'runner/frame.js';

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
			// Every runtime's frame fetches it again (an opaque origin gets no HTTP cache: the e2e
			// reload test sees 200, never 304): 8 kB minified against 22 kB.
			minify: true,
			rollupOptions: { input: ENTRY, output: { format: 'iife', entryFileNames: 'frame.js' } }
		}
	});
	const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
	const chunk = outputs.flatMap((output) => output.output).find((file) => file.type === 'chunk');
	if (!chunk) throw new Error('building the sandbox frame script produced no code');
	return { code: chunk.code, sources: chunk.moduleIds };
}

/** Serves /runner/frame.js under `vite dev` and emits it into the client build. */
export function frameScriptPlugin(): Plugin {
	let built: Promise<FrameScript> | null = null;
	return {
		name: 'runner-frame-script',
		configureServer(server) {
			const path = `${server.config.base}${FRAME_SCRIPT}`;
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
					res.setHeader('content-type', 'text/javascript; charset=utf-8');
					res.end(code);
				}, next);
			});
		},
		async generateBundle() {
			// SvelteKit builds the server, then the client: the frame belongs to the client's files.
			if (this.environment.config.consumer !== 'client') return;
			const { code } = await buildFrameScript();
			this.emitFile({ type: 'asset', fileName: FRAME_SCRIPT, source: code });
		}
	};
}
