// Wire schemas of the data endpoints (filled in by its module's work).
export {};
