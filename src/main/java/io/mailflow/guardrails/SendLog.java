package io.mailflow.guardrails;

import java.util.List;

/** A user's recent releases, oldest first (keyed state of {@link GuardrailFunction}). */
public record SendLog(List<SentEntry> entries) {}
