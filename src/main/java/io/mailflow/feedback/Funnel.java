package io.mailflow.feedback;

import io.mailflow.model.CampaignEvent;
import io.mailflow.model.ControlGroup;
import io.mailflow.model.Event;
import io.mailflow.model.SendResult;
import io.mailflow.model.SendStatus;
import java.util.Locale;

/** Turns sends, engagement events and purchases into {@link FunnelEvent}s. Flink-free. */
public final class Funnel {
    /** Variant name of a campaign's holdout group (as the campaigns' A/B assignment writes it). */
    public static final String HOLDOUT = "holdout";

    public static final String DEFAULT_VARIANT = "default";

    /** Variant of the global control group's assignments (see {@link ControlGroup}). */
    public static final String CONTROL = ControlGroup.VARIANT;

    /**
     * Campaign id of the programme's statistics: every campaign's mailed e-mails ({@link #MAILED}) against the
     * global control group ({@link #CONTROL}). No campaign can have it: campaign ids start with a letter or digit.
     */
    public static final String PROGRAMME = "_programme";

    /** Variant of the programme's mailed e-mails, all campaigns and variants together. */
    public static final String MAILED = "mailed";

    private Funnel() {}

    public static boolean isHoldout(String variant) {
        return variant != null && variant.toLowerCase(Locale.ROOT).equals(HOLDOUT);
    }

    /**
     * A send result as a funnel event at event time {@code at}, or null for results that are not a
     * new send (a request skipped because the ledger says it was sent before a restart).
     */
    public static FunnelEvent fromSend(SendResult r, long at) {
        String variant = r.variant() == null ? DEFAULT_VARIANT : r.variant();
        boolean holdout = isHoldout(variant) || r.status() == SendStatus.HOLDOUT;
        FunnelEvent.Kind kind;
        if (holdout) {
            kind = FunnelEvent.Kind.ASSIGNED;
        } else if (r.sent()) {
            kind = FunnelEvent.Kind.SENT;
        } else if (r.failed()) {
            kind = FunnelEvent.Kind.FAILED;
        } else {
            return null;
        }
        return new FunnelEvent(kind, r.userId(), r.campaignId(), variant, holdout, r.requestId(), r.messageId(), 0, at);
    }

    /**
     * A guardrail decision as a funnel event at event time {@code at}: a holdout release (the user would have been
     * e-mailed and deliberately was not) becomes an {@code ASSIGNED} event of the campaign's holdout, or of the
     * global control group; every other decision, and any decision of a dry run, is null (a release reaches the
     * funnel as its send result).
     */
    public static FunnelEvent fromDecision(CampaignEvent d, long at) {
        if (d.outcome() != CampaignEvent.HOLDOUT || d.dryRun() || d.campaignId() == null || d.userId() == null) {
            return null;
        }
        String variant = ControlGroup.isControl(d.variant()) ? CONTROL : HOLDOUT;
        return new FunnelEvent(
                FunnelEvent.Kind.ASSIGNED, d.userId(), d.campaignId(), variant, true, d.requestId(), null, 0, at);
    }

    /**
     * The copy of a funnel event that the programme's statistics count, or null: a mailed e-mail's events count
     * as {@link #MAILED}, a global control-group assignment's as {@link #CONTROL}; a campaign's own holdout is not
     * part of the programme line (its users got other campaigns' e-mails).
     */
    public static FunnelEvent programme(FunnelEvent e) {
        if (e.campaignId() == null || PROGRAMME.equals(e.campaignId())) {
            return null;
        }
        boolean control = e.holdout() && ControlGroup.isControl(e.variant());
        if (e.holdout() && !control) {
            return null;
        }
        return new FunnelEvent(
                e.kind(),
                e.userId(),
                PROGRAMME,
                control ? CONTROL : MAILED,
                control,
                e.requestId(),
                e.messageId(),
                e.revenue(),
                e.at());
    }

    public static FunnelEvent fromEngagement(EngagementEvent e) {
        FunnelEvent.Kind kind = switch (e.type()) {
            case DELIVERED -> FunnelEvent.Kind.DELIVERED;
            case OPENED -> e.machine() ? FunnelEvent.Kind.MACHINE_OPENED : FunnelEvent.Kind.OPENED;
            case CLICKED -> FunnelEvent.Kind.CLICKED;
            case BOUNCED -> FunnelEvent.Kind.BOUNCED;
            case COMPLAINED -> FunnelEvent.Kind.COMPLAINED;
            case UNSUBSCRIBED -> FunnelEvent.Kind.UNSUBSCRIBED;
        };
        String variant = e.variant() == null ? DEFAULT_VARIANT : e.variant();
        return new FunnelEvent(
                kind,
                e.userId(),
                e.campaignId(),
                variant,
                isHoldout(variant),
                e.requestId(),
                e.messageId(),
                0,
                e.timestamp());
    }

    public static FunnelEvent fromPurchase(Event purchase) {
        return new FunnelEvent(
                FunnelEvent.Kind.PURCHASE,
                purchase.userId(),
                null,
                null,
                false,
                null,
                null,
                purchase.amount(),
                purchase.timestamp());
    }
}
