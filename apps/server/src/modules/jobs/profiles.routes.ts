import { BUILTIN_PROFILES, Page, PageQuery, ProfileCreateSchema, ProfileSchema } from '@xat/contracts';
import type { App, Deps } from '../../app-types.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { fieldErrors, notFound } from '../../http/errors.ts';
import { pageOf, pageParams } from '../../http/pagination.ts';
import { ProfileNameParams } from './jobs.schemas.ts';
import {
  builtinProfile,
  countSchedulesOfProfile,
  deleteProfile,
  insertProfile,
  listProfiles,
} from './profiles.queries.ts';

const tags = ['jobs'];
const taken = (name: string) => fieldErrors({ name: [`A profile named "${name}" exists already.`] });

/** Benchmark profiles: the built-in ones (listed, fixed) and the tenant's own. */
export function profileRoutes(app: App, { db, guards }: Deps): void {
  app.get(
    '/api/v1/benchmark-profiles/',
    {
      preValidation: guards.user('viewer'),
      schema: {
        summary: 'List benchmark profiles',
        description: `The built-in profiles (${BUILTIN_PROFILES.map((p) => p.name).join(', ')}; builtin true) first, then the tenant’s own by name: which benchmarks, how many repeats, the measured time of a step, the disk test file’s size.`,
        tags,
        querystring: PageQuery,
        response: { 200: Page(ProfileSchema) },
      },
    },
    async (request) => {
      const page = pageParams(request.query);
      const all = await listProfiles(db, request.tenant.id);
      return pageOf(request, page, all.length, all.slice(page.offset, page.offset + page.limit));
    },
  );

  app.post(
    '/api/v1/benchmark-profiles/',
    {
      preValidation: guards.user('member'),
      schema: {
        summary: 'Add a benchmark profile',
        description:
          'A profile of the tenant’s own: its name (lower case, digits, - and _; not a built-in one’s), benchmarks, repeats, step time and disk file size.',
        tags,
        body: ProfileCreateSchema,
        response: { 201: ProfileSchema },
      },
    },
    async (request, reply) => {
      const { name } = request.body;
      if (builtinProfile(name)) throw taken(name);
      const profile = await insertProfile(db, request.tenant.id, {
        ...request.body,
        label: request.body.label ?? '',
      }).catch((err) => {
        if (isUniqueViolation(err)) throw taken(name);
        throw err;
      });
      reply.code(201);
      return profile;
    },
  );

  app.delete(
    '/api/v1/benchmark-profiles/:name/',
    {
      preValidation: guards.user('member'),
      schema: {
        summary: 'Delete a benchmark profile',
        description:
          'Removes one of the tenant’s profiles. Built-in profiles cannot be deleted, nor a profile a schedule runs (400 naming `name`). Jobs that ran it keep its name.',
        tags,
        params: ProfileNameParams,
      },
    },
    async (request, reply) => {
      const tenantId = request.tenant.id;
      const { name } = request.params;
      if (builtinProfile(name)) throw fieldErrors({ name: [`"${name}" is a built-in profile: it cannot be deleted.`] });
      const schedules = await countSchedulesOfProfile(db, tenantId, name);
      if (schedules)
        throw fieldErrors({ name: [`${schedules} schedule(s) run "${name}": change or delete them first.`] });
      if (!(await deleteProfile(db, tenantId, name))) throw notFound();
      return reply.code(204).send();
    },
  );
}
