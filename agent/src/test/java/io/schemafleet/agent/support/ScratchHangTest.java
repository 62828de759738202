package io.schemafleet.agent.support;

import org.junit.jupiter.api.Test;

class ScratchHangTest {
    @Test
    void hang() throws Exception {
        TestPostgres.server();
        Thread.sleep(120_000);
    }
}
