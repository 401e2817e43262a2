/** `asyncio-playground check`: the exercise checks from the command line, on the real engine. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/cli/check';
import { readExercises } from '../../src/lib/exercises/read-exercises';

const directory = mkdtempSync(join(tmpdir(), 'check-'));
const exercise = readExercises().find((e) => e.slug === 'three-downloads')!;
const starter = join(directory, 'starter.py');
const solution = join(directory, 'solution.py');
writeFileSync(starter, exercise.starter);
writeFileSync(solution, exercise.solution);

async function check(...args: string[]) {
	const out: string[] = [];
	const err: string[] = [];
	const status = await runCheck(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
	return { status, out: out.join('\n'), err: err.join('\n') };
}

describe('asyncio-playground check', () => {
	it('exits 1 and says why when a check fails', async () => {
		const { status, out } = await check('three-downloads', starter);
		expect(status).toBe(1);
		expect(out).toContain('✗ finishes within 3.05 s: took 6.00 s, must be at most 3.05 s');
		expect(out).toContain('2 of 4 checks passed.');
	});

	it('exits 0 when every check passes, with the exercise named by number', async () => {
		const { status, out } = await check(exercise.file.split('-')[0], solution);
		expect(status).toBe(0);
		expect(out).toContain('All 4 checks passed.');
	});

	it('prints the results as JSON on request', async () => {
		const { status, out } = await check('three-downloads', solution, '--json');
		expect(status).toBe(0);
		const results = JSON.parse(out) as { id: string; passed: boolean; why: string }[];
		expect(results.map((r) => r.id)).toEqual(exercise.checks.map((c) => c.id));
		expect(results.every((r) => r.passed)).toBe(true);
	});

	it('exits 2 on bad usage, with the usage text', async () => {
		for (const args of [
			['three-downloads'],
			['no-such-exercise', solution],
			['three-downloads', join(directory, 'missing.py')],
			['--nope']
		]) {
			const { status, err } = await check(...args);
			expect(status).toBe(2);
			expect(err).toContain('usage: asyncio-playground check');
		}
	});

	it('lists the exercises', async () => {
		const { status, out } = await check('--list');
		expect(status).toBe(0);
		expect(out.split('\n')).toHaveLength(readExercises().length);
	});
});
