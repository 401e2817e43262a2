import { describe, expect, it } from 'vitest';
import { compareRuns, distinctLabels, runLabel } from '../../src/lib/compare/run-comparison';
import { model } from './exercises-model';

const sequentialCode = 'import asyncio\nasync def main():\n    await asyncio.sleep(1)\n';
const gatherCode = 'import asyncio\nasync def main():\n    await asyncio.gather(a(), b())\n';

describe('runLabel', () => {
	it('names a run after the idea its code uses', () => {
		expect(runLabel(sequentialCode)).toBe('sequential');
		expect(runLabel(gatherCode)).toBe('gather');
		expect(runLabel('asyncio.create_task(x())')).toBe('create_task');
		expect(runLabel('async with asyncio.TaskGroup() as g: g.create_task(x())')).toBe('TaskGroup');
		expect(runLabel('import time\ntime.sleep(1)\nawait asyncio.gather(a())')).toBe('time.sleep');
	});

	it('does not count a name in a comment', () => {
		expect(runLabel(`# could use asyncio.gather here\n${sequentialCode}`)).toBe('sequential');
	});
});

describe('compareRuns', () => {
	it('reads out the speed-up and the time saved', () => {
		const comparison = compareRuns(
			{ model: model({ duration: 6 }), code: sequentialCode, label: 'sequential' },
			{ model: model({ duration: 3 }), code: gatherCode, label: 'gather' }
		);
		expect(comparison).toEqual({
			text: 'sequential 6.00 s → gather 3.00 s, 2.0× faster',
			before: 6,
			after: 3,
			saved: 3,
			speedup: 2
		});
	});

	it('says slower, with a negative saving, when the new run took longer', () => {
		const comparison = compareRuns(
			{ model: model({ duration: 1 }), code: '', label: 'gather' },
			{ model: model({ duration: 3 }), code: '', label: 'time.sleep' }
		);
		expect(comparison.text).toBe('gather 1.00 s → time.sleep 3.00 s, 3.0× slower');
		expect(comparison.saved).toBe(-2);
	});

	it('tells two runs with the same label apart', () => {
		expect(distinctLabels('gather', 'gather')).toEqual(['gather (pinned)', 'gather (now)']);
		const comparison = compareRuns(
			{ model: model({ duration: 2 }), code: '', label: 'gather' },
			{ model: model({ duration: 2 }), code: '', label: 'gather' }
		);
		expect(comparison.text).toBe('gather (pinned) 2.00 s → gather (now) 2.00 s');
		expect(comparison.speedup).toBe(1);
	});
});
