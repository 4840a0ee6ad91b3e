import { IdParams, Page, PageQuery, UserCreateRequest, UserPatchRequest, UserSchema } from '@xat/contracts';
import type { App, Deps } from '../../app-types.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { fieldErrors, notFound } from '../../http/errors.ts';
import { pageOf, pageParams } from '../../http/pagination.ts';
import { checkPassword } from '../credentials/password-policy.ts';
import { hashPassword } from '../credentials/passwords.ts';
import { revokeRefreshTokensOfUser } from '../credentials/refresh-tokens.queries.ts';
import { deleteUser, findUserById, listUsers, type NewUser, updateUser } from './users.queries.ts';
import { createUser, keepingAnAdmin, toUserDto } from './users.service.ts';

const tags = ['users'];
const lastAdmin = () =>
  fieldErrors({ role: ['The last active admin of a tenant cannot be demoted, deactivated or deleted.'] });

/** User management: admins of a tenant only. */
export function userRoutes(app: App, { db, guards }: Deps): void {
  const admin = guards.user('admin');

  app.get(
    '/api/v1/users/',
    {
      preValidation: admin,
      schema: {
        summary: 'List users',
        description: 'The tenant’s accounts, a page at a time. Admins only.',
        tags,
        querystring: PageQuery,
        response: { 200: Page(UserSchema) },
      },
    },
    async (request) => {
      const page = pageParams(request.query);
      const { rows, count } = await listUsers(db, request.tenant.id, page);
      return pageOf(request, page, count, rows.map(toUserDto));
    },
  );

  app.post(
    '/api/v1/users/',
    {
      preValidation: admin,
      schema: {
        summary: 'Create a user',
        description:
          'An account with a role (viewer, member or admin) and a password that passes the policy. Admins only.',
        tags,
        body: UserCreateRequest,
        response: { 201: UserSchema },
      },
    },
    async (request, reply) => {
      const user = await createUser(db, request.tenant.id, request.body);
      reply.code(201);
      return toUserDto(user);
    },
  );

  app.get(
    '/api/v1/users/:id/',
    {
      preValidation: admin,
      schema: {
        summary: 'A user',
        description: 'One account of this tenant. Admins only.',
        tags,
        params: IdParams,
        response: { 200: UserSchema },
      },
    },
    async (request) => {
      const user = await findUserById(db, request.tenant.id, request.params.id);
      if (!user) throw notFound();
      return toUserDto(user);
    },
  );

  app.patch(
    '/api/v1/users/:id/',
    {
      preValidation: admin,
      schema: {
        summary: 'Update a user',
        description:
          'Changes any of username, email, names, role, active flag or password. The last active admin cannot be demoted or deactivated; a new password or deactivation ends the user’s sessions. Admins only.',
        tags,
        params: IdParams,
        body: UserPatchRequest,
        response: { 200: UserSchema },
      },
    },
    async (request) => {
      const tenantId = request.tenant.id;
      const current = await findUserById(db, tenantId, request.params.id);
      if (!current) throw notFound();
      const b = request.body;
      const patch: Partial<NewUser> = {};
      if (b.username !== undefined) patch.username = b.username;
      if (b.email !== undefined) patch.email = b.email;
      if (b.first_name !== undefined) patch.firstName = b.first_name;
      if (b.last_name !== undefined) patch.lastName = b.last_name;
      if (b.role !== undefined) patch.role = b.role;
      if (b.is_active !== undefined) patch.isActive = b.is_active;
      if (b.password !== undefined) {
        const weak = await checkPassword(b.password, {
          username: b.username ?? current.username,
          email: b.email ?? current.email,
        });
        if (weak.length) throw fieldErrors({ password: weak });
        patch.passwordHash = await hashPassword(b.password);
      }
      let updated: Awaited<ReturnType<typeof updateUser>>;
      try {
        updated = await keepingAnAdmin(db, tenantId, lastAdmin, (tx) => updateUser(tx, tenantId, current.id, patch));
      } catch (err) {
        if (isUniqueViolation(err)) throw fieldErrors({ username: ['A user with that username already exists.'] });
        throw err;
      }
      if (!updated) throw notFound();
      if (patch.passwordHash || patch.isActive === false) await revokeRefreshTokensOfUser(db, tenantId, current.id);
      return toUserDto(updated);
    },
  );

  app.delete(
    '/api/v1/users/:id/',
    {
      preValidation: admin,
      schema: {
        summary: 'Delete a user',
        description: 'Removes an account: not your own, nor the last active admin. Admins only.',
        tags,
        params: IdParams,
      },
    },
    async (request, reply) => {
      if (request.params.id === request.principal.id)
        throw fieldErrors({ non_field_errors: ['You cannot delete your own account.'] });
      const tenantId = request.tenant.id;
      const deleted = await keepingAnAdmin(db, tenantId, lastAdmin, (tx) =>
        deleteUser(tx, tenantId, request.params.id),
      );
      if (!deleted) throw notFound();
      return reply.code(204).send();
    },
  );
}
