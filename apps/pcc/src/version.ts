/** The agent's version; kept equal to apps/pcc/package.json by a test. */
export const VERSION = '0.1.0';
