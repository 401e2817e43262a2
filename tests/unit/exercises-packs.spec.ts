/**
 * Exercise packs: one file of several exercises or a zip of files, parsed with the course's own
 * parser; stored in the browser with their own progress; carried in a link by the share codec,
 * within its caps; and summed up in "Copy my results".
 */
import { deflateSync, strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ExerciseCourse } from '../../src/lib/exercises/course.svelte';
import { ExerciseFormatError } from '../../src/lib/exercises/parse';
import { packAsMarkdown, packId, parsePack } from '../../src/lib/exercises/pack';
import { readPackFiles } from '../../src/lib/exercises/pack-files';
import { PACKS_KEY, PackLibrary } from '../../src/lib/exercises/pack-library.svelte';
import { packFromPayload, packLink, packPayloadFromHash } from '../../src/lib/exercises/pack-link';
import { ExerciseProgress, packProgressKey } from '../../src/lib/exercises/progress.svelte';
import { resultsText } from '../../src/lib/exercises/results';
import { MAX_CODE_BYTES, MAX_LINK_CHARS, encodeShare } from '../../src/lib/share/codec';
import { exerciseMarkdown, lineOf, memoryStore } from './exercise-fixtures';

const workshop = `---\npack: Workshop day 1\n---\n\n${exerciseMarkdown('First steps')}\n${exerciseMarkdown('Two at once', 'slug: both')}`;

describe('parsePack', () => {
	it('reads a titled file of several exercises, slugs from titles or slug: lines', () => {
		const pack = parsePack([{ name: 'workshop.md', text: workshop }], 'workshop');
		expect(pack.id).toBe('workshop-day-1');
		expect(pack.title).toBe('Workshop day 1');
		expect(pack.exercises.map((e) => [e.slug, e.title, e.file, e.line])).toEqual([
			['first-steps', 'First steps', 'workshop.md', 5],
			['both', 'Two at once', 'workshop.md', 27]
		]);
		// A "---" followed by prose is a horizontal rule inside the instructions.
		expect(pack.exercises[0].instructions).toContain('---\n\nA horizontal rule above');
		expect(pack.exercises[1].predict).toEqual([
			{ id: 'total-time', args: [{ kind: 'number', value: 0.1 }], line: 47 }
		]);
	});

	it("takes a one-exercise file's slug from its name, and the pack's title from the file", () => {
		const pack = parsePack(
			[{ name: '07-first-steps.md', text: exerciseMarkdown('First steps') }],
			'lesson'
		);
		expect(pack.title).toBe('lesson');
		expect(pack.exercises[0].slug).toBe('first-steps');
	});

	it('orders the files of a folder by name, and refuses one slug used twice', () => {
		const pack = parsePack(
			[
				{ name: 'b/02-second.md', text: exerciseMarkdown('Second') },
				{ name: 'b/01-first.md', text: exerciseMarkdown('First') }
			],
			'b'
		);
		expect(pack.exercises.map((e) => e.slug)).toEqual(['first', 'second']);
		expect(() =>
			parsePack(
				[
					{ name: 'a.md', text: exerciseMarkdown('A') },
					{ name: 'b.md', text: exerciseMarkdown('B', 'slug: a') }
				],
				'x'
			)
		).toThrow('b.md:1: the exercise at a.md:1 has the slug "a" too');
	});

	it('names the file and line of a mistake, counted in the whole file', () => {
		const broken = workshop.replace(
			'output-equals: "done"\n```\n```predict\ntotal-time: 0.1\n```\n\n---\ntitle: Two',
			'max-time: 3\n```\n\n---\ntitle: Two'
		);
		expect(broken).not.toBe(workshop);
		expect(() => parsePack([{ name: 'workshop.md', text: broken }], 'w')).toThrow(
			ExerciseFormatError
		);
		expect(() => parsePack([{ name: 'workshop.md', text: broken }], 'w')).toThrow(
			`workshop.md:${lineOf(broken, 'max-time')}: unknown check "max-time"`
		);
	});

	it('joins a folder into one Markdown file that opens as the same exercises', () => {
		const pack = parsePack(
			[
				{
					name: 'w/01-first-steps.md',
					text: `---\npack: Week 1\n---\n\n${exerciseMarkdown('First steps')}`
				},
				{
					name: 'w/02-more.md',
					text: exerciseMarkdown('More') + '\n' + exerciseMarkdown('Even more')
				}
			],
			'w'
		);
		const joined = parsePack([{ name: 'pack.md', text: packAsMarkdown(pack) }], 'x');
		expect(joined.title).toBe('Week 1');
		expect(joined.exercises.map((e) => e.slug)).toEqual(['first-steps', 'more', 'even-more']);
		expect(joined.exercises.map((e) => e.instructions)).toEqual(
			pack.exercises.map((e) => e.instructions)
		);
	});

	it('reads a pack the same after Prettier has formatted it', async () => {
		const { format } = await import('prettier');
		const formatted = await format(workshop, { parser: 'markdown' });
		expect(formatted).not.toBe(workshop);
		const before = parsePack([{ name: 'w.md', text: workshop }], 'w');
		const after = parsePack([{ name: 'w.md', text: formatted }], 'w');
		expect(after.title).toBe(before.title);
		expect(
			after.exercises.map((e) => [e.slug, e.title, e.checks.length, e.predict.length])
		).toEqual(before.exercises.map((e) => [e.slug, e.title, e.checks.length, e.predict.length]));
	});

	it('makes an id from any title', () => {
		expect(packId('Asyncio: Tag 1 – Übungen!')).toBe('asyncio-tag-1-ubungen');
		expect(packId('日本語')).toBe('pack');
	});
});

describe('readPackFiles', () => {
	it('reads the Markdown files of a zip, skipping folders, hidden files and others', () => {
		const zip = zipSync({
			'w/01-a.md': strToU8('one'),
			'w/.hidden.md': strToU8('x'),
			'__MACOSX/w/._01-a.md': strToU8('x'),
			'w/readme.txt': strToU8('x'),
			'w/sub/02-b.markdown': strToU8('two')
		});
		expect(readPackFiles('w.zip', zip)).toEqual([
			{ name: 'w/01-a.md', text: 'one' },
			{ name: 'w/sub/02-b.markdown', text: 'two' }
		]);
	});

	it('stops inflating a zip bomb at the cap, with a clear message', () => {
		const bomb = zipSync({ 'a.md': new Uint8Array(64 * 1024 * 1024) }, { level: 9 });
		expect(bomb.length).toBeLessThan(100_000);
		expect(() => readPackFiles('bomb.zip', bomb)).toThrow(
			'bomb.zip unzips to more than 512 KB of text, so it was not opened'
		);
	});

	it('refuses what is not text, or not a zip that can be read', () => {
		expect(() => readPackFiles('x.md', new Uint8Array([0xff, 0xfe, 0x00]))).toThrow(
			'x.md is not UTF-8 text'
		);
		expect(() => readPackFiles('x.zip', strToU8('PK\u0003\u0004 garbage'))).toThrow(/x\.zip/);
	});
});

describe('a pack link', () => {
	const pack = parsePack([{ name: 'workshop.md', text: workshop }], 'workshop');

	it('carries the pack in the fragment and opens as the same pack', () => {
		const link = packLink('https://play.example/', pack);
		expect(link.ok).toBe(true);
		if (!link.ok) return;
		const payload = packPayloadFromHash(new URL(link.url).hash)!;
		expect(link.url.startsWith('https://play.example/#pack=v1.')).toBe(true);
		const opened = packFromPayload(payload);
		expect(opened.ok && opened.pack.exercises.map((e) => e.slug)).toEqual(['first-steps', 'both']);
	});

	it('refuses a decompression bomb while inflating, and says nothing was changed', () => {
		// 10 MB of one repeated byte deflates to about 10 KB: a small link, a huge payload.
		const bomb = deflateSync(new Uint8Array(10 * 1024 * 1024).fill(0x61), { level: 9 });
		const payload = `v1.${Buffer.from(bomb).toString('base64url')}`;
		expect(payload.length).toBeLessThan(MAX_LINK_CHARS);
		expect(packFromPayload(payload)).toEqual({
			ok: false,
			message: `This pack link holds more than ${MAX_CODE_BYTES / 1024} KB of text, so it was not opened. Your packs, your progress and your code are unchanged.`
		});
	});

	it('refuses a link over the length cap before decoding it', () => {
		expect(packFromPayload(`v1.${'A'.repeat(MAX_LINK_CHARS + 1)}`)).toEqual({
			ok: false,
			message:
				'This pack link is too long to open. Your packs, your progress and your code are unchanged.'
		});
	});

	it('refuses a pack too large for a link when it is made', () => {
		const big = parsePack(
			[
				{
					name: 'big.md',
					text: exerciseMarkdown('Big').replace('Do Big.', 'x'.repeat(MAX_CODE_BYTES))
				}
			],
			'big'
		);
		expect(packLink('https://play.example/', big)).toEqual({
			ok: false,
			message: 'This pack is too long for a link; hand out the file instead (the limit is 64 KB).'
		});
	});

	it('shows a mistake inside the pack as file:line', () => {
		const encoded = encodeShare(
			exerciseMarkdown('Broken').replace('total-time: 0.1', 'guess: 3'),
			'pack'
		);
		expect(encoded.ok && packFromPayload(encoded.payload)).toEqual({
			ok: false,
			message:
				'This pack link holds a mistake: pack.md:20: unknown question "guess" (known: order, total-time, first-finisher)'
		});
	});
});

describe('PackLibrary', () => {
	const pack = parsePack([{ name: 'workshop.md', text: workshop }], 'workshop');

	it('keeps packs and their own progress over a reload, and replaces a newer version', () => {
		const store = memoryStore();
		const library = new PackLibrary(store);
		expect(library.add(pack)).toEqual({ replaced: false, stored: true });
		library.progressOf(pack.id).markPassed('first-steps');

		const reloaded = new PackLibrary(store);
		expect(reloaded.packs.map((p) => p.title)).toEqual(['Workshop day 1']);
		expect(reloaded.progressOf(pack.id).passed('first-steps')).toBe(true);
		expect(new ExerciseProgress(store).passed('first-steps')).toBe(false);

		const newer = parsePack(
			[{ name: 'w.md', text: workshop.replace('Do First steps.', 'Do it now.') }],
			'w'
		);
		expect(reloaded.add(newer)).toEqual({ replaced: true, stored: true });
		expect(reloaded.packs).toHaveLength(1);
		expect(reloaded.find(pack.id)?.exercises[0].instructions).toMatch(/^Do it now\./);
		expect(reloaded.progressOf(pack.id).passed('first-steps')).toBe(true);
	});

	it('removes a pack with its progress', () => {
		const store = memoryStore();
		const library = new PackLibrary(store);
		library.add(pack);
		library.progressOf(pack.id).markPassed('both');
		library.remove(pack.id);
		expect(new PackLibrary(store).packs).toEqual([]);
		expect(store.data.has(packProgressKey(pack.id))).toBe(false);
	});

	it('passes over stored packs it cannot read, and works without storage', () => {
		const store = memoryStore({
			[PACKS_KEY]: JSON.stringify([
				{ title: 'Broken', files: [{ name: 'x.md', text: 'not an exercise' }] },
				{ title: 'Odd', files: 'nope' },
				null,
				{ title: 'Workshop day 1', files: [{ name: 'workshop.md', text: workshop }] }
			])
		});
		expect(new PackLibrary(store).packs.map((p) => p.id)).toEqual(['workshop-day-1']);
		expect(new PackLibrary(memoryStore({ [PACKS_KEY]: '{oops' })).packs).toEqual([]);
		const none = new PackLibrary(null);
		expect(none.add(pack)).toEqual({ replaced: false, stored: false });
		expect(none.packs).toHaveLength(1);
	});
});

describe('ExerciseCourse with packs', () => {
	it('lists the course, then each pack, and opens an exercise of a pack', () => {
		const pack = parsePack([{ name: 'workshop.md', text: workshop }], 'workshop');
		const course = new ExerciseCourse([], new ExerciseProgress(null), new PackLibrary(null));
		course.addPack(pack);
		expect(course.collections.map((c) => c.packId)).toEqual([null, 'workshop-day-1']);
		expect(course.open('both', 'workshop-day-1')).toBe('print("start")\n');
		expect(course.collection.title).toBe('Workshop day 1');
		expect(course.position).toEqual({ index: 1, total: 2 });
		expect(course.open('both', 'no-such-pack')).toBeNull();
		course.removePack('workshop-day-1');
		expect(course.exercise).toBeNull();
		expect(course.collections).toHaveLength(1);
	});
});

describe('resultsText', () => {
	it('sums up solutions, checks and predictions for the teacher, in plain text', () => {
		const pack = parsePack(
			[{ name: 'w.md', text: workshop + '\n' + exerciseMarkdown('Untouched') }],
			'w'
		);
		const progress = new ExerciseProgress(null);
		progress.markPassed('first-steps');
		progress.recordChecks('first-steps', { passed: 1, total: 1, failing: [] });
		progress.recordPrediction('first-steps', true);
		progress.recordChecks('both', {
			passed: 0,
			total: 1,
			failing: ['prints exactly 1 line: "done"']
		});
		progress.recordPrediction('both', false);
		progress.recordPrediction('both', false);
		expect(resultsText({ title: pack.title, exercises: pack.exercises, progress })).toBe(
			[
				'My results: Workshop day 1',
				'solved 1 of 3 · predicted 1 of 3 right',
				'',
				'1. First steps (first-steps): solved; 1 of 1 checks passed on the last run; predicted right on the first try',
				'2. Two at once (both): not solved; 0 of 1 checks passed on the last run (failing: prints exactly 1 line: "done"); predicted wrong (2 tries)',
				'3. Untouched (untouched): not run yet; not predicted yet',
				''
			].join('\n')
		);
	});
});
