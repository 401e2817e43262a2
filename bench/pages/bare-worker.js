// The bare floor's worker: load Pyodide from the same files the playground serves, then answer.
import { loadPyodide } from '/pyodide/pyodide.mjs';

const started = performance.now();
const pyodide = await loadPyodide({ indexURL: '/pyodide/' });
const python = pyodide.runPython('import sys; sys.version.split()[0]');
postMessage({ python, loadMs: performance.now() - started });
