package io.schemafleet.coordinator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.schemafleet.coordinator.publish.RequestRefused;
import io.schemafleet.coordinator.rollout.RolloutQueries;
import io.schemafleet.coordinator.rollout.RolloutRow;
import io.schemafleet.coordinator.rollout.RolloutService;
import io.schemafleet.coordinator.rollout.WaveCounts;
import io.schemafleet.protocol.event.Wave;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/** {@code /api/rollouts}: start staged rollouts, see their waves, pause, resume, abort. */
@Controller("/api/rollouts")
@ExecuteOn(TaskExecutors.BLOCKING)
public class RolloutsController {
    /** Who the events say asked, until requests carry an identity. */
    static final String REQUESTED_BY = "api";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LIST_LIMIT = 100;

    private final RolloutService service;
    private final RolloutQueries queries;

    public RolloutsController(RolloutService service, RolloutQueries queries) {
        this.service = service;
        this.queries = queries;
    }

    /**
     * The rollout started; {@code supersedesState}: the state the rollout it follows was in
     * (an active one is replaced, an ended one only followed); {@code note}: what the caller
     * should know about its waves, or null.
     */
    public record RolloutAnswer(String rolloutId, String to, String supersedes, String supersedesState, String note) {
    }

    /** A rollout and its waves' progress. */
    public record RolloutView(String rolloutId, String to, String state, String haltReason, String supersedes,
                              Instant startedAt, List<WaveView> waves) {
    }

    /**
     * One wave: its definition, state ({@code waiting}, {@code admitted}, {@code soaking},
     * {@code done}, {@code halted}) and where its tenants stand for the rollout.
     */
    public record WaveView(String name, Map<String, String> labels, Integer bucketPercent, String soak,
                           Integer maxFailures, Integer maxFailuresPercent, Integer parallelism, String state,
                           long tenants, long converged, long failed, long applying, long pending,
                           Instant admittedAt, Instant convergedAt) {
    }

    /** A state change answered. */
    public record StateAnswer(String rolloutId, String state) {
    }

    /** {@code {"to":"head","waves":[…],"supersede":false}}; see docs/rollouts.md for the wave fields. */
    @Post
    public HttpResponse<RolloutAnswer> start(@Body @Nullable String body) {
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw InvalidJsonAnswer.refusal(e, "{\"to\":\"head\"}");
        }
        if (json == null || !json.isObject()) {
            throw invalid("expected {\"to\":\"head\"}");
        }
        WaveRequests.onlyFields(json, WaveRequests.ROLLOUT_FIELDS, "the rollout");
        List<Wave> waves = WaveRequests.parse(json.get("waves"));
        RolloutService.Started started = service.start(new RolloutService.StartRequest(
                json.path("to").isTextual() ? json.get("to").asText() : null, waves,
                json.path("supersede").asBoolean(false)));
        return HttpResponse.created(new RolloutAnswer(started.rolloutId(), started.to(), started.supersedes(),
                started.previousState(), emptyWaves(waves)));
    }

    /**
     * Names the rollout's waves whose labels and bucket select none of the tenants the
     * coordinator knows: such a wave gates nothing (its soak passes with no tenant to watch), so
     * a canary wave whose label is misspelt lets the rollout through. Null when every wave selects
     * some tenant (pinned ones and those an earlier wave takes count), when there are no waves
     * (the whole fleet at once), or when no tenant has reported yet.
     */
    private String emptyWaves(List<Wave> waves) {
        if (waves.isEmpty()) {
            return null;
        }
        List<Long> selectable = queries.selectable(waves);
        long known = selectable.get(waves.size());
        List<String> empty = new ArrayList<>();
        for (int i = 0; i < waves.size(); i++) {
            if (selectable.get(i) == 0) {
                empty.add(waves.get(i).name() + " (" + selector(waves.get(i)) + ")");
            }
        }
        if (known == 0 || empty.isEmpty()) {
            return null;
        }
        return (empty.size() == 1 ? "wave " : "waves ") + String.join(", ", empty) + " select"
                + (empty.size() == 1 ? "s" : "") + " none of the " + known + " tenants the coordinator knows, and"
                + " so gate" + (empty.size() == 1 ? "s" : "") + " nothing. If a label is misspelt, abort this rollout"
                + " and start it again with the waves put right";
    }

    /** What a wave selects on, as the CLI's {@code --wave} spells it. */
    private static String selector(Wave wave) {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(wave.labels()).forEach((k, v) -> parts.add(k + "=" + v));
        if (wave.bucketPercent() != null) {
            parts.add("bucket=" + wave.bucketPercent() + "%");
        }
        return String.join(":", parts); // never empty here: a wave without a selector takes every tenant
    }

    @Get
    public List<RolloutView> list(@Nullable @QueryValue Integer limit) {
        int n = limit == null ? LIST_LIMIT : Math.max(1, Math.min(limit, LIST_LIMIT));
        List<RolloutView> out = new ArrayList<>();
        for (RolloutRow r : queries.list(n)) {
            out.add(view(r));
        }
        return out;
    }

    @Get("/{id}")
    public HttpResponse<?> one(@PathVariable String id) {
        return queries.get(id).<HttpResponse<?>>map(r -> HttpResponse.ok(view(r))).orElseGet(() -> notFound(id));
    }

    @Post("/{id}/pause")
    public HttpResponse<?> pause(@PathVariable String id) {
        return change(id, service::pause);
    }

    @Post("/{id}/resume")
    public HttpResponse<?> resume(@PathVariable String id) {
        return change(id, service::resume);
    }

    @Post("/{id}/abort")
    public HttpResponse<?> abort(@PathVariable String id) {
        return change(id, service::abort);
    }

    private HttpResponse<?> change(String id, BiFunction<String, String, RolloutRow> transition) {
        if (queries.get(id).isEmpty()) {
            return notFound(id);
        }
        transition.apply(id, REQUESTED_BY);
        return HttpResponse.ok(new StateAnswer(id, queries.get(id).map(RolloutRow::state).orElseThrow()));
    }

    private RolloutView view(RolloutRow r) {
        List<WaveCounts> counts = queries.counts(r);
        List<WaveView> waves = new ArrayList<>();
        for (int i = 0; i < r.waves().size(); i++) {
            Wave w = r.waves().get(i);
            WaveCounts c = counts.get(i);
            RolloutRow.WaveTimes t = i < r.times().size() ? r.times().get(i) : null;
            waves.add(new WaveView(w.name(), w.labels(), w.bucketPercent(), w.soak() == null ? null
                    : w.soak().toString(), w.maxFailures(), w.maxFailuresPercent(), w.parallelism(),
                    waveState(r, i), c.tenants(), c.converged(), c.failed(), c.applying(), c.pending(),
                    t == null ? null : t.admittedAt(), t == null ? null : t.convergedAt()));
        }
        return new RolloutView(r.id(), r.to(), r.state(), r.haltReason(), r.supersedes(), r.startedAt(), waves);
    }

    private static String waveState(RolloutRow r, int i) {
        if (i >= r.admitted()) {
            return "waiting";
        }
        if (r.state().equals("halted") && r.waves().get(i).name().equals(r.haltedWave())) {
            return "halted";
        }
        if (i < r.admitted() - 1 || r.state().equals("completed")) {
            return "done";
        }
        return r.convergedAt(i) == null ? "admitted" : "soaking";
    }

    private static HttpResponse<?> notFound(String id) {
        return HttpResponse.status(HttpStatus.NOT_FOUND).body(ApiError.of("NotFound", "no rollout '" + id + "'"));
    }

    private static RequestRefused invalid(String message) {
        return new RequestRefused(RequestRefused.Reason.INVALID, "InvalidRequest", message);
    }
}
