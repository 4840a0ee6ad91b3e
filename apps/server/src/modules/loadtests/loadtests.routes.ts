import type { App, Deps } from '../../app.ts';

export function loadTestRoutes(_app: App, _deps: Deps): void {}
