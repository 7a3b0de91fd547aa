package io.mailflow.guardrails;

import io.mailflow.model.LimitAction;
import java.io.Serializable;
import java.time.Duration;

/**
 * The job-wide guardrails; campaigns may add their own caps and cooldowns (see {@code SendRules}).
 *
 * @param maxPerUser most e-mails per user within {@code capWindow}, over all campaigns
 * @param capWindow rolling window of the frequency cap
 * @param quietStart start of the quiet hours in the recipient's zone, since midnight
 * @param quietEnd end of the quiet hours, since midnight (equal to the start: no quiet hours)
 * @param onLimit what to do with a send that is not allowed now, unless its campaign says otherwise
 * @param maxDefer a deferred send is dropped when it would wait longer than this
 */
public record GuardrailSettings(
        int maxPerUser,
        Duration capWindow,
        Duration quietStart,
        Duration quietEnd,
        LimitAction onLimit,
        Duration maxDefer)
        implements Serializable {}
