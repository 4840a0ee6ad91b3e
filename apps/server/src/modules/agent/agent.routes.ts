import type { App, Deps } from '../../app.ts';

export function agentRoutes(_app: App, _deps: Deps): void {}
