package io.mailflow.guardrails;

import io.mailflow.model.AddressedRequest;

/**
 * A request waiting for the guardrails to allow it (keyed state of {@link GuardrailFunction}).
 *
 * @param request the addressed request
 * @param firstSeen event time it first reached the guardrails (the deferral limit counts from here)
 * @param until event time of the next look
 */
public record Deferred(AddressedRequest request, long firstSeen, long until) {}
