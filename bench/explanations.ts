/**
 * Why a budget of DESIGN.md section 9 is missed and what would fix it, keyed by budget id.
 * BENCHMARKS.md prints these under "Budgets missed" only for the figures that miss.
 */
export const explanations: Record<string, string> = {
	editor: 'TODO',
	ready: 'TODO',
	run: 'TODO',
	big: 'TODO',
	frame: 'TODO',
	js: 'TODO'
};
