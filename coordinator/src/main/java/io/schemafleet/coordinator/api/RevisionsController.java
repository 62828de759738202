package io.schemafleet.coordinator.api;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.schemafleet.coordinator.app.CoordinatorConfig;
import io.schemafleet.coordinator.publish.EventWriter;
import io.schemafleet.coordinator.publish.PublishResult;
import io.schemafleet.coordinator.publish.RequestRefused;
import io.schemafleet.coordinator.store.PublishedGraph;
import io.schemafleet.coordinator.store.RevisionRow;
import io.schemafleet.protocol.revision.Revision;
import io.schemafleet.protocol.graph.RevisionGraph;
import io.schemafleet.protocol.revision.RevisionDirectory;
import io.schemafleet.protocol.revision.RevisionFile;
import io.schemafleet.protocol.revision.RevisionFileException;

import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code /api/revisions}: publish revision files; list what is published. */
@Controller("/api/revisions")
@ExecuteOn(TaskExecutors.BLOCKING)
public class RevisionsController {
    private final EventWriter writer;
    private final PublishedGraph published;
    private final int maxBytes;

    public RevisionsController(EventWriter writer, PublishedGraph published, CoordinatorConfig config) {
        this.writer = writer;
        this.published = published;
        this.maxBytes = config.getMaxRevisionBytes();
    }

    /** A revision file as uploaded: its name (for messages and load order) and its text. */
    @Introspected
    public record FileUpload(@Nullable String name, @Nullable String content) {
    }

    /** {@code {"files":[{"name":"x.sql","content":"…"}…]}}. */
    @Introspected
    public record PublishRequest(@Nullable List<FileUpload> files) {
    }

    /** A published revision, without its SQL. */
    public record RevisionSummary(long seq, String revision, List<String> downRevisions, List<String> branchLabels,
                                  List<String> dependsOn, String message, boolean transactional, String checksum,
                                  Instant publishedAt) {
        static RevisionSummary of(RevisionRow row) {
            Revision r = row.revision();
            return new RevisionSummary(row.seq(), r.id(), r.downRevisions(), r.branchLabels(), r.dependsOn(),
                    r.message(), r.transactional(), row.checksum(), row.publishedAt());
        }
    }

    /** Every published revision in publication order, and the graph's heads. */
    public record RevisionList(List<RevisionSummary> revisions, List<String> heads) {
    }

    @Post
    public HttpResponse<PublishResult> publish(@Body PublishRequest request) {
        if (request == null || request.files() == null || request.files().isEmpty()) {
            throw new RequestRefused(RequestRefused.Reason.INVALID, "InvalidRequest",
                    "expected {\"files\":[{\"name\":\"<id>_<slug>.sql\",\"content\":\"…\"}…]} with at least one file");
        }
        refuseTooLarge(request.files());
        List<RevisionFile> files = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < request.files().size(); i++) {
            FileUpload upload = request.files().get(i);
            if (upload == null || upload.name() == null || upload.name().isBlank() || upload.content() == null) {
                problems.add("files[" + i + "]: needs a name and a content");
                continue;
            }
            try {
                RevisionFile file = RevisionFile.parse(Path.of(upload.name()), upload.content());
                // The rule `schemafleet check` applies to a directory's files: a plain <id>_<slug>.sql.
                RevisionDirectory.checkFileName(upload.name(), file).ifPresentOrElse(
                        e -> problems.add(e.getMessage()), () -> files.add(file));
            } catch (RevisionFileException e) {
                problems.add(e.getMessage());
            } catch (InvalidPathException e) {
                problems.add("files[" + i + "]: not a usable file name: " + e.getMessage());
            }
        }
        // A revision published already is sent again with every publish of its directory, and cannot change.
        RevisionGraph graph = published.graph();
        files.stream().filter(f -> graph.revision(f.revision().id()).isEmpty())
                .flatMap(f -> f.unrunnableStatements().stream()).forEach(e -> problems.add(e.getMessage()));
        if (!problems.isEmpty()) {
            throw new RequestRefused(RequestRefused.Reason.INVALID, "RevisionFileError", String.join("\n", problems));
        }
        PublishResult result = writer.publish(files);
        return HttpResponse.status(result.published().isEmpty() ? HttpStatus.OK : HttpStatus.CREATED).body(result);
    }

    /** 413 naming every file whose content is over {@code schemafleet.max-revision-bytes}. */
    private void refuseTooLarge(List<FileUpload> uploads) {
        List<String> tooLarge = new ArrayList<>();
        for (int i = 0; i < uploads.size(); i++) {
            FileUpload upload = uploads.get(i);
            if (upload == null || upload.content() == null) {
                continue;
            }
            int bytes = upload.content().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > maxBytes) {
                String name = upload.name() == null || upload.name().isBlank() ? "files[" + i + "]" : upload.name();
                tooLarge.add(name + ": " + bytes + " bytes, more than the " + maxBytes
                        + " a revision file may have (schemafleet.max-revision-bytes): split it into several revisions");
            }
        }
        if (!tooLarge.isEmpty()) {
            throw new RequestRefused(RequestRefused.Reason.TOO_LARGE, "RevisionTooLarge", String.join("\n", tooLarge));
        }
    }

    @Get
    public RevisionList list() {
        List<RevisionRow> rows = published.rows();
        return new RevisionList(rows.stream().map(RevisionSummary::of).toList(), published.graph().heads());
    }
}
