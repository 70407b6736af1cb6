-- The shared store's catalog: one database and one login role for the dashboard. Run as the postgres
-- superuser on the organisation's PostgreSQL 15 or later:
--   psql -v password="'...'" -f deploy/postgres-setup.sql
-- The dashboard creates DuckLake's catalog tables itself on first start (python -m loaders ensure).
CREATE ROLE pbip LOGIN PASSWORD :password;
CREATE DATABASE pbip OWNER pbip;
\connect pbip
ALTER SCHEMA public OWNER TO pbip;
-- Every server and the command line connect: allow ~10 connections per server (DuckDB's pool, the
-- write lock) in max_connections, and the servers' addresses in pg_hba.conf, e.g.
--   hostssl pbip pbip 10.0.0.0/24 scram-sha-256
