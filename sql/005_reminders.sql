-- OrleansDelivery PostgreSQL schema, migration 005: durable reminders for Orleans' ADO.NET reminder table.
-- One row per (service, grain, reminder name). grain_hash is the grain's uniform hash (as a signed integer):
-- each silo reads the reminders of its own hash range. version is the reminder's ETag. The period is kept as
-- an interval an operator can read and handed to Orleans in milliseconds.

CREATE TABLE IF NOT EXISTS orleans_reminders (
    service_id    text        NOT NULL,
    grain_id      text        NOT NULL,
    reminder_name text        NOT NULL,
    start_time    timestamptz NOT NULL,
    period        interval    NOT NULL,
    grain_hash    integer     NOT NULL,
    version       integer     NOT NULL,
    CONSTRAINT orleans_reminders_pk PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX IF NOT EXISTS orleans_reminders_hash_ix ON orleans_reminders (service_id, grain_hash);

CREATE OR REPLACE FUNCTION orleans_reminder_upsert(
    p_service_id text, p_grain_id text, p_reminder_name text, p_start_time timestamptz, p_period_ms bigint,
    p_grain_hash integer)
RETURNS TABLE ("Version" integer)
LANGUAGE sql AS $fn$
    INSERT INTO orleans_reminders AS r (service_id, grain_id, reminder_name, start_time, period, grain_hash, version)
    VALUES (p_service_id, p_grain_id, p_reminder_name, p_start_time, p_period_ms * interval '1 millisecond', p_grain_hash, 1)
    ON CONFLICT ON CONSTRAINT orleans_reminders_pk DO UPDATE
        SET start_time = EXCLUDED.start_time, period = EXCLUDED.period, grain_hash = EXCLUDED.grain_hash,
            version = r.version + 1
    RETURNING r.version;
$fn$;

-- Every reminder query returns the same columns, in the shape Orleans reads.
CREATE OR REPLACE VIEW orleans_reminder_rows AS
    SELECT service_id, grain_hash,
           grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
           (extract(epoch FROM period) * 1000)::bigint AS "Period", version AS "Version"
    FROM orleans_reminders;

INSERT INTO orleansquery (querykey, querytext) VALUES
('UpsertReminderRowKey', $q$
    SELECT * FROM orleans_reminder_upsert(@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash);
$q$),
('ReadReminderRowsKey', $q$
    SELECT "GrainId", "ReminderName", "StartTime", "Period", "Version" FROM orleans_reminder_rows
    WHERE service_id = @ServiceId AND "GrainId" = @GrainId;
$q$),
('ReadReminderRowKey', $q$
    SELECT "GrainId", "ReminderName", "StartTime", "Period", "Version" FROM orleans_reminder_rows
    WHERE service_id = @ServiceId AND "GrainId" = @GrainId AND "ReminderName" = @ReminderName;
$q$),
('ReadRangeRows1Key', $q$
    SELECT "GrainId", "ReminderName", "StartTime", "Period", "Version" FROM orleans_reminder_rows
    WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash;
$q$),
('ReadRangeRows2Key', $q$
    SELECT "GrainId", "ReminderName", "StartTime", "Period", "Version" FROM orleans_reminder_rows
    WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash);
$q$),
('DeleteReminderRowKey', $q$
    WITH deleted AS (
        DELETE FROM orleans_reminders
        WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName AND version = @Version
        RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM deleted);
$q$),
('DeleteReminderRowsKey', $q$
    DELETE FROM orleans_reminders WHERE service_id = @ServiceId;
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;

INSERT INTO orleans_schema_version (version, description)
VALUES (5, 'reminders')
ON CONFLICT (version) DO NOTHING;
