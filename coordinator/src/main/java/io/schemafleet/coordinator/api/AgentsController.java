package io.schemafleet.coordinator.api;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.schemafleet.coordinator.store.AgentRepository;
import io.schemafleet.coordinator.store.AgentRow;

import java.util.List;

/** {@code GET /api/agents}: every agent by its newest heartbeat. */
@Controller("/api/agents")
@ExecuteOn(TaskExecutors.BLOCKING)
public class AgentsController {
    private final AgentRepository agents;

    public AgentsController(AgentRepository agents) {
        this.agents = agents;
    }

    /** The agents, ordered by id. */
    public record AgentList(List<AgentRow> agents) {
    }

    @Get
    public AgentList list() {
        return new AgentList(agents.listOrderById());
    }
}
