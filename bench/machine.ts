/** What the benchmark ran on: hardware, versions and how busy the (shared) machine was. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';

export interface Machine {
	cpu: string;
	cores: number;
	memoryGiB: number;
	os: string;
	node: string;
	python: string;
	chromium: string;
	pyodidePython: string;
	date: string;
}

/** The version line of `python3`, or a note that it is missing. */
export function nativePythonVersion(): string {
	try {
		return execFileSync('python3', ['--version'], { encoding: 'utf8' }).trim();
	} catch {
		return 'python3 not found';
	}
}

export function describeMachine(versions: { chromium: string; pyodidePython: string }): Machine {
	const info = cpus();
	return {
		cpu: info[0]?.model.trim() ?? 'unknown',
		cores: info.length,
		memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
		os: `${osType()} ${release()}`,
		node: process.version,
		python: nativePythonVersion(),
		chromium: versions.chromium,
		pyodidePython: versions.pyodidePython,
		date: new Date().toISOString().replace(/\.\d+Z$/, 'Z')
	};
}

/** The 1, 5 and 15 minute load averages, e.g. "3.10, 2.85, 2.40". */
export function loadAverage(): string {
	return loadavg()
		.map((value) => value.toFixed(2))
		.join(', ');
}
