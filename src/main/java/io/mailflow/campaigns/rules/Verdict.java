package io.mailflow.campaigns.rules;

/** What happens to a pending trigger at its due time. */
public enum Verdict {
    /** Create the e-mail request. */
    SEND,
    /** The user did what the e-mail would have asked for (bought, carted): no e-mail. */
    CANCELLED,
    /** The campaign is gone, paused or out of its active period, or the user is not in its audience. */
    SKIPPED
}
