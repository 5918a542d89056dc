-- OrleansDelivery PostgreSQL schema, migration 002: grain state.
-- One row per (service, grain type, grain key, state name). version moves on every write and clear;
-- a cleared record keeps its row with payload NULL (a tombstone) so a stale writer still fails.

CREATE TABLE IF NOT EXISTS orleans_grain_state (
    service_id  text        NOT NULL,
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    state_name  text        NOT NULL,
    version     bigint      NOT NULL CHECK (version > 0),
    payload     jsonb       NULL,
    modified_at timestamptz NOT NULL,
    CONSTRAINT orleans_grain_state_pk PRIMARY KEY (service_id, grain_type, grain_key, state_name)
);

COMMENT ON TABLE orleans_grain_state IS 'Grain state records; payload NULL means cleared (version kept for optimistic concurrency).';

INSERT INTO orleans_schema_version (version, description)
VALUES (2, 'grain state')
ON CONFLICT (version) DO NOTHING;
