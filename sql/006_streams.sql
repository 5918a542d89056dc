-- OrleansDelivery PostgreSQL schema, migration 006: durable Orleans streams (OrleansDelivery.Postgres/Streaming).
-- A stream provider spreads its streams over a fixed number of queues (Orleans' hash ring decides which stream goes
-- to which queue); each queue is an append-only log read by the one silo Orleans gives it to.
--
--   orleans_stream_queues       one row per queue: the newest sequence appended. Appending bumps it and inserts
--                               the message in one statement, so the row lock orders concurrent producers: sequences
--                               have no gaps and commit in order, and a reader never sees n + 1 before n.
--   orleans_stream_messages     the log: one row per batch a producer sent (usually one event), payload in Orleans'
--                               binary serialization; the other columns say what and when for an operator.
--   orleans_stream_checkpoints  per queue, the newest sequence every subscriber has been given. The silo that takes
--                               a queue over (after a crash or a rebalance) reads on from here; retention never
--                               deletes past it.
--
-- An append also sends NOTIFY on a channel of the service and provider (payload: the queue number), so a reader
-- queries only when it has something to read.

CREATE TABLE IF NOT EXISTS orleans_stream_queues (
    service_id    text    NOT NULL,
    provider_name text    NOT NULL,
    queue_id      integer NOT NULL CHECK (queue_id >= 0),
    last_sequence bigint  NOT NULL CHECK (last_sequence > 0),
    CONSTRAINT orleans_stream_queues_pk PRIMARY KEY (service_id, provider_name, queue_id)
);

CREATE TABLE IF NOT EXISTS orleans_stream_messages (
    service_id       text        NOT NULL,
    provider_name    text        NOT NULL,
    queue_id         integer     NOT NULL,
    sequence         bigint      NOT NULL CHECK (sequence > 0),
    stream_namespace text        NOT NULL,
    stream_key       text        NOT NULL,
    event_count      integer     NOT NULL CHECK (event_count > 0),
    appended_at      timestamptz NOT NULL,
    payload          bytea       NOT NULL,
    CONSTRAINT orleans_stream_messages_pk PRIMARY KEY (service_id, provider_name, queue_id, sequence)
);

-- A rewind reads one stream's messages of one queue from a sequence on.
CREATE INDEX IF NOT EXISTS orleans_stream_messages_stream_ix
    ON orleans_stream_messages (service_id, provider_name, queue_id, stream_namespace, stream_key, sequence);

-- Retention deletes by age.
CREATE INDEX IF NOT EXISTS orleans_stream_messages_appended_at_ix
    ON orleans_stream_messages (service_id, provider_name, appended_at);

CREATE TABLE IF NOT EXISTS orleans_stream_checkpoints (
    service_id      text        NOT NULL,
    provider_name   text        NOT NULL,
    queue_id        integer     NOT NULL,
    sequence        bigint      NOT NULL CHECK (sequence >= 0),
    checkpointed_at timestamptz NOT NULL,
    CONSTRAINT orleans_stream_checkpoints_pk PRIMARY KEY (service_id, provider_name, queue_id)
);

INSERT INTO orleans_schema_version (version, description)
VALUES (6, 'streams')
ON CONFLICT (version) DO NOTHING;
