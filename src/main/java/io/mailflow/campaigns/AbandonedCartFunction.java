package io.mailflow.campaigns;

import io.mailflow.model.EmailRequest;
import io.mailflow.model.Event;
import io.mailflow.model.SessionSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Abandoned cart: a session that left items in the cart and bought nothing becomes an e-mail request
 * unless the user purchases within {@code delay} after the session closed.
 *
 * <p>Input 1 is the user's closed sessions, input 2 the user's purchase events. Purchases travel
 * ahead of session summaries (a summary is only emitted once the watermark passes the session gap),
 * so the function remembers recent purchase times rather than expecting them after the summary. The
 * decision is taken in an event-time timer at {@code sessionEnd + delay}: once the watermark of both
 * inputs has passed that instant, every purchase up to it has been seen.
 *
 * <p>All rules depend on event time only, so a replay decides exactly as the live run did:
 * <ul>
 *   <li>a purchase at P cancels every pending cart whose session ended before P with P within the delay;
 *   <li>an abandoned session B supersedes an earlier one A when B ended before A's e-mail was due
 *       (the shopper came back and left a newer cart; one e-mail for the newest cart, not two).
 * </ul>
 * State is cleared as it stops mattering: a pending cart when its timer fires or it is superseded, a
 * purchase time by its own timer at {@code P + delay + gap}, after which it can cancel nothing.
 */
public final class AbandonedCartFunction extends KeyedCoProcessFunction<String, SessionSummary, Event, EmailRequest> {
    private static final long serialVersionUID = 1L;
    public static final String CAMPAIGN_ID = "abandoned-cart";

    private final long delayMs;
    /** How long a purchase time is kept: the delay plus the session gap, since a summary can arrive up to a gap late. */
    private final long purchaseRetentionMs;
    private transient MapState<Long, PendingCart> pending;
    private transient MapState<Long, Boolean> purchases;
    private transient Counter triggered;
    private transient Counter cancelled;

    public AbandonedCartFunction(Duration delay, Duration sessionGap) {
        this.delayMs = delay.toMillis();
        this.purchaseRetentionMs = delayMs + sessionGap.toMillis();
    }

    @Override
    public void open(OpenContext ctx) {
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "pending-carts", Types.LONG, TypeInformation.of(PendingCart.class)));
        purchases = getRuntimeContext().getMapState(new MapStateDescriptor<>("recent-purchases", Types.LONG, Types.BOOLEAN));
        triggered = getRuntimeContext().getMetricGroup().counter("abandonedCartTriggered");
        cancelled = getRuntimeContext().getMetricGroup().counter("abandonedCartCancelled");
    }

    @Override
    public void processElement1(SessionSummary session, Context ctx, Collector<EmailRequest> out) throws Exception {
        if (!session.abandonedCart()) {
            return;
        }
        long dueAt = session.end() + delayMs;
        List<PendingCart> superseded = new ArrayList<>();
        for (PendingCart p : pending.values()) {
            if (p.sessionEnd() > session.end() && p.sessionEnd() < dueAt) {
                return; // a newer abandoned session already supersedes this (late) one
            }
            if (p.sessionEnd() < session.end() && session.end() < p.dueAt()) {
                superseded.add(p);
            }
        }
        for (PendingCart p : superseded) {
            pending.remove(p.dueAt());
            ctx.timerService().deleteEventTimeTimer(p.dueAt());
        }
        pending.put(dueAt, new PendingCart(session.sessionKey(), session.end(), dueAt, session.cartItems(), session.currency()));
        ctx.timerService().registerEventTimeTimer(dueAt);
    }

    @Override
    public void processElement2(Event purchase, Context ctx, Collector<EmailRequest> out) throws Exception {
        long p = purchase.timestamp();
        purchases.put(p, Boolean.TRUE);
        ctx.timerService().registerEventTimeTimer(p + purchaseRetentionMs);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EmailRequest> out) throws Exception {
        PendingCart cart = pending.get(timestamp);
        if (cart != null) {
            pending.remove(timestamp);
            if (purchasedBetween(cart.sessionEnd(), cart.dueAt())) {
                cancelled.inc();
            } else {
                triggered.inc();
                out.collect(new EmailRequest(
                        RequestIds.of(CAMPAIGN_ID, ctx.getCurrentKey(), cart.sessionKey()),
                        CAMPAIGN_ID,
                        "ABANDONED_CART",
                        CAMPAIGN_ID,
                        ctx.getCurrentKey(),
                        timestamp,
                        cart.sessionKey(),
                        cart.items(),
                        cart.currency()));
            }
        }
        expirePurchases(timestamp - purchaseRetentionMs);
    }

    private boolean purchasedBetween(long afterExclusive, long untilInclusive) throws Exception {
        for (Long p : purchases.keys()) {
            if (p > afterExclusive && p <= untilInclusive) {
                return true;
            }
        }
        return false;
    }

    /** Purchases at or before {@code horizon} can no longer cancel any cart that is still pending. */
    private void expirePurchases(long horizon) throws Exception {
        List<Long> old = new ArrayList<>();
        for (Map.Entry<Long, Boolean> e : purchases.entries()) {
            if (e.getKey() <= horizon) {
                old.add(e.getKey());
            }
        }
        for (Long p : old) {
            purchases.remove(p);
        }
    }
}
