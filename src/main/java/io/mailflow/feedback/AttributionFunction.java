package io.mailflow.feedback;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per user, in event-time order: remembers the user's e-mails, counts each funnel step once per
 * e-mail, and credits purchases with the {@link Attribution} rule.
 *
 * <p>Sends, engagement and purchases arrive on different topics, so an open can reach this operator
 * before the send it belongs to. Every input is therefore buffered until the watermark passes its
 * timestamp and then applied in timestamp order (sends before opens before purchases within one
 * millisecond), which also makes a replay decide exactly as the live run did.
 *
 * <p>An e-mail is remembered until the attribution window has passed since its last touch (send or
 * click); a timer then clears it, so state is bounded by the e-mails of the last window. Engagement
 * for an e-mail that is no longer (or was never) known is still counted, under the campaign and
 * variant the event names, but cannot be de-duplicated.
 *
 * <p>Metrics: counters per campaign and variant ({@code campaign}/{@code variant} metric groups) for
 * every funnel step, plus {@code purchasesUnattributed} and {@code engagementWithoutSend}. Only campaigns
 * and variants of the job's own sends become labels (see {@link CampaignLabels}); engagement naming anything
 * else is counted under {@code other}.
 */
public final class AttributionFunction extends KeyedProcessFunction<String, FunnelEvent, FunnelEvent> {
    private static final long serialVersionUID = 1L;

    private final long windowMs;
    private transient MapState<Long, List<FunnelEvent>> pending;
    private transient MapState<String, MessageTouch> messages;
    private transient Map<String, Counter> funnelCounters;
    private transient CampaignLabels labels;
    private transient Counter unattributed;
    private transient Counter withoutSend;

    public AttributionFunction(Duration window) {
        this.windowMs = window.toMillis();
    }

    @Override
    public void open(OpenContext ctx) {
        pending = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>(
                        "pending-funnel-events", Types.LONG, Types.LIST(TypeInformation.of(FunnelEvent.class))));
        messages =
                getRuntimeContext().getMapState(new MapStateDescriptor<>("messages", String.class, MessageTouch.class));
        funnelCounters = new HashMap<>();
        labels = new CampaignLabels();
        unattributed = getRuntimeContext().getMetricGroup().counter("purchasesUnattributed");
        withoutSend = getRuntimeContext().getMetricGroup().counter("engagementWithoutSend");
    }

    @Override
    public void processElement(FunnelEvent e, Context ctx, Collector<FunnelEvent> out) throws Exception {
        List<FunnelEvent> due = pending.get(e.at());
        List<FunnelEvent> next = due == null ? new ArrayList<>() : new ArrayList<>(due);
        next.add(e);
        pending.put(e.at(), next);
        ctx.timerService().registerEventTimeTimer(e.at());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FunnelEvent> out) throws Exception {
        List<FunnelEvent> due = pending.get(timestamp);
        if (due != null) {
            pending.remove(timestamp);
            List<FunnelEvent> ordered = new ArrayList<>(due);
            ordered.sort(Comparator.comparing(FunnelEvent::kind));
            for (FunnelEvent e : ordered) {
                apply(e, ctx, out);
            }
        }
        List<String> expired = new ArrayList<>();
        for (Map.Entry<String, MessageTouch> m : messages.entries()) {
            if (m.getValue().expiresAt() <= timestamp) {
                expired.add(m.getKey());
            }
        }
        for (String id : expired) {
            messages.remove(id);
        }
    }

    private void apply(FunnelEvent e, OnTimerContext ctx, Collector<FunnelEvent> out) throws Exception {
        switch (e.kind()) {
            case ASSIGNED, SENT -> {
                if (messages.contains(e.requestId())) {
                    return; // the same send reported twice
                }
                long expiresAt = e.at() + windowMs;
                messages.put(
                        e.requestId(),
                        new MessageTouch(
                                e.requestId(),
                                e.messageId(),
                                e.campaignId(),
                                e.variant(),
                                e.holdout(),
                                e.at(),
                                -1,
                                1 << e.kind().ordinal(),
                                expiresAt));
                ctx.timerService().registerEventTimeTimer(expiresAt);
                labels.admit(e.campaignId(), e.variant());
                emit(e, out);
            }
            case FAILED -> {
                labels.admit(e.campaignId(), e.variant());
                emit(e, out);
            }
            case PURCHASE -> attribute(e, out);
            default -> engage(e, ctx, out);
        }
    }

    private void engage(FunnelEvent e, OnTimerContext ctx, Collector<FunnelEvent> out) throws Exception {
        MessageTouch m = find(e);
        if (m == null) {
            withoutSend.inc();
            emit(e, out);
            return;
        }
        labels.admit(m.campaignId(), m.variant()); // remembered from a send (perhaps before a restore)
        MessageTouch updated = m;
        if (e.kind() == FunnelEvent.Kind.CLICKED) {
            updated = updated.clickedAt(e.at(), windowMs);
            ctx.timerService().registerEventTimeTimer(updated.expiresAt());
        }
        if (!m.hasSeen(e.kind())) {
            updated = updated.see(e.kind());
            emit(
                    new FunnelEvent(
                            e.kind(),
                            e.userId(),
                            m.campaignId(),
                            m.variant(),
                            m.holdout(),
                            m.requestId(),
                            m.messageId(),
                            0,
                            e.at()),
                    out);
        }
        messages.put(m.requestId(), updated);
    }

    private void attribute(FunnelEvent purchase, Collector<FunnelEvent> out) throws Exception {
        MessageTouch m = Attribution.lastTouch(messages.values(), purchase.at(), windowMs);
        if (m == null) {
            unattributed.inc();
            return;
        }
        FunnelEvent.Kind kind =
                m.hasSeen(FunnelEvent.Kind.CONVERTED) ? FunnelEvent.Kind.REVENUE : FunnelEvent.Kind.CONVERTED;
        messages.put(m.requestId(), m.see(FunnelEvent.Kind.CONVERTED));
        labels.admit(m.campaignId(), m.variant());
        emit(
                new FunnelEvent(
                        kind,
                        purchase.userId(),
                        m.campaignId(),
                        m.variant(),
                        m.holdout(),
                        m.requestId(),
                        m.messageId(),
                        purchase.revenue(),
                        purchase.at()),
                out);
    }

    /** The e-mail an engagement event is about, by request id or else by Message-ID. */
    private MessageTouch find(FunnelEvent e) throws Exception {
        if (e.requestId() != null) {
            MessageTouch m = messages.get(e.requestId());
            if (m != null || e.messageId() == null) {
                return m;
            }
        }
        for (MessageTouch m : messages.values()) {
            if (m.messageId() != null && m.messageId().equals(e.messageId())) {
                return m;
            }
        }
        return null;
    }

    private void emit(FunnelEvent e, Collector<FunnelEvent> out) {
        String campaign = labels.campaign(e.campaignId(), e.variant());
        String variant = labels.variant(e.campaignId(), e.variant());
        String key = campaign + '\u0000' + variant + '\u0000' + e.kind();
        funnelCounters
                .computeIfAbsent(key, k -> variantGroup(campaign, variant).counter(counterName(e.kind())))
                .inc();
        out.collect(e);
    }

    private MetricGroup variantGroup(String campaign, String variant) {
        return getRuntimeContext()
                .getMetricGroup()
                .addGroup("campaign", campaign)
                .addGroup("variant", variant);
    }

    /** {@code SENT} -> {@code funnelSent}, {@code MACHINE_OPENED} -> {@code funnelMachineOpened}. */
    static String counterName(FunnelEvent.Kind kind) {
        StringBuilder sb = new StringBuilder("funnel");
        for (String part : kind.name().split("_")) {
            sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return sb.toString();
    }
}
