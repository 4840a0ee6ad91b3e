import type { App, Deps } from '../../app-types.ts';
import { captureRoutes } from './captures.routes.ts';
import { dashboardCollectorRoutes } from './dashboard-collectors.routes.ts';
import { dashboardSessionRoutes } from './dashboard-sessions.routes.ts';

/**
 * The reference HEAD's read API (REFERENCE 4.5) that its perf-dashboard calls: `/dashboard/api/…` and
 * `/api/v1/pcc/captures`, same shapes, our values, tenant-scoped. (The load-test HEAD fields live in loadtests/.)
 */
export function referenceRoutes(app: App, deps: Deps): void {
  dashboardCollectorRoutes(app, deps);
  dashboardSessionRoutes(app, deps);
  captureRoutes(app, deps);
}
