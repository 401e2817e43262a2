/**
 * Engine: every clock a program can read agrees with the virtual clock (decision 0091), and a
 * program that polls or spins on a clock still reaches its deadline (decision 0094).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { bootEngine, duration, ofKind, run, stdout } from './engine-helpers';

let engine: Engine;

beforeAll(async () => {
	engine = await bootEngine();
});

describe('one virtual clock for everything', () => {
	it('time, datetime and date read the fixed start plus the virtual clock, in UTC', () => {
		const events = run(
			engine,
			`
import asyncio, datetime, time

def readings():
    return [
        time.time(), time.time_ns(), time.monotonic(), time.monotonic_ns(),
        time.perf_counter(), time.perf_counter_ns(),
        time.clock_gettime(time.CLOCK_REALTIME), time.clock_gettime(time.CLOCK_MONOTONIC),
    ]

async def main():
    print(time.strftime("%Y-%m-%d %H:%M:%S %Z"), time.ctime(), time.asctime())
    print(tuple(time.localtime())[:6], time.localtime().tm_zone, tuple(time.gmtime())[:6])
    print(datetime.datetime.now(), datetime.date.today(), datetime.datetime.today())
    print(datetime.datetime.now(datetime.timezone.utc), datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=2))))
    before = readings()
    await asyncio.sleep(1.5)
    after = readings()
    print([round(b - a, 6) for a, b in zip(before, after)])
    print(time.strftime("%X"), datetime.datetime.now().time(), time.timezone, time.tzname)
    print(time.mktime(time.localtime(1735689600)) == 1735689600.0, time.localtime(0).tm_year)

asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual([
			'2025-01-01 00:00:00 UTC Wed Jan  1 00:00:00 2025 Wed Jan  1 00:00:00 2025',
			'(2025, 1, 1, 0, 0, 0) UTC (2025, 1, 1, 0, 0, 0)',
			'2025-01-01 00:00:00 2025-01-01 2025-01-01 00:00:00',
			'2025-01-01 00:00:00+00:00 2025-01-01 02:00:00+02:00',
			'[1.5, 1500000000, 1.5, 1500000000, 1.5, 1500000000, 1.5, 1.5]',
			"00:00:01 00:00:01.500000 0 ('UTC', 'UTC')",
			'True 1970'
		]);
		expect(duration(events)).toBe(1.5);
	});

	it('elapsed wall time equals elapsed virtual time to the microsecond', () => {
		const events = run(
			engine,
			`
import asyncio, datetime, time

async def main():
    loop = asyncio.get_running_loop()
    t0, d0, l0 = time.time(), datetime.datetime.now(), loop.time()
    for delay in (0.000001, 0.123456, 2.5, 1000.0):
        await asyncio.sleep(delay)
    print(round(time.time() - t0, 6), datetime.datetime.now() - d0, round(loop.time() - l0, 6))

asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['1002.623457 0:16:42.623457 1002.623457']);
	});

	it('datetime objects stay plain datetimes: types, reprs and isinstance as in CPython', () => {
		const events = run(
			engine,
			`
import datetime
now = datetime.datetime.now()
print(repr(now), type(now) is type(datetime.datetime(2020, 1, 1)))
print(isinstance(now, datetime.datetime), isinstance(now, datetime.date), isinstance(datetime.date.today(), datetime.date))
print(repr(datetime.datetime(2020, 5, 17, 8, 30)), repr(datetime.date.fromtimestamp(0)))
print(datetime.datetime.fromisoformat("2021-03-04T05:06:07"), datetime.datetime.strptime("2020", "%Y").year)
class Mine(datetime.datetime):
    pass
print(type(Mine.now()).__name__, Mine.now())
`
		);
		expect(stdout(events)).toEqual([
			'datetime.datetime(2025, 1, 1, 0, 0) True',
			'True True True',
			'datetime.datetime(2020, 5, 17, 8, 30) datetime.date(1970, 1, 1)',
			'2021-03-04 05:06:07 2020',
			'Mine 2025-01-01 00:00:00'
		]);
	});

	it('utcnow() warns as CPython 3.12+ does, and reads the virtual clock', () => {
		const events = run(engine, 'import datetime\nprint(datetime.datetime.utcnow())\n');
		expect(stdout(events).at(-1)).toBe('2025-01-01 00:00:00');
		const [warning] = ofKind(events, 'warning');
		expect(warning).toMatchObject({ category: 'DeprecationWarning', line: 2 });
		expect(warning.message).toMatch(/^datetime\.datetime\.utcnow\(\) is deprecated/);
	});

	it('a thread reads its own clock: time.sleep in a thread moves only the thread', () => {
		const events = run(
			engine,
			`
import asyncio, datetime, time

def work():
    time.sleep(2)
    return datetime.datetime.now().second, time.monotonic()

async def main():
    print(await asyncio.to_thread(work), time.monotonic())

asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['(2, 2.0) 2.0']);
	});

	it('the next run starts from the same instant again', () => {
		const program = 'import time, datetime\nprint(time.time(), datetime.datetime.now())\n';
		expect(stdout(run(engine, program))).toEqual(stdout(run(engine, program)));
		expect(stdout(run(engine, program))).toEqual(['1735689600.0 2025-01-01 00:00:00']);
	});
});

describe('clock polling', () => {
	it('awaiting sleep(0) until time.time() passes a deadline ends there, within 1%', () => {
		const events = run(
			engine,
			`
import asyncio, time

async def main():
    start = time.time()
    end = start + 3
    turns = 0
    while time.time() < end:
        turns += 1
        await asyncio.sleep(0)
    print(round(time.time() - start, 2), turns > 100)

asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['3.0 True']);
		expect(duration(events)).toBeGreaterThanOrEqual(3);
		expect(duration(events)).toBeLessThan(3.03);
		expect(ofKind(events, 'limit')).toEqual([]);
	});

	it('polling loop.time() and perf_counter() ends too, and other tasks keep their times', () => {
		const events = run(
			engine,
			`
import asyncio, time

async def ticker():
    for _ in range(3):
        await asyncio.sleep(0.5)
        print("tick", asyncio.get_running_loop().time())

async def main():
    loop = asyncio.get_running_loop()
    task = asyncio.create_task(ticker())
    end = loop.time() + 2
    while loop.time() < end:
        await asyncio.sleep(0)
    print("done", round(time.perf_counter(), 3))
    await task

asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['tick 0.5', 'tick 1.0', 'tick 1.5', 'done 2.0']);
	});

	it('a program that reads the clock a few times per instant is not polling: times stay exact', () => {
		const events = run(
			engine,
			`
import asyncio, time

async def worker(n):
    await asyncio.sleep(1)
    for _ in range(20):
        time.perf_counter()
        await asyncio.sleep(0)
    return time.perf_counter()

async def main():
    print(set(await asyncio.gather(*(worker(n) for n in range(50)))))

asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['{1.0}']);
		expect(duration(events)).toBe(1);
	});

	it('spinning on the clock without awaiting (CPU work done by hand) ends at its deadline', () => {
		const events = run(
			engine,
			`
import asyncio, time

def busy(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass

async def main():
    start = time.monotonic()
    busy(0.5)
    print(round(time.monotonic() - start, 3))

asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['0.5']);
		expect(duration(events)).toBeCloseTo(0.5, 3);
	});

	it('a callback that schedules itself spins as in CPython: the timers still come due', () => {
		const events = run(
			engine,
			`
import asyncio

async def main():
    loop = asyncio.get_running_loop()
    turns = 0
    def spin():
        nonlocal turns
        turns += 1
        handle[0] = loop.call_soon(spin)
    handle = [loop.call_soon(spin)]
    await asyncio.sleep(1)
    handle[0].cancel()
    print(f"{loop.time():.3f}", turns > 10_000)

asyncio.run(main())
`
		);
		expect(stdout(events)).toEqual(['1.000 True']);
		expect(duration(events)).toBe(1);
	});

	it('a spin of callbacks with nothing else to wait for stops at the step limit', () => {
		const events = run(
			engine,
			`
import asyncio

async def main():
    loop = asyncio.get_running_loop()
    def spin():
        loop.call_soon(spin)
    spin()
    await loop.create_future()

asyncio.run(main())
`,
			{ max_steps: 2000 }
		);
		const [limit] = ofKind(events, 'limit');
		expect(limit.limit).toBe('steps');
	});

	it('polling for ever still stops at the virtual-time limit', () => {
		const events = run(
			engine,
			`
import asyncio, time

async def main():
    while time.time() > 0:
        await asyncio.sleep(0)

asyncio.run(main())
`,
			{ max_virtual_time: 5 }
		);
		const [limit] = ofKind(events, 'limit');
		expect(limit.limit).toBe('virtual_time');
	});
});
