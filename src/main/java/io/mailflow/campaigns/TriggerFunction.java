package io.mailflow.campaigns;

import io.mailflow.campaigns.rules.BanditCounts;
import io.mailflow.campaigns.rules.CampaignsInForce;
import io.mailflow.campaigns.rules.GlobalThompsonStats;
import io.mailflow.campaigns.rules.Housekeeping;
import io.mailflow.campaigns.rules.Signals;
import io.mailflow.campaigns.rules.ThompsonStats;
import io.mailflow.campaigns.rules.TriggerRule;
import io.mailflow.campaigns.rules.TriggerRules;
import io.mailflow.campaigns.rules.ViewTallies;
import io.mailflow.campaigns.rules.WinBackRule;
import io.mailflow.campaigns.schedule.Occurrence;
import io.mailflow.campaigns.schedule.Ramp;
import io.mailflow.campaigns.schedule.ScheduledSends;
import io.mailflow.common.Tags;
import io.mailflow.model.CampaignStatus;
import io.mailflow.model.ControlGroup;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.EventType;
import io.mailflow.model.UpliftDecision;
import io.mailflow.recommendations.RecoList;
import io.mailflow.scoring.CampaignUpliftModel;
import io.mailflow.scoring.UpliftExample;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The campaign trigger engine: runs every campaign in broadcast state against each user's sessions,
 * events, segment and score, and emits an {@link EmailRequest} that says why it exists. The rules are
 * Flink-free ({@link TriggerRules}, one per {@link TriggerType}); this operator holds their state
 * ({@link TriggerState}) and timers.
 *
 * <p>A fired trigger becomes a {@link Pending} with a timer at its due time; the decision is taken in
 * the timer, once the watermark of every input has passed it, so all rules depend on event time only
 * and a replay decides exactly as the live run did. Campaign changes arrive on the broadcast input and
 * take effect for every later decision, pending triggers included. State is cleared by event-time timers
 * as it stops mattering (see {@link Housekeeping}).
 *
 * <p>Thompson-sampled campaigns decide by exposure and conversion counts. By default each parallel instance
 * keeps its own ({@link ThompsonStats}). With the global bandit ({@link TriggerSettings#globalBandit()}) each
 * instance counts deltas ({@link GlobalThompsonStats}), reports them on {@link Descriptors#VARIANT_DELTAS} at a
 * schedule-clock tick at most every {@link TriggerSettings#variantReportMs()} of event time, and receives the
 * job-wide totals back on its broadcast input ({@link ControlMessage#total()}).
 */
public final class TriggerFunction
        extends KeyedBroadcastProcessFunction<String, UserSignal, ControlMessage, EmailRequest>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    /** Longest zone id kept (IANA ids are at most about 30 characters). */
    static final int ZONE_MAX = 64;
    /** Recent predicted uplifts kept per campaign for a top-share rule. */
    static final int RECENT_SCORES = 1000;

    private final TriggerSettings settings;
    private final Map<String, CampaignDefinition> initial;
    private transient TriggerRules rules;
    private transient TriggerState state;
    private transient ListState<VariantStats> statsState;
    /** The counts the variant bandit decides by: {@link ThompsonStats} or, with the global bandit, {@link #global}. */
    private transient BanditCounts stats;
    /** The global bandit's counts (null with the per-instance bandit). */
    private transient GlobalThompsonStats global;
    /** Event time of the latest report of the global bandit's deltas (not checkpointed: a restore reports at once). */
    private transient long lastReport = Long.MIN_VALUE;

    private transient Counter triggered;
    private transient Counter cancelled;
    private transient Counter skipped;
    private transient Counter scheduledSent;
    private transient Counter deltasReported;
    private transient Counter totalsApplied;
    private transient Counter notTargeted;
    private transient Counter upliftModelsApplied;
    private transient Counter upliftOutcomes;
    /**
     * Recent predicted uplifts per campaign, for campaigns that target a top share (not checkpointed: after a restore
     * the share is taken over the scores since, and everyone is e-mailed until the first one).
     */
    private transient Map<String, ArrayDeque<Double>> recentScores;
    /** Event time of the latest scheduled-sends tick (not checkpointed: the ramp restarts after a restore). */
    private transient long lastTick = Long.MIN_VALUE;
    /** What is left of each live scheduled campaign's ramp in the latest tick. */
    private transient Map<String, Long> budget;

    /**
     * @param initial definitions in force from the first record (the {@code campaigns.file}); an update of
     *     the same id on the broadcast input overrides them, a deletion is kept in broadcast state as a tombstone
     */
    public TriggerFunction(TriggerSettings settings, List<CampaignDefinition> initial) {
        this.settings = settings;
        this.initial = new HashMap<>();
        initial.forEach(c -> this.initial.put(c.id(), c));
    }

    @Override
    public void open(OpenContext ctx) {
        rules = new TriggerRules(settings.defaultCartDelayMs());
        state = new TriggerState(
                new PendingTriggers(getRuntimeContext().getMapState(Descriptors.pendingTriggers())),
                getRuntimeContext().getMapState(Descriptors.cartPurchaseTimes()),
                getRuntimeContext().getMapState(Descriptors.viewTallies()),
                getRuntimeContext().getState(Descriptors.lastActivity()),
                getRuntimeContext().getState(Descriptors.userFacts()),
                getRuntimeContext().getMapState(Descriptors.purchasedItems()),
                getRuntimeContext().getState(Descriptors.exposure()),
                getRuntimeContext().getState(Descriptors.housekeepingTimer()),
                getRuntimeContext().getMapState(Descriptors.scheduledSends()),
                getRuntimeContext().getState(Descriptors.userZone()),
                new UpliftOutcomes(
                        getRuntimeContext().getMapState(Descriptors.upliftPending()), settings.attributionWindowMs()),
                new Housekeeping(
                        rules, settings.sessionGapMs(), settings.userStateTtlMs(), settings.attributionWindowMs()));
        triggered = getRuntimeContext().getMetricGroup().counter("campaignTriggered");
        cancelled = getRuntimeContext().getMetricGroup().counter("campaignCancelled");
        skipped = getRuntimeContext().getMetricGroup().counter("campaignSkipped");
        scheduledSent = getRuntimeContext().getMetricGroup().counter("scheduledTriggered");
        deltasReported = getRuntimeContext().getMetricGroup().counter("variantDeltasReported");
        totalsApplied = getRuntimeContext().getMetricGroup().counter("variantTotalsApplied");
        notTargeted = getRuntimeContext().getMetricGroup().counter("upliftNotTargeted");
        upliftModelsApplied = getRuntimeContext().getMetricGroup().counter("upliftModelsApplied");
        upliftOutcomes = getRuntimeContext().getMetricGroup().counter("upliftOutcomes");
        recentScores = new HashMap<>();
    }

    // ---- keyed input: the user's facts, then the rule of each live campaign ----

    @Override
    public void processElement(UserSignal s, ReadOnlyContext ctx, Collector<EmailRequest> out) throws Exception {
        if (s.erase()) {
            state.forget();
            return;
        }
        if (s.zone() != null) {
            // a consenting profile makes the user a recipient of scheduled sends, in its zone ("" for none); one
            // without consent removes them (see Descriptors.userZone)
            String z = s.zone().timeZone();
            if (z == null) {
                state.zone.clear();
                state.scheduled.clear();
            } else {
                String kept = z.length() <= ZONE_MAX ? z.trim() : "";
                if (!kept.equals(state.zone.value())) {
                    state.zone.update(kept);
                }
                // a profile that arrives after the tick (profiles carry no event time) is not left for the next one
                List<CampaignDefinition> live = live(ctx.getBroadcastState(Descriptors.CAMPAIGNS));
                if (!live.isEmpty()) {
                    sendDue(s.userId(), kept, live, ctx.getBroadcastState(Descriptors.RECOMMENDATIONS), out);
                }
            }
            return;
        }
        List<CampaignDefinition> campaigns = campaigns(ctx.getBroadcastState(Descriptors.CAMPAIGNS));
        if (campaigns.isEmpty()) {
            return;
        }
        UserFacts before = state.facts();
        UserFacts after = Signals.apply(before, s);
        if (after != before) {
            state.updateFacts(after, campaigns, ctx.timerService());
        }
        if (s.features() != null) {
            return; // features only update the facts
        }
        if (s.event() != null) {
            state.record(s.event(), campaigns, stats, ctx.timerService());
            if (s.event().type() == EventType.PURCHASE) {
                state.uplift.purchased(s.event().timestamp(), e -> outcome(e, ctx));
            }
        }
        long at = Signals.time(s);
        ViewTallies tallies = new ViewTallyState(state.views, t -> state.cleanUpAt(t, campaigns, ctx.timerService()));
        for (CampaignDefinition c : campaigns) {
            TriggerRule rule = rules.of(c.trigger().type());
            Optional<Pending> fired = c.liveAt(at) ? rule.onSignal(c, s, before, tallies) : Optional.empty();
            if (fired.isPresent()) {
                state.pending.schedule(fired.get(), rule.newestFactOnly(), ctx.timerService());
            }
        }
        if (WinBackRule.restartsClock(s, state.lastActivity.value())) {
            state.restartWinBackClock(s.session().end(), campaigns, ctx.timerService());
        }
    }

    // ---- decisions, at event-time timers ----

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EmailRequest> out) throws Exception {
        state.uplift.expire(timestamp, e -> outcome(e, ctx));
        ReadOnlyBroadcastState<String, CampaignDefinition> defs = ctx.getBroadcastState(Descriptors.CAMPAIGNS);
        for (Pending p : state.pending.takeDue(timestamp)) {
            // the definition in force now: a pause or deletion since the trigger fired cancels it
            CampaignDefinition c = defs.get(p.campaignId());
            decide(p, c != null ? c : initial.get(p.campaignId()), timestamp, ctx, out);
        }
        List<CampaignDefinition> campaigns = campaigns(defs);
        Long last = state.lastActivity.value();
        if (last != null) {
            for (CampaignDefinition c : WinBackRule.due(campaigns, last, timestamp)) {
                decide(rules.winBack().pending(c, last, timestamp), c, timestamp, ctx, out);
            }
            if (WinBackRule.clockRunOut(campaigns, last, timestamp)) {
                state.lastActivity.clear();
            }
        }
        state.cleanUp(timestamp, campaigns);
        state.rearm(timestamp, campaigns, ctx.timerService());
    }

    private void decide(Pending p, CampaignDefinition c, long now, OnTimerContext ctx, Collector<EmailRequest> out)
            throws Exception {
        UserFacts f = state.facts();
        switch (rules.decide(c, p, f, state.activity(), now)) {
            case SKIPPED -> skipped.inc();
            case CANCELLED -> cancelled.inc();
            case SEND -> {
                if (c.uplift() != null) {
                    sendTargeted(c, p, f, now, ctx, out);
                } else {
                    send(c, p, ctx.getCurrentKey(), f, now, ctx.getBroadcastState(Descriptors.RECOMMENDATIONS), out);
                }
            }
        }
    }

    // ---- uplift targeting (issue 16): holdout first, then exploration, then the campaign's uplift model ----

    /**
     * Decides a user of an uplift-targeted campaign with its latest model ({@link UpliftTargeting}); the decision,
     * score, model version and propensity go on the request, and the decision waits for its outcome ({@link
     * UpliftOutcomes}) whatever the arm. A user not targeted gets no request. Users of the global control group are
     * outside the campaign's experiment: their request is the control group's holdout, as without targeting.
     */
    private void sendTargeted(
            CampaignDefinition c, Pending p, UserFacts f, long now, OnTimerContext ctx, Collector<EmailRequest> out)
            throws Exception {
        String user = ctx.getCurrentKey();
        EmailRequest r = request(c, p, user, f, now, ctx.getBroadcastState(Descriptors.RECOMMENDATIONS));
        if (ControlGroup.isControl(r.variant())) {
            emit(c, r, now, out);
            return;
        }
        CampaignUpliftModel m = ctx.getBroadcastState(Descriptors.UPLIFT_MODELS).get(c.id());
        UpliftSpec spec = c.uplift();
        double threshold = spec.byShare() ? shareThreshold(c.id(), spec.topShare()) : spec.minUplift();
        UpliftTargeting.Decision d =
                spec.targeting(threshold).decide(user, c, m == null ? null : m.model(), f.standardized());
        boolean scored = !Double.isNaN(d.score());
        if (scored && spec.byShare()) {
            remember(c.id(), d.score());
        }
        if (settings.upliftLearning()) {
            state.uplift.decided(
                    new UpliftPending(c.id(), now, f.standardized(), d.outcome().emailed(), d.propensity()),
                    ctx.timerService());
        }
        if (d.outcome() == UpliftTargeting.Outcome.NOT_TARGETED) {
            notTargeted.inc();
            return;
        }
        emit(
                c,
                r.withUplift(new UpliftDecision(
                        d.outcome().name(), scored ? d.score() : null, d.modelVersion(), d.propensity())),
                now,
                out);
    }

    /** The threshold that e-mails the top share of the campaign's recent scores (everyone before the first). */
    private double shareThreshold(String campaignId, double share) {
        ArrayDeque<Double> recent = recentScores.get(campaignId);
        if (recent == null || recent.isEmpty()) {
            return -1;
        }
        return UpliftTargeting.thresholdForTopShare(
                recent.stream().mapToDouble(Double::doubleValue).toArray(), share);
    }

    private void remember(String campaignId, double score) {
        ArrayDeque<Double> recent = recentScores.computeIfAbsent(campaignId, k -> new ArrayDeque<>());
        recent.addLast(score);
        if (recent.size() > RECENT_SCORES) {
            recent.removeFirst();
        }
    }

    private void outcome(UpliftExample e, Context ctx) {
        upliftOutcomes.inc();
        ctx.output(Descriptors.UPLIFT_EXAMPLES, e);
    }

    private void outcome(UpliftExample e, ReadOnlyContext ctx) {
        upliftOutcomes.inc();
        ctx.output(Descriptors.UPLIFT_EXAMPLES, e);
    }

    private void send(
            CampaignDefinition c,
            Pending p,
            String user,
            UserFacts f,
            long now,
            ReadOnlyBroadcastState<String, RecoList> model,
            Collector<EmailRequest> out)
            throws Exception {
        emit(c, request(c, p, user, f, now, model), now, out);
    }

    private EmailRequest request(
            CampaignDefinition c,
            Pending p,
            String user,
            UserFacts f,
            long now,
            ReadOnlyBroadcastState<String, RecoList> model)
            throws Exception {
        return RequestFactory.create(
                c,
                p,
                user,
                now,
                f,
                state.purchasedItems(),
                key -> {
                    try {
                        return model.get(key);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                settings,
                stats.view());
    }

    private void emit(CampaignDefinition c, EmailRequest r, long now, Collector<EmailRequest> out) throws Exception {
        if (!r.holdout() && c.thompson()) {
            stats.expose(c.id(), r.variant());
            state.exposed(new Exposure(c.id(), r.variant(), now));
        }
        triggered.inc();
        out.collect(r);
    }

    // ---- scheduled sends: a tick walks this instance's users in keyed state (no per-user timers) ----

    /**
     * Event time reached {@code now}: every recipient (a user with a consenting profile) is visited once ({@code
     * applyToKeyedState} over their zones); each live scheduled campaign sends the occurrence due in the user's zone
     * to those whose facts meet its audience and who have not had it, at most this instance's share of its ramp per
     * tick. State per user: the zone and one marker per campaign.
     */
    private void tick(long now, Context ctx, Collector<EmailRequest> out) throws Exception {
        long previous = lastTick;
        lastTick = Math.max(lastTick, now);
        budget = new HashMap<>();
        int index = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        for (CampaignDefinition c : ScheduledSends.live(campaigns(ctx.getBroadcastState(Descriptors.CAMPAIGNS)), now)) {
            budget.put(c.id(), Ramp.budget(c.trigger().schedule().rampPerMinute(), index, parallelism, previous, now));
        }
        walk(ctx, out);
    }

    /**
     * Visits every recipient at the latest tick with what is left of its ramp. Also run when a definition arrives
     * after the tick (the control topic carries no event time, so a new or changed campaign does not wait a minute).
     */
    private void walk(Context ctx, Collector<EmailRequest> out) throws Exception {
        List<CampaignDefinition> live = live(ctx.getBroadcastState(Descriptors.CAMPAIGNS));
        if (live.isEmpty()) {
            return;
        }
        ReadOnlyBroadcastState<String, RecoList> model = ctx.getBroadcastState(Descriptors.RECOMMENDATIONS);
        ctx.applyToKeyedState(Descriptors.userZone(), (user, zone) -> {
            if (zone.value() != null) {
                sendDue(user, zone.value(), live, model, out);
            }
        });
    }

    /** The live scheduled campaigns at the latest tick that have ramp left in it. */
    private List<CampaignDefinition> live(ReadOnlyBroadcastState<String, CampaignDefinition> defs) throws Exception {
        if (lastTick == Long.MIN_VALUE || budget == null) {
            return List.of();
        }
        return ScheduledSends.live(campaigns(defs), lastTick).stream()
                .filter(c -> budget.getOrDefault(c.id(), 0L) > 0)
                .toList();
    }

    /** The current user's due occurrences at the latest tick, within the ramp left. */
    private void sendDue(
            String user,
            String zone,
            List<CampaignDefinition> live,
            ReadOnlyBroadcastState<String, RecoList> model,
            Collector<EmailRequest> out)
            throws Exception {
        UserFacts f = state.facts();
        for (CampaignDefinition c : live) {
            long left = budget.getOrDefault(c.id(), 0L);
            if (left <= 0) {
                continue;
            }
            Optional<Occurrence> o = ScheduledSends.due(c, f, zone, state.scheduled.get(c.id()), lastTick);
            if (o.isPresent()) {
                state.scheduled.put(c.id(), o.get().key());
                budget.put(c.id(), left - 1);
                scheduledSent.inc();
                send(c, ScheduledSends.pending(c, o.get(), lastTick), user, f, lastTick, model, out);
            }
        }
    }

    /** The campaigns in force and not deleted: the initial ones, overridden by broadcast state, by id. */
    private List<CampaignDefinition> campaigns(ReadOnlyBroadcastState<String, CampaignDefinition> defs)
            throws Exception {
        return CampaignsInForce.of(initial, defs.immutableEntries());
    }

    // ---- broadcast input ----

    @Override
    public void processBroadcastElement(ControlMessage m, Context ctx, Collector<EmailRequest> out) throws Exception {
        if (m.tick() != null) {
            report(m.tick(), ctx);
            tick(m.tick(), ctx, out);
            return;
        }
        if (m.total() != null) {
            if (global != null) { // the per-instance bandit has no totals topic: nothing to apply
                applyTotal(m.total(), ctx.getBroadcastState(Descriptors.VARIANT_TOTALS));
            }
            return;
        }
        if (m.reco() != null) {
            ctx.getBroadcastState(Descriptors.RECOMMENDATIONS).put(m.reco().key(), m.reco());
            return;
        }
        if (m.uplift() != null) {
            // a newer version only: a model read twice, or an older one after a restore, changes nothing
            BroadcastState<String, CampaignUpliftModel> models = ctx.getBroadcastState(Descriptors.UPLIFT_MODELS);
            CampaignUpliftModel held = models.get(m.uplift().campaignId());
            if (held == null || m.uplift().model().version() > held.model().version()) {
                models.put(m.uplift().campaignId(), m.uplift());
                upliftModelsApplied.inc();
            }
            return;
        }
        if (m.campaign() == null) {
            return; // an erasure meant for the item watchers: this operator gets the user's own erasure signal
        }
        CampaignDefinition d = m.campaign().definition();
        BroadcastState<String, CampaignDefinition> defs = ctx.getBroadcastState(Descriptors.CAMPAIGNS);
        CampaignsInForce.Update u =
                CampaignsInForce.update(defs.contains(d.id()) ? defs.get(d.id()) : initial.get(d.id()), d);
        if (u.apply()) {
            defs.put(d.id(), d);
            if (d.trigger().type() == TriggerType.SCHEDULED && lastTick != Long.MIN_VALUE && budget != null) {
                // a scheduled campaign published after the tick starts at once, with one minute's share
                int index = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
                int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
                if (d.trigger().schedule() != null && !budget.containsKey(d.id())) {
                    budget.put(d.id(), Ramp.share(d.trigger().schedule().rampPerMinute(), index, parallelism));
                }
                walk(ctx, out);
            }
        }
        // Every parallel instance applies the update at its own moment and reports it, so that a caller
        // can tell when the whole job runs the new definition (events keyed to an instance that has not
        // applied it yet are still judged by the old one).
        ctx.output(
                Tags.CAMPAIGN_STATUS,
                new CampaignStatus(
                        d.id(),
                        d.version(),
                        u.status(),
                        u.reason(),
                        m.campaign().source(),
                        System.currentTimeMillis(),
                        getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                        // a dry-run job sends nothing for any campaign: its status says so
                        d.dryRun() || settings.dryRunJob()));
    }

    // ---- the global bandit: deltas out at the clock's ticks, job-wide totals in ----

    /**
     * Hands this instance's deltas to the aggregator when the report interval has passed (event time). The report
     * goes out before the tick's sends, so it never waits a further interval for them.
     */
    private void report(long now, Context ctx) {
        if (global == null || (lastReport != Long.MIN_VALUE && now < lastReport + settings.variantReportMs())) {
            return;
        }
        lastReport = now;
        for (VariantStats d : global.drain()) {
            ctx.output(Descriptors.VARIANT_DELTAS, d);
            deltasReported.inc();
        }
    }

    /**
     * A job-wide total read back from the totals topic: kept when newer than the one in broadcast state (a total
     * read twice, or an older one after a restore, changes nothing), and used for every later decision.
     */
    private void applyTotal(VariantTotal t, BroadcastState<String, VariantTotal> totals) throws Exception {
        VariantTotal held = totals.get(t.key());
        if (held == null || t.version() > held.version()) {
            totals.put(t.key(), t);
            global.applyTotals(List.of(t.stats()));
            totalsApplied.inc();
        }
    }

    // ---- operator state: Thompson-sampling counts (per instance) or unreported deltas (global bandit) ----

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        statsState.update(global != null ? global.pendingSnapshot() : ((ThompsonStats) stats).snapshot());
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        statsState = context.getOperatorStateStore().getListState(Descriptors.variantStats());
        if (settings.globalBandit()) {
            // a job switched from the per-instance bandit restores each instance's counts as its first deltas
            global = new GlobalThompsonStats(settings.attributionWindowMs());
            global.restorePending(statsState.get());
            List<VariantStats> totals = new java.util.ArrayList<>();
            for (Map.Entry<String, VariantTotal> e : context.getOperatorStateStore()
                    .getBroadcastState(Descriptors.VARIANT_TOTALS)
                    .entries()) {
                totals.add(e.getValue().stats());
            }
            global.applyTotals(totals);
            stats = global;
        } else {
            ThompsonStats own = new ThompsonStats(settings.attributionWindowMs());
            own.restore(statsState.get());
            stats = own;
        }
    }
}
