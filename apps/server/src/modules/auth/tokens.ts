import { randomUUID } from 'node:crypto';
import type { App } from '../../app-types.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import { sha256, signToken } from '../../http/auth.ts';
import { insertRefreshToken } from '../credentials/refresh-tokens.queries.ts';

/** Issues an access token and a refresh token of `familyId` (a new family at login), storing only the refresh hash. */
export async function issueTokenPair(
  app: App,
  db: Db,
  config: Config,
  tenantId: string,
  userId: string,
  familyId: string = randomUUID(),
) {
  const access = signToken(app, { token_type: 'access', user_id: userId, tid: tenantId }, config.accessTokenSeconds);
  const refresh = signToken(
    app,
    { token_type: 'refresh', user_id: userId, tid: tenantId, fam: familyId },
    config.refreshTokenSeconds,
  );
  await insertRefreshToken(db, tenantId, {
    userId,
    familyId,
    tokenHash: sha256(refresh),
    expiresAt: new Date(Date.now() + config.refreshTokenSeconds * 1000),
  });
  return { access, refresh };
}
