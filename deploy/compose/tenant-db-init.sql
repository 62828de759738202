-- Tenants for deploy/compose.yaml, created once when the tenant-db volume is new
-- (PostgreSQL's /docker-entrypoint-initdb.d, run with psql in database "app").
-- agent-tenants discovers the schemas (SCHEMAFLEET_SCHEMAS=tenant_%), agent-shops the
-- databases (SCHEMAFLEET_DATABASES=shop_%); both keep discovering, so a schema or
-- database created later with a matching name is picked up on the next resync.
DO $$
BEGIN
    FOR i IN 1..20 LOOP
        EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', 'tenant_' || lpad(i::text, 3, '0'));
    END LOOP;
END
$$;

CREATE DATABASE shop_eu;
CREATE DATABASE shop_us;
