/**
 * Writes the client build's list of files (files.ts, OFFLINE_FILES) for the service worker to
 * cache. Node only: vite.config.ts uses this file, the page never does.
 */
import type { Plugin } from 'vite';
import { OFFLINE_FILES } from './files';

export function offlineFilesPlugin(): Plugin {
	return {
		name: 'offline-files',
		// After every other plugin has emitted its files into the bundle (the frame's document).
		enforce: 'post',
		generateBundle(_options, bundle) {
			if (this.environment.config.consumer !== 'client') return;
			const paths = Object.keys(bundle)
				.filter((name) => !name.endsWith('.map'))
				.sort();
			this.emitFile({ type: 'asset', fileName: OFFLINE_FILES, source: JSON.stringify(paths) });
		}
	};
}
