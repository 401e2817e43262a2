import { afterEach, describe, expect, it, vi } from 'vitest';
import { CodeStore, DRAFT_KEY, debounce, type KeyValueStore } from '../../src/lib/storage/local';
import { chooseInitialCode, isOwnCode } from '../../src/lib/ui/startup';
import { encodeShare, shareFragment } from '../../src/lib/share/codec';

function memoryStore(): KeyValueStore & { data: Map<string, string> } {
	const data = new Map<string, string>();
	return {
		data,
		getItem: (key) => data.get(key) ?? null,
		setItem: (key, value) => void data.set(key, value),
		removeItem: (key) => void data.delete(key)
	};
}

const examples = [
	{ slug: '01-gather', code: 'import asyncio\n# gather\n' },
	{ slug: '02-sequential', code: 'import asyncio\n# one by one\n' }
];

describe('CodeStore', () => {
	it('saveDraft then loadDraft gives the code back', () => {
		const store = new CodeStore(memoryStore());
		store.saveDraft('print("hi")', null, 5);
		expect(store.loadDraft()).toEqual({ code: 'print("hi")', example: null, savedAt: 5 });
	});

	it('keeps the own-code slot apart from the draft', () => {
		const store = new CodeStore(memoryStore());
		store.saveOwnCode('mine', 1);
		store.saveDraft(examples[0].code, examples[0].slug, 2);
		expect(store.loadOwnCode()?.code).toBe('mine');
		expect(store.loadDraft()?.example).toBe('01-gather');
	});

	it('loadDraft returns null for missing or corrupt data', () => {
		const memory = memoryStore();
		const store = new CodeStore(memory);
		expect(store.loadDraft()).toBeNull();
		memory.data.set(DRAFT_KEY, '{not json');
		expect(store.loadDraft()).toBeNull();
		memory.data.set(DRAFT_KEY, JSON.stringify({ code: 42 }));
		expect(store.loadDraft()).toBeNull();
	});

	it('saving into a full storage reports failure instead of throwing', () => {
		const store = new CodeStore({
			getItem: () => null,
			setItem: () => {
				throw new DOMException('full', 'QuotaExceededError');
			},
			removeItem: () => {}
		});
		expect(store.saveDraft('x', null)).toBe(false);
	});

	it('works without any storage at all', () => {
		const store = new CodeStore(null);
		expect(store.saveDraft('x', null)).toBe(false);
		expect(store.loadDraft()).toBeNull();
	});
});

describe('debounce', () => {
	afterEach(() => vi.useRealTimers());

	it('calls once with the last arguments after the quiet period', () => {
		vi.useFakeTimers();
		const fn = vi.fn();
		const save = debounce(fn, 300);
		save('a');
		save('ab');
		vi.advanceTimersByTime(299);
		expect(fn).not.toHaveBeenCalled();
		vi.advanceTimersByTime(1);
		expect(fn).toHaveBeenCalledExactlyOnceWith('ab');
	});

	it('flush runs the pending call at once, and only once', () => {
		vi.useFakeTimers();
		const fn = vi.fn();
		const save = debounce(fn, 300);
		save('x');
		save.flush();
		vi.advanceTimersByTime(1000);
		expect(fn).toHaveBeenCalledExactlyOnceWith('x');
	});
});

describe('chooseInitialCode', () => {
	it('shows and runs the default example on a first visit', () => {
		const initial = chooseInitialCode('', null, examples);
		expect(initial).toMatchObject({
			code: examples[0].code,
			example: '01-gather',
			source: 'default',
			autorun: true
		});
	});

	it('restores the draft and does not run it', () => {
		const initial = chooseInitialCode('', { code: 'mine', example: null, savedAt: 1 }, examples);
		expect(initial).toMatchObject({ code: 'mine', source: 'draft', autorun: false });
	});

	it('opens a share link without running it', () => {
		const encoded = encodeShare('shared()');
		if (!encoded.ok) throw new Error('encode failed');
		const initial = chooseInitialCode(
			shareFragment(encoded.payload),
			{ code: 'mine', example: null, savedAt: 1 },
			examples
		);
		expect(initial).toMatchObject({
			code: 'shared()',
			source: 'share',
			autorun: false,
			shareOk: true
		});
	});

	it('keeps the draft when the share link is broken, and says why', () => {
		const initial = chooseInitialCode(
			'#code=v1.%%%',
			{ code: 'mine', example: null, savedAt: 1 },
			examples
		);
		expect(initial.code).toBe('mine');
		expect(initial.source).toBe('draft');
		expect(initial.shareOk).toBe(false);
		expect(initial.shareMessage).toMatch(/broken/);
	});

	it('does not run the default example when a broken link brought the visitor', () => {
		const initial = chooseInitialCode('#code=v9.abc', null, examples);
		expect(initial).toMatchObject({ source: 'default', autorun: false });
		expect(initial.shareMessage).toMatch(/v9/);
	});
});

describe('isOwnCode', () => {
	it('treats an unchanged example and empty text as not the learner’s own', () => {
		expect(isOwnCode(examples[1].code, examples)).toBe(false);
		expect(isOwnCode('  \n', examples)).toBe(false);
	});

	it('treats an edited example as the learner’s own', () => {
		expect(isOwnCode(examples[1].code + 'print(1)\n', examples)).toBe(true);
	});
});
