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

	const toPage = (message) => page.postMessage(message, '*');
	const fatal = (message) =>
		toPage({ type: 'fatal', error: { kind: 'crash', message, traceback: '' } });

	function boot(command) {
		if (worker || typeof command.worker_source !== 'string') return;
		const init = command.init;
		if (!init || typeof init !== 'object') return;
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
		// The interrupt buffer needs SharedArrayBuffer, which only a cross-origin isolated frame has.
		if (self.crossOriginIsolated && typeof SharedArrayBuffer === 'function') {
			interrupt = new Int32Array(new SharedArrayBuffer(4));
			init.interrupt_buffer = interrupt.buffer;
		}
		const transfer = [];
		if (init.port instanceof MessagePort) transfer.push(init.port);
		if (init.files && typeof init.files === 'object') {
			for (const name of Object.keys(init.files)) {
				if (init.files[name] instanceof ArrayBuffer) transfer.push(init.files[name]);
			}
		}
		// The memory snapshot (31.5 MB) is moved too, not copied.
		if (init.snapshot instanceof ArrayBuffer) transfer.push(init.snapshot);
		worker.postMessage(init, transfer);
	}

	window.addEventListener('message', (event) => {
		if (event.source !== page) return;
		const command = event.data;
		if (!command || typeof command !== 'object') return;
		switch (command.type) {
			case 'boot':
				boot(command);
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
