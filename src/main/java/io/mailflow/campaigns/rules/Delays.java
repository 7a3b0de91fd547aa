package io.mailflow.campaigns.rules;

import io.mailflow.campaigns.CampaignDefinition;

/** Delays shared by the session rules. */
final class Delays {
    private Delays() {}

    /** A campaign's delay; a negative one (not set) means the job's {@code abandoned-cart.delay}. */
    static long orDefault(CampaignDefinition c, long defaultDelayMs) {
        return c.trigger().delayMs() < 0 ? defaultDelayMs : c.trigger().delayMs();
    }
}
