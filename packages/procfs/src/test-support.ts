import { readFileSync } from 'node:fs';

// Test support (not a test file itself): the reference's real pcc recordings, copied into the repository's fixtures/
// (origin in fixtures/README.md) so a clone with nothing beside it runs these tests.
const recordings = new URL('../../../fixtures/pcc/', import.meta.url);

/** The text of fixtures/pcc/<path>, e.g. `sys-info-test/csv/proc/stat`. */
export const readFixture = (path: string): string => readFileSync(new URL(path, recordings), 'utf8');
