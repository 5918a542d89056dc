-- OrleansDelivery PostgreSQL schema, migration 004: grain state for Orleans' ADO.NET grain storage.
-- One row per (service, grain type, grain key, state name), the payload as JSON an operator can read:
--   SELECT grain_key, payload->>'Status' FROM orleans_grain_state WHERE grain_type = 'order';
-- The grain type is part of the key because OrleansDelivery.Postgres hands the provider
-- "grain-type/state-name/grain-key" where Orleans would pass only the state name; without it, two grain types with
-- the same key and state name would share a row. version is the optimistic-concurrency ETag: a write or clear
-- based on an older version changes nothing and Orleans raises InconsistentStateException. A cleared state keeps
-- its row with payload NULL, so a stale writer still fails.

CREATE TABLE IF NOT EXISTS orleans_grain_state (
    service_id  text        NOT NULL,
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    state_name  text        NOT NULL,
    version     integer     NOT NULL CHECK (version > 0),
    -- json, not jsonb: the serializer gets back exactly the text it wrote (jsonb would reorder properties).
    payload     json        NULL,
    modified_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orleans_grain_state_pk PRIMARY KEY (service_id, grain_type, grain_key, state_name)
);

COMMENT ON TABLE orleans_grain_state IS 'Grain state as JSON; payload NULL means cleared (the version is kept for optimistic concurrency).';

-- The provider's GrainTypeString parameter carries "grain-type/state-name/grain-key" (see GrainTypeScopedStorage),
-- where grain-key is the key exactly as Orleans prints it in a grain id (a Guid key as 32 hex digits, an integer key
-- in hex, "+extension" for compound keys). The provider's own key parameters are not used: it parses string keys
-- that look like Guids or numbers into those forms, so "0123" and "123" would share a row.
CREATE OR REPLACE FUNCTION orleans_grain_type_of(p_reference text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT split_part(p_reference, '/', 1);
$fn$;

CREATE OR REPLACE FUNCTION orleans_state_name_of(p_reference text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT split_part(p_reference, '/', 2);
$fn$;

CREATE OR REPLACE FUNCTION orleans_grain_key_of(p_reference text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT substr(p_reference, length(split_part(p_reference, '/', 1)) + length(split_part(p_reference, '/', 2)) + 3);
$fn$;

CREATE OR REPLACE FUNCTION orleans_grain_state_read(
    p_service_id text, p_reference text)
RETURNS TABLE ("PayloadBinary" bytea, "Version" integer)
LANGUAGE sql STABLE AS $fn$
    SELECT convert_to(payload::text, 'UTF8'), version
    FROM orleans_grain_state
    WHERE (service_id, grain_type, grain_key, state_name)
        = (p_service_id, orleans_grain_type_of(p_reference), orleans_grain_key_of(p_reference), orleans_state_name_of(p_reference));
$fn$;

-- A first write (no version read) inserts version 1 unless a row exists; a later write moves the version it
-- read on by one. Either returns the new version, or nothing when another writer got there first.
CREATE OR REPLACE FUNCTION orleans_grain_state_write(
    p_service_id text, p_reference text,
    p_expected_version integer, p_payload bytea)
RETURNS TABLE ("NewGrainStateVersion" integer)
LANGUAGE plpgsql AS $fn$
BEGIN
    IF p_reference !~ '^[^/]+/[^/]+/.' THEN
        RAISE EXCEPTION 'Grain state reference "%" is not "grain-type/state-name/grain-key"', p_reference
            USING HINT = 'Register the storage with OrleansDelivery.Postgres AddPostgresGrainStorage, which passes the grain type and key.';
    END IF;

    IF p_expected_version IS NULL THEN
        RETURN QUERY
        INSERT INTO orleans_grain_state AS s (service_id, grain_type, grain_key, state_name, version, payload)
        VALUES (p_service_id, orleans_grain_type_of(p_reference), orleans_grain_key_of(p_reference),
                orleans_state_name_of(p_reference), 1, convert_from(p_payload, 'UTF8')::json)
        ON CONFLICT ON CONSTRAINT orleans_grain_state_pk DO NOTHING
        RETURNING s.version;
    ELSE
        RETURN QUERY
        UPDATE orleans_grain_state AS s
        SET version = s.version + 1, payload = convert_from(p_payload, 'UTF8')::json, modified_at = now()
        WHERE (s.service_id, s.grain_type, s.grain_key, s.state_name, s.version)
            = (p_service_id, orleans_grain_type_of(p_reference), orleans_grain_key_of(p_reference),
               orleans_state_name_of(p_reference), p_expected_version)
        RETURNING s.version;
    END IF;
END
$fn$;

CREATE OR REPLACE FUNCTION orleans_grain_state_clear(
    p_service_id text, p_reference text,
    p_expected_version integer, p_delete boolean)
RETURNS TABLE ("NewGrainStateVersion" integer)
LANGUAGE plpgsql AS $fn$
BEGIN
    IF p_delete THEN
        RETURN QUERY
        DELETE FROM orleans_grain_state AS s
        WHERE (s.service_id, s.grain_type, s.grain_key, s.state_name, s.version)
            = (p_service_id, orleans_grain_type_of(p_reference), orleans_grain_key_of(p_reference),
               orleans_state_name_of(p_reference), p_expected_version)
        RETURNING s.version + 1;
    ELSE
        RETURN QUERY
        UPDATE orleans_grain_state AS s
        SET version = s.version + 1, payload = NULL, modified_at = now()
        WHERE (s.service_id, s.grain_type, s.grain_key, s.state_name, s.version)
            = (p_service_id, orleans_grain_type_of(p_reference), orleans_grain_key_of(p_reference),
               orleans_state_name_of(p_reference), p_expected_version)
        RETURNING s.version;
    END IF;
END
$fn$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', $q$
    SELECT * FROM orleans_grain_state_read(@ServiceId, @GrainTypeString);
$q$),
('WriteToStorageKey', $q$
    SELECT * FROM orleans_grain_state_write(@ServiceId, @GrainTypeString,
                                            @GrainStateVersion, @PayloadBinary);
$q$),
('ClearStorageKey', $q$
    SELECT * FROM orleans_grain_state_clear(@ServiceId, @GrainTypeString,
                                            @GrainStateVersion, false);
$q$),
('DeleteStorageKey', $q$
    SELECT * FROM orleans_grain_state_clear(@ServiceId, @GrainTypeString,
                                            @GrainStateVersion, true);
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;

INSERT INTO orleans_schema_version (version, description)
VALUES (4, 'grain state')
ON CONFLICT (version) DO NOTHING;
