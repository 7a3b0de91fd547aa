package io.mailflow.campaigns;

import io.mailflow.model.EmailRequest;
import io.mailflow.model.Event;
import io.mailflow.model.SessionSummary;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
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
 * so the function remembers the latest purchase time instead of expecting the purchase after the
 * summary. The decision is taken in an event-time timer at {@code sessionEnd + delay}: by then the
 * watermark guarantees every purchase up to that instant has been seen.
 *
 * <p>State per user: at most one pending cart (a newer abandoned session replaces it, so one user gets
 * one e-mail for their latest cart) and the latest purchase time, which is cleared by its own timer
 * once it can no longer cancel anything. Nothing is left behind for users who are done.
 */
public final class AbandonedCartFunction extends KeyedCoProcessFunction<String, SessionSummary, Event, EmailRequest> {
    private static final long serialVersionUID = 1L;
    public static final String CAMPAIGN_ID = "abandoned-cart";

    private final long delayMs;
    private transient ValueState<PendingCart> pending;
    private transient ValueState<Long> lastPurchase;
    private transient Counter triggered;
    private transient Counter cancelled;

    public AbandonedCartFunction(Duration delay) {
        this.delayMs = delay.toMillis();
    }

    @Override
    public void open(OpenContext ctx) {
        pending = getRuntimeContext().getState(new ValueStateDescriptor<>("pending-cart", PendingCart.class));
        lastPurchase = getRuntimeContext().getState(new ValueStateDescriptor<>("last-purchase", Types.LONG));
        triggered = getRuntimeContext().getMetricGroup().counter("abandonedCartTriggered");
        cancelled = getRuntimeContext().getMetricGroup().counter("abandonedCartCancelled");
    }

    @Override
    public void processElement1(SessionSummary session, Context ctx, Collector<EmailRequest> out) throws Exception {
        if (!session.abandonedCart()) {
            return;
        }
        PendingCart previous = pending.value();
        if (previous != null) {
            if (previous.sessionEnd() >= session.end()) {
                return; // an older session's summary arrived late; keep the newer cart
            }
            deleteTimerUnlessShared(ctx, previous.dueAt(), lastPurchase.value());
        }
        long dueAt = session.end() + delayMs;
        pending.update(new PendingCart(session.sessionKey(), session.end(), dueAt, session.cartItems(), session.currency()));
        ctx.timerService().registerEventTimeTimer(dueAt);
    }

    @Override
    public void processElement2(Event purchase, Context ctx, Collector<EmailRequest> out) throws Exception {
        Long last = lastPurchase.value();
        if (last == null || purchase.timestamp() > last) {
            if (last != null) {
                PendingCart cart = pending.value();
                deleteTimerUnlessShared(ctx, last + delayMs, cart == null ? null : cart.dueAt() - delayMs);
            }
            lastPurchase.update(purchase.timestamp());
            // A purchase at P can only cancel carts of sessions ending in [P - delay, P): their timers fire by P + delay.
            ctx.timerService().registerEventTimeTimer(purchase.timestamp() + delayMs);
        }
    }

    /** Timers are unique per timestamp: never delete one the other piece of state still relies on. */
    private void deleteTimerUnlessShared(Context ctx, long timer, Long otherTimerMinusDelay) {
        if (otherTimerMinusDelay == null || otherTimerMinusDelay + delayMs != timer) {
            ctx.timerService().deleteEventTimeTimer(timer);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EmailRequest> out) throws Exception {
        PendingCart cart = pending.value();
        Long last = lastPurchase.value();
        if (cart != null && cart.dueAt() == timestamp) {
            pending.clear();
            boolean boughtMeanwhile = last != null && last > cart.sessionEnd() && last <= cart.dueAt();
            if (boughtMeanwhile) {
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
        if (last != null && last + delayMs == timestamp) {
            lastPurchase.clear();
        }
    }
}
