package io.mailflow.bench.jmh;

import io.mailflow.email.EmailComposer;
import io.mailflow.features.FeatureExtractor;
import io.mailflow.features.UserHistory;
import io.mailflow.ingestion.EventValidator;
import io.mailflow.ingestion.TreeEventValidator;
import io.mailflow.io.Json;
import io.mailflow.model.AddressedRequest;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import io.mailflow.model.LineItem;
import io.mailflow.model.Recipient;
import io.mailflow.model.SessionSummary;
import io.mailflow.scoring.Ftrl;
import io.mailflow.scoring.FtrlState;
import io.mailflow.segmentation.NearestCentroid;
import io.mailflow.sessions.SessionAccumulator;
import io.mailflow.sessions.SessionAggregator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Microbenchmarks of the per-record hot paths. Run (about 3 minutes):
 *
 * <pre>mvn -q test-compile exec:exec -Drun.main=org.openjdk.jmh.Main -Ddemo.args="HotPathBenchmarks -f 1 -wi 2 -i 3 -w 2s -r 3s"</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class HotPathBenchmarks {
    private final EventValidator validator = new EventValidator(Duration.ofHours(1));
    private final TreeEventValidator treeValidator = new TreeEventValidator(Duration.ofHours(1));
    private final SessionAggregator aggregator = new SessionAggregator(20);
    private final FeatureExtractor features = new FeatureExtractor(Duration.ofDays(30), 20);
    private final Ftrl ftrl = new Ftrl(0.1, 0.1, 0.001, 0.01);
    private byte[] payload;
    private Event[] events;
    private SessionSummary session;
    private UserHistory history;
    private NearestCentroid centroids;
    private double[] point;
    private FtrlState ftrlState;
    private EmailComposer composer;
    private AddressedRequest request;
    private int i;

    @Setup
    public void setUp() throws Exception {
        long now = System.currentTimeMillis();
        payload = Json.toBytes(new Event(
                "e-1", "u42", "s-1", EventType.ADD_TO_CART, "sku-17", "cat-3", 19.99, 1, "USD", null, now - 1000));
        events = new Event[64];
        EventType[] types = {
            EventType.VIEW, EventType.VIEW, EventType.VIEW, EventType.CLICK, EventType.SEARCH, EventType.ADD_TO_CART
        };
        for (int k = 0; k < events.length; k++) {
            EventType t = types[k % types.length];
            events[k] = new Event(
                    "e" + k,
                    "u42",
                    null,
                    t,
                    t == EventType.SEARCH ? null : "sku-" + (k % 13),
                    "cat-" + (k % 5),
                    9.99,
                    1,
                    "USD",
                    t == EventType.SEARCH ? "running shoes" : null,
                    now + k * 1000L);
        }
        SessionAccumulator acc = new SessionAccumulator();
        for (Event e : events) {
            aggregator.add(acc, e);
        }
        session = aggregator.summarize("u42", acc);
        history = features.update(null, session);
        Random r = new Random(1);
        double[][] c = new double[8][15];
        for (double[] row : c) {
            for (int k = 0; k < row.length; k++) {
                row[k] = r.nextGaussian();
            }
        }
        centroids = new NearestCentroid(c);
        point = features.vector(history);
        ftrlState = FtrlState.initial(point.length);
        composer = new EmailComposer(new EmailComposer.Settings(
                "",
                "shop@mailflow.local",
                "https://t.example.com/mf",
                "",
                false,
                Duration.ofDays(60),
                "benchmark-secret-0123456789",
                Map.of("shopUrl", "https://shop.example.com", "shopName", "Shop")));
        request = new AddressedRequest(
                new EmailRequest(
                        "req-1",
                        "abandoned-cart",
                        "ABANDONED_CART",
                        "abandoned-cart",
                        "u42",
                        now,
                        "u42@0",
                        List.of(
                                new LineItem("sku-1", "cat-1", 20.0, 2, now),
                                new LineItem("sku-2", "cat-2", 3.5, 1, now)),
                        "USD"),
                new Recipient("u42@example.com", "Ann", "en", "UTC"));
    }

    @Benchmark
    public Object parseAndValidateEvent() {
        return validator.validate(payload, System.currentTimeMillis());
    }

    /** The tree-model validator the streaming one replaced (issue 18), kept in test sources: the "before". */
    @Benchmark
    public Object parseAndValidateEventTree() {
        return treeValidator.validate(payload, System.currentTimeMillis());
    }

    @Benchmark
    public Object sessionAggregation64Events() {
        SessionAccumulator acc = new SessionAccumulator();
        for (Event e : events) {
            aggregator.add(acc, e);
        }
        return acc;
    }

    @Benchmark
    public double[] featureUpdate() {
        return features.vector(features.update(history, session));
    }

    @Benchmark
    public int kmeansAssignment() {
        return centroids.nearest(point);
    }

    @Benchmark
    public FtrlState ftrlUpdate() {
        ftrlState = ftrl.update(ftrlState, point, (i++ & 7) == 0 ? 1 : 0, 1.0);
        return ftrlState;
    }

    @Benchmark
    public Object renderEmail() throws Exception {
        return composer.compose(request, 1_000_000);
    }
}
