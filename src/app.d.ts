// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {}
}

/** SHA-256 of the engine's Python package, set by vite.config.ts at build time. */
declare global {
	const ENGINE_SOURCES_SHA256: string;
}

export {};
