package io.mailflow.tools.demo;

import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import io.mailflow.model.UserProfile;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Deterministic e-commerce traffic for the embedded demo: many shoppers whose sessions interleave
 * on one simulated clock. Plain Java, no Flink; not thread-safe.
 *
 * <p>Sessions start as a Poisson process whose rate is the requested event rate divided by the mean
 * session length (measured as the simulation runs), so events arrive at the requested mean rate.
 * The simulation starts {@link #WARM_UP_MS} before {@code startMillis} and discards those events,
 * so the stream begins in steady state with sessions already under way instead of ramping up.
 *
 * <p>A shopper's next session starts at least {@link #MIN_SESSION_GAP_MS} after their previous
 * event, so a 30-minute session window closes every session. That needs enough shoppers, about
 * {@code users >= 900 * eventsPerSimulatedSecond} (a session has about 5 events and keeps its
 * shopper busy for about an hour including the rest). With fewer, a session goes to the shopper who
 * has rested longest, closer than the gap; {@link #crowdedSessions()} counts such sessions. The rate
 * is kept either way.
 *
 * <p>Usage: {@code var g = new ShoppingTrafficGenerator(42, 20_000, 5_000, t0, 20.0); g.next(); ...}
 */
public final class ShoppingTrafficGenerator {
    /** How long the simulation runs before {@code startMillis}; longer than nearly every session. */
    static final long WARM_UP_MS = 30 * 60_000;
    /** Minimum inactivity between two sessions of one shopper: well above a 30-minute session gap. */
    static final long MIN_SESSION_GAP_MS = 45 * 60_000;

    private static final double MEAN_EXTRA_REST_MS = 15 * 60_000;
    /** Prior for the mean session length, worth this many sessions until real ones have finished. */
    private static final double PRIOR_EVENTS_PER_SESSION = 10;

    private static final double PRIOR_WEIGHT = 20;

    /** A scheduled step: a session's next action, or (session == null) the next session arrival. */
    private record Due(long at, long seq, ShoppingSession session, Shopper shopper) {}

    private final long startMillis;
    private final double eventsPerMs;
    private final Rng rng;
    private final Catalog catalog;

    /** The shop's products, for the demo's catalog feed. */
    Catalog catalog() {
        return catalog;
    }

    private final List<Shopper> shoppers = new ArrayList<>();
    private final List<UserProfile> profiles;
    private final List<Shopper> idle = new ArrayList<>();
    private final PriorityQueue<Shopper> resting = new PriorityQueue<>(
            Comparator.comparingLong((Shopper s) -> s.idleUntil).thenComparingInt(s -> s.number));
    private final PriorityQueue<Due> agenda =
            new PriorityQueue<>(Comparator.comparingLong(Due::at).thenComparingLong(Due::seq));
    private final ArrayDeque<Event> ready = new ArrayDeque<>();
    private final List<Event> batch = new ArrayList<>();
    private final Map<EventType, Long> counts = new EnumMap<>(EventType.class);
    private long seq;
    private long eventCounter;
    private long sessionCounter;
    private long crowded;
    private long finishedSessions;
    private long finishedSessionSteps;
    private long now;

    /**
     * @param seed RNG seed; @param users number of distinct shoppers; @param catalogItems number of products;
     * @param startMillis simulated start time (epoch ms); @param eventsPerSimulatedSecond mean arrival rate of
     *     events in simulated time
     */
    public ShoppingTrafficGenerator(
            long seed, int users, int catalogItems, long startMillis, double eventsPerSimulatedSecond) {
        if (users < 1) {
            throw new IllegalArgumentException("users must be >= 1, got " + users);
        }
        if (!(eventsPerSimulatedSecond > 0) || Double.isInfinite(eventsPerSimulatedSecond)) {
            throw new IllegalArgumentException(
                    "eventsPerSimulatedSecond must be positive and finite, got " + eventsPerSimulatedSecond);
        }
        Rng root = new Rng(seed);
        ShopperFactory factory = new ShopperFactory(root.split(), startMillis);
        this.rng = root.split();
        this.catalog = new Catalog(catalogItems);
        this.startMillis = startMillis;
        this.now = startMillis;
        this.eventsPerMs = eventsPerSimulatedSecond / 1000.0;
        for (int i = 1; i <= users; i++) {
            Shopper s = factory.create(i);
            s.idleUntil = Long.MIN_VALUE;
            shoppers.add(s);
            idle.add(s);
        }
        this.profiles = shoppers.stream().map(s -> s.profile).toList();
        for (EventType t : EventType.values()) {
            counts.put(t, 0L);
        }
        agenda.add(new Due(startMillis - WARM_UP_MS, seq++, null, null));
    }

    /** The next event, timestamps non-decreasing (simulated clock). Never returns null. */
    public Event next() {
        while (ready.isEmpty()) {
            Due due = agenda.poll(); // never empty: the next arrival is always scheduled
            if (due.session() == null) {
                startSession(due.at());
            } else {
                advance(due);
            }
        }
        Event e = ready.poll();
        now = e.timestamp();
        counts.merge(e.type(), 1L, Long::sum);
        return e;
    }

    private void startSession(long at) {
        double meanSteps =
                (PRIOR_EVENTS_PER_SESSION * PRIOR_WEIGHT + finishedSessionSteps) / (PRIOR_WEIGHT + finishedSessions);
        long gap = Math.round(rng.exponential(meanSteps / eventsPerMs));
        agenda.add(new Due(at + gap, seq++, null, null));
        Shopper shopper = pickShopper(at);
        shopper.activeSessions++;
        ShoppingSession session = new ShoppingSession(
                "sess-" + (++sessionCounter), shopper, catalog, rng, () -> "gen-" + (++eventCounter));
        agenda.add(new Due(at, seq++, session, shopper));
    }

    /** A rested shopper at random; failing that the one who has rested longest; failing that anyone. */
    private Shopper pickShopper(long at) {
        while (!resting.isEmpty() && resting.peek().idleUntil <= at) {
            idle.add(resting.poll());
        }
        if (!idle.isEmpty()) {
            int i = rng.below(idle.size());
            Shopper chosen = idle.get(i);
            Collections.swap(idle, i, idle.size() - 1);
            idle.remove(idle.size() - 1);
            return chosen;
        }
        crowded++;
        return resting.isEmpty() ? shoppers.get(rng.below(shoppers.size())) : resting.poll();
    }

    private void advance(Due due) {
        ShoppingSession session = due.session();
        Shopper shopper = due.shopper();
        batch.clear();
        long nextAt = session.step(due.at(), due.at() >= startMillis, batch);
        ready.addAll(batch);
        if (nextAt != ShoppingSession.END) {
            agenda.add(new Due(nextAt, seq++, session, shopper));
            return;
        }
        finishedSessions++;
        finishedSessionSteps += session.steps();
        shopper.lastEventAt = Math.max(shopper.lastEventAt, session.lastEventAt());
        if (--shopper.activeSessions == 0) {
            shopper.idleUntil =
                    shopper.lastEventAt + MIN_SESSION_GAP_MS + Math.round(rng.exponential(MEAN_EXTRA_REST_MS));
            resting.add(shopper);
        }
    }

    /** One profile per user, in user order. */
    public List<UserProfile> profiles() {
        return profiles;
    }

    /** Current simulated time in epoch ms: the timestamp of the latest event, initially the start. */
    public long now() {
        return now;
    }

    /** Events emitted so far by type (for the demo summary); a snapshot with every type, zero until seen. */
    public Map<EventType, Long> countsByType() {
        return Collections.unmodifiableMap(new EnumMap<>(counts));
    }

    /** Sessions started closer than {@link #MIN_SESSION_GAP_MS} to the shopper's last one (too few users). */
    public long crowdedSessions() {
        return crowded;
    }
}
