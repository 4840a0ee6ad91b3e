import type { App, Deps } from '../../app.ts';

export function dataRoutes(_app: App, _deps: Deps): void {}
