import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import type { Guards } from './http/auth.ts';

// The types a module is handed by app.ts, apart from it: app.ts imports every module, so a module importing app.ts
// would close a cycle.

/** The Fastify instance every module registers its routes on (TypeBox schemas type the handlers). */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** What app.ts hands every module: configuration, the database and the request guards. */
export interface Deps {
  readonly config: Config;
  readonly database: Database;
  readonly db: Database['db'];
  readonly guards: Guards;
}
