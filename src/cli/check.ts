/**
 * `asyncio-playground check EXERCISE SOLUTION.py` (a built-in exercise) and
 * `asyncio-playground check PACK [EXERCISE] SOLUTION.py` (a teacher's own file): runs a
 * learner's solution on the engine and evaluates the exercise's checks on the run, exactly as
 * the page's exercise panel does.
 */
import { analyzeRun } from '../lib/engine/analyze';
import { evaluateChecks, type CheckResult } from '../lib/exercises/checks';
import type { ExercisePack } from '../lib/exercises/pack';
import {
	findInPack,
	isPackPath,
	readExercises,
	resolveExercise
} from '../lib/exercises/read-exercises';
import type { Exercise } from '../lib/exercises/types';
import { parseCommandLine, readProgram } from './arguments';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, type Command, type Io } from './command';
import { openPack } from './pack-argument';

const usage = `usage: asyncio-playground check EXERCISE SOLUTION.py [--json]
       asyncio-playground check PACK [EXERCISE] SOLUTION.py [--json]
       asyncio-playground check --list [PACK]

Runs SOLUTION.py on the virtual clock and evaluates the exercise's checks on what happened
(total time, tasks at once, output, warnings, blocking, APIs used). EXERCISE is a slug such as
"three-downloads" or its number ("4"). PACK is a teacher's exercise file (.md), a zip of them or
a folder of them (docs/exercises.md); name the EXERCISE when the pack holds several.

options:
  --json        print the results as JSON: [{id, label, passed, why}, ...]
  --list        list the exercises (of PACK, if given)
  -h, --help    show this help

exit status: 0 every check passed; 1 some check failed; 2 bad usage (unknown exercise, missing
file, a mistake in the pack).`;

interface CheckArguments {
	list: boolean;
	json: boolean;
	pack: string | null;
	exercise: string | null;
	file: string | null;
}

export function parseCheckArguments(args: string[]): CheckArguments {
	const { values, positionals } = parseCommandLine(args, {
		json: { type: 'boolean' },
		list: { type: 'boolean' }
	});
	const json = values.json ?? false;
	if (values.list) {
		if (positionals.length > 1 || (positionals[0] && !isPackPath(positionals[0]))) {
			throw new UsageError('--list takes nothing else, or the path of a pack');
		}
		return { list: true, json, pack: positionals[0] ?? null, exercise: null, file: null };
	}
	if (positionals.length === 3) {
		if (!isPackPath(positionals[0])) {
			throw new UsageError(
				`with three arguments the first is a pack file, not "${positionals[0]}"`
			);
		}
		const [pack, exercise, file] = positionals;
		return { list: false, json, pack, exercise, file };
	}
	if (positionals.length !== 2) {
		throw new UsageError(
			positionals.length < 2
				? 'needs an exercise and a solution file, e.g. "check three-downloads mine.py"'
				: `an exercise and one file, not ${positionals.length} arguments`
		);
	}
	const [target, file] = positionals;
	return isPackPath(target)
		? { list: false, json, pack: target, exercise: null, file }
		: { list: false, json, pack: null, exercise: target, file };
}

function findExercise(name: string): Exercise {
	const exercise = resolveExercise(name);
	if (!exercise) {
		throw new UsageError(`no exercise "${name}"; "asyncio-playground check --list" shows them all`);
	}
	return exercise;
}

/** The pack at `path`; a mistake in it is bad usage here (status 2), with the pack's message. */
function packOrUsageError(path: string): ExercisePack {
	const opened = openPack(path);
	if ('mistake' in opened) throw new UsageError(opened.mistake, { showUsage: false });
	return opened.pack;
}

/** The exercise of a pack the arguments name (or its only one). */
function exerciseOfPack(pack: ExercisePack, name: string | null, path: string): Exercise {
	if (name === null) {
		if (pack.exercises.length === 1) return pack.exercises[0];
		throw new UsageError(
			`${path} holds ${pack.exercises.length} exercises; name one: ` +
				pack.exercises.map((exercise) => exercise.slug).join(', ')
		);
	}
	const exercise = findInPack(pack, name);
	if (!exercise) {
		throw new UsageError(
			`${path} has no exercise "${name}"; it holds ${pack.exercises.map((e) => e.slug).join(', ')}`
		);
	}
	return exercise;
}

/** The checklist as a learner reads it in a terminal. */
export function formatResults(exercise: Exercise, results: CheckResult[]): string {
	const passed = results.filter((result) => result.passed).length;
	const lines = [`${exercise.title} (${exercise.slug})`];
	for (const result of results) {
		lines.push(`  ${result.passed ? '✓' : '✗'} ${result.label}: ${result.why}`);
	}
	lines.push(
		passed === results.length
			? `All ${results.length} checks passed.`
			: `${passed} of ${results.length} checks passed.`
	);
	return lines.join('\n');
}

export const command: Command = {
	usage,
	async run(args: string[], io: Io): Promise<number> {
		const parsed = parseCheckArguments(args);
		const pack = parsed.pack === null ? null : packOrUsageError(parsed.pack);
		if (parsed.list) {
			const exercises = pack ? pack.exercises : readExercises();
			if (parsed.json) {
				io.out(JSON.stringify(exercises.map(({ slug, title, topic }) => ({ slug, title, topic }))));
			} else {
				for (const exercise of exercises) {
					io.out(`${exercise.slug.padEnd(28)} ${exercise.title}`);
				}
			}
			return EXIT_OK;
		}
		const exercise = pack
			? exerciseOfPack(pack, parsed.exercise, parsed.pack as string)
			: findExercise(parsed.exercise as string);
		const source = readProgram(parsed.file as string);
		const { createCliEngine } = await import('./runtime');
		const engine = await createCliEngine();
		const results = evaluateChecks(exercise.checks, analyzeRun(engine.run(source)), source);
		io.out(parsed.json ? JSON.stringify(results, null, 2) : formatResults(exercise, results));
		return results.every((result) => result.passed) ? EXIT_OK : EXIT_FAILED;
	}
};

/**
 * The same command without main.ts's dispatcher: `runCheck(["three-downloads", "mine.py"])`
 * resolves to the exit status (usage errors are printed with the usage text, status 2).
 */
export async function runCheck(args: string[], io: Io = defaultIo): Promise<number> {
	if (args.includes('--help') || args.includes('-h')) {
		io.out(usage);
		return EXIT_OK;
	}
	try {
		return await command.run(args, io);
	} catch (error) {
		if (error instanceof UsageError) {
			io.err(`asyncio-playground check: ${error.message}\n\n${usage}`);
			return EXIT_USAGE;
		}
		throw error;
	}
}

const defaultIo: Io = {
	out: (text) => process.stdout.write(`${text}\n`),
	err: (text) => process.stderr.write(`${text}\n`)
};
