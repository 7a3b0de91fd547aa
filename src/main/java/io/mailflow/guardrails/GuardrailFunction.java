package io.mailflow.guardrails;

import io.mailflow.common.Tags;
import io.mailflow.model.AddressedRequest;
import io.mailflow.model.CampaignEvent;
import io.mailflow.model.ContactUpdate;
import io.mailflow.model.ControlGroup;
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
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
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
 *
 * <p><b>Pacing.</b> With a release rate (the relay's rate limit, in a live job), released e-mails leave at
 * that rate in processing time ({@link ReleasePacer}): a burst waits here, in keyed state with a
 * processing-time timer per slot, instead of in the network buffers in front of the sender, where it would
 * hold every checkpoint barrier back until it is delivered. A paced e-mail is already decided (its
 * {@code RELEASED} event is out and the send log counts it); a suppression, erasure or withdrawn consent
 * arriving meanwhile drops it like a deferred one. Dry-run requests are never paced (nothing is sent).
 */
public final class GuardrailFunction
        extends KeyedCoProcessFunction<String, AddressedRequest, ContactUpdate, AddressedRequest> {
    private static final long serialVersionUID = 1L;

    private final GuardrailPolicy policy;
    private final WallClock clock;
    private final double releaseRate;
    private transient ValueState<SendLog> log;
    private transient MapState<String, Deferred> deferred;
    private transient MapState<Long, List<AddressedRequest>> paced;
    private transient ReleasePacer pacer;
    private transient Counter pacedCount;
    private transient Counter released;
    private transient Counter deferredCount;
    private transient Counter dropped;
    private transient Counter droppedStale;

    public GuardrailFunction(GuardrailPolicy policy) {
        this(policy, WallClock.SYSTEM);
    }

    /** @param clock the wall clock that a trigger's age is measured with (the stale-trigger guard) */
    public GuardrailFunction(GuardrailPolicy policy, WallClock clock) {
        this(policy, clock, 0);
    }

    /**
     * @param releaseRate released e-mails per second for the whole job, paced in processing time (0: no pacing)
     */
    public GuardrailFunction(GuardrailPolicy policy, WallClock clock, double releaseRate) {
        this.policy = policy;
        this.clock = clock;
        this.releaseRate = releaseRate;
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

    /** Released e-mails waiting for their paced slot, by the slot's processing time. */
    public static MapStateDescriptor<Long, List<AddressedRequest>> pacedDescriptor() {
        return new MapStateDescriptor<>(
                "paced-releases", Types.LONG, Types.LIST(TypeInformation.of(AddressedRequest.class)));
    }

    @Override
    public void open(OpenContext ctx) {
        log = getRuntimeContext().getState(sendLogDescriptor());
        deferred = getRuntimeContext().getMapState(deferredDescriptor());
        paced = getRuntimeContext().getMapState(pacedDescriptor());
        pacer = ReleasePacer.forInstance(
                releaseRate, getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks());
        pacedCount = getRuntimeContext().getMetricGroup().counter("guardrailPaced");
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
        if (!update.stops()) {
            return;
        }
        List<Map.Entry<String, Deferred>> cancelled = new ArrayList<>();
        for (Map.Entry<String, Deferred> d : deferred.entries()) {
            if (update.stops(d.getValue().request().request().trigger())) {
                cancelled.add(Map.entry(d.getKey(), d.getValue()));
            }
        }
        for (Map.Entry<String, Deferred> d : cancelled) {
            EmailRequest r = d.getValue().request().request();
            dropped.inc();
            ctx.output(
                    Tags.CAMPAIGN_EVENTS,
                    CampaignEvent.of(
                            r,
                            CampaignEvent.DROPPED,
                            "user " + cancelReason(update),
                            d.getValue().firstSeen(),
                            0L));
            deferred.remove(d.getKey());
        }
        // a campaign-type unsubscribe keeps the other types' e-mails in their slots
        List<Map.Entry<Long, List<AddressedRequest>>> slots = new ArrayList<>();
        for (Map.Entry<Long, List<AddressedRequest>> slot : paced.entries()) {
            slots.add(Map.entry(slot.getKey(), slot.getValue()));
        }
        for (Map.Entry<Long, List<AddressedRequest>> slot : slots) {
            List<AddressedRequest> kept = new ArrayList<>();
            for (AddressedRequest a : slot.getValue()) {
                EmailRequest r = a.request();
                if (!update.stops(r.trigger())) {
                    kept.add(a);
                    continue;
                }
                dropped.inc();
                ctx.output(
                        Tags.CAMPAIGN_EVENTS,
                        CampaignEvent.of(
                                r,
                                CampaignEvent.DROPPED,
                                "user " + cancelReason(update) + " while the e-mail waited for its paced release",
                                r.triggeredAt(),
                                0L));
            }
            if (kept.isEmpty()) {
                ctx.timerService().deleteProcessingTimeTimer(slot.getKey());
                paced.remove(slot.getKey());
            } else if (kept.size() < slot.getValue().size()) {
                paced.put(slot.getKey(), kept);
            }
        }
        if (update.kind() == ContactUpdate.Kind.ERASE) {
            log.clear();
        }
    }

    private static String cancelReason(ContactUpdate update) {
        return switch (update.kind()) {
            case ERASE -> "erased";
            case PROFILE -> "withdrew consent";
            case SUPPRESS ->
                update.campaignType() == null
                        ? "suppressed (" + update.reason() + ")"
                        : "unsubscribed from " + update.campaignType() + " e-mails";
            case RESUBSCRIBE -> "subscribed again";
        };
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AddressedRequest> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            releasePaced(timestamp, ctx, out);
            return;
        }
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
                    // a global control-group user is a holdout of every campaign; the decision says so
                    String why = ControlGroup.isControl(r.variant()) ? ControlGroup.REASON : "";
                    ctx.output(Tags.CAMPAIGN_EVENTS, CampaignEvent.of(r, CampaignEvent.HOLDOUT, why, now, 0L));
                } else {
                    ctx.output(Tags.CAMPAIGN_EVENTS, CampaignEvent.of(r, CampaignEvent.RELEASED, "", now, 0L));
                    release(new AddressedRequest(r.scheduled(now), a.recipient()), ctx, out);
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

    /** Hands a released e-mail on now, or at its paced slot. */
    private void release(AddressedRequest a, Context ctx, Collector<AddressedRequest> out) throws Exception {
        if (pacer == null || a.request().rules().dryRun()) {
            out.collect(a);
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        long slot = pacer.take(now);
        if (slot <= now) {
            out.collect(a);
            return;
        }
        List<AddressedRequest> at = paced.get(slot);
        List<AddressedRequest> next = at == null ? new ArrayList<>(1) : new ArrayList<>(at);
        next.add(a);
        paced.put(slot, next);
        ctx.timerService().registerProcessingTimeTimer(slot);
        pacedCount.inc();
    }

    /**
     * A paced slot is due. On time, its e-mails go; long overdue (the job was down: every timer restored from
     * a checkpoint fires at once), each gets a new slot from this run's pacer, so that the backlog is paced
     * again instead of released in one burst.
     */
    private void releasePaced(long slot, OnTimerContext ctx, Collector<AddressedRequest> out) throws Exception {
        List<AddressedRequest> due = paced.get(slot);
        if (due == null) {
            return;
        }
        paced.remove(slot);
        long now = ctx.timerService().currentProcessingTime();
        boolean overdue = pacer == null || pacer.overdue(slot, now);
        for (AddressedRequest a : due) {
            if (overdue) {
                release(a, ctx, out);
            } else {
                out.collect(a);
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
