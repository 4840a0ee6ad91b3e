// Wire schemas of the benchmarks endpoints (filled in by its module's work).
export {};
