import type { User } from '@xat/contracts';
import { api } from './client.ts';
import type { Page } from './types.ts';
import { invalidate, useMutation, useQuery } from './use-query.ts';

export interface UserInput {
  username: string;
  password: string;
  email?: string;
  role: User['role'];
}

/** `GET /api/v1/users/` (admins). */
export function useUsers() {
  return useQuery('users', (signal) => api<Page<User>>('/api/v1/users/?page_size=100', { signal }));
}

/** `POST /api/v1/users/`. */
export function useCreateUser() {
  return useMutation(async (body: UserInput) => {
    const user = await api<User>('/api/v1/users/', { method: 'POST', body });
    invalidate('users');
    return user;
  });
}

/** `PATCH /api/v1/users/<id>/` (role, active). */
export function useUpdateUser() {
  return useMutation(async (id: string, body: Partial<Pick<User, 'role' | 'is_active'>>) => {
    const user = await api<User>(`/api/v1/users/${id}/`, { method: 'PATCH', body });
    invalidate('users');
    return user;
  });
}

/** `DELETE /api/v1/users/<id>/`. */
export function useDeleteUser() {
  return useMutation(async (id: string) => {
    await api<void>(`/api/v1/users/${id}/`, { method: 'DELETE' });
    invalidate('users');
    return true;
  });
}
