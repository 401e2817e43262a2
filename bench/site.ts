/**
 * The site the browser benchmarks load: the built playground (build/), plus the benchmark's own
 * pages under /bench/ (the bare loadPyodide() floor, the chart benchmark bundle, trace files),
 * all served by the e2e harness's static server so every page shares one origin and one cache.
 */
import { execFileSync } from 'node:child_process';
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	rmSync,
	statSync,
	symlinkSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { BUILD_DIR, startStaticServer, type StaticServer } from '../tests/e2e/harness';

export const ROOT = resolve(import.meta.dirname, '..');
const PAGES = join(import.meta.dirname, 'pages');

/** Newest modification time (ms) of any file under `path`, skipping `skip` directory names. */
function newestMtime(path: string, skip: ReadonlySet<string>): number {
	if (!existsSync(path)) return 0;
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = 0;
	for (const entry of readdirSync(path)) {
		if (skip.has(entry)) continue;
		newest = Math.max(newest, newestMtime(join(path, entry), skip));
	}
	return newest;
}

/** True when build/ is missing or older than anything the build reads. */
export function buildIsStale(): boolean {
	const built = join(BUILD_DIR, 'index.html');
	if (!existsSync(built)) return true;
	const inputs = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'];
	const skip = new Set(['pyodide', 'node_modules']);
	const newest = Math.max(...inputs.map((input) => newestMtime(join(ROOT, input), skip)));
	return newest > statSync(built).mtimeMs;
}

export function buildSite(): void {
	execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
}

export interface BenchSite {
	server: StaticServer;
	/** The web root on disk (build/ entries are symlinks into it). */
	root: string;
	/** Where /bench/ files live on disk (a temporary directory). */
	benchDir: string;
	/** Write a file served at /bench/<name>. */
	write(name: string, data: string): void;
	close(): Promise<void>;
}

/**
 * A temporary web root: a symlink to every entry of build/, and a real bench/ directory with
 * the pages and the chart benchmark bundled from src/lib by Vite.
 */
export async function startBenchSite(): Promise<BenchSite> {
	const root = mkdtempSync(join(tmpdir(), 'asyncio-playground-bench-'));
	for (const entry of readdirSync(BUILD_DIR)) {
		symlinkSync(join(BUILD_DIR, entry), join(root, entry));
	}
	const benchDir = join(root, 'bench');
	mkdirSync(benchDir);
	for (const page of readdirSync(PAGES)) {
		if (/\.(html|js)$/.test(page)) copyFileSync(join(PAGES, page), join(benchDir, page));
	}
	await build({
		configFile: false,
		publicDir: false,
		logLevel: 'warn',
		build: {
			outDir: benchDir,
			emptyOutDir: false,
			minify: true,
			lib: {
				entry: join(PAGES, 'chart-bench.ts'),
				formats: ['es'],
				fileName: () => 'chart-bench.js'
			}
		}
	});
	const server = await startStaticServer({ root });
	return {
		server,
		root,
		benchDir,
		write: (name, data) => writeFileSync(join(benchDir, name), data),
		async close() {
			await server.close();
			rmSync(root, { recursive: true, force: true });
		}
	};
}
