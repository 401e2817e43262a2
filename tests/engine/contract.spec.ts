/**
 * The trace contract, both ways. Every example, every exercise's starter and solution, and a few
 * programs written to reach the rest (contract-programs.ts) run on the real engine; then:
 * - every event passes `traceEventValidator`;
 * - Python sends no kind and no field that TypeScript does not declare (validation alone cannot
 *   tell: a validator builds a fresh object and drops unknown keys);
 * - TypeScript declares nothing that no run produces: every kind, every field (present, absent
 *   when optional, null and not null when nullable, non-empty when a list) and every value of
 *   every list (await kinds, limit names, streams, end states, causes);
 * - the lists Python writes (events.py) are the lists TypeScript writes (events.ts);
 * - the trace as columns (engine/columns.ts, as the runner sends it to the page) reads back as
 *   exactly the events the object validator makes of the engine's JSON.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import {
	AWAIT_KINDS,
	BLOCK_CAUSES,
	FUTURE_ENDS,
	HANDLE_FACTS,
	LIMIT_NAMES,
	OUTPUT_STREAMS,
	TASK_END_STATES,
	TRACE_VERSION,
	factAt,
	traceEventValidator,
	type TraceEvent
} from '../../src/lib/engine/events';
import { columnsOfJson, decodeColumns } from '../../src/lib/engine/columns';
import { createNodeEngine } from '../../src/lib/engine/node-engine';
import { parseTraceEvents } from '../../src/lib/runner/protocol';
import { Budget, ValidationError } from '../../src/lib/validate';
import { contractPrograms } from './contract-programs';

/** A validator as this test reads it: whatever it carries of what it was built from. */
interface Schema {
	shape?: Record<string, Schema | { optional: Schema }>;
	key?: string;
	variants?: Record<string, Schema>;
	item?: Schema;
	inner?: Schema;
	values?: readonly unknown[];
}

const contract = traceEventValidator as unknown as Schema;

/** The validator of a field, without its `optional` wrapper. */
function fieldSchema(field: Schema | { optional: Schema }): Schema {
	return 'optional' in field ? (field as { optional: Schema }).optional : (field as Schema);
}

/**
 * Everything the contract declares that a run can produce, each a line such as
 * "task_suspended.awaiting.until: not null" or "blocked.cause: time.sleep". Declarations are
 * named by the first path that reaches them; a validator shared by two places (the awaiting of
 * task_suspended and of a deadlock's stuck task) counts as produced when either produces it.
 */
class Declarations {
	/** validator → its declarations, each `[name, produced]`. */
	readonly #of = new Map<Schema, Map<string, boolean>>();

	constructor(root: Schema) {
		this.#declare(root, '');
	}

	#declare(schema: Schema, path: string): void {
		if (this.#of.has(schema)) return;
		const own = new Map<string, boolean>();
		this.#of.set(schema, own);
		if (schema.variants) {
			for (const [kind, variant] of Object.entries(schema.variants)) {
				own.set(`${kind}: kind`, false);
				this.#declare(variant, kind);
			}
		}
		if (schema.shape) {
			for (const [name, field] of Object.entries(schema.shape)) {
				const inner = fieldSchema(field);
				const at = `${path}.${name}`;
				own.set(`${at}: present`, false);
				if ('optional' in field) own.set(`${at}: absent`, false);
				if (inner.inner) {
					own.set(`${at}: null`, false);
					own.set(`${at}: not null`, false);
				}
				const value = inner.inner ?? inner;
				if (value.item) own.set(`${at}: not empty`, false);
				// A literal with one value (kind, version, run_start's t) is always produced.
				if (value.values && value.values.length > 1) {
					for (const allowed of value.values) own.set(`${at}: ${String(allowed)}`, false);
				}
				this.#declare(value.item ?? value, value.item ? `${at}[]` : at);
			}
		}
	}

	/** Mark what `value` produces, read through `schema`. */
	produce(schema: Schema, value: unknown): void {
		const own = this.#of.get(schema);
		if (!own || typeof value !== 'object' || value === null) return;
		const record = value as Record<string, unknown>;
		if (schema.variants && schema.key) {
			const kind = String(record[schema.key]);
			const variant = schema.variants[kind];
			if (!variant) return;
			this.#mark(own, (name) => name === `${kind}: kind`);
			this.produce(variant, value);
			return;
		}
		if (!schema.shape) return;
		for (const [name, field] of Object.entries(schema.shape)) {
			const inner = fieldSchema(field);
			const raw = record[name];
			const suffix = (what: string) => (declared: string) => declared.endsWith(`.${name}: ${what}`);
			this.#mark(own, suffix(raw === undefined ? 'absent' : 'present'));
			if (raw === undefined) continue;
			if (inner.inner) this.#mark(own, suffix(raw === null ? 'null' : 'not null'));
			if (raw === null) continue;
			const value = inner.inner ?? inner;
			if (value.values) this.#mark(own, suffix(String(raw)));
			if (value.item && Array.isArray(raw)) {
				if (raw.length > 0) this.#mark(own, suffix('not empty'));
				for (const item of raw) this.produce(value.item, item);
			} else {
				this.produce(value, raw);
			}
		}
	}

	#mark(own: Map<string, boolean>, matches: (name: string) => boolean): void {
		for (const name of own.keys()) if (matches(name)) own.set(name, true);
	}

	/** Every declaration no run produced. */
	unproduced(): string[] {
		const missing: string[] = [];
		for (const own of this.#of.values()) {
			for (const [name, produced] of own) if (!produced) missing.push(name);
		}
		return missing.sort();
	}
}

/** Keys and kinds in `value` that `schema` does not declare, as paths. */
function undeclared(schema: Schema, value: unknown, path: string): string[] {
	if (typeof value !== 'object' || value === null) return [];
	if (Array.isArray(value)) {
		return schema.item
			? value.flatMap((item, i) => undeclared(schema.item!, item, `${path}[${i}]`))
			: [];
	}
	const record = value as Record<string, unknown>;
	if (schema.variants && schema.key) {
		const kind = String(record[schema.key]);
		const variant = schema.variants[kind];
		return variant ? undeclared(variant, value, kind) : [`unknown kind "${kind}"`];
	}
	if (schema.inner) return undeclared(schema.inner, value, path);
	if (!schema.shape) return [];
	const shape = schema.shape;
	return Object.keys(record).flatMap((name) =>
		name in shape
			? undeclared(fieldSchema(shape[name]), record[name], `${path}.${name}`)
			: [`${path}.${name}`]
	);
}

interface Run {
	name: string;
	/** The engine's JSON, as the runner worker gets it. */
	json: string;
	events: unknown[];
}

let engine: Engine;
const runs: Run[] = [];

beforeAll(async () => {
	engine = await createNodeEngine();
	// The Stop button, for the program that presses it (contract-programs.ts).
	const stopButton = new Int32Array(new SharedArrayBuffer(4));
	engine.pyodide.setInterruptBuffer(stopButton);
	(globalThis as { stopButton?: Int32Array }).stopButton = stopButton;
	try {
		for (const program of contractPrograms()) {
			// Parsed without validating: these are the raw events.
			const json = engine.runJson(program.source, program.options);
			runs.push({ name: program.name, json, events: JSON.parse(json) as unknown[] });
			stopButton[0] = 0;
		}
	} finally {
		engine.pyodide.setInterruptBuffer(undefined as unknown as Int32Array);
		delete (globalThis as { stopButton?: Int32Array }).stopButton;
	}
});

describe('the trace contract', () => {
	it('runs every example, every exercise and the extra programs', () => {
		const names = runs.map((run) => run.name);
		expect(names.filter((name) => name.startsWith('example ')).length).toBeGreaterThan(20);
		expect(names.filter((name) => name.startsWith('exercise ')).length).toBeGreaterThan(20);
		expect(names.filter((name) => !/^(example|exercise) /.test(name)).length).toBeGreaterThan(10);
	});

	it('every event passes the validator', () => {
		const failures: string[] = [];
		for (const run of runs) {
			run.events.forEach((event, index) => {
				try {
					traceEventValidator(event, `event ${index}`, new Budget(1_000_000));
				} catch (error) {
					if (!(error instanceof ValidationError)) throw error;
					failures.push(`${run.name}: ${error.message}`);
				}
			});
		}
		expect(failures).toEqual([]);
	});

	it('as columns, every trace reads back as the object validator reads its JSON', async () => {
		const failures: string[] = [];
		for (const run of runs) {
			const columns = columnsOfJson(run.json);
			if (!columns) {
				failures.push(`${run.name}: no columns`);
				continue;
			}
			const read = await decodeColumns(columns, async () => {});
			const objects = parseTraceEvents(run.events);
			if ('error' in read) failures.push(`${run.name}: ${read.error}`);
			// The same values and keys in the same order: what the page reads is what it read before.
			else if (JSON.stringify(read.events) !== JSON.stringify(objects)) {
				failures.push(`${run.name}: the columns read back differently`);
			} else if (read.truncated) failures.push(`${run.name}: truncated`);
		}
		expect(failures).toEqual([]);
	});

	it('Python sends no kind and no field that TypeScript does not declare', () => {
		// Each undeclared path, with the first program that sent it.
		const extra = new Map<string, string>();
		for (const run of runs) {
			for (const event of run.events) {
				for (const path of undeclared(contract, event, '')) {
					if (!extra.has(path)) extra.set(path, run.name);
				}
			}
		}
		expect([...extra].map(([path, name]) => `${path} (${name})`)).toEqual([]);
	});

	it('TypeScript declares no kind, field or list value that no run produces', () => {
		const declarations = new Declarations(contract);
		for (const run of runs) for (const event of run.events) declarations.produce(contract, event);
		expect(declarations.unproduced()).toEqual([]);
	});

	it('every kind of loop fact, and every value of its fields that says something, is produced', () => {
		const seen = new Set<string>();
		for (const run of runs) {
			for (const event of run.events as TraceEvent[]) {
				if (event.kind !== 'handles') continue;
				for (let at = 0; at < event.facts.length;) {
					const fact = factAt(event.facts, at);
					if (!fact) break;
					const fields = HANDLE_FACTS[fact.kind].fields;
					seen.add(fact.kind);
					fields.forEach((field, i) => {
						const value = event.facts[at + 1 + i];
						if (field === 'end') seen.add(`end ${value}`);
						else if (field !== 'handle' && field !== 't') {
							seen.add(
								`${fact.kind}.${field} ${value > 0 ? 'set' : value === 0 ? 'zero' : 'never'}`
							);
						}
					});
					at += fact.size;
				}
			}
		}
		const expected = [
			...Object.keys(HANDLE_FACTS),
			'end 0',
			...FUTURE_ENDS.map((_, i) => `end ${i + 1}`),
			'ready.task set',
			'ready.task zero',
			'ready.fn set',
			'ready.fn zero',
			'ready.by set',
			'ready.by zero',
			'ready.api set',
			'ready.line set',
			'ready.line zero',
			'ready.future set',
			'ready.future zero',
			'timer.when set',
			'timer.when never',
			'timer.by set',
			'timer.by zero',
			'timer.api set',
			'timer.api zero',
			'timer.line set',
			'timer.line zero',
			'cancelled.by set',
			'cancelled.by zero'
		];
		expect(expected.filter((value) => !seen.has(value))).toEqual([]);
	});

	it("Python's lists are TypeScript's lists", () => {
		const python = JSON.parse(
			engine.pyodide.runPython(`
import json
from playground import events
json.dumps({
    "await_kinds": events.AWAIT_KINDS,
    "limit_names": events.LIMIT_NAMES,
    "output_streams": events.OUTPUT_STREAMS,
    "task_end_states": events.TASK_END_STATES,
    "block_causes": events.BLOCK_CAUSES,
    "handle_facts": {kind: {"code": code, "fields": list(fields)} for kind, (code, fields) in events.HANDLE_FACTS.items()},
    "future_ends": [events.END_RESULT, events.END_EXCEPTION, events.END_CANCELLED],
    "version": events.TRACE_VERSION,
})
`) as string
		);
		expect(python).toEqual({
			await_kinds: AWAIT_KINDS,
			limit_names: LIMIT_NAMES,
			output_streams: OUTPUT_STREAMS,
			task_end_states: TASK_END_STATES,
			block_causes: BLOCK_CAUSES,
			handle_facts: HANDLE_FACTS,
			future_ends: FUTURE_ENDS.map((_, i) => i + 1),
			version: TRACE_VERSION
		});
	});
});

describe('the checker itself', () => {
	it('finds a field and a kind the contract does not declare', () => {
		const event = { kind: 'task_resumed', t: 0, task: 1, step: 1, extra: true };
		expect(undeclared(contract, event, '')).toEqual(['task_resumed.extra']);
		expect(undeclared(contract, { kind: 'mystery', t: 0 }, '')).toEqual(['unknown kind "mystery"']);
		const deep = {
			kind: 'deadlock',
			t: 1,
			stuck: [{ task: 1, name: 'x', line: 1, awaiting: { kind: 'lock', label: 'L', why: 1 } }]
		};
		expect(undeclared(contract, deep, '')).toEqual(['deadlock.stuck[0].awaiting.why']);
	});

	it('finds what a trace never produces', () => {
		const declarations = new Declarations(contract);
		declarations.produce(contract, { kind: 'output', t: 0, stream: 'stdout', text: 'hi', task: 1 });
		const missing = declarations.unproduced();
		expect(missing).toContain('output.stream: stderr');
		expect(missing).toContain('output.task: null');
		expect(missing).not.toContain('output.stream: stdout');
		expect(missing).not.toContain('output.task: not null');
		expect(missing).toContain('task_suspended.awaiting.until: not null');
		expect(missing).toContain('deadlock: kind');
	});
});
