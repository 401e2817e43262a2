/**
 * The page's side of the service worker (src/service-worker.ts): registers it once Python has
 * started, so its download of the whole build never competes with the first start, and says when
 * a newer build is installed and waiting. The learner chooses when to switch: the waiting worker
 * takes over, and every open page of the playground reloads into the new build at once, so no
 * page runs one build's code against another build's files (docs/decisions/0085-offline.md).
 */
import { resolve } from '$app/paths';
import { SKIP_WAITING } from './files';

export class AppUpdate {
	/** A newer build is installed and waits for the learner to reload into it. */
	ready = $state(false);
	#registration: ServiceWorkerRegistration | null = null;

	/** Registers the service worker once `after` settles. Call once, in the browser. */
	start(after: Promise<unknown>): () => void {
		const container = navigator.serviceWorker;
		// Not under `vite dev` (the files change under it), nor where there are no service workers.
		if (import.meta.env.DEV || !container) return () => {};
		let stopped = false;
		// A page that already had a worker reloads when another takes over: its chunks, its engine
		// and its Pyodide files must all come from the same build. The first worker of a first
		// visit never takes over this page, so it causes no reload.
		const hadController = container.controller !== null;
		const onControllerChange = () => {
			if (hadController && !stopped) location.reload();
		};
		container.addEventListener('controllerchange', onControllerChange);
		void after
			.then(() => (stopped ? null : container.register(`${resolve('/')}service-worker.js`)))
			.then((registration) => {
				if (!registration || stopped) return;
				this.#registration = registration;
				this.#watch(registration);
			})
			.catch((error: unknown) => {
				// Without a service worker the playground still works; it only needs the network.
				console.warn('Offline support is unavailable:', error);
			});
		return () => {
			stopped = true;
			container.removeEventListener('controllerchange', onControllerChange);
		};
	}

	/** Switch to the waiting build; every open page of the playground then reloads. */
	apply(): void {
		this.#registration?.waiting?.postMessage(SKIP_WAITING);
	}

	#watch(registration: ServiceWorkerRegistration): void {
		const check = () => {
			// Only an update waits behind a worker that controls this page.
			this.ready = registration.waiting !== null && navigator.serviceWorker.controller !== null;
		};
		check();
		registration.addEventListener('updatefound', () => {
			registration.installing?.addEventListener('statechange', check);
		});
	}
}
