import {
  LogoutRequest,
  MessageBody,
  PasswordChangeRequest,
  RefreshRequest,
  RegisterRequest,
  TokenPair,
  TokenRequest,
  TokenResponse,
  UserSchema,
  VerifyRequest,
} from '@xat/contracts';
import { Type } from 'typebox';
import type { App, Deps } from '../../app-types.ts';
import { clientNetwork, createAttemptLimiter } from '../../http/attempt-limiter.ts';
import { sha256, verifyToken } from '../../http/auth.ts';
import { fieldErrors, unauthorized } from '../../http/errors.ts';
import { createLimitStore } from '../../http/limit-store.ts';
import { checkPassword } from '../credentials/password-policy.ts';
import { hashPassword, verifyPassword } from '../credentials/passwords.ts';
import {
  findRefreshTokenByHash,
  markRefreshTokenUsed,
  revokeRefreshFamily,
  revokeRefreshTokensOfUser,
} from '../credentials/refresh-tokens.queries.ts';
import { findUserById, findUserByUsername, updateUser } from '../users/users.queries.ts';
import { createUser, toUserDto } from '../users/users.service.ts';
import { issueTokenPair } from './tokens.ts';

const tags = ['auth'];
const badRefresh = () => unauthorized('Token is invalid or expired', 'token_not_valid');

export function authRoutes(app: App, { db, database, config, guards }: Deps): void {
  // Counted where every server process sees the same counters (Redis or the database).
  const limits = createLimitStore({ database, redisUrl: config.redisUrl, log: app.log });
  app.addHook('onReady', limits.ready);
  app.addHook('onClose', limits.close);

  // Failed sign-ins only. Per (IP, username): guessing one password is slow, and nobody locks a user out from
  // elsewhere. Per IP: spraying many usernames from one address. Per tenant: a spray spread over many addresses.
  const loginLimit = createAttemptLimiter(limits, 'login', {
    user: config.loginRateLimit,
    ip: config.loginIpRateLimit,
    tenant: config.loginTenantRateLimit,
  });

  app.post(
    '/api/v1/auth/token/',
    {
      schema: {
        summary: 'Sign in',
        description:
          'Trades a username and password for an access token (15 minutes), a refresh token (rotated on each use) and the user. Failed attempts are throttled per address, per user and per tenant.',
        tags,
        body: TokenRequest,
        response: { 200: TokenResponse },
      },
    },
    async (request) => {
      const { username, password } = request.body;
      const tenant = request.tenant.id;
      const ip = clientNetwork(request.ip);
      const attempt = await loginLimit.reserve({ user: `${tenant}|${ip}|${username}`, ip: `${tenant}|${ip}`, tenant });
      const user = await findUserByUsername(db, request.tenant.id, username);
      const ok = await verifyPassword(user?.passwordHash, password);
      if (!user || !ok || !user.isActive)
        throw unauthorized('No active account found with the given credentials', 'no_active_account');
      await attempt.release();
      const pair = await issueTokenPair(app, db, config, request.tenant.id, user.id);
      const updated = await updateUser(db, request.tenant.id, user.id, { lastLogin: new Date() });
      return { ...pair, user: toUserDto(updated ?? user) };
    },
  );

  app.post(
    '/api/v1/auth/token/refresh/',
    {
      schema: {
        summary: 'Refresh the access token',
        description:
          'Trades a refresh token for a new pair. Each refresh token works once: presenting a used one revokes its whole family, since someone else holds a copy.',
        tags,
        body: RefreshRequest,
        response: { 200: TokenPair },
      },
    },
    async (request) => {
      const tenantId = request.tenant.id;
      const claims = verifyToken(app, request.body.refresh, 'refresh', tenantId);
      if (!claims?.fam) throw badRefresh();
      const stored = await findRefreshTokenByHash(db, tenantId, sha256(request.body.refresh));
      if (!stored || stored.revokedAt) throw badRefresh();
      if (!(await markRefreshTokenUsed(db, tenantId, stored.id))) {
        // Reuse of a rotated token: someone else holds a copy. Revoke the whole family (OWASP).
        await revokeRefreshFamily(db, tenantId, stored.familyId);
        request.log.warn({ userId: stored.userId }, 'refresh token reuse: family revoked');
        throw badRefresh();
      }
      const user = await findUserById(db, tenantId, stored.userId);
      if (!user?.isActive) throw badRefresh();
      return issueTokenPair(app, db, config, tenantId, user.id, stored.familyId);
    },
  );

  app.post(
    '/api/v1/auth/token/verify/',
    {
      schema: {
        summary: 'Check a token',
        description: 'An empty object when the access or refresh token is valid for this tenant, 401 otherwise.',
        tags,
        body: VerifyRequest,
      },
    },
    async (request) => {
      const token = request.body.token;
      const claims =
        verifyToken(app, token, 'access', request.tenant.id) ?? verifyToken(app, token, 'refresh', request.tenant.id);
      if (!claims) throw unauthorized('Token is invalid or expired', 'token_not_valid');
      if (claims.token_type === 'refresh') {
        const stored = await findRefreshTokenByHash(db, request.tenant.id, sha256(token));
        if (!stored || stored.revokedAt || stored.usedAt)
          throw unauthorized('Token is invalid or expired', 'token_not_valid');
      }
      return {};
    },
  );

  app.get(
    '/api/v1/auth/user/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'The signed-in user',
        description: 'The account the access token belongs to.',
        tags,
        response: { 200: UserSchema },
      },
    },
    async (request) => toUserDto(request.principal),
  );

  app.post(
    '/api/v1/auth/logout/',
    {
      // The body is optional: a client that keeps no refresh token may just say goodbye.
      preValidation: [
        guards.user('viewer'),
        async (request) => {
          request.body ??= {};
        },
      ],
      schema: {
        summary: 'Sign out',
        description:
          'Revokes the refresh token sent and every token rotated from it. The body is optional; access tokens expire by themselves.',
        tags,
        body: LogoutRequest,
        response: { 200: MessageBody },
      },
    },
    async (request) => {
      const refresh = request.body.refresh;
      if (refresh) {
        const stored = await findRefreshTokenByHash(db, request.tenant.id, sha256(refresh));
        if (!stored || stored.userId !== request.principal.id) throw fieldErrors({ refresh: ['Token is invalid.'] });
        await revokeRefreshFamily(db, request.tenant.id, stored.familyId);
      }
      return { message: 'Successfully logged out' };
    },
  );

  app.post(
    '/api/v1/auth/logout/all/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'Sign out everywhere',
        description:
          'Revokes every refresh token of the signed-in user, in every browser and on every device, this one included. No body. Access tokens already issued are not stored, so they stay valid until they expire (ACCESS_TOKEN_LIFETIME, 15 minutes by default); none can be refreshed.',
        tags,
        response: { 204: Type.Null({ description: 'Signed out everywhere: no content.' }) },
      },
    },
    async (request, reply) => {
      await revokeRefreshTokensOfUser(db, request.tenant.id, request.principal.id);
      return reply.code(204).send(null);
    },
  );

  // Guesses of the old password (a stolen access token must not be able to find it quickly).
  const passwordLimit = createAttemptLimiter(limits, 'password-change', { user: config.loginRateLimit });
  app.post(
    '/api/v1/auth/password/change/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'Change your password',
        description:
          'Needs the old password; the new one, given twice, must pass the password policy (length, no common password). Ends every other session.',
        tags,
        body: PasswordChangeRequest,
        response: { 200: MessageBody },
      },
    },
    async (request) => {
      const { old_password, new_password, new_password2 } = request.body;
      const user = request.principal;
      const attempt = await passwordLimit.reserve({ user: `${request.tenant.id}|${user.id}` });
      if (!(await verifyPassword(user.passwordHash, old_password)))
        throw fieldErrors({ old_password: ['Your old password was entered incorrectly.'] });
      await attempt.release();
      if (new_password !== new_password2)
        throw fieldErrors({ new_password2: ["The two password fields didn't match."] });
      const weak = await checkPassword(new_password, { username: user.username, email: user.email });
      if (weak.length) throw fieldErrors({ new_password: weak });
      await updateUser(db, request.tenant.id, user.id, { passwordHash: await hashPassword(new_password) });
      // Sessions elsewhere end with the old password.
      await revokeRefreshTokensOfUser(db, request.tenant.id, user.id);
      return { message: 'Password changed successfully' };
    },
  );

  // Every registration counts (successful ones too), per (tenant, IP).
  const registerLimit = createAttemptLimiter(limits, 'register', { ip: config.loginRateLimit });
  // Not even routed when disabled: a plain 404 that reveals nothing, whatever the body.
  if (!config.allowRegistration) return;
  app.post(
    '/api/v1/auth/register/',
    {
      schema: {
        summary: 'Create an account',
        description:
          'Self-service sign-up as a member, where the server allows it (ALLOW_REGISTRATION; otherwise the path does not exist). Throttled per address.',
        tags,
        body: RegisterRequest,
      },
    },
    async (request, reply) => {
      await registerLimit.reserve({ ip: `${request.tenant.id}|${clientNetwork(request.ip)}` });
      const { password, password2, ...rest } = request.body;
      if (password !== password2) throw fieldErrors({ password: ["Password fields didn't match."] });
      const user = await createUser(db, request.tenant.id, { ...rest, password, role: 'member' });
      reply.code(201);
      const dto = toUserDto(user);
      return {
        id: dto.id,
        username: dto.username,
        email: dto.email,
        first_name: dto.first_name,
        last_name: dto.last_name,
      };
    },
  );
}
