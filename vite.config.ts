import { createHash } from 'node:crypto';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { readPythonSources } from './src/lib/engine/python-files';
import { frameScriptPlugin } from './src/lib/runner/sandbox/frame-script';
import { offlineFilesPlugin } from './src/lib/offline/files-plugin';
import { engineSourcesText } from './src/lib/runner/snapshot/key';

/**
 * The snapshot key's hash of the engine's Python package, computed once per build from the same
 * files the build bundles: the page then needs neither those files nor time to hash them before
 * it can look for a stored snapshot. (`vite dev` hashes at run time instead, since the files may
 * change while the server runs.)
 */
const engineSourcesSha256 = createHash('sha256')
	.update(engineSourcesText(readPythonSources()))
	.digest('hex');

export default defineConfig({
	plugins: [sveltekit(), frameScriptPlugin(), offlineFilesPlugin()],
	define: { ENGINE_SOURCES_SHA256: JSON.stringify(engineSourcesSha256) },
	test: {
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['tests/unit/**/*.spec.ts', 'src/**/*.spec.ts'],
					environment: 'node'
				}
			},
			{
				extends: true,
				test: {
					name: 'engine',
					include: ['tests/engine/**/*.spec.ts'],
					environment: 'node',
					// Pyodide boots once per file (about 2 s); the runs themselves take milliseconds.
					testTimeout: 60_000,
					hookTimeout: 120_000
				}
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					// A real Chromium against the built site (build/), one file at a time.
					include: ['tests/e2e/**/*.spec.ts'],
					environment: 'node',
					fileParallelism: false,
					testTimeout: 90_000,
					hookTimeout: 120_000
				}
			}
		]
	}
});
