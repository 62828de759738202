/**
 * Trust in events: Ed25519 signing keys ({@link io.schemafleet.protocol.trust.SigningKey}),
 * the set of public keys a consumer trusts ({@link io.schemafleet.protocol.trust.TrustedKeys},
 * several at once for rotation), the verdict on one envelope
 * ({@link io.schemafleet.protocol.trust.Verification}) and the policy that turns it into
 * accept or refuse ({@link io.schemafleet.protocol.trust.TrustPolicy}). The JDK's own
 * {@code Ed25519}; keys live in PEM files (PKCS#8 private, X.509 public), optionally
 * preceded by a {@code Key-Id:} line. The trust model is in {@code docs/security.md}.
 */
package io.schemafleet.protocol.trust;
