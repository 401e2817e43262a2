// Refuses an address too long to be a link of ours before the page's scripts (and SvelteKit's
// router) read it. Measured in Chromium with a 2 MB address: history.replaceState with it took
// 6 s of the page's main thread, and even replacing it with a short one 0.7 s, so the page never
// touches the history with it: it loads itself again at its own path, and the page's banner says
// why (MAX_ADDRESS_CHARS in src/lib/share/codec.ts is the same number).
'use strict';
(() => {
	const MAX_ADDRESS_CHARS = 64000;
	const KEY = 'asyncio-playground:link-too-long';
	const refuse = () => {
		const length = location.href.length;
		if (length <= MAX_ADDRESS_CHARS) return false;
		try {
			sessionStorage.setItem(KEY, String(length));
		} catch {
			// No storage: the page loads without the banner.
		}
		location.replace(location.pathname);
		return true;
	};
	if (refuse()) return;
	// A link pasted into this tab's address bar: before the router's own listener sees it.
	window.addEventListener('hashchange', (event) => {
		if (refuse()) event.stopImmediatePropagation();
	});
})();
