-- OrleansDelivery PostgreSQL schema, migration 004: durable streams.
-- orleans_streams holds one counter row per stream: an append bumps last_sequence and inserts the event in
-- the same transaction, so sequences have no gaps and the newest sequence survives retention.
-- orleans_stream_events is the append-only log; retention deletes its oldest rows.

CREATE TABLE IF NOT EXISTS orleans_streams (
    service_id       text   NOT NULL,
    provider_name    text   NOT NULL,
    stream_namespace text   NOT NULL,
    stream_key       text   NOT NULL,
    last_sequence    bigint NOT NULL CHECK (last_sequence > 0),
    CONSTRAINT orleans_streams_pk PRIMARY KEY (service_id, provider_name, stream_namespace, stream_key)
);

CREATE TABLE IF NOT EXISTS orleans_stream_events (
    service_id       text        NOT NULL,
    provider_name    text        NOT NULL,
    stream_namespace text        NOT NULL,
    stream_key       text        NOT NULL,
    sequence         bigint      NOT NULL CHECK (sequence > 0),
    created_at       timestamptz NOT NULL,
    payload          jsonb       NOT NULL,
    CONSTRAINT orleans_stream_events_pk PRIMARY KEY (service_id, provider_name, stream_namespace, stream_key, sequence)
);

-- Age-based retention deletes by time across all streams of a provider.
CREATE INDEX IF NOT EXISTS orleans_stream_events_created_at_ix
    ON orleans_stream_events (service_id, provider_name, created_at);

INSERT INTO orleans_schema_version (version, description)
VALUES (4, 'streams')
ON CONFLICT (version) DO NOTHING;
