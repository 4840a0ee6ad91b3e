import { PGlite } from '@electric-sql/pglite';

let t = performance.now();
const a = new PGlite();
await a.waitReady;
console.log('fresh mem', performance.now() - t);
t = performance.now();
const dump = await a.dumpDataDir('none');
console.log('dump', performance.now() - t, dump.size);
t = performance.now();
const b = new PGlite({ loadDataDir: dump });
await b.waitReady;
console.log('load', performance.now() - t);
t = performance.now();
const c = new PGlite();
await c.waitReady;
console.log('fresh2 same process', performance.now() - t);
