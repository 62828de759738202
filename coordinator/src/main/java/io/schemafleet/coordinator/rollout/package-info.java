/**
 * Staged rollouts on the coordinator's side: the rollout engine's decisions
 * ({@link io.schemafleet.coordinator.rollout.RolloutEngine}), the operations that append
 * rollout events ({@link io.schemafleet.coordinator.rollout.RolloutService}) and the
 * reads over the projection they decide from.
 */
package io.schemafleet.coordinator.rollout;
