// Wire schemas of the loadtests endpoints (filled in by its module's work).
export {};
