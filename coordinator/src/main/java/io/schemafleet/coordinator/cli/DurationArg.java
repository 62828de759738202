package io.schemafleet.coordinator.cli;

import io.schemafleet.protocol.Durations;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

/** Reads a duration option: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h}. */
final class DurationArg implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
