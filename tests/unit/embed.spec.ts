/**
 * Embeds: the options an embed reads from its address, the address and snippets Share makes,
 * an embed's session with a stub runner, and the rule that an embed's Python starts only on Run
 * or, for one embed per page, when first seen.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Example } from '../../src/lib/examples';
import type { RunOutcome } from '../../src/lib/runner/client.svelte';
import type { RunnerStatus } from '../../src/lib/ui/status';
import { EmbedSession } from '../../src/lib/embed/embed-session.svelte';
import {
	LazyRunner,
	WARM_LOCK,
	warmWhenSeen,
	type EmbedRunner
} from '../../src/lib/embed/lazy-runner.svelte';
import { embedAddress, readEmbedOptions } from '../../src/lib/embed/options';
import { parseExercise } from '../../src/lib/exercises/parse';
import { decodeShare, payloadFromHash } from '../../src/lib/share/codec';
import { iframeSnippet, markdownSnippet } from '../../src/lib/share/snippets';
import { model } from './exercises-model';
import { exerciseMarkdown } from './exercise-fixtures';

const site = 'https://play.example/';
const gather = 'import asyncio\nawait asyncio.gather(a(), b())\n';
const examples: Example[] = [
	{ slug: '01-gather', title: 'Gather', topic: 't', notice: '', code: gather }
];
const exercises = [parseExercise('04-three-downloads.md', exerciseMarkdown('Three downloads'))];
const catalog = { examples, exercises };

class StubClient implements EmbedRunner {
	status: RunnerStatus = { phase: 'ready', detail: 'Python 3.14.2 ready', progress: null };
	readonly runs: { source: string; settle: (outcome: RunOutcome) => void }[] = [];
	disposed = false;
	run(source: string): Promise<RunOutcome> {
		return new Promise((settle) => this.runs.push({ source, settle }));
	}
	stop(): void {}
	dispose(): void {
		this.disposed = true;
	}
}

function lazy() {
	const clients: StubClient[] = [];
	const runner = new LazyRunner(() => {
		const client = new StubClient();
		clients.push(client);
		return client;
	});
	return { runner, clients };
}

describe('readEmbedOptions', () => {
	it('reads an example, an exercise or code, with theme, height and panes', () => {
		expect(
			readEmbedOptions(`${site}embed?example=01-gather&theme=dark&height=300&panes=code,chart`)
		).toEqual({
			source: { kind: 'example', slug: '01-gather' },
			theme: 'dark',
			height: 300,
			panes: ['code', 'chart'],
			problems: []
		});
		expect(readEmbedOptions(`${site}embed?exercise=timeout`).source).toEqual({
			kind: 'exercise',
			slug: 'timeout'
		});
		const address = embedAddress(site, { kind: 'code', code: 'print("hi")\n' });
		expect(address.ok && readEmbedOptions(address.url).source).toEqual({
			kind: 'code',
			code: 'print("hi")\n'
		});
	});

	it('falls back to the defaults with a sentence for each wrong option', () => {
		const options = readEmbedOptions(
			`${site}embed?example=x&theme=pink&height=tall&panes=chart,video`
		);
		expect(options.theme).toBeNull();
		expect(options.height).toBeNull();
		expect(options.panes).toEqual(['chart']);
		expect(options.problems).toEqual([
			'theme "pink" is not light or dark',
			'height "tall" is not a number of pixels',
			'unknown panes: video (known: code, output, chart)'
		]);
		expect(readEmbedOptions(`${site}embed?height=99999`).height).toBe(1200);
		expect(readEmbedOptions(`${site}embed#code=v1.@@@`).problems[0]).toMatch(
			/^This share link is broken/
		);
	});
});

describe('the snippets Share offers', () => {
	it('an iframe of the embed address, with attributes escaped', () => {
		const address = embedAddress(site, { kind: 'example', slug: '01-gather' }, { theme: 'light' });
		expect(address).toEqual({ ok: true, url: `${site}embed?example=01-gather&theme=light` });
		expect(iframeSnippet(`${site}embed?example=a&theme=dark`, 'Say "hi" <now>')).toBe(
			`<iframe src="${site}embed?example=a&amp;theme=dark" title="Say &quot;hi&quot; &lt;now>" ` +
				'width="100%" height="520" loading="lazy" style="border: 0; max-width: 960px"></iframe>'
		);
	});

	it('Markdown: a preview of the first lines in a fence longer than any inside, and the link', () => {
		const code = Array.from({ length: 12 }, (_, k) => `print(${k})  # ${'`'.repeat(k % 4)}`).join(
			'\n'
		);
		const snippet = markdownSnippet(code, 'https://play.example/#code=v1.x');
		const lines = snippet.split('\n');
		expect(lines[0]).toBe('````python');
		expect(lines.slice(1, 9)).toEqual(code.split('\n').slice(0, 8));
		expect(lines[9]).toBe('# … 4 more lines');
		expect(lines[10]).toBe('````');
		expect(lines[12]).toBe('[▶ Run it in the asyncio playground](https://play.example/#code=v1.x)');
	});
});

describe('EmbedSession', () => {
	it('shows an example, an exercise starter or shared code, and says when it names nothing', () => {
		const { runner } = lazy();
		const open = (href: string) => new EmbedSession(readEmbedOptions(href), runner, catalog);
		expect(open(`${site}embed?example=gather`)).toMatchObject({ code: gather, title: 'Gather' });
		expect(open(`${site}embed?exercise=three-downloads`)).toMatchObject({
			code: 'print("start")\n',
			title: 'Three downloads'
		});
		expect(open(`${site}embed?example=nope`).problems).toEqual(['There is no example "nope".']);
		expect(open(`${site}embed`).problems[0]).toMatch(/^This embed names no code/);
	});

	it('starts Python only when Run is pressed, and shows the run', async () => {
		const { runner, clients } = lazy();
		const session = new EmbedSession(
			readEmbedOptions(`${site}embed?example=01-gather`),
			runner,
			catalog
		);
		expect(runner.started).toBe(false);
		expect(clients).toHaveLength(0);
		const running = session.run();
		expect(clients).toHaveLength(1);
		expect(session.running).toBe(true);
		clients[0].runs[0].settle({
			kind: 'finished',
			events: [],
			model: model({ duration: 1, printed: ['hi'] }),
			notices: []
		});
		await running;
		expect(session.running).toBe(false);
		expect(session.model?.duration).toBe(1);
		expect(session.outputItems).toHaveLength(1);
		void session.run();
		expect(clients).toHaveLength(1);
		runner.dispose();
		expect(clients[0].disposed).toBe(true);
	});

	it('links to the playground: the exercise while unchanged, else the code, never run', () => {
		const { runner } = lazy();
		const session = new EmbedSession(
			readEmbedOptions(`${site}embed?exercise=three-downloads`),
			runner,
			catalog
		);
		expect(session.playgroundLink(site)).toBe(`${site}?exercise=three-downloads`);
		session.edit('print("mine")\n');
		const link = new URL(session.playgroundLink(site));
		expect(decodeShare(payloadFromHash(link.hash)!)).toEqual({ ok: true, code: 'print("mine")\n' });
	});
});

describe('warmWhenSeen', () => {
	afterEach(() => vi.unstubAllGlobals());

	/** A page of embeds: a shared lock manager, and observers the test can make "see". */
	function page() {
		let held = false;
		const waiting: (() => void)[] = [];
		const observers: ((entries: { isIntersecting: boolean }[]) => void)[] = [];
		vi.stubGlobal('navigator', {
			locks: {
				request: async (
					name: string,
					options: { ifAvailable: boolean },
					callback: (lock: object | null) => Promise<void>
				) => {
					expect(name).toBe(WARM_LOCK);
					expect(options.ifAvailable).toBe(true);
					if (held) return callback(null);
					held = true;
					await callback({});
					held = false;
					waiting.splice(0).forEach((resolve) => resolve());
				}
			}
		});
		vi.stubGlobal(
			'IntersectionObserver',
			class {
				constructor(callback: (entries: { isIntersecting: boolean }[]) => void) {
					observers.push(callback);
				}
				observe() {}
				disconnect() {}
			}
		);
		return { see: (index: number) => observers[index]([{ isIntersecting: true }]) };
	}

	it('warms the first embed seen, and only that one, until it goes away', async () => {
		const view = page();
		const warmed: number[] = [];
		const stops = [0, 1, 2].map((index) => warmWhenSeen({} as Element, () => warmed.push(index)));
		view.see(1);
		view.see(0);
		view.see(2);
		await new Promise((resolve) => setTimeout(resolve, 0));
		expect(warmed).toEqual([1]);
		stops.forEach((stop) => stop());
	});

	it('warms nothing where Web Locks are missing: each embed starts on its first Run', () => {
		vi.stubGlobal('navigator', {});
		const warm = vi.fn();
		warmWhenSeen({} as Element, warm)();
		expect(warm).not.toHaveBeenCalled();
	});
});
