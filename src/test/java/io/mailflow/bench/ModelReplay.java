package io.mailflow.bench;

import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.features.UserFeatures;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import io.mailflow.model.SessionSummary;
import io.mailflow.models.ModelOutputs;
import io.mailflow.scoring.LabeledExample;
import io.mailflow.scoring.LogRegModel;
import io.mailflow.scoring.PropensityScore;
import io.mailflow.scoring.ValidationMetrics;
import io.mailflow.segmentation.KMeansModel;
import io.mailflow.sessions.EmitSessionFunction;
import io.mailflow.sessions.SessionAccumulator;
import io.mailflow.sessions.SessionAggregateFunction;
import io.mailflow.sessions.SessionAggregator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.EventTimeSessionWindows;
import org.apache.flink.util.CloseableIterator;

/**
 * Replays a log's events through the job's model data flow on a local Flink runtime and collects
 * everything the evaluation needs: the job's own session windows (or the dataset's session ids), then
 * {@code ModelStage.attach} exactly as {@code MailflowTopology} calls it.
 *
 * <p>Watermarks follow every event (punctuated), as they would in a live job that is never far behind;
 * with Flink's default periodic watermarks a bounded replay would race through the file while event time
 * stood still, and k-means batches would close by count only.
 */
public final class ModelReplay {
    /** How sessions are formed: the job's event-time session windows, or the log's own session ids. */
    public enum Sessions {
        GAP,
        DATASET
    }

    /** Everything the model data flow produced, in the order it produced it. */
    public record Outputs(
            long events,
            long dataEnd,
            int sessions,
            List<UserFeatures> features,
            List<LabeledExample> examples,
            List<KMeansModel> kmeansModels,
            List<LogRegModel> propensityModels,
            List<PropensityScore> scores,
            List<ValidationMetrics> validation) {}

    private static final Executor DRAINERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "replay-collector");
        t.setDaemon(true);
        return t;
    });

    private ModelReplay() {}

    public static Outputs run(List<Event> events, Sessions mode, MailflowConfig config, int parallelism)
            throws Exception {
        List<Event> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(Event::timestamp)); // stable: file order within a timestamp
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        env.setMaxParallelism(config.get(MailflowOptions.MAX_PARALLELISM));

        DataStream<Event> timed =
                env.fromData(sorted).assignTimestampsAndWatermarks(everyEvent((e, t) -> e.timestamp()));
        DataStream<SessionSummary> sessions;
        List<SessionSummary> datasetSessions = List.of();
        if (mode == Sessions.GAP) {
            SessionAggregator aggregator = new SessionAggregator(config.get(MailflowOptions.SESSION_MAX_ITEMS));
            sessions = timed.keyBy(Event::userId)
                    .window(EventTimeSessionWindows.withGap(config.get(MailflowOptions.SESSION_GAP)))
                    .aggregate(new SessionAggregateFunction(aggregator), new EmitSessionFunction(aggregator))
                    .name("session windows");
        } else {
            datasetSessions =
                    byDatasetSession(sorted, new SessionAggregator(config.get(MailflowOptions.SESSION_MAX_ITEMS)));
            sessions = env.fromData(datasetSessions).assignTimestampsAndWatermarks(everyEvent((s, t) -> s.end()));
        }
        DataStream<Event> purchases =
                timed.filter(e -> e.type() == EventType.PURCHASE).name("purchases");

        ModelOutputs out = io.mailflow.models.ModelStage.attach(
                sessions, purchases, io.mailflow.job.PipelineSettings.models(config));
        CloseableIterator<SessionSummary> sessionIt = sessions.collectAsync();
        CloseableIterator<UserFeatures> featureIt = out.features().collectAsync();
        CloseableIterator<LabeledExample> exampleIt = out.examples().collectAsync();
        CloseableIterator<KMeansModel> kmeansIt = out.kmeansModels().collectAsync();
        CloseableIterator<LogRegModel> modelIt = out.propensityModels().collectAsync();
        CloseableIterator<PropensityScore> scoreIt = out.scores().collectAsync();
        CloseableIterator<ValidationMetrics> validationIt = out.validation().collectAsync();
        JobClient job = env.executeAsync("model evaluation replay");
        // Drain every collect sink while the job runs: a sink whose results nobody fetches blocks the job.
        CompletableFuture<List<SessionSummary>> sessionList = drainAsync(sessionIt);
        CompletableFuture<List<UserFeatures>> features = drainAsync(featureIt);
        CompletableFuture<List<LabeledExample>> examples = drainAsync(exampleIt);
        CompletableFuture<List<KMeansModel>> kmeans = drainAsync(kmeansIt);
        CompletableFuture<List<LogRegModel>> models = drainAsync(modelIt);
        CompletableFuture<List<PropensityScore>> scores = drainAsync(scoreIt);
        CompletableFuture<List<ValidationMetrics>> validation = drainAsync(validationIt);
        job.getJobExecutionResult().get();
        long dataEnd = sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1).timestamp();
        return new Outputs(
                sorted.size(),
                dataEnd,
                sessionList.get().size(),
                features.get(),
                examples.get(),
                kmeans.get(),
                models.get(),
                scores.get(),
                validation.get());
    }

    /**
     * Sessions by the log's own session id (REES46 {@code user_session}), folded with the job's session
     * arithmetic and emitted in order of their end, as a session window would emit them.
     */
    static List<SessionSummary> byDatasetSession(List<Event> sorted, SessionAggregator aggregator) {
        Map<String, SessionAccumulator> open = new LinkedHashMap<>();
        Map<String, String> users = new LinkedHashMap<>();
        for (Event e : sorted) {
            String key = e.userId() + "|" + (e.sessionId() == null ? "" : e.sessionId());
            aggregator.add(open.computeIfAbsent(key, k -> new SessionAccumulator()), e);
            users.put(key, e.userId());
        }
        List<SessionSummary> out = new ArrayList<>();
        open.forEach((key, acc) -> out.add(aggregator.summarize(users.get(key), acc)));
        out.sort(Comparator.comparingLong(SessionSummary::end));
        return out;
    }

    /** Timestamps from {@code time}, and a watermark just behind every element. */
    private static <T> WatermarkStrategy<T> everyEvent(SerializableTimestampAssigner<T> time) {
        return WatermarkStrategy.<T>forGenerator(ctx -> new WatermarkGenerator<>() {
                    @Override
                    public void onEvent(T element, long timestamp, WatermarkOutput output) {
                        output.emitWatermark(new Watermark(timestamp - 1));
                    }

                    @Override
                    public void onPeriodicEmit(WatermarkOutput output) {}
                })
                .withTimestampAssigner(time);
    }

    private static <T> CompletableFuture<List<T>> drainAsync(CloseableIterator<T> it) {
        return CompletableFuture.supplyAsync(
                () -> {
                    List<T> out = new ArrayList<>();
                    try (it) {
                        it.forEachRemaining(out::add);
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot collect the replay's results", e);
                    }
                    return out;
                },
                DRAINERS);
    }
}
