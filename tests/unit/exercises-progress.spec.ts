import { describe, expect, it } from 'vitest';
import { ExerciseProgress, PROGRESS_KEY } from '../../src/lib/exercises/progress.svelte';
import { memoryStore } from './exercise-fixtures';

describe('ExerciseProgress', () => {
	it('remembers passes, hints and code across page loads', () => {
		const store = memoryStore();
		const first = new ExerciseProgress(store);
		first.markPassed('three-downloads');
		first.showHint('timeout', 2);
		first.saveCode('timeout', 'my code', 'starter');

		const reloaded = new ExerciseProgress(store);
		expect(reloaded.passed('three-downloads')).toBe(true);
		expect(reloaded.get('timeout')).toMatchObject({
			passed: false,
			hintsShown: 1,
			code: 'my code'
		});
		expect(reloaded.codeFor('timeout', 'starter')).toBe('my code');
		expect(reloaded.countPassed(['three-downloads', 'timeout'])).toBe(1);
	});

	it('never shows more hints than there are', () => {
		const progress = new ExerciseProgress(memoryStore());
		for (let k = 0; k < 5; k++) progress.showHint('x', 2);
		expect(progress.get('x').hintsShown).toBe(2);
	});

	it('stores the starter as no code, so the starter opens after a reset', () => {
		const store = memoryStore();
		const progress = new ExerciseProgress(store);
		progress.saveCode('x', 'edited', 'starter');
		progress.saveCode('x', 'starter', 'starter');
		expect(new ExerciseProgress(store).codeFor('x', 'starter')).toBe('starter');
	});

	it('survives broken, hostile or missing storage', () => {
		expect(new ExerciseProgress(memoryStore({ [PROGRESS_KEY]: '{not json' })).passed('x')).toBe(
			false
		);
		const odd = memoryStore({
			[PROGRESS_KEY]: JSON.stringify({ x: { passed: 'yes', hintsShown: -3, code: 7 }, y: null })
		});
		expect(new ExerciseProgress(odd).get('x')).toEqual({
			passed: false,
			hintsShown: 0,
			code: null,
			checks: null,
			prediction: { attempts: 0, rightAt: null }
		});

		const full = {
			getItem: () => null,
			setItem: () => {
				throw new Error('QuotaExceededError');
			},
			removeItem: () => {}
		};
		const progress = new ExerciseProgress(full);
		progress.markPassed('x');
		expect(progress.passed('x')).toBe(true);

		const none = new ExerciseProgress(null);
		none.markPassed('y');
		expect(none.passed('y')).toBe(true);
	});

	it('counts predictions apart from solutions, remembering the try that was right', () => {
		const store = memoryStore();
		const progress = new ExerciseProgress(store);
		progress.recordPrediction('a', false);
		progress.recordPrediction('a', true);
		progress.recordPrediction('a', false);
		progress.recordPrediction('b', false);
		const reloaded = new ExerciseProgress(store);
		expect(reloaded.get('a').prediction).toEqual({ attempts: 3, rightAt: 2 });
		expect(reloaded.get('b').prediction).toEqual({ attempts: 1, rightAt: null });
		expect(reloaded.countPredictedRight(['a', 'b', 'c'])).toBe(1);
		expect(reloaded.countPassed(['a', 'b', 'c'])).toBe(0);
	});

	it('keeps the checks of the last run', () => {
		const progress = new ExerciseProgress(memoryStore());
		progress.recordChecks('a', { passed: 1, total: 3, failing: ['no deadlock', 'no warnings'] });
		expect(progress.get('a').checks).toEqual({
			passed: 1,
			total: 3,
			failing: ['no deadlock', 'no warnings']
		});
	});

	it('keeps each pack apart under its own key, and forgets one on clear', () => {
		const store = memoryStore();
		const course = new ExerciseProgress(store);
		const pack = new ExerciseProgress(store, 'asyncio-playground:pack-progress:w:v1');
		pack.markPassed('a');
		expect(course.passed('a')).toBe(false);
		expect(new ExerciseProgress(store, 'asyncio-playground:pack-progress:w:v1').passed('a')).toBe(
			true
		);
		pack.clear();
		expect(store.data.has('asyncio-playground:pack-progress:w:v1')).toBe(false);
		expect(pack.passed('a')).toBe(false);
	});
});
