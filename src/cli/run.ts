/** `asyncio-playground run FILE.py`: run a program on the engine and report what happened. */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { analyzeRun } from '../lib/engine/analyze';
import type { RunOptions } from '../lib/engine/events';
import type { RunModel } from '../lib/engine/model';
import { toPerfetto } from '../lib/export/perfetto';
import { buildReplay } from '../lib/engine/replay';
import { parseCommandLine, readProgram } from './arguments';
import { EXIT_FAILED, EXIT_OK, UsageError, type Command, type Io } from './command';
import { loopLog, runFailed, textReport } from './report';

const usage = `usage: asyncio-playground run FILE.py [options]

Runs FILE.py in CPython 3.14 (Pyodide) on a virtual clock: asyncio.sleep(3) takes no real
time, but the program sees 3 seconds pass. Prints each output line with its virtual time and
task, then a summary; warnings, notes, errors and deadlocks go to standard error.

options:
  --json            print only the Run model as JSON, with the loop's turns and the trace
                    (schema: docs/run-model-schema.md)
  --plain           print the program's output exactly as written, without time and task
  --full-traceback  show asyncio's own frames in a traceback (folded to one line by default)
  --loop            print the event loop instead, one turn a line: what it ran, what it left
                    ready and the timers set, e.g.
                    2.00 s  turn 14  ran Task-3 step (line 12) · ready: Task-4 · timers: 3.00 s Task-2
  --svg OUT.svg     also write the timeline as an SVG file
  --perfetto OUT.json  also write the run in Trace Event Format, for ui.perfetto.dev
  --max-time S      stop after S virtual seconds
  --max-steps N     stop after N task steps
  -h, --help        show this help

exit status: 0 the program ran to the end; 1 it raised, deadlocked or was stopped by a limit;
2 bad usage (unknown option, missing file).`;

export interface RunArguments {
	file: string;
	json: boolean;
	plain: boolean;
	fullTraceback: boolean;
	loop: boolean;
	svg: string | null;
	perfetto: string | null;
	options: RunOptions;
}

function positiveNumber(
	flag: string,
	text: string | undefined,
	integer: boolean
): number | undefined {
	if (text === undefined) return undefined;
	const value = Number(text);
	if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
		throw new UsageError(
			`${flag} needs a positive ${integer ? 'whole number' : 'number'}, not "${text}"`
		);
	}
	return value;
}

export function parseRunArguments(args: string[]): RunArguments {
	const { values, positionals } = parseCommandLine(args, {
		json: { type: 'boolean' },
		plain: { type: 'boolean' },
		'full-traceback': { type: 'boolean' },
		loop: { type: 'boolean' },
		svg: { type: 'string' },
		perfetto: { type: 'string' },
		'max-time': { type: 'string' },
		'max-steps': { type: 'string' }
	});
	if (positionals.length === 0) throw new UsageError('which file? Give the path of a .py file');
	if (positionals.length > 1) throw new UsageError(`one file at a time, not ${positionals.length}`);
	const formats = (['json', 'plain', 'loop'] as const).filter((format) => values[format]);
	if (formats.length > 1) {
		throw new UsageError(`--${formats[0]} and --${formats[1]} do not go together`);
	}
	const options: RunOptions = {};
	const maxTime = positiveNumber('--max-time', values['max-time'], false);
	const maxSteps = positiveNumber('--max-steps', values['max-steps'], true);
	if (maxTime !== undefined) options.max_virtual_time = maxTime;
	if (maxSteps !== undefined) options.max_steps = maxSteps;
	return {
		file: positionals[0],
		json: values.json ?? false,
		plain: values.plain ?? false,
		fullTraceback: values['full-traceback'] ?? false,
		loop: values.loop ?? false,
		svg: values.svg ?? null,
		perfetto: values.perfetto ?? null,
		options
	};
}

async function writeSvg(model: RunModel, path: string): Promise<void> {
	// Loaded only when asked for: linkedom and the chart code are not needed for a plain run.
	const [{ parseHTML }, { renderTimelineSvg }] = await Promise.all([
		import('linkedom'),
		import('../lib/timeline/svg')
	]);
	const { document } = parseHTML('<!doctype html><html><body></body></html>');
	writeFileSync(path, renderTimelineSvg(model, document as unknown as Document));
}

export const command: Command = {
	usage,
	async run(args: string[], io: Io): Promise<number> {
		const parsed = parseRunArguments(args);
		const source = readProgram(parsed.file);
		const { createCliEngine } = await import('./runtime');
		const engine = await createCliEngine();
		const events = engine.run(source, parsed.options);
		const model = analyzeRun(events);

		if (parsed.json) {
			// The model as the page has it, then the loop turn by turn and the trace it came from.
			const loop = buildReplay(events).turns();
			io.out(JSON.stringify({ ...model, loop, trace: events }, null, 2));
		} else {
			const report = textReport(model, {
				plain: parsed.plain,
				fullTraceback: parsed.fullTraceback
			});
			if (parsed.loop)
				report.out.splice(0, report.out.length - 1, ...loopLog(buildReplay(events)), '');
			if (report.out.length > 0) io.out(report.out.join('\n'));
			if (report.err.length > 0) io.err(report.err.join('\n'));
		}
		if (parsed.svg) {
			await writeSvg(model, parsed.svg);
			if (!parsed.json) io.err(`timeline written to ${parsed.svg}`);
		}
		if (parsed.perfetto) {
			writeFileSync(parsed.perfetto, JSON.stringify(toPerfetto(model, basename(parsed.file))));
			if (!parsed.json) io.err(`trace written to ${parsed.perfetto} (open it in ui.perfetto.dev)`);
		}
		return runFailed(model) ? EXIT_FAILED : EXIT_OK;
	}
};
