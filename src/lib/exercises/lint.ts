/**
 * Whether an exercise is worth handing out, proven on real runs: its solution passes every
 * check, its starter fails at least one (or there is nothing to do), and its prediction questions
 * can be answered from the starter's run (the program a learner predicts first). The built-in
 * tests and `asyncio-playground lint` ask the same questions, through this one function.
 */
import type { RunModel } from '../engine/model';
import { evaluateChecks } from './checks';
import { unanswerable } from './predictions';
import type { Exercise } from './types';

/** Runs a program and returns its Run model (the engine, in Node or in a test). */
export type RunProgram = (source: string) => RunModel;

/** Every problem with `exercise`, as `file:line: what is wrong`; empty when it is sound. */
export function lintExercise(exercise: Exercise, run: RunProgram): string[] {
	const at = (line: number, message: string) => `${exercise.file}:${line}: ${message}`;
	const problems: string[] = [];

	const solved = evaluateChecks(exercise.checks, run(exercise.solution), exercise.solution);
	solved.forEach((result, index) => {
		if (!result.passed) {
			problems.push(
				at(exercise.checks[index].line, `the solution fails "${result.label}": ${result.why}`)
			);
		}
	});

	const starterRun = run(exercise.starter);
	const started = evaluateChecks(exercise.checks, starterRun, exercise.starter);
	if (started.every((result) => result.passed)) {
		problems.push(
			at(exercise.starterLine, 'the starter already passes every check, so there is nothing to fix')
		);
	}

	for (const spec of exercise.predict) {
		const problem = unanswerable(spec, starterRun);
		if (problem) problems.push(at(spec.line, problem));
	}
	return problems;
}
