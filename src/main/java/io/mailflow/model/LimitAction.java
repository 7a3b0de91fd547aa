package io.mailflow.model;

/** What a guardrail does with a send that is not allowed now (frequency cap, quiet hours). */
public enum LimitAction {
    /** Hold it until it is allowed (up to the maximum deferral). */
    DEFER,
    /** Drop it, with the reason in the campaign events. */
    DROP
}
