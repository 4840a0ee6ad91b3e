import type { FastifyInstance } from 'fastify';

/** The methods a path may lack. OPTIONS is left to @fastify/cors (preflight) and answers as it always did. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** The `Allow` header of a path with these methods (HEAD goes with GET, as Fastify serves it). */
export function allowHeader(methods: ReadonlySet<string>): string {
  const allowed = new Set(methods);
  if (allowed.has('GET')) allowed.add('HEAD');
  return METHODS.filter((m) => allowed.has(m)).join(', ');
}

/**
 * 405 with `Allow` for a method a path does not have (DRF's answer; Fastify's router would say 404). Call before any
 * route is registered: it records every route, and `register()` — called after the last one — adds, per path, one
 * route for the methods the path lacks. Wildcard paths (the dashboard's fallback, static files) are left out: a
 * method they lack is a path that does not exist. The route answers in onRequest, after the tenant is resolved (an
 * unknown Host still gets 404) and before any body is read.
 */
export function trackMethodsOfPaths(app: FastifyInstance) {
  const methodsOf = new Map<string, Set<string>>();
  let sealed = false;
  app.addHook('onRoute', (route) => {
    if (sealed || route.url.includes('*')) return;
    const methods = methodsOf.get(route.url) ?? new Set<string>();
    for (const method of [route.method].flat()) methods.add(method.toUpperCase());
    methodsOf.set(route.url, methods);
  });

  return function register(): void {
    app.register(async function methodNotAllowed(scope) {
      sealed = true;
      for (const [url, methods] of methodsOf) {
        const missing = METHODS.filter(
          // hasRoute too: a plugin's route at its prefix is registered under two URLs and reported under one.
          (m) => !methods.has(m) && !(m === 'HEAD' && methods.has('GET')) && !scope.hasRoute({ method: m, url }),
        );
        if (missing.length === 0) continue;
        const allow = allowHeader(methods);
        scope.route({
          method: missing,
          url,
          exposeHeadRoute: false,
          schema: { hide: true },
          onRequest: async (request, reply) =>
            reply
              .code(405)
              .header('allow', allow)
              .send({ detail: `Method "${request.method}" not allowed.`, code: 'method_not_allowed' }),
          handler: async () => undefined,
        });
      }
    });
  };
}
