package io.mailflow.segmentation;

import io.mailflow.features.UserFeatures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Trains the global segment model: collects standardized feature vectors into mini-batches and
 * emits a new {@link KMeansModel} version after each (see {@link StreamingKMeans}).
 *
 * <p>Runs at parallelism 1 on a stream keyed by the constant {@link #GLOBAL_KEY}: keying buys
 * event-time timers and keyed state, which is snapshotted and restored with the operator, so the
 * model, the half-filled batch and its deadline all survive a restore.
 *
 * <p>A batch closes when it holds {@code batchSize} points <em>or</em> when the watermark passes
 * {@code maxWait} after its first point (event time, so that replays and tests are deterministic;
 * a quiet period therefore closes the batch once the watermark moves, and Flink ML's failure mode of
 * a model frozen at low traffic cannot happen). The very first batch seeds the model with k-means++
 * once it holds at least {@code k} points.
 */
public final class KMeansTrainer extends KeyedProcessFunction<Integer, UserFeatures, KMeansModel> {
    private static final long serialVersionUID = 1L;
    public static final int GLOBAL_KEY = 0;
    public static final String VERSION_GAUGE = "kmeansTrainedVersion";

    private final StreamingKMeans kmeans;
    private final int batchSize;
    private final long maxWaitMs;
    private final long seed;
    private transient ValueState<KMeansModel> model;
    private transient ListState<double[]> batch;
    private transient ValueState<Integer> batchCount;
    private transient ValueState<Long> deadline;
    private transient long publishedVersion;

    public KMeansTrainer(StreamingKMeans kmeans, int batchSize, Duration maxWait, long seed) {
        this.kmeans = kmeans;
        this.batchSize = batchSize;
        this.maxWaitMs = maxWait.toMillis();
        this.seed = seed;
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
        getRuntimeContext().getMetricGroup().gauge(VERSION_GAUGE, () -> publishedVersion);
    }

    @Override
    public void processElement(UserFeatures features, Context ctx, Collector<KMeansModel> out) throws Exception {
        if (!StreamingKMeans.usable(
                features.standardized(), features.standardized() == null ? 0 : features.standardized().length)) {
            return; // a NaN or infinite point would poison every centroid it touches
        }
        batch.add(features.standardized());
        int count = batchCount.value() == null ? 1 : batchCount.value() + 1;
        batchCount.update(count);
        if (count >= batchSize) {
            closeBatch(ctx, out);
        } else if (deadline.value() == null) {
            long due = features.asOf() + maxWaitMs;
            deadline.update(due);
            ctx.timerService().registerEventTimeTimer(due);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<KMeansModel> out) throws Exception {
        Long due = deadline.value();
        if (due != null && due == timestamp) {
            closeBatch(ctx, out);
        }
    }

    private void closeBatch(Context ctx, Collector<KMeansModel> out) throws Exception {
        Long due = deadline.value();
        if (due != null) {
            ctx.timerService().deleteEventTimeTimer(due);
            deadline.clear();
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
        KMeansModel next = kmeans.update(current, points, random);
        if (next == null) {
            return; // too few points to seed k clusters: keep them, the next point re-arms the deadline
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
}
