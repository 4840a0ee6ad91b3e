import type { App, Deps } from '../../app.ts';

export function benchmarkRoutes(_app: App, _deps: Deps): void {}
