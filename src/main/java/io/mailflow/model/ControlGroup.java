package io.mailflow.model;

import java.io.Serializable;

/**
 * The global control group: a share of users who never receive a campaign e-mail, so that the whole
 * programme's incrementality can be measured against them. Membership is a pure function of the user id
 * and the salt (see {@code io.mailflow.campaigns.Experiments#inControlGroup}), stable across restarts and
 * replays; changing the salt draws a new group.
 *
 * <p>A request of a control-group user is a holdout whose variant is {@link #VARIANT}: guardrails, delivery and
 * feedback treat it as not mailed, and the feedback stage counts it in the programme's lift line.
 *
 * @param percent share of users in the group, in [0, 50]; 0 turns it off
 * @param salt mixed into the hash, so that the group is independent of every campaign's holdout
 */
public record ControlGroup(double percent, String salt) implements Serializable {
    /** The variant of a control-group user's request: reserved, no campaign may name a variant so. */
    public static final String VARIANT = "global-control";

    /** The reason written with a control-group user's decision on {@code topic.campaign-events}. */
    public static final String REASON = "global control group";

    public static final ControlGroup OFF = new ControlGroup(0, "");

    public boolean enabled() {
        return percent > 0;
    }

    /** Whether a request's variant marks it as a control-group assignment. */
    public static boolean isControl(String variant) {
        return VARIANT.equals(variant);
    }
}
