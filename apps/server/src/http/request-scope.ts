import { AsyncResource } from 'node:async_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { runForRequest } from '../db/access-scope.ts';

/**
 * Every request's queries run restricted to its tenant (row-level security, db/access-scope.ts), from its first hook
 * to its last: none before its Host is resolved or on paths served for no tenant, `request.tenant` once it is. Must
 * be registered before any hook that queries the database.
 */
export function registerRequestScope(app: FastifyInstance): void {
  const scopes = new WeakMap<FastifyRequest, AsyncResource>();
  app.addHook('onRequest', (request, _reply, done) => {
    runForRequest(
      () => request.tenant?.id,
      () => {
        scopes.set(request, new AsyncResource('xat-request'));
        done();
      },
    );
  });
  // A body parser may go on from a stream's callbacks, outside the scope: from validation on, the request is back in it.
  app.addHook('preValidation', (request, _reply, done) => {
    const scope = scopes.get(request);
    if (scope) scope.runInAsyncScope(done);
    else done();
  });
}
