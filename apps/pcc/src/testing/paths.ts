import { fileURLToPath } from 'node:url';

/** apps/pcc/test/fixtures/… (captured on the project machine). */
export const fixturePath = (...parts: string[]) =>
  fileURLToPath(new URL(['../../test/fixtures', ...parts].join('/'), import.meta.url));

/** The repository's fixtures/pcc/… (the reference's real recordings, shared with the server and procfs tests). */
export const sharedFixturePath = (...parts: string[]) =>
  fileURLToPath(new URL(['../../../../fixtures/pcc', ...parts].join('/'), import.meta.url));

/** apps/pcc itself (bin/, scripts/, install.sh). */
export const pccPath = (...parts: string[]) => fileURLToPath(new URL(['../..', ...parts].join('/'), import.meta.url));

/** The repository root. */
export const repoPath = (...parts: string[]) =>
  fileURLToPath(new URL(['../../../..', ...parts].join('/'), import.meta.url));
