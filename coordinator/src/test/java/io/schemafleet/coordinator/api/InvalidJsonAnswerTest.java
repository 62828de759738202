package io.schemafleet.coordinator.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.json.JsonSyntaxException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The message of a 400 for a body that is not JSON: Jackson's words, without Jackson's internals. */
class InvalidJsonAnswerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aStrayCharacterIsNamedWithItsLineAndColumn() {
        // when
        String message = InvalidJsonAnswer.message(parseError("{x"));

        // then
        assertThat(message).isEqualTo("request body is not valid JSON: Unexpected character ('x' (code 120)):"
                + " was expecting double-quote to start field name at line 1, column 2");
    }

    @Test
    void aLocationInsideJacksonsMessageIsWrittenPlainly() {
        String message = InvalidJsonAnswer.message(parseError("{\"files\": ["));

        assertThat(message).startsWith("request body is not valid JSON: Unexpected end-of-input:")
                .contains("(start marker at line 1, column 11)").endsWith("at line 1, column 12");
    }

    @Test
    void micronautsWrapperAnswersTheSame() {
        Throwable jackson = parseError("not json");

        assertThat(InvalidJsonAnswer.message(new JsonSyntaxException(jackson)))
                .isEqualTo(InvalidJsonAnswer.message(jackson))
                .startsWith("request body is not valid JSON: Unrecognized token 'not'").endsWith("at line 1, column 1");
    }

    @Test
    void aLimitIsNamedWithoutTheJacksonSettingBehindIt() {
        assertThat(InvalidJsonAnswer.message(parseError("[".repeat(2_000))))
                .isEqualTo("request body is not valid JSON: Document nesting depth (1001) exceeds the maximum allowed (1000)");
        assertThat(InvalidJsonAnswer.message(parseError("{\"a\": NaN}")))
                .isEqualTo("request body is not valid JSON: Non-standard token 'NaN' at line 1, column 10");
    }

    @Test
    void noMessageNamesJacksonsClassesSettingsOrItsRedactedSource() {
        List<String> bodies = List.of("x", "{", "{\"files\": [", "not json", "{\"a\": NaN}", "{'a': 1}", "[1,]",
                "{\"a\" 1}", "\"unterminated", "{\"a\": \"\u0001\"}", "[".repeat(2_000), "{} {", "01", "{\"a\":1}}");
        for (String body : bodies) {
            String message = InvalidJsonAnswer.message(parseError(body));

            assertThat(message).as(body).startsWith("request body is not valid JSON")
                    .doesNotContain("REDACTED", "Source:", "com.fasterxml", "StreamRead", "JsonReadFeature", "`",
                            "Exception");
        }
    }

    @Test
    void somethingThatIsNotJacksonsSaysOnlyThatTheBodyIsNotJson() {
        assertThat(InvalidJsonAnswer.message(new JsonSyntaxException("broken"))).isEqualTo("request body is not valid JSON");
    }

    private static Throwable parseError(String body) {
        Throwable error = catchThrowable(() -> {
            var parser = JSON.createParser(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            JSON.readTree(parser);
            // trailing content ("{} {") is only found by reading on, as Micronaut's binding does
            while (parser.nextToken() != null) {
                parser.skipChildren();
            }
        });
        assertThat(error).as("%s must not parse", body).isNotNull();
        return error;
    }
}
