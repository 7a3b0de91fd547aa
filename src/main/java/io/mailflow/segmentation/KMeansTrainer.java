package io.mailflow.segmentation;

import io.mailflow.features.UserFeatures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Trains the global segment model: turns feature snapshots into batches and emits a new {@link KMeansModel}
 * version after each.
 *
 * <p>Runs at parallelism 1 on a stream keyed by the constant {@link #GLOBAL_KEY}: keying buys event-time timers
 * and keyed state, which is snapshotted and restored with the operator, so the model, the open batch and the
 * sample all survive a restore.
 *
 * <p><b>Batches follow event time, not arrival timing.</b> Snapshots fall into event-time intervals of
 * {@code maxWait} by their {@code asOf}; the interval being filled is the open one, and snapshots of later
 * intervals wait in {@code kmeans-pending} (in arrival order) until it closes. Within the open interval a batch
 * closes every {@code batchSize} snapshots; the interval's last batch closes when the watermark passes the
 * interval's end plus {@code lateness} (the session gap: a snapshot is stamped with its session's last event and
 * emitted one gap later). So which snapshots make each version depends only on the snapshots and their order, not
 * on how often watermarks come, and a replay gives the same models every time (a late snapshot, older than the
 * open interval, joins the open interval). Quiet periods still update the model once the watermark moves.
 *
 * <p>Two ways to turn a batch into the next version ({@code kmeans.mode}): {@code refit} (the default) keeps a
 * bounded sample of users' latest vectors ({@link UserSampling}: at most {@code kmeans.sample-size} users, keyed by
 * a hash of the id, dropped after {@code kmeans.sample-max-age} of event time) and refits k-means on it at every
 * batch ({@link KMeansRefit}), with a search of fresh starts whenever the sample has grown by
 * {@link #SEARCH_GROWTH} or {@link #SEARCH_EVERY} versions have passed (or, for a sample of more than
 * {@code SEARCH_EVERY} batches, as many versions as it takes batches to renew it, see {@link #searchEvery}); {@code minibatch} applies the decayed
 * mini-batch rule of {@link StreamingKMeans} to the batch alone. Random numbers are seeded by the model version.
 */
public final class KMeansTrainer extends KeyedProcessFunction<Integer, UserFeatures, KMeansModel> {
    private static final long serialVersionUID = 1L;
    public static final int GLOBAL_KEY = 0;
    public static final String VERSION_GAUGE = "kmeansTrainedVersion";
    /** A search of fresh starts runs when the sample has grown by this factor since the last one... */
    static final double SEARCH_GROWTH = 1.2;
    /** ...or after this many versions without one (at least; see {@link #searchEvery}). */
    static final int SEARCH_EVERY = 16;

    /** A sample point in memory, with its place in the last refit's sample order (-1: not in it). */
    private static final class Held {
        final SamplePoint point;
        int lastIndex = -1;

        Held(SamplePoint point) {
            this.point = point;
        }
    }

    /** A snapshot of a later interval than the open one, waiting for it to close. */
    public record PendingPoint(long interval, long userHash, long asOf, double[] point) {}

    private final StreamingKMeans kmeans;
    private final KMeansRefit refit;
    private final int batchSize;
    private final long intervalMs;
    private final long latenessMs;
    private final long seed;
    private final int sampleCapacity;
    private final long sampleMaxAgeMs;
    private transient ValueState<KMeansModel> model;
    private transient ListState<double[]> batch;
    private transient ValueState<Integer> batchCount;
    /** Only in savepoints of versions before the event-time intervals: the open batch's deadline. */
    private transient ValueState<Long> deadline;

    private transient ValueState<Long> openInterval;
    private transient MapState<Long, PendingPoint> pending;
    private transient ValueState<Long> pendingSeq;
    private transient MapState<Long, SamplePoint> sample;
    private transient ValueState<Long> sampleThreshold;
    private transient ValueState<Integer> sampleSize;
    private transient ValueState<Long> lastSearch;
    private transient long publishedVersion;
    /**
     * The sample (one key: the trainer's state holds a single global key) in hash order, kept in memory beside
     * the keyed state and changed with it, so that a batch does not rebuild the order from the state (the
     * profile of issue 18); built from the state on first use after a start or restore. Null until then.
     */
    private transient TreeMap<Long, Held> ordered;
    /**
     * The bounds of the last refit's sample ({@link Held#lastIndex} places a point in them) and the centroids they
     * are valid for, when the last model was the converged warm refit (else null): the next warm refit starts from
     * them and skips the points the bounds settle.
     */
    private transient KMeansRefit.Bounds lastBounds;

    private transient double[][] boundsFor;
    /** No vector in {@link #ordered} is older than this (event time); expiry scans only when it may drop one. */
    private transient long orderedOldest;

    /** The {@code minibatch} mode: each batch moves the centroids by the decayed mini-batch rule. */
    public KMeansTrainer(StreamingKMeans kmeans, int batchSize, Duration maxWait, Duration lateness, long seed) {
        this(kmeans, null, batchSize, maxWait, lateness, seed, 0, Duration.ZERO);
    }

    /**
     * The {@code refit} mode: each batch refits k-means on the sample.
     *
     * @param sampleCapacity most users in the sample
     * @param sampleMaxAge a user's vector leaves the sample this long (event time) after its snapshot
     */
    public KMeansTrainer(
            KMeansRefit refit,
            int batchSize,
            Duration maxWait,
            Duration lateness,
            long seed,
            int sampleCapacity,
            Duration sampleMaxAge) {
        this(null, refit, batchSize, maxWait, lateness, seed, sampleCapacity, sampleMaxAge);
        if (sampleCapacity < refit.k()) {
            throw new IllegalArgumentException("the sample must hold at least k users");
        }
    }

    private KMeansTrainer(
            StreamingKMeans kmeans,
            KMeansRefit refit,
            int batchSize,
            Duration maxWait,
            Duration lateness,
            long seed,
            int sampleCapacity,
            Duration sampleMaxAge) {
        if (batchSize < 1 || maxWait.toMillis() < 1 || lateness.isNegative()) {
            throw new IllegalArgumentException("batch size and wait must be positive, lateness not negative");
        }
        this.kmeans = kmeans;
        this.refit = refit;
        this.batchSize = batchSize;
        this.intervalMs = maxWait.toMillis();
        this.latenessMs = lateness.toMillis();
        this.seed = seed;
        this.sampleCapacity = sampleCapacity;
        this.sampleMaxAgeMs = sampleMaxAge.toMillis();
    }

    /** The current model under the one global key; declared once (the bootstrap and state tools use it). */
    public static ValueStateDescriptor<KMeansModel> modelDescriptor() {
        return new ValueStateDescriptor<>(KMeansAssigner.MODEL.getName(), KMeansModel.class);
    }

    @Override
    public void open(OpenContext ctx) {
        model = getRuntimeContext().getState(modelDescriptor());
        batch = getRuntimeContext()
                .getListState(new ListStateDescriptor<>(
                        "kmeans-batch", PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO));
        batchCount = getRuntimeContext().getState(new ValueStateDescriptor<>("kmeans-batch-count", Types.INT));
        deadline = getRuntimeContext().getState(new ValueStateDescriptor<>("kmeans-batch-deadline", Types.LONG));
        openInterval = getRuntimeContext().getState(new ValueStateDescriptor<>("kmeans-open-interval", Types.LONG));
        pending = getRuntimeContext()
                .getMapState(
                        new MapStateDescriptor<>("kmeans-pending", Types.LONG, TypeInformation.of(PendingPoint.class)));
        pendingSeq = getRuntimeContext().getState(new ValueStateDescriptor<>("kmeans-pending-seq", Types.LONG));
        sample = getRuntimeContext()
                .getMapState(
                        new MapStateDescriptor<>("kmeans-sample", Types.LONG, TypeInformation.of(SamplePoint.class)));
        sampleThreshold =
                getRuntimeContext().getState(new ValueStateDescriptor<>("kmeans-sample-threshold", Types.LONG));
        sampleSize = getRuntimeContext().getState(new ValueStateDescriptor<>("kmeans-sample-size", Types.INT));
        // "sample size at the last search" * 2^32 + "version of the last search"
        lastSearch = getRuntimeContext().getState(new ValueStateDescriptor<>("kmeans-last-search", Types.LONG));
        getRuntimeContext().getMetricGroup().gauge(VERSION_GAUGE, () -> publishedVersion);
    }

    @Override
    public void processElement(UserFeatures features, Context ctx, Collector<KMeansModel> out) throws Exception {
        if (features.idle()) {
            return; // an idle snapshot is no new behaviour: segments are learned from sessions only
        }
        double[] x = features.standardized();
        if (!StreamingKMeans.usable(x, x == null ? 0 : x.length)) {
            return; // a NaN or infinite point would poison every centroid it touches
        }
        long hash = features.userId() == null ? 0 : UserSampling.hash(features.userId());
        long interval = Math.floorDiv(features.asOf(), intervalMs);
        Long open = openInterval.value();
        if (open == null) {
            open = interval;
            openInterval.update(open);
        }
        ctx.timerService().registerEventTimeTimer(due(open));
        if (interval <= open) {
            take(new PendingPoint(open, hash, features.asOf(), x), ctx, out);
        } else {
            long seq = pendingSeq.value() == null ? 0 : pendingSeq.value();
            pendingSeq.update(seq + 1);
            pending.put(seq, new PendingPoint(interval, hash, features.asOf(), x.clone()));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<KMeansModel> out) throws Exception {
        Long legacy = deadline.value();
        if (legacy != null && timestamp >= legacy) {
            // restored from a savepoint taken before the event-time intervals: its batch closes at its old deadline
            deadline.clear();
            closeBatch(ctx, out);
        }
        Long open = openInterval.value();
        while (open != null && due(open) <= timestamp) {
            closeBatch(ctx, out);
            open = advance(ctx, out);
        }
    }

    /** Opens the earliest interval with pending snapshots (null: none) and takes them, in their arrival order. */
    private Long advance(Context ctx, Collector<KMeansModel> out) throws Exception {
        long next = Long.MAX_VALUE;
        TreeMap<Long, PendingPoint> bySeq = new TreeMap<>();
        for (Map.Entry<Long, PendingPoint> e : pending.entries()) {
            long i = e.getValue().interval();
            if (i < next) {
                next = i;
                bySeq.clear();
            }
            if (i == next) {
                bySeq.put(e.getKey(), e.getValue());
            }
        }
        if (bySeq.isEmpty()) {
            openInterval.clear();
            pendingSeq.clear();
            return null;
        }
        openInterval.update(next);
        ctx.timerService().registerEventTimeTimer(due(next));
        for (Map.Entry<Long, PendingPoint> e : bySeq.entrySet()) {
            pending.remove(e.getKey());
            take(e.getValue(), ctx, out);
        }
        return next;
    }

    private long due(long interval) {
        long end = (interval + 1) * intervalMs - 1;
        return end > Long.MAX_VALUE - latenessMs ? Long.MAX_VALUE : end + latenessMs;
    }

    /** One snapshot of the open interval joins the batch (and the sample); a full batch closes. */
    private void take(PendingPoint p, Context ctx, Collector<KMeansModel> out) throws Exception {
        if (refit == null) {
            batch.add(p.point());
        } else {
            addToSample(p);
        }
        int count = batchCount.value() == null ? 1 : batchCount.value() + 1;
        batchCount.update(count);
        if (count >= batchSize) {
            closeBatch(ctx, out);
        }
    }

    private void addToSample(PendingPoint p) throws Exception {
        long threshold = sampleThreshold.value() == null ? UserSampling.ALL : sampleThreshold.value();
        if (!UserSampling.in(p.userHash(), threshold)) {
            return;
        }
        TreeMap<Long, Held> mirror = ordered();
        int size = sampleSize.value() == null ? 0 : sampleSize.value();
        if (!mirror.containsKey(p.userHash())) {
            size++;
        }
        SamplePoint point = new SamplePoint(p.asOf(), p.point().clone());
        sample.put(p.userHash(), point);
        mirror.put(p.userHash(), new Held(point));
        orderedOldest = Math.min(orderedOldest, p.asOf());
        while (size > sampleCapacity) {
            threshold = UserSampling.halve(threshold);
            size = 0;
            Iterator<Map.Entry<Long, Held>> it = mirror.entrySet().iterator();
            while (it.hasNext()) {
                Long key = it.next().getKey();
                if (UserSampling.in(key, threshold)) {
                    size++;
                } else {
                    it.remove();
                    sample.remove(key);
                }
            }
            sampleThreshold.update(threshold);
        }
        sampleSize.update(size);
    }

    /** The in-memory copy of the sample in hash order, built from the keyed state when there is none yet. */
    private TreeMap<Long, Held> ordered() throws Exception {
        if (ordered == null) {
            TreeMap<Long, Held> built = new TreeMap<>(Long::compareUnsigned);
            long oldest = Long.MAX_VALUE;
            Iterator<Map.Entry<Long, SamplePoint>> it = sample.iterator();
            while (it.hasNext()) {
                Map.Entry<Long, SamplePoint> e = it.next();
                built.put(e.getKey(), new Held(e.getValue()));
                oldest = Math.min(oldest, e.getValue().asOf());
            }
            ordered = built;
            orderedOldest = oldest;
            boundsFor = null;
            lastBounds = null;
        }
        return ordered;
    }

    private void closeBatch(Context ctx, Collector<KMeansModel> out) throws Exception {
        if (batchCount.value() == null) {
            return; // nothing new since the last version
        }
        List<double[]> points = new ArrayList<>();
        batch.get().forEach(points::add);
        KMeansModel current = model.value();
        long poisonedVersion = -1;
        if (current != null && !StreamingKMeans.healthy(current)) {
            poisonedVersion = current.version(); // restored from a poisoned checkpoint: seed afresh
            current = null;
        }
        // Seeded by version, so a replay after restore draws the same random numbers.
        Random random = new Random(seed * 31 + (current == null ? 0 : current.version()));
        KMeansModel next;
        if (refit == null) {
            next = kmeans.update(current, points, random);
        } else {
            // a batch restored from a savepoint of the minibatch mode (vectors without users) counts once
            // the sample's clock is the open interval (not the watermark, whose steps depend on timing)
            Long open = openInterval.value();
            boolean hinted = current != null && boundsFor != null && Arrays.deepEquals(boundsFor, current.centroids());
            KMeansRefit.Bounds hint = null;
            if (hinted) {
                hint = KMeansRefit.Bounds.unknown(ordered().size());
            }
            List<double[]> all =
                    sampled(open == null ? ctx.timerService().currentWatermark() : open * intervalMs, hint);
            all.addAll(points);
            long last = lastSearch.value() == null ? 0 : lastSearch.value();
            long lastSize = last >>> 32;
            long lastVersion = last & 0xffffffffL;
            long version = current == null ? 0 : current.version();
            boolean search = current == null
                    || all.size() >= SEARCH_GROWTH * lastSize
                    || version - lastVersion >= searchEvery(all.size(), batchSize);
            KMeansRefit.Step step = refit.step(current, all, search, random, hint);
            next = step.model();
            keepBounds(step);
            if (next != null && search) {
                lastSearch.update(((long) all.size() << 32) | (next.version() & 0xffffffffL));
            }
        }
        if (next == null) {
            return; // too few points to seed k clusters: keep them, the next batch tries again
        }
        if (next == current) {
            // nothing to learn from (every new vector outside the sample): no new version
            batch.clear();
            batchCount.clear();
            return;
        }
        if (poisonedVersion >= next.version()) {
            // versions only go up, or the assigners would keep serving the poisoned model
            next = new KMeansModel(poisonedVersion + 1, next.centroids(), next.weights());
        }
        batch.clear();
        batchCount.clear();
        model.update(next);
        publishedVersion = next.version();
        out.collect(next);
    }

    /** Keeps the bounds of a converged warm refit (in {@link #sampled} order) for the next version's refit. */
    private void keepBounds(KMeansRefit.Step step) {
        KMeansRefit.Bounds b = step.bounds();
        if (b == null || step.model() == null) {
            lastBounds = null;
            boundsFor = null;
        } else {
            lastBounds = b;
            boundsFor = step.model().centroids();
        }
    }

    /**
     * Versions between two searches of a sample that has stopped growing: {@link #SEARCH_EVERY}, or as many as it
     * takes full batches to bring as many snapshots as the sample holds, whichever is more. A search looks for a
     * better optimum than the warm refits' own; on a large sample that only moves when a good part of it is new,
     * and a search every 16 batches of 500 on a sample of 50,000 was a quarter of the whole job's CPU (issue 18).
     */
    static long searchEvery(int sampleSize, int batchSize) {
        return Math.max(SEARCH_EVERY, ((long) sampleSize + batchSize - 1) / Math.max(1, batchSize));
    }

    /**
     * The sample's vectors in hash order (the same order after a restore, whatever the state backend), after
     * dropping those older than the age limit.
     */
    private List<double[]> sampled(long now, KMeansRefit.Bounds hint) throws Exception {
        long oldest = now == Long.MIN_VALUE || sampleMaxAgeMs <= 0 ? Long.MIN_VALUE : now - sampleMaxAgeMs;
        TreeMap<Long, Held> mirror = ordered();
        if (orderedOldest < oldest) {
            long left = Long.MAX_VALUE;
            Iterator<Map.Entry<Long, Held>> it = mirror.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<Long, Held> e = it.next();
                if (e.getValue().point.asOf() < oldest) {
                    it.remove();
                    sample.remove(e.getKey());
                } else {
                    left = Math.min(left, e.getValue().point.asOf());
                }
            }
            orderedOldest = left;
        }
        if (sampleSize.value() != null && sampleSize.value() != mirror.size()) {
            sampleSize.update(mirror.size());
        }
        List<double[]> points = new ArrayList<>(mirror.size() + batchSize);
        // one pass: the points in hash order, their bounds from the last refit when valid, and their new places
        int i = 0;
        for (Held h : mirror.values()) {
            points.add(h.point.point());
            if (hint != null && lastBounds != null && h.lastIndex >= 0 && h.lastIndex < lastBounds.assigned().length) {
                hint.assigned()[i] = lastBounds.assigned()[h.lastIndex];
                hint.upper()[i] = lastBounds.upper()[h.lastIndex];
                hint.lower()[i] = lastBounds.lower()[h.lastIndex];
            }
            h.lastIndex = i++;
        }
        return points;
    }
}
