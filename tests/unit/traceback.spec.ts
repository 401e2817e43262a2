import { describe, expect, it } from 'vitest';
import { foldTraceback, foldedTracebackText } from '../../src/lib/engine/traceback';

const plain = `Traceback (most recent call last):
  File "main.py", line 11, in <module>
    asyncio.run(main())
    ~~~~~~~~~~~^^^^^^^^
  File "/lib/python314.zip/asyncio/runners.py", line 204, in run
    return runner.run(main)
           ~~~~~~~~~~^^^^^^
  File "/lib/python314.zip/asyncio/runners.py", line 127, in run
    return self._loop.run_until_complete(task)
  File "/lib/python314.zip/asyncio/base_events.py", line 719, in run_until_complete
    return future.result()
           ~~~~~~~~~~~~~^^
  File "main.py", line 5, in main
    raise ValueError("boom")
ValueError: boom`;

/** CPython's text for a TaskGroup failure: an exception group with its "|" margins. */
const group = `  + Exception Group Traceback (most recent call last):
  |   File "main.py", line 11, in <module>
  |     asyncio.run(main())
  |   File "/lib/python314.zip/asyncio/runners.py", line 204, in run
  |     return runner.run(main)
  |   File "main.py", line 8, in main
  |     async with asyncio.TaskGroup() as tg:
  |   File "/lib/python314.zip/asyncio/taskgroups.py", line 72, in __aexit__
  |     return await self._aexit(et, exc)
  |   File "/lib/python314.zip/asyncio/taskgroups.py", line 174, in _aexit
  |     raise BaseExceptionGroup(
  |     ...<2 lines>...
  |     ) from None
  | ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)
  +-+---------------- 1 ----------------
    | Traceback (most recent call last):
    |   File "main.py", line 5, in fail
    |     raise ValueError("boom")
    | ValueError: boom
    +------------------------------------`;

describe('foldTraceback', () => {
	it("folds each run of asyncio's frames to one line and keeps the user's frames in order", () => {
		expect(foldedTracebackText(plain)).toBe(`Traceback (most recent call last):
  File "main.py", line 11, in <module>
    asyncio.run(main())
    ~~~~~~~~~~~^^^^^^^^
  … 3 frames inside asyncio
  File "main.py", line 5, in main
    raise ValueError("boom")
ValueError: boom`);
	});

	it('loses nothing: the parts, unfolded, are the traceback', () => {
		for (const text of [plain, group, 'ValueError: x', '']) {
			const parts = foldTraceback(text);
			expect(parts.map((part) => part.text).join('')).toBe(text);
		}
		const folds = foldTraceback(plain).filter((part) => part.kind === 'library');
		expect(folds.map((part) => part.frames)).toEqual([3]);
	});

	it("keeps an exception group's margins on the folded line, and the source lines under a frame", () => {
		expect(foldedTracebackText(group)).toBe(`  + Exception Group Traceback (most recent call last):
  |   File "main.py", line 11, in <module>
  |     asyncio.run(main())
  |   … 1 frame inside asyncio
  |   File "main.py", line 8, in main
  |     async with asyncio.TaskGroup() as tg:
  |   … 2 frames inside asyncio
  | ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)
  +-+---------------- 1 ----------------
    | Traceback (most recent call last):
    |   File "main.py", line 5, in fail
    |     raise ValueError("boom")
    | ValueError: boom
    +------------------------------------`);
	});

	it('names the library a fold is inside', () => {
		const threads = `Traceback (most recent call last):
  File "/lib/python314.zip/threading.py", line 1, in run
    x()
  File "/lib/python314.zip/json/decoder.py", line 2, in decode
    y()
ValueError: z`;
		expect(foldedTracebackText(threads)).toContain('  … 2 frames inside the standard library\n');
	});
});
