package io.schemafleet.agent.tenant;

/** What a tenant is: a schema inside a database, or a whole database. */
public enum TenantKind {
    SCHEMA("schema"),
    DATABASE("database");

    private final String code;

    TenantKind(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
