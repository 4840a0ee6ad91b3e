-- Run once by the postgres image on an empty cluster (/docker-entrypoint-initdb.d), as its superuser: the roles of
-- README's "Several processes", none of them a superuser.
--   xat      owns the database and its schema: the server migrates as it (DATABASE_OWNER_URL).
--   xat_app  the privileges of requests (granted by migration 0007), held by row-level security; cannot log in.
--   xat_web  what requests log in as (DATABASE_URL): a member of xat_app that owns nothing.
\getenv owner_password XAT_DB_OWNER_PASSWORD
\getenv web_password XAT_DB_PASSWORD
CREATE ROLE xat LOGIN PASSWORD :'owner_password';
CREATE DATABASE xat OWNER xat;
CREATE ROLE xat_app NOLOGIN;
CREATE ROLE xat_web LOGIN PASSWORD :'web_password' IN ROLE xat_app;
-- Only XAT's roles may connect to its database.
REVOKE ALL ON DATABASE xat FROM PUBLIC;
GRANT CONNECT ON DATABASE xat TO xat_app;
\connect xat
-- PostgreSQL 15: the public schema belongs to the database owner; no other role may create in it.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
