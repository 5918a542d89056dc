-- OrleansDelivery PostgreSQL schema, migration 001: the schema-version table.
-- Applied by the silo at start-up (under a transaction-scoped advisory lock) or by an operator:
--   psql -v ON_ERROR_STOP=1 -1 -f sql/001_schema_version.sql "$DATABASE_URL"
-- Every script is idempotent and records itself here, so running one twice changes nothing.
-- Tables are created in the first schema of the search_path.

CREATE TABLE IF NOT EXISTS orleans_schema_version (
    version     integer     NOT NULL PRIMARY KEY,
    description text        NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO orleans_schema_version (version, description)
VALUES (1, 'schema version table')
ON CONFLICT (version) DO NOTHING;
