// Starts the Python runner's sandbox frame while the page's own scripts load. The frame runs in
// a process of its own, which took about half a second to start on a return visit, all of it
// before the runner could even begin restoring Python. The page adopts this frame as the one
// that hosts all its runtimes (src/lib/runner/hosts.ts) and sets the rest of its attributes;
// pages without a runner (no element marked data-runner in their prerendered HTML) get none.
//
// The frame's document is fetched here and handed in as srcdoc, never loaded by the frame
// itself: a sandboxed frame's navigation bypasses the service worker, so it would fail offline
// (docs/decisions/0085-offline.md).
'use strict';
(() => {
	if (!document.querySelector('[data-runner]')) return;
	const frame = document.createElement('iframe');
	frame.id = 'runner-frame';
	// Fixed when the frame navigates: FrameHost refuses a frame whose sandbox is not exactly this.
	frame.setAttribute('sandbox', 'allow-scripts');
	frame.setAttribute('allow', 'cross-origin-isolated');
	frame.style.cssText = 'position:absolute;width:0;height:0;border:0;visibility:hidden';
	document.body.appendChild(frame);
	fetch(new URL('frame.html', document.currentScript.src))
		.then((response) => (response.ok ? response.text() : null))
		.then((html) => {
			// FrameHost may have set the document first; it then owns the frame.
			if (html !== null && !frame.hasAttribute('srcdoc')) frame.srcdoc = html;
		})
		.catch(() => {}); // FrameHost fetches the document itself and reports a failure
})();
