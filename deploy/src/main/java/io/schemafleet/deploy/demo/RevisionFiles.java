package io.schemafleet.deploy.demo;

import io.schemafleet.coordinator.client.FleetClient;
import io.schemafleet.protocol.SchemafleetException;
import io.schemafleet.protocol.revision.RevisionDirectory;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedMap;

/**
 * The revision files the demo publishes: a directory's {@code *.sql} files, or the
 * example set ({@code deploy/examples/versions}) bundled in the jar. Name to content,
 * in file-name order, as {@code POST /api/revisions} takes them.
 */
final class RevisionFiles {
    static final String BUNDLED = "/io/schemafleet/deploy/demo/versions";

    private RevisionFiles() {
    }

    static SortedMap<String, String> bundled() {
        URL url = RevisionFiles.class.getResource(BUNDLED);
        if (url == null) {
            throw new SchemafleetException("the example revisions are missing from the distribution (" + BUNDLED + ")");
        }
        try {
            URI uri = url.toURI();
            if (!"jar".equals(uri.getScheme())) {
                return fromDirectory(Path.of(uri));
            }
            try {
                return fromDirectory(FileSystems.getFileSystem(uri).provider().getPath(uri));
            } catch (FileSystemNotFoundException notOpen) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    return fromDirectory(jar.provider().getPath(uri));
                }
            }
        } catch (URISyntaxException | IOException e) {
            throw new SchemafleetException("cannot read the bundled example revisions: " + e.getMessage(), e);
        }
    }

    /** A valid revisions directory's files (see {@link FleetClient#files}). */
    static SortedMap<String, String> fromDirectory(Path dir) {
        return FleetClient.files(RevisionDirectory.loadValid(dir));
    }
}
