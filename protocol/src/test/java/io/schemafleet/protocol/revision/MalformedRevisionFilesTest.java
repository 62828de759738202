package io.schemafleet.protocol.revision;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The malformed-file corpus in {@code src/test/resources/malformed/}: one file per way
 * a revision file can be wrong, and {@code expectations.txt} saying where and how each
 * must fail (a sidecar, because a note inside the file would change its parse).
 */
class MalformedRevisionFilesTest {

    record Expectation(String file, int line, String reasonFragment) {
        @Override
        public String toString() {
            return file;
        }
    }

    static Path corpus() throws URISyntaxException {
        return Path.of(MalformedRevisionFilesTest.class.getResource("/malformed").toURI());
    }

    static List<Expectation> expectations() throws IOException, URISyntaxException {
        return Files.readAllLines(corpus().resolve("expectations.txt")).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> {
                    String[] parts = line.split(" \\| ", 3);
                    return new Expectation(parts[0], Integer.parseInt(parts[1]), parts[2]);
                })
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expectations")
    void failsAtTheExpectedLineWithTheExpectedReason(Expectation expected) throws Exception {
        // given
        Path file = corpus().resolve(expected.file());

        // when
        RevisionFileException error = catchThrowableOfType(RevisionFileException.class,
                () -> RevisionFile.read(file));

        // then
        assertThat(error).as("%s must not parse", expected.file()).isNotNull();
        assertThat(error.file()).isEqualTo(file);
        assertThat(error.line()).isEqualTo(expected.line());
        assertThat(error.reason()).contains(expected.reasonFragment());
        assertThat(error.getMessage()).isEqualTo(file + ":" + expected.line() + ": " + error.reason());
        assertThat(error.getCause()).isNull();
    }

    @Test
    void everyCorpusFileHasExactlyOneExpectation() throws Exception {
        List<String> sqlFiles;
        try (Stream<Path> files = Files.list(corpus())) {
            sqlFiles = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted().toList();
        }

        assertThat(expectations().stream().map(Expectation::file).toList())
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(sqlFiles);
    }

    @Test
    void loadingTheCorpusReportsEveryFileInNameOrder() throws Exception {
        // when
        RevisionDirectory directory = RevisionDirectory.load(corpus());

        // then
        List<Expectation> expected = expectations().stream()
                .sorted(Comparator.comparing(Expectation::file))
                .toList();
        assertThat(directory.files()).isEmpty();
        assertThat(directory.isValid()).isFalse();
        assertThat(directory.problems())
                .extracting(p -> p.file().getFileName().toString(), RevisionFileException::line)
                .containsExactlyElementsOf(expected.stream()
                        .map(e -> tuple(e.file(), e.line()))
                        .toList());
    }
}
