package io.mailflow.guardrails;

import io.mailflow.common.Tags;
import io.mailflow.model.AddressedRequest;
import io.mailflow.model.CampaignEvent;
import io.mailflow.model.ContactUpdate;
import io.mailflow.model.EmailRequest;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Applies {@link GuardrailPolicy} per user, after the profile join (the recipient's time zone is known),
 * and resolves the variant's template for the recipient's locale.
 *
 * <p><b>Event time.</b> A request is judged at its trigger time, and a deferred request waits for an
 * event-time timer at the next allowed moment. Event time (not the wall clock) because every trigger
 * upstream decides in event time: a replay of last month's events must defer and cap exactly as the
 * live run did, and timers in checkpoints survive restarts. The price is that deferred sends are
 * released when the job's watermark passes the moment, i.e. while events flow (source idleness keeps
 * quiet partitions from holding it back); a bounded job releases everything at its end.
 *
 * <p>Every decision goes to the {@link Tags#CAMPAIGN_EVENTS} side output. Holdout requests are recorded
 * there as {@code HOLDOUT} when they would have been released and are never passed on to rendering.
 * State is cleared as it stops mattering: a deferred request when released or dropped, a log entry at
 * its {@code keepUntil} (cap window, cooldown or duplicate retention, whichever is longest).
 */
public final class GuardrailFunction
        extends KeyedCoProcessFunction<String, AddressedRequest, ContactUpdate, AddressedRequest> {
    private static final long serialVersionUID = 1L;

    private final GuardrailPolicy policy;
    private final WallClock clock;
    private transient ValueState<SendLog> log;
    private transient MapState<String, Deferred> deferred;
    private transient Counter released;
    private transient Counter deferredCount;
    private transient Counter dropped;
    private transient Counter droppedStale;

    public GuardrailFunction(GuardrailPolicy policy) {
        this(policy, WallClock.SYSTEM);
    }

    /** @param clock the wall clock that a trigger's age is measured with (the stale-trigger guard) */
    public GuardrailFunction(GuardrailPolicy policy, WallClock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    // State descriptors, declared once: the operator, the state tools and the savepoint tests use these.

    /** What was sent to the user recently (caps, cooldowns). */
    public static ValueStateDescriptor<SendLog> sendLogDescriptor() {
        return new ValueStateDescriptor<>("send-log", Types.POJO(SendLog.class));
    }

    /** Deferred requests by request id, each with its release timer. */
    public static MapStateDescriptor<String, Deferred> deferredDescriptor() {
        return new MapStateDescriptor<>("deferred", Types.STRING, Types.POJO(Deferred.class));
    }

    @Override
    public void open(OpenContext ctx) {
        log = getRuntimeContext().getState(sendLogDescriptor());
        deferred = getRuntimeContext().getMapState(deferredDescriptor());
        released = getRuntimeContext().getMetricGroup().counter("guardrailReleased");
        deferredCount = getRuntimeContext().getMetricGroup().counter("guardrailDeferred");
        dropped = getRuntimeContext().getMetricGroup().counter("guardrailDropped");
        droppedStale = getRuntimeContext().getMetricGroup().counter("guardrailDroppedStale");
    }

    @Override
    public void processElement1(AddressedRequest a, Context ctx, Collector<AddressedRequest> out) throws Exception {
        EmailRequest r =
                a.request().withTemplate(a.request().templateFor(a.recipient().locale()));
        if (policy.dryRun() && !r.rules().dryRun()) {
            r = r.asDryRun(); // a dry-run job: the renderer diverts every e-mail to the decisions
        }
        AddressedRequest resolved = new AddressedRequest(r, a.recipient());
        long now = r.triggeredAt();
        if (deferred.contains(r.requestId())) {
            dropped.inc();
            ctx.output(
                    Tags.CAMPAIGN_EVENTS, CampaignEvent.of(r, CampaignEvent.DROPPED, "duplicate request id", now, 0L));
            return;
        }
        decide(resolved, now, now, ctx, out);
    }

    /**
     * A suppression, an erasure or a profile without consent arriving while sends are deferred (quiet hours,
     * caps) cancels them: a deferred e-mail must not reach someone who unsubscribed, complained, withdrew
     * consent or asked to be forgotten in the meantime. An erasure also forgets the user's send log.
     */
    @Override
    public void processElement2(ContactUpdate update, Context ctx, Collector<AddressedRequest> out) throws Exception {
        if (update.kind() == ContactUpdate.Kind.PROFILE && update.profile().consent()) {
            return;
        }
        List<Deferred> cancelled = new ArrayList<>();
        deferred.values().forEach(cancelled::add);
        for (Deferred d : cancelled) {
            EmailRequest r = d.request().request();
            dropped.inc();
            ctx.output(
                    Tags.CAMPAIGN_EVENTS,
                    CampaignEvent.of(
                            r,
                            CampaignEvent.DROPPED,
                            "user "
                                    + switch (update.kind()) {
                                        case ERASE -> "erased";
                                        case PROFILE -> "withdrew consent";
                                        case SUPPRESS -> "suppressed (" + update.reason() + ")";
                                    },
                            d.firstSeen(),
                            0L));
        }
        deferred.clear();
        if (update.kind() == ContactUpdate.Kind.ERASE) {
            log.clear();
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AddressedRequest> out) throws Exception {
        List<Deferred> due = new ArrayList<>();
        for (Map.Entry<String, Deferred> e : deferred.entries()) {
            if (e.getValue().until() <= timestamp) {
                due.add(e.getValue());
            }
        }
        // higher priority first, then first come first served; the request id makes the order total
        due.sort(Comparator.<Deferred>comparingInt(
                        d -> -d.request().request().rules().priority())
                .thenComparingLong(d -> d.request().request().triggeredAt())
                .thenComparing(d -> d.request().request().requestId()));
        for (Deferred d : due) {
            deferred.remove(d.request().request().requestId());
            decide(d.request(), timestamp, d.firstSeen(), ctx, out);
        }
        prune(timestamp);
    }

    private void decide(AddressedRequest a, long now, long firstSeen, Context ctx, Collector<AddressedRequest> out)
            throws Exception {
        EmailRequest r = a.request();
        String stale = policy.staleness(r, clock.millis());
        if (stale != null) {
            dropped.inc();
            droppedStale.inc();
            ctx.output(Tags.CAMPAIGN_EVENTS, CampaignEvent.of(r, CampaignEvent.DROPPED, stale, now, 0L));
            return;
        }
        List<SentEntry> entries = entries();
        Decision d = policy.decide(r, zone(a.recipient().timeZone()), now, firstSeen, entries);
        switch (d.action()) {
            case RELEASE -> {
                SentEntry e = policy.entry(r, now);
                entries.add(e);
                log.update(new SendLog(entries));
                ctx.timerService().registerEventTimeTimer(e.keepUntil());
                released.inc();
                if (r.holdout()) {
                    ctx.output(Tags.CAMPAIGN_EVENTS, CampaignEvent.of(r, CampaignEvent.HOLDOUT, "", now, 0L));
                } else {
                    ctx.output(Tags.CAMPAIGN_EVENTS, CampaignEvent.of(r, CampaignEvent.RELEASED, "", now, 0L));
                    out.collect(new AddressedRequest(r.scheduled(now), a.recipient()));
                }
            }
            case DEFER -> {
                deferred.put(r.requestId(), new Deferred(a, firstSeen, d.until()));
                ctx.timerService().registerEventTimeTimer(d.until());
                deferredCount.inc();
                ctx.output(
                        Tags.CAMPAIGN_EVENTS, CampaignEvent.of(r, CampaignEvent.DEFERRED, d.reason(), now, d.until()));
            }
            default -> {
                dropped.inc();
                ctx.output(Tags.CAMPAIGN_EVENTS, CampaignEvent.of(r, CampaignEvent.DROPPED, d.reason(), now, 0L));
            }
        }
    }

    /** The {@code guardrailDroppedStale} metric's count (for tests). */
    long staleDrops() {
        return droppedStale.getCount();
    }

    private List<SentEntry> entries() throws Exception {
        SendLog l = log.value();
        return l == null ? new ArrayList<>() : new ArrayList<>(l.entries());
    }

    private void prune(long now) throws Exception {
        List<SentEntry> entries = entries();
        if (entries.removeIf(e -> e.keepUntil() <= now)) {
            if (entries.isEmpty()) {
                log.clear();
            } else {
                log.update(new SendLog(entries));
            }
        }
    }

    static ZoneId zone(String id) {
        try {
            return id == null || id.isBlank() ? ZoneOffset.UTC : ZoneId.of(id);
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }
}
