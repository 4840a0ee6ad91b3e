import type { Role } from '../modules/users/users.queries.ts';

/** Who a guard lets through: what the OpenAPI document declares as the operation's `security` and 401/403 answers. */
export type GuardTag =
  | { readonly kind: 'user'; readonly minRole: Role }
  | { readonly kind: 'agent' }
  | { readonly kind: 'userOrAgent'; readonly minRole: Role };

// Keyed by the hook function itself, so a route's options say who may call it without anyone repeating it.
const tags = new WeakMap<object, GuardTag>();

/** Marks a guard hook with who it admits; returns the hook unchanged. */
export function tagGuard<F extends object>(tag: GuardTag, hook: F): F {
  tags.set(hook, tag);
  return hook;
}

/** The tag of the first tagged guard among a route's hooks (a function, an array of them, or nothing). */
export function guardTagOf(...hooks: unknown[]): GuardTag | undefined {
  for (const hook of hooks.flat()) {
    if ((typeof hook === 'function' || typeof hook === 'object') && hook !== null) {
      const tag = tags.get(hook);
      if (tag) return tag;
    }
  }
  return undefined;
}
