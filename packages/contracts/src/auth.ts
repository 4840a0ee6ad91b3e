import { type Static, Type } from 'typebox';
import { DateTime, Uuid } from './common.ts';

export const ROLES = ['admin', 'member', 'viewer'] as const;

export const UserSchema = Type.Object({
  id: Uuid,
  username: Type.String(),
  email: Type.String(),
  first_name: Type.String(),
  last_name: Type.String(),
  role: Type.Enum(ROLES),
  is_active: Type.Boolean(),
  date_joined: DateTime,
  last_login: Type.Union([DateTime, Type.Null()]),
});
export type User = Static<typeof UserSchema>;

export const TokenRequest = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 150 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});

export const TokenPair = Type.Object({ access: Type.String(), refresh: Type.String() });
export const TokenResponse = Type.Object({ ...TokenPair.properties, user: UserSchema });
export const RefreshRequest = Type.Object({ refresh: Type.String({ minLength: 1, maxLength: 4096 }) });
export const VerifyRequest = Type.Object({ token: Type.String({ minLength: 1, maxLength: 4096 }) });
export const LogoutRequest = Type.Object({ refresh: Type.Optional(Type.String({ maxLength: 4096 })) });

export const PasswordChangeRequest = Type.Object({
  old_password: Type.String({ minLength: 1, maxLength: 1024 }),
  new_password: Type.String({ minLength: 1, maxLength: 1024 }),
  new_password2: Type.String({ minLength: 1, maxLength: 1024 }),
});

const userFields = {
  username: Type.String({ minLength: 1, maxLength: 150, pattern: '^[\\w.@+-]+$' }),
  email: Type.String({ maxLength: 254, pattern: '^$|^[^@\\s]+@[^@\\s]+$' }),
  first_name: Type.String({ maxLength: 150 }),
  last_name: Type.String({ maxLength: 150 }),
};

export const RegisterRequest = Type.Object({
  ...userFields,
  email: Type.Optional(userFields.email),
  first_name: Type.Optional(userFields.first_name),
  last_name: Type.Optional(userFields.last_name),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  password2: Type.String({ minLength: 1, maxLength: 1024 }),
});

export const UserCreateRequest = Type.Object({
  username: userFields.username,
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  email: Type.Optional(userFields.email),
  first_name: Type.Optional(userFields.first_name),
  last_name: Type.Optional(userFields.last_name),
  role: Type.Optional(Type.Enum(ROLES)),
  is_active: Type.Optional(Type.Boolean()),
});
export const UserPatchRequest = Type.Partial(UserCreateRequest);
