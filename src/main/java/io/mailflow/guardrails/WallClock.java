package io.mailflow.guardrails;

import java.io.Serializable;

/**
 * The wall clock the guardrails compare a trigger's age with (the stale-trigger guard), injectable so that
 * tests run at fixed instants instead of today's date. Serializable: it travels inside the operator.
 */
@FunctionalInterface
public interface WallClock extends Serializable {
    /** The system clock. */
    WallClock SYSTEM = System::currentTimeMillis;

    /** Milliseconds since the epoch, now. */
    long millis();

    /** A clock that always says {@code epochMillis} (tests). */
    static WallClock fixed(long epochMillis) {
        return () -> epochMillis;
    }
}
