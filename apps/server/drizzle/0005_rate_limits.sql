-- Failed-attempt counters (sign-in, password change, registration) shared by every server process when no REDIS_URL is
-- set, written by rate-limiter-flexible's RateLimiterDrizzle (http/limit-store.ts). Keys carry the limit's name and
-- the tenant id. UNLOGGED: a crash of PostgreSQL resets the counters, which is harmless, and the writes stay cheap.
-- Hand-written and kept out of schema.ts so drizzle-kit never generates it a second time.
CREATE UNLOGGED TABLE IF NOT EXISTS "rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"points" integer DEFAULT 0 NOT NULL,
	"expire" timestamp with time zone
);
