-- OrleansDelivery PostgreSQL schema, migration 003: durable reminders.
-- One row per (service, grain type, grain key, reminder name); version is the reminder's ETag.

CREATE TABLE IF NOT EXISTS orleans_reminders (
    service_id    text        NOT NULL,
    grain_type    text        NOT NULL,
    grain_key     text        NOT NULL,
    reminder_name text        NOT NULL,
    start_at      timestamptz NOT NULL,
    period        interval    NOT NULL,
    version       bigint      NOT NULL CHECK (version > 0),
    CONSTRAINT orleans_reminders_pk PRIMARY KEY (service_id, grain_type, grain_key, reminder_name)
);

INSERT INTO orleans_schema_version (version, description)
VALUES (3, 'reminders')
ON CONFLICT (version) DO NOTHING;
