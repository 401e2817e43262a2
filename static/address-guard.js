// Refuses an address too long to be a link of ours before the page's scripts (and SvelteKit's
// router, which writes the address into the history as it starts) read it: a 2 MB share link cost
// the page a second of main-thread time, some of it in history.replaceState. The page's own check
// (MAX_ADDRESS_CHARS in src/lib/share/codec.ts, the same number) then explains it in a banner.
'use strict';
(() => {
	const MAX_ADDRESS_CHARS = 40000;
	const length = location.href.length;
	if (length <= MAX_ADDRESS_CHARS) return;
	history.replaceState(null, '', location.pathname);
	document.documentElement.dataset.linkTooLong = String(length);
})();
