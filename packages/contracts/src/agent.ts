// Wire schemas of the agent endpoints (filled in by its module's work).
export {};
