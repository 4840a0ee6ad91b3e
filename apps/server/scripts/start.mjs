// `npm start`: builds what is stale (the server, the dashboard, the agent bundle), then serves from this same process
// (one Node start, not one per npm lifecycle script).
import { ensureBuilt } from './ensure-built.mjs';
import { TARGETS } from './targets.mjs';

// Every target is tried, so one failed build still leaves the others fresh; then a failure stops the start.
const failed = Object.keys(TARGETS).filter((name) => !ensureBuilt(name));
if (failed.length > 0) process.exit(1);
process.argv.splice(2, process.argv.length, 'serve', ...process.argv.slice(2));
await import('../bin/xat.mjs');
