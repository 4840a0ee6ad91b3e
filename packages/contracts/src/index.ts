export * from './auth.ts';
export * from './collectors.ts';
export * from './common.ts';
