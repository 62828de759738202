/**
 * Wire events: the {@link io.schemafleet.protocol.event.Envelope}, one immutable record
 * per event body, each with its own schema version, and {@link
 * io.schemafleet.protocol.event.EventCodec}, the one place that turns them into bytes
 * (canonical JSON, {@link io.schemafleet.protocol.event.CanonicalJson}) and back. Decoding
 * never throws: bad input becomes a {@link io.schemafleet.protocol.event.Decoded.Rejected}.
 * The wire format is documented in {@code docs/events.md}.
 */
package io.schemafleet.protocol.event;
