/**
 * "Copy my results": a plain-text summary of one collection (the course or a pack) for a learner
 * to paste to the teacher: each exercise, whether it is solved, its checks on the last run, and
 * the predictions made. Plain text, so it reads the same in a chat, a mail or a form.
 */
import type { Exercise } from './types';
import type { ExerciseRecord } from './progress.svelte';

export interface ResultsSource {
	title: string;
	exercises: readonly Exercise[];
	progress: { get(slug: string): ExerciseRecord };
}

function predictionWords(exercise: Exercise, record: ExerciseRecord): string | null {
	if (exercise.predict.length === 0) return null;
	const { attempts, rightAt } = record.prediction;
	if (attempts === 0) return 'not predicted yet';
	if (rightAt === 1) return 'predicted right on the first try';
	if (rightAt !== null) return `predicted right on try ${rightAt} of ${attempts}`;
	return `predicted wrong (${attempts === 1 ? '1 try' : `${attempts} tries`})`;
}

function exerciseLine(exercise: Exercise, record: ExerciseRecord, index: number): string {
	const parts: string[] = [];
	const checks = record.checks;
	if (!checks && !record.passed) {
		parts.push('not run yet');
	} else {
		parts.push(record.passed ? 'solved' : 'not solved');
		if (checks) {
			const failing = checks.failing.length > 0 ? ` (failing: ${checks.failing.join('; ')})` : '';
			parts.push(`${checks.passed} of ${checks.total} checks passed on the last run${failing}`);
		}
	}
	const predicted = predictionWords(exercise, record);
	if (predicted) parts.push(predicted);
	return `${index + 1}. ${exercise.title} (${exercise.slug}): ${parts.join('; ')}`;
}

export function resultsText(source: ResultsSource): string {
	const records = source.exercises.map((exercise) => source.progress.get(exercise.slug));
	const solved = records.filter((record) => record.passed).length;
	const asked = source.exercises.filter((exercise) => exercise.predict.length > 0);
	const predictedRight = asked.filter(
		(exercise) => source.progress.get(exercise.slug).prediction.rightAt !== null
	).length;
	const totals = [`solved ${solved} of ${source.exercises.length}`];
	if (asked.length > 0) totals.push(`predicted ${predictedRight} of ${asked.length} right`);
	return [
		`My results: ${source.title}`,
		totals.join(' · '),
		'',
		...source.exercises.map((exercise, index) => exerciseLine(exercise, records[index], index)),
		''
	].join('\n');
}
