// The runner sandbox's only script: starts the runner worker from the script text the page
// hands in, passes it the page's private MessagePort, and relays the page's commands. The worker
// answers the page on that port only; what arrives on the worker's own `postMessage` (which the
// user's Python can call) is never read here, so a forged or huge message is dropped unopened.
// It accepts commands only from the page that embeds it.
'use strict';
(() => {
	const page = window.parent;
	/** @type {Worker | null} */
	let worker = null;
	/** @type {Int32Array | null} */
	let interrupt = null;
	let initialized = false;

	const toPage = (message) => page.postMessage(message, '*');
	const fatal = (message) =>
		toPage({ type: 'fatal', error: { kind: 'crash', message, traceback: '' } });

	/**
	 * Checks a stored snapshot's length and SHA-256 against the page's record and sends the worker
	 * the bytes or the problem. Here, not in the worker: this frame has WebCrypto, its blob:
	 * worker has none, and the check runs while the worker loads Pyodide. The same check as
	 * checkSnapshot in src/lib/runner/snapshot/verify.ts: keep the two in step.
	 */
	async function sendCheckedSnapshot(handle) {
		let verdict;
		try {
			const bytes = await handle.blob.arrayBuffer();
			const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
			const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
			if (bytes.byteLength !== handle.length) {
				verdict = { problem: `length ${bytes.byteLength} bytes, expected ${handle.length}` };
			} else if (hex !== handle.sha256) verdict = { problem: 'SHA-256 does not match' };
			else verdict = { bytes };
		} catch (error) {
			verdict = { problem: `could not be read: ${error && error.message ? error.message : error}` };
		}
		if (!worker) return;
		worker.postMessage({ type: 'snapshot', ...verdict }, verdict.bytes ? [verdict.bytes] : []);
	}

	function boot(command) {
		if (worker || typeof command.worker_source !== 'string') return;
		const url = URL.createObjectURL(new Blob([command.worker_source], { type: 'text/javascript' }));
		try {
			worker = new Worker(url);
		} catch (error) {
			fatal(`The runner worker could not start: ${error && error.message ? error.message : error}`);
			return;
		}
		worker.onerror = (event) => {
			event.preventDefault();
			fatal(`The runner worker failed: ${event.message || 'unknown error'}`);
		};
	}

	function init(command) {
		const init = command.init;
		if (!worker || initialized || !init || typeof init !== 'object') return;
		initialized = true;
		// The interrupt buffer needs SharedArrayBuffer, which only a cross-origin isolated frame has.
		if (self.crossOriginIsolated && typeof SharedArrayBuffer === 'function') {
			interrupt = new Int32Array(new SharedArrayBuffer(4));
			init.interrupt_buffer = interrupt.buffer;
		}
		// The Pyodide files and the snapshot are Blobs: handles, passed on without a copy.
		worker.postMessage(init, init.port instanceof MessagePort ? [init.port] : []);
		if (init.snapshot) sendCheckedSnapshot(init.snapshot);
	}

	window.addEventListener('message', (event) => {
		if (event.source !== page) return;
		const command = event.data;
		if (!command || typeof command !== 'object') return;
		switch (command.type) {
			case 'boot':
				boot(command);
				break;
			case 'init':
				init(command);
				break;
			case 'hello':
				// The page adopted a frame started before its scripts ran (prestart.js) and may
				// have missed the frame_ready sent on load.
				toPage({ type: 'frame_ready' });
				break;
			case 'interrupt':
				if (interrupt) Atomics.store(interrupt, 0, 2); // SIGINT
				break;
			case 'to_worker':
				if (worker) worker.postMessage(command.message);
				break;
			default:
				break;
		}
	});

	toPage({ type: 'frame_ready' });
})();
