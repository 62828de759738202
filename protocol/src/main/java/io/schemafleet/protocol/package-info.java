/**
 * The shared language of Schemafleet: revisions and revision files, the revision graph
 * and step planner (Alembic semantics), and the wire events. Depends on Jackson only;
 * knows nothing of Micronaut, Kafka or servers.
 */
package io.schemafleet.protocol;
