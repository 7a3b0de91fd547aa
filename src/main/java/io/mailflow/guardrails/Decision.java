package io.mailflow.guardrails;

/**
 * What the guardrails decide for a request at one moment.
 *
 * @param action what to do with the request now
 * @param until for {@code DEFER}: when to look again
 * @param reason why it was deferred or dropped
 */
public record Decision(Action action, long until, String reason) {

    /** What the guardrails do with a request at one moment. */
    public enum Action {
        RELEASE,
        DEFER,
        DROP
    }

    public static Decision release() {
        return new Decision(Action.RELEASE, 0L, "");
    }

    public static Decision defer(long until, String reason) {
        return new Decision(Action.DEFER, until, reason);
    }

    public static Decision drop(String reason) {
        return new Decision(Action.DROP, 0L, reason);
    }
}
