/**
 * `asyncio-playground check EXERCISE SOLUTION.py`: runs a learner's solution on the engine and
 * evaluates the exercise's checks on the run, exactly as the page's exercise panel does.
 */
import { analyzeRun } from '../lib/engine/analyze';
import { evaluateChecks, type CheckResult } from '../lib/exercises/checks';
import { readExercises, resolveExercise } from '../lib/exercises/read-exercises';
import type { Exercise } from '../lib/exercises/types';
import { parseCommandLine, readProgram } from './arguments';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, type Command, type Io } from './command';

const usage = `usage: asyncio-playground check EXERCISE SOLUTION.py [--json]
       asyncio-playground check --list

Runs SOLUTION.py on the virtual clock and evaluates the exercise's checks on what happened
(total time, tasks at once, output, warnings, blocking, APIs used). EXERCISE is a slug such as
"three-downloads", its number ("4"), or the path of an exercise file (docs/exercises.md).

options:
  --json        print the results as JSON: [{id, label, passed, why}, ...]
  --list        list the exercises
  -h, --help    show this help

exit status: 0 every check passed; 1 some check failed; 2 bad usage (unknown exercise, missing
file).`;

interface CheckArguments {
	list: boolean;
	json: boolean;
	exercise: string | null;
	file: string | null;
}

export function parseCheckArguments(args: string[]): CheckArguments {
	const { values, positionals } = parseCommandLine(args, {
		json: { type: 'boolean' },
		list: { type: 'boolean' }
	});
	const list = values.list ?? false;
	if (list) {
		if (positionals.length > 0) throw new UsageError('--list takes no other arguments');
		return { list, json: values.json ?? false, exercise: null, file: null };
	}
	if (positionals.length !== 2) {
		throw new UsageError(
			positionals.length < 2
				? 'needs an exercise and a solution file, e.g. "check three-downloads mine.py"'
				: `an exercise and one file, not ${positionals.length} arguments`
		);
	}
	return { list, json: values.json ?? false, exercise: positionals[0], file: positionals[1] };
}

function findExercise(name: string): Exercise {
	let exercise: Exercise | null;
	try {
		exercise = resolveExercise(name);
	} catch (error) {
		throw new UsageError(`cannot read exercise ${name}: ${(error as Error).message}`);
	}
	if (!exercise) {
		throw new UsageError(`no exercise "${name}"; "asyncio-playground check --list" shows them all`);
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
		if (parsed.list) {
			const exercises = readExercises();
			if (parsed.json) {
				io.out(JSON.stringify(exercises.map(({ slug, title, topic }) => ({ slug, title, topic }))));
			} else {
				for (const exercise of exercises) {
					io.out(`${exercise.slug.padEnd(28)} ${exercise.title}`);
				}
			}
			return EXIT_OK;
		}
		const exercise = findExercise(parsed.exercise as string);
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
