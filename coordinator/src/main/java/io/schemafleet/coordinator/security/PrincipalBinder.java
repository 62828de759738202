package io.schemafleet.coordinator.security;

import io.micronaut.core.bind.ArgumentBinder.BindingResult;
import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.PostponedRequestArgumentBinder;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import jakarta.inject.Singleton;

import java.security.Principal;
import java.util.Optional;

/**
 * Hands a route's {@link Principal} argument the one {@link AuthFilter} set. Micronaut binds
 * that argument only with its security module, which Schemafleet does without; the health
 * endpoint takes it to decide whether to show its details. Postponed, because routes bind
 * before filters run.
 */
@Singleton
final class PrincipalBinder implements TypedRequestArgumentBinder<Principal>, PostponedRequestArgumentBinder<Principal> {
    @Override
    public Argument<Principal> argumentType() {
        return Argument.of(Principal.class);
    }

    @Override
    public BindingResult<Principal> bind(ArgumentConversionContext<Principal> context, HttpRequest<?> request) {
        Optional<Principal> principal = request.getUserPrincipal();
        return principal.isPresent() ? () -> principal : BindingResult.unsatisfied();
    }

    @Override
    public BindingResult<Principal> bindPostponed(ArgumentConversionContext<Principal> context,
                                                  HttpRequest<?> request) {
        Optional<Principal> principal = request.getUserPrincipal();
        return () -> principal;
    }
}
