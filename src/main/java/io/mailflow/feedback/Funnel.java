package io.mailflow.feedback;

import io.mailflow.model.Event;
import io.mailflow.model.SendResult;
import io.mailflow.model.SendStatus;
import java.util.Locale;

/** Turns sends, engagement events and purchases into {@link FunnelEvent}s. Flink-free. */
public final class Funnel {
    /** Variant name of a campaign's holdout group (as the campaigns' A/B assignment writes it). */
    public static final String HOLDOUT = "holdout";

    public static final String DEFAULT_VARIANT = "default";

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
