-- OrleansDelivery PostgreSQL schema, migration 003: cluster membership for Orleans' ADO.NET clustering.
-- One version row per cluster (Orleans' deployment id): every membership change bumps it, and a change made
-- against a stale version changes nothing, which is how silos agree on who is alive.
-- One row per silo incarnation (address, port, generation). Dead incarnations are removed by the
-- CleanupDefunctSiloEntriesKey query, which Orleans runs every ClusterMembershipOptions.DefunctSiloCleanupPeriod.

CREATE TABLE IF NOT EXISTS orleans_membership_version (
    deployment_id text        NOT NULL PRIMARY KEY,
    version       integer     NOT NULL DEFAULT 0,
    changed_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS orleans_membership (
    deployment_id   text        NOT NULL REFERENCES orleans_membership_version (deployment_id) ON DELETE CASCADE,
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    status          integer     NOT NULL,
    -- Orleans' SiloStatus by name, so `SELECT silo_name, status_name FROM orleans_membership` needs no lookup.
    status_name     text        GENERATED ALWAYS AS (
                        CASE status
                            WHEN 0 THEN 'None' WHEN 1 THEN 'Created' WHEN 2 THEN 'Joining' WHEN 3 THEN 'Active'
                            WHEN 4 THEN 'ShuttingDown' WHEN 5 THEN 'Stopping' WHEN 6 THEN 'Dead'
                            ELSE 'Unknown'
                        END) STORED,
    proxy_port      integer     NULL,
    suspect_times   text        NULL,
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    CONSTRAINT orleans_membership_pk PRIMARY KEY (deployment_id, address, port, generation)
);

-- Moves the cluster's membership version on, only from the version the caller read.
CREATE OR REPLACE FUNCTION orleans_membership_bump_version(p_deployment_id text, p_expected_version integer)
RETURNS boolean
LANGUAGE sql AS $fn$
    WITH bumped AS (
        UPDATE orleans_membership_version
        SET version = version + 1, changed_at = now()
        WHERE deployment_id = p_deployment_id AND version = p_expected_version
        RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM bumped);
$fn$;

-- A new silo row and the version bump happen together or not at all: a stale version or an existing row
-- leaves both tables as they were (the exception handler rolls back the block's subtransaction).
CREATE OR REPLACE FUNCTION orleans_membership_insert(
    p_deployment_id text, p_address text, p_port integer, p_generation integer, p_silo_name text,
    p_host_name text, p_status integer, p_proxy_port integer, p_start_time timestamptz,
    p_i_am_alive_time timestamptz, p_expected_version integer)
RETURNS boolean
LANGUAGE plpgsql AS $fn$
BEGIN
    IF NOT orleans_membership_bump_version(p_deployment_id, p_expected_version) THEN
        RETURN false;
    END IF;

    INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status,
                                    proxy_port, start_time, i_am_alive_time)
    VALUES (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status,
            p_proxy_port, p_start_time, p_i_am_alive_time);
    RETURN true;
EXCEPTION WHEN unique_violation THEN
    RETURN false;
END
$fn$;

-- The same all-or-nothing rule for a change of status or suspicions.
CREATE OR REPLACE FUNCTION orleans_membership_update(
    p_deployment_id text, p_address text, p_port integer, p_generation integer, p_status integer,
    p_suspect_times text, p_i_am_alive_time timestamptz, p_expected_version integer)
RETURNS boolean
LANGUAGE plpgsql AS $fn$
BEGIN
    IF NOT orleans_membership_bump_version(p_deployment_id, p_expected_version) THEN
        RETURN false;
    END IF;

    UPDATE orleans_membership
    SET status = p_status, suspect_times = p_suspect_times, i_am_alive_time = p_i_am_alive_time
    WHERE deployment_id = p_deployment_id AND address = p_address AND port = p_port AND generation = p_generation;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'no_data_found';
    END IF;
    RETURN true;
EXCEPTION WHEN no_data_found THEN
    RETURN false;
END
$fn$;

-- Typed wrapper for the heartbeat, so a parameter Orleans sends without a type still resolves.
CREATE OR REPLACE FUNCTION orleans_membership_i_am_alive(
    p_deployment_id text, p_address text, p_port integer, p_generation integer, p_i_am_alive_time timestamptz)
RETURNS void
LANGUAGE sql AS $fn$
    UPDATE orleans_membership
    SET i_am_alive_time = p_i_am_alive_time
    WHERE deployment_id = p_deployment_id AND address = p_address AND port = p_port AND generation = p_generation;
$fn$;

-- The membership rows a reader asked for, always with the cluster's version row (a left join, so a cluster
-- without silos still reports its version).
CREATE OR REPLACE FUNCTION orleans_membership_read(
    p_deployment_id text, p_address text, p_port integer, p_generation integer)
RETURNS TABLE ("DeploymentId" text, "Address" text, "Port" integer, "Generation" integer, "SiloName" text,
               "HostName" text, "Status" integer, "ProxyPort" integer, "SuspectTimes" text,
               "StartTime" timestamptz, "IAmAliveTime" timestamptz, "Version" integer)
LANGUAGE sql STABLE AS $fn$
    SELECT v.deployment_id, m.address, m.port, m.generation, m.silo_name, m.host_name, m.status, m.proxy_port,
           m.suspect_times, m.start_time, m.i_am_alive_time, v.version
    FROM orleans_membership_version AS v
    LEFT JOIN orleans_membership AS m
        ON m.deployment_id = v.deployment_id
       AND (p_address IS NULL OR (m.address = p_address AND m.port = p_port AND m.generation = p_generation))
    WHERE v.deployment_id = p_deployment_id;
$fn$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('InsertMembershipVersionKey', $q$
    WITH created AS (
        INSERT INTO orleans_membership_version (deployment_id) VALUES (@DeploymentId)
        ON CONFLICT (deployment_id) DO NOTHING
        RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM created);
$q$),
('InsertMembershipKey', $q$
    SELECT orleans_membership_insert(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
                                     @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version);
$q$),
('UpdateMembershipKey', $q$
    SELECT orleans_membership_update(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes,
                                     @IAmAliveTime, @Version);
$q$),
('UpdateIAmAlivetimeKey', $q$
    SELECT orleans_membership_i_am_alive(@DeploymentId, @Address, @Port, @Generation, @IAmAliveTime);
$q$),
('MembershipReadRowKey', $q$
    SELECT * FROM orleans_membership_read(@DeploymentId, @Address, @Port, @Generation);
$q$),
('MembershipReadAllKey', $q$
    SELECT * FROM orleans_membership_read(@DeploymentId, NULL, NULL, NULL);
$q$),
('GatewaysQueryKey', $q$
    SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
    FROM orleans_membership
    WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0;
$q$),
('DeleteMembershipTableEntriesKey', $q$
    DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId;
$q$),
('CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM orleans_membership
    WHERE deployment_id = @DeploymentId AND i_am_alive_time < @IAmAliveTime AND status <> 3;
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;

INSERT INTO orleans_schema_version (version, description)
VALUES (3, 'clustering')
ON CONFLICT (version) DO NOTHING;
