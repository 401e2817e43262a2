/**
 * Probe: does Chromium's HTTP cache serve a fetch made from an opaque-origin sandbox frame, as
 * the runner's frame (`sandbox="allow-scripts"`) and its worker would make it? WebAssembly's
 * compiled-code cache lives beside the HTTP cache entry of the file that `compileStreaming`
 * fetched, so without the one there is none of the other (docs/decisions/0120-no-code-cache-in-the-sandbox.md).
 *
 * Three visits in one browser profile on disk. Each visit fetches the same cacheable file
 * (`Cache-Control: max-age=3600`, CORS allowed) once from the page itself, once from a
 * sandboxed frame, and once from a blob: worker that frame started; the server counts the
 * requests that reach it. Not part of `npm run bench`: it measures the browser, not the
 * playground.
 *
 *     TSX_TSCONFIG_PATH=tsconfig.node.json node --import tsx bench/opaque-frame-cache.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newProfile } from './page-load';

const VISITS = 3;
const FETCHERS = ['page', 'frame', 'worker'] as const;

/** The sandboxed frame's document: it fetches the file, and has its blob: worker fetch it too. */
const FRAME_DOCUMENT = `<!doctype html><script>
const fetchText = "onmessage = (e) => fetch(e.data).then((r) => r.text()).then(() => postMessage('worker'));";
const worker = new Worker(URL.createObjectURL(new Blob([fetchText], { type: 'text/javascript' })));
worker.onmessage = (e) => parent.postMessage(e.data, '*');
onmessage = (e) => {
	worker.postMessage(e.data + '?by=worker');
	fetch(e.data + '?by=frame').then((r) => r.text()).then(() => parent.postMessage('frame', '*'));
};
parent.postMessage('ready', '*');
</script>`;

const PAGE = `<!doctype html><body><script>
window.done = [];
const frame = document.createElement('iframe');
frame.setAttribute('sandbox', 'allow-scripts');
frame.srcdoc = ${JSON.stringify(FRAME_DOCUMENT).replace(/</g, '\\u003c')};
onmessage = (e) => {
	if (e.data === 'ready') frame.contentWindow.postMessage(location.origin + '/file', '*');
	else done.push(e.data);
};
document.body.appendChild(frame);
fetch('/file?by=page').then((r) => r.text()).then(() => done.push('page'));
</script>`;

const requests = new Map<string, number>();
const server = createServer((req, res) => {
	const url = new URL(req.url ?? '/', 'http://localhost');
	if (url.pathname === '/file') {
		const by = url.searchParams.get('by') ?? '?';
		requests.set(by, (requests.get(by) ?? 0) + 1);
		res.writeHead(200, {
			'content-type': 'application/octet-stream',
			'cache-control': 'max-age=3600',
			'access-control-allow-origin': '*'
		});
		res.end(Buffer.alloc(100_000));
		return;
	}
	res.writeHead(url.pathname === '/' ? 200 : 404, { 'content-type': 'text/html' });
	res.end(url.pathname === '/' ? PAGE : '');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const profile = await newProfile();
try {
	for (let visit = 1; visit <= VISITS; visit++) {
		const page = await profile.newPage();
		await page.goto(`${origin}/`);
		await page.waitForFunction(
			(count) => (window as unknown as { done: string[] }).done.length === count,
			FETCHERS.length
		);
		await page.close();
	}
} finally {
	await profile.close();
	server.close();
}
console.log(`Requests that reached the server over ${VISITS} visits in one profile:`);
for (const by of FETCHERS) {
	const count = requests.get(by) ?? 0;
	console.log(
		`  ${by.padEnd(6)} ${count} (${count === 1 ? 'cached after the first' : 'never cached'})`
	);
}
