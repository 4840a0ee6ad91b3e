export * from './agent.ts';
export * from './auth.ts';
export * from './benchmarks.ts';
export * from './collectors.ts';
export * from './common.ts';
export * from './data.ts';
export * from './loadtests.ts';
export * from './metrics.ts';
