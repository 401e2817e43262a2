import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A static site: everything runs in the visitor's browser, so any static host can serve it.
		adapter: adapter({ fallback: undefined, strict: true }),
		// Registered by the page itself once Python has started (src/lib/ui/app-update.svelte.ts).
		serviceWorker: { register: false }
	}
};

export default config;
