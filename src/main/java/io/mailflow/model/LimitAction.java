package io.mailflow.model;

import java.util.Locale;

/**
 * What the guardrails do with a send that a frequency cap or quiet hours forbid now: defer it to the next
 * allowed moment, or drop it. The job default is {@code guardrails.on-limit}; a campaign may override it
 * with {@code onLimit}, whose wire form is the lower-case name.
 */
public enum LimitAction {
    DEFER,
    DROP;

    /** The form in campaign documents and in {@link SendRules#onLimit()}: {@code defer} or {@code drop}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code defer} or {@code drop} in any case; null if it is neither (including empty: the job default). */
    public static LimitAction parse(String s) {
        for (LimitAction a : values()) {
            if (a.wireName().equalsIgnoreCase(s)) {
                return a;
            }
        }
        return null;
    }
}
