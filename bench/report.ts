/** BENCHMARKS.md: the machine, then one table per section, each figure beside its anchor. */
import { summarize, type Summary } from './measure';
import type { Machine } from './machine';

/** Milliseconds, bytes, or a ratio of two figures measured together ("1.25×"). */
export type Unit = 'ms' | 'bytes' | 'ratio';

export interface Budget {
	/** Key into the explanations of misses. */
	id: string;
	/**
	 * The figure's median must be at most this: in the figure's unit, or, with `ofAnchor`, as a
	 * multiple of the anchor's median (a goal that holds on a slow machine too).
	 */
	max: number;
	ofAnchor?: boolean;
	/** As the budget is written, e.g. "< 1 s". */
	text: string;
}

export interface Row {
	figure: string;
	unit: Unit;
	samples: number[];
	anchor?: { label: string; samples: number[] };
	/** How the figure compares with its anchor, in words, e.g. "1.10× the floor". */
	ratio?: (figure: number, anchor: number) => string;
	budget?: Budget;
}

export interface Section {
	title: string;
	/** What was measured and how, in a sentence or two. */
	about: string;
	rows: Row[];
	/** Set when the section could not be measured. */
	error?: string;
}

export interface Miss {
	row: Row;
	median: number;
}

export function formatValue(value: number, unit: Unit): string {
	if (!Number.isFinite(value)) return '—';
	if (unit === 'ratio') return times(value);
	if (unit === 'bytes') {
		if (value >= 1e6) return `${(value / 1e6).toFixed(2)} MB`;
		return `${(value / 1e3).toFixed(1)} KB`;
	}
	if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
	if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
	if (value >= 100) return `${value.toFixed(0)} ms`;
	return `${value.toFixed(1)} ms`;
}

function range(summary: Summary, unit: Unit): string {
	if (summary.runs <= 1) return '—';
	return `${formatValue(summary.min, unit)} – ${formatValue(summary.max, unit)}`;
}

/** "1.23×": a ratio for the table. */
export function times(value: number): string {
	if (!Number.isFinite(value)) return '—';
	return value >= 100
		? `${value.toFixed(0)}×`
		: value >= 10
			? `${value.toFixed(1)}×`
			: `${value.toFixed(2)}×`;
}

/** Whether a row is within its budget (null: it has none, or no anchor to be a multiple of). */
function withinBudget(row: Row, median: number): boolean | null {
	const budget = row.budget;
	if (!budget) return null;
	if (!budget.ofAnchor) return median <= budget.max;
	const anchor = row.anchor ? summarize(row.anchor.samples) : null;
	if (!anchor || anchor.runs === 0) return null;
	return median / anchor.median <= budget.max;
}

export function missesOf(sections: Section[]): Miss[] {
	const misses: Miss[] = [];
	for (const section of sections) {
		for (const row of section.rows) {
			const median = summarize(row.samples).median;
			if (withinBudget(row, median) === false) misses.push({ row, median });
		}
	}
	return misses;
}

function tableOf(section: Section): string[] {
	const lines = [
		'| Figure | Median | Range | Runs | Anchor | Anchor median | Ratio | Budget |',
		'| --- | ---: | ---: | ---: | --- | ---: | --- | --- |'
	];
	for (const row of section.rows) {
		const figure = summarize(row.samples);
		const anchor = row.anchor ? summarize(row.anchor.samples) : null;
		const ratio =
			anchor && row.ratio && figure.runs > 0 && anchor.runs > 0
				? row.ratio(figure.median, anchor.median)
				: '—';
		const within = withinBudget(row, figure.median);
		const budget = row.budget
			? `${row.budget.text} ${within === null ? '(not measured)' : within ? '✅' : '❌ miss'}`
			: '—';
		const cells = [
			row.figure,
			formatValue(figure.median, row.unit),
			range(figure, row.unit),
			String(figure.runs),
			row.anchor?.label ?? '—',
			anchor ? formatValue(anchor.median, row.unit) : '—',
			ratio,
			budget
		];
		lines.push(`| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`);
	}
	return lines;
}

export interface Report {
	machine: Machine;
	loadBefore: string;
	loadAfter: string;
	quick: boolean;
	/** Which build was measured, e.g. "build/ of 2026-11-27 03:53 UTC, git abc1234". */
	site: string;
	wallSeconds: number;
	sections: Section[];
	/** Why a budget id is missed and what would fix it. */
	explanations: Record<string, string>;
	notes: string[];
}

export function renderReport(report: Report): string {
	const { machine } = report;
	const out: string[] = [
		'# Benchmarks',
		'',
		'Written by `npm run bench` (bench/run.ts); do not edit by hand. Every figure is a median',
		'over several timed runs after untimed warm-up runs, beside an anchor measured in the same',
		'run, with its budget (docs/architecture.md, "Budgets") where there is one.',
		'',
		'## Machine',
		'',
		`- Date: ${machine.date}${report.quick ? ' (`--quick`: fewer repetitions)' : ''}`,
		`- CPU: ${machine.cpu}, ${machine.cores} cores; memory ${machine.memoryGiB} GiB; ${machine.os}`,
		`- Node ${machine.node}; Chromium ${machine.chromium} (headless, playwright-core); ${machine.python}; Pyodide's CPython ${machine.pyodidePython}`,
		`- Load average (1, 5, 15 min) at the start: ${report.loadBefore}; at the end: ${report.loadAfter}. The machine is shared: a load above the core count means other work competed for the CPU and every figure here is slower than on an idle machine.`,
		`- Measured: ${report.site}. The whole run took ${Math.round(report.wallSeconds)} s.`,
		''
	];
	for (const section of report.sections) {
		out.push(`## ${section.title}`, '', section.about, '');
		if (section.error) out.push(`**Not measured:** ${section.error}`, '');
		if (section.rows.length > 0) out.push(...tableOf(section), '');
	}
	const misses = missesOf(report.sections);
	out.push('## Budgets missed', '');
	if (misses.length === 0) out.push('None: every measured figure is within its budget.', '');
	const explained = new Set<string>();
	for (const miss of misses) {
		const budget = miss.row.budget;
		if (!budget) continue;
		const anchor = miss.row.anchor ? summarize(miss.row.anchor.samples).median : NaN;
		const measured = budget.ofAnchor
			? `${formatValue(miss.median, miss.row.unit)}, ${times(miss.median / anchor)} ${miss.row.anchor?.label ?? ''}`
			: formatValue(miss.median, miss.row.unit);
		out.push(`- **${miss.row.figure}**: ${measured} against ${budget.text}.`);
		if (!explained.has(budget.id)) {
			explained.add(budget.id);
			const why = report.explanations[budget.id];
			if (why) out.push(`  ${why}`);
		}
	}
	if (misses.length > 0) out.push('');
	if (report.notes.length > 0) {
		out.push('## Notes', '', ...report.notes.map((note) => `- ${note}`), '');
	}
	return out.join('\n');
}
