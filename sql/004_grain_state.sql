-- OrleansDelivery PostgreSQL schema, migration 004: grain state for Orleans' ADO.NET grain storage.
-- One row per (service, grain type, grain key, state name), the payload as JSON an operator can read:
--   SELECT grain_key, payload->>'status' FROM orleans_grain_state WHERE grain_type = 'order';
-- The grain type is part of the key because OrleansDelivery.Postgres hands the provider "grain-type/state-name"
-- where Orleans would pass only the state name; without it, two grain types with the same key and state name
-- would share a row. version is the optimistic-concurrency ETag: a write or clear based on an older version
-- changes nothing and Orleans raises InconsistentStateException. A cleared state keeps its row with payload
-- NULL, so a stale writer still fails.

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

-- The grain key as people write it, from the parts the provider sends: a string key as it is, an integer key
-- in decimal, a Guid key in its usual 8-4-4-4-12 form (the provider sends it as the two little-endian halves of
-- Guid.ToByteArray), each followed by "+extension" when the key has one.
CREATE OR REPLACE FUNCTION orleans_grain_key(p_n0 bigint, p_n1 bigint, p_extension text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT CASE
        WHEN p_n0 = 0 AND p_n1 = 0 AND p_extension IS NOT NULL THEN p_extension
        WHEN p_n0 = 0 THEN p_n1::text || coalesce('+' || p_extension, '')
        ELSE substr(h0, 9, 8) || '-' || substr(h0, 5, 4) || '-' || substr(h0, 1, 4) || '-'
             || substr(h1, 15, 2) || substr(h1, 13, 2) || '-'
             || substr(h1, 11, 2) || substr(h1, 9, 2) || substr(h1, 7, 2) || substr(h1, 5, 2)
             || substr(h1, 3, 2) || substr(h1, 1, 2)
             || coalesce('+' || p_extension, '')
    END
    FROM (SELECT lpad(to_hex(p_n0), 16, '0') AS h0, lpad(to_hex(p_n1), 16, '0') AS h1) AS hex;
$fn$;

-- "order/state" -> ("order", "state"). A name without a slash (the provider used without our wiring) is a
-- state name of no particular grain type.
CREATE OR REPLACE FUNCTION orleans_grain_type_of(p_type_and_state text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT CASE WHEN strpos(p_type_and_state, '/') > 0 THEN split_part(p_type_and_state, '/', 1) ELSE '' END;
$fn$;

CREATE OR REPLACE FUNCTION orleans_state_name_of(p_type_and_state text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT substr(p_type_and_state, strpos(p_type_and_state, '/') + 1);
$fn$;

CREATE OR REPLACE FUNCTION orleans_grain_state_read(
    p_service_id text, p_type_and_state text, p_n0 bigint, p_n1 bigint, p_extension text)
RETURNS TABLE ("PayloadBinary" bytea, "Version" integer)
LANGUAGE sql STABLE AS $fn$
    SELECT convert_to(payload::text, 'UTF8'), version
    FROM orleans_grain_state
    WHERE service_id = p_service_id
      AND grain_type = orleans_grain_type_of(p_type_and_state)
      AND grain_key = orleans_grain_key(p_n0, p_n1, p_extension)
      AND state_name = orleans_state_name_of(p_type_and_state);
$fn$;

-- A first write (no version read) inserts version 1 unless a row exists; a later write moves the version it
-- read on by one. Either returns the new version, or nothing when another writer got there first.
CREATE OR REPLACE FUNCTION orleans_grain_state_write(
    p_service_id text, p_type_and_state text, p_n0 bigint, p_n1 bigint, p_extension text,
    p_expected_version integer, p_payload bytea)
RETURNS TABLE ("NewGrainStateVersion" integer)
LANGUAGE plpgsql AS $fn$
BEGIN
    IF p_expected_version IS NULL THEN
        RETURN QUERY
        INSERT INTO orleans_grain_state AS s (service_id, grain_type, grain_key, state_name, version, payload)
        VALUES (p_service_id, orleans_grain_type_of(p_type_and_state), orleans_grain_key(p_n0, p_n1, p_extension),
                orleans_state_name_of(p_type_and_state), 1, convert_from(p_payload, 'UTF8')::json)
        ON CONFLICT ON CONSTRAINT orleans_grain_state_pk DO NOTHING
        RETURNING s.version;
    ELSE
        RETURN QUERY
        UPDATE orleans_grain_state AS s
        SET version = s.version + 1, payload = convert_from(p_payload, 'UTF8')::json, modified_at = now()
        WHERE s.service_id = p_service_id
          AND s.grain_type = orleans_grain_type_of(p_type_and_state)
          AND s.grain_key = orleans_grain_key(p_n0, p_n1, p_extension)
          AND s.state_name = orleans_state_name_of(p_type_and_state)
          AND s.version = p_expected_version
        RETURNING s.version;
    END IF;
END
$fn$;

CREATE OR REPLACE FUNCTION orleans_grain_state_clear(
    p_service_id text, p_type_and_state text, p_n0 bigint, p_n1 bigint, p_extension text,
    p_expected_version integer, p_delete boolean)
RETURNS TABLE ("NewGrainStateVersion" integer)
LANGUAGE plpgsql AS $fn$
BEGIN
    IF p_delete THEN
        RETURN QUERY
        DELETE FROM orleans_grain_state AS s
        WHERE s.service_id = p_service_id
          AND s.grain_type = orleans_grain_type_of(p_type_and_state)
          AND s.grain_key = orleans_grain_key(p_n0, p_n1, p_extension)
          AND s.state_name = orleans_state_name_of(p_type_and_state)
          AND s.version = p_expected_version
        RETURNING s.version + 1;
    ELSE
        RETURN QUERY
        UPDATE orleans_grain_state AS s
        SET version = s.version + 1, payload = NULL, modified_at = now()
        WHERE s.service_id = p_service_id
          AND s.grain_type = orleans_grain_type_of(p_type_and_state)
          AND s.grain_key = orleans_grain_key(p_n0, p_n1, p_extension)
          AND s.state_name = orleans_state_name_of(p_type_and_state)
          AND s.version = p_expected_version
        RETURNING s.version;
    END IF;
END
$fn$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', $q$
    SELECT * FROM orleans_grain_state_read(@ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString);
$q$),
('WriteToStorageKey', $q$
    SELECT * FROM orleans_grain_state_write(@ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
                                            @GrainStateVersion, @PayloadBinary);
$q$),
('ClearStorageKey', $q$
    SELECT * FROM orleans_grain_state_clear(@ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
                                            @GrainStateVersion, false);
$q$),
('DeleteStorageKey', $q$
    SELECT * FROM orleans_grain_state_clear(@ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
                                            @GrainStateVersion, true);
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;

INSERT INTO orleans_schema_version (version, description)
VALUES (4, 'grain state')
ON CONFLICT (version) DO NOTHING;
