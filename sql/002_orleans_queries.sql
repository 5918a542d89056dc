-- OrleansDelivery PostgreSQL schema, migration 002: the table Orleans' ADO.NET providers read their SQL from.
-- Each provider runs `SELECT QueryKey, QueryText FROM OrleansQuery` when its silo starts and then issues only
-- those statements, with @Named parameters. Unquoted names fold to lower case, so this table is orleansquery.
-- The later migrations fill it: one row per query key of the clustering, grain-state and reminder providers.

CREATE TABLE IF NOT EXISTS orleansquery (
    querykey  text NOT NULL PRIMARY KEY,
    querytext text NOT NULL
);

COMMENT ON TABLE orleansquery IS
    'SQL issued by the Orleans ADO.NET providers, by query key. Written by the sql/ migrations; edit a script, not a row.';

INSERT INTO orleans_schema_version (version, description)
VALUES (2, 'orleans queries')
ON CONFLICT (version) DO NOTHING;
