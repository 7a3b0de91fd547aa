package io.mailflow.guardrails;

/**
 * What the guardrails decide for a request at one moment.
 *
 * @param action {@code RELEASE}, {@code DEFER} or {@code DROP}
 * @param until for {@code DEFER}: when to look again
 * @param reason why it was deferred or dropped
 */
public record Decision(String action, long until, String reason) {
    public static final String RELEASE = "RELEASE";
    public static final String DEFER = "DEFER";
    public static final String DROP = "DROP";

    public static Decision release() {
        return new Decision(RELEASE, 0L, "");
    }

    public static Decision defer(long until, String reason) {
        return new Decision(DEFER, until, reason);
    }

    public static Decision drop(String reason) {
        return new Decision(DROP, 0L, reason);
    }
}
