/**
 * Loads Monaco on demand. Everything here is reached through dynamic `import()`, so Vite puts
 * Monaco (about 1 MB of JavaScript and CSS) in its own chunks and the page is interactive, with a
 * plain text fallback, before any of it arrives.
 *
 * We take the bare editor API plus the handful of contributions a Python learner uses (hover,
 * find, comments, bracket matching, multi-cursor...) rather than `editor.main`, which bundles
 * every language service.
 */
export type Monaco = typeof import('monaco-editor/editor/editor.api');

let loading: Promise<Monaco> | null = null;

export function loadMonaco(): Promise<Monaco> {
	loading ??= (async () => {
		const { default: EditorWorker } = await import('monaco-editor/editor/editor.worker?worker');
		// Monaco asks for its worker through this global; without it, it warns and works on the main thread.
		(self as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
			getWorker: () => new EditorWorker()
		};
		const monaco = await import('monaco-editor/editor/editor.api');
		await Promise.all([
			import('monaco-editor/languages/definitions/python/register'),
			import('monaco-editor/features/hover/register'),
			import('monaco-editor/features/find/register'),
			import('monaco-editor/features/comment/register'),
			import('monaco-editor/features/bracketMatching/register'),
			import('monaco-editor/features/multicursor/register'),
			import('monaco-editor/features/linesOperations/register'),
			import('monaco-editor/features/wordHighlighter/register'),
			import('monaco-editor/features/wordOperations/register'),
			import('monaco-editor/features/clipboard/register'),
			import('monaco-editor/features/indentation/register'),
			import('monaco-editor/features/cursorUndo/register'),
			import('monaco-editor/features/codicon/register'),
			// Ctrl+M (Ctrl+Shift+M on a Mac) makes Tab leave the editor: without it a keyboard user
			// who tabs into the code cannot tab out again.
			import('monaco-editor/features/toggleTabFocusMode/register')
		]);
		return monaco;
	})();
	return loading;
}
