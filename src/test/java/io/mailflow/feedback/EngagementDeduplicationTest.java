package io.mailflow.feedback;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.Event;
import io.mailflow.model.RawRecord;
import io.mailflow.model.SendResult;
import io.mailflow.model.SendStatus;
import io.mailflow.testing.Events;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

/**
 * The feedback stage on bounded input, at parallelism 2 with generic types disabled: an engagement event that
 * arrives twice (a provider's webhook retry, the tracking service's spool replayed after Kafka had in fact taken
 * the first copy) is counted once. The case that matters is engagement for an e-mail the attribution does not
 * know (sent before its window, or by another sender): there the attribution cannot de-duplicate, and before
 * the de-duplication by eventId the retried click was two clicks.
 */
class EngagementDeduplicationTest {
    private static final String CAMPAIGN = "winback";

    private static String engagement(String eventId, String type, String user, String request, long at) {
        return "{\"eventId\":\"" + eventId + "\",\"type\":\"" + type + "\",\"userId\":\"" + user
                + "\",\"campaignId\":\"" + CAMPAIGN + "\",\"requestId\":\"" + request + "\",\"timestamp\":" + at + "}";
    }

    /** Emits the given payloads as raw engagement records, in order, then ends. */
    private static final class Payloads implements GeneratorFunction<Long, RawRecord> {
        private static final long serialVersionUID = 1L;
        private final String[] payloads;

        Payloads(List<String> payloads) {
            this.payloads = payloads.toArray(String[]::new);
        }

        @Override
        public RawRecord map(Long i) {
            String p = payloads[i.intValue()];
            return new RawRecord("engagement", 0, i, BEGINNING, null, p.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aRetriedEventIsCountedOnceEvenForAnEmailTheAttributionDoesNotKnow() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                new Configuration().set(PipelineOptions.GENERIC_TYPES, false));
        env.setParallelism(2);
        long t = BEGINNING + 10 * ONE_MINUTE;
        List<String> payloads = List.of(
                // ann: an e-mail whose send is not known; the click arrives twice, then a second, real click
                engagement("c-1", "CLICKED", "ann", "r-ann", t),
                engagement("o-1", "OPENED", "ann", "r-ann", t + 1),
                engagement("c-1", "CLICKED", "ann", "r-ann", t),
                engagement("c-2", "CLICKED", "ann", "r-ann", t + 2 * ONE_MINUTE),
                engagement("o-1", "OPENED", "ann", "r-ann", t + 1),
                // bob: a known send, its open retried
                engagement("o-9", "OPENED", "bob", "r-bob", t),
                engagement("o-9", "OPENED", "bob", "r-bob", t));
        DataGeneratorSource<RawRecord> source =
                new DataGeneratorSource<>(new Payloads(payloads), payloads.size(), TypeInformation.of(RawRecord.class));
        DataStream<SendResult> results = env.fromData(new SendResult(
                        "r-bob",
                        "<r-bob@shop>",
                        CAMPAIGN,
                        "A",
                        "bob",
                        SendStatus.SENT,
                        1,
                        5,
                        "250 ok",
                        BEGINNING,
                        250,
                        List.of()))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<SendResult>forMonotonousTimestamps()
                        .withTimestampAssigner((r, ts) -> r.sentAt()));
        DataStream<Event> purchases = env.fromData(Events.purchase("zed", "sku-1", 5.0, BEGINNING))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Event>forMonotonousTimestamps()
                        .withTimestampAssigner((e, ts) -> e.timestamp()));
        FeedbackSettings settings = new FeedbackSettings(
                Duration.ofDays(3650),
                Duration.ofDays(3650),
                Duration.ZERO,
                Duration.ZERO,
                Duration.ofHours(2),
                Duration.ofDays(1),
                Duration.ofDays(1),
                Duration.ofHours(1),
                Duration.ZERO);
        FeedbackOutputs out = FeedbackStage.attach(env, source, results, purchases, settings);
        CloseableIterator<FunnelEvent> funnel = out.funnel().collectAsync();
        env.execute("engagement de-duplication test");
        List<FunnelEvent> events = new ArrayList<>();
        funnel.forEachRemaining(events::add);

        assertThat(count(events, "ann", FunnelEvent.Kind.CLICKED)).isEqualTo(2); // c-1 once, c-2
        assertThat(count(events, "ann", FunnelEvent.Kind.OPENED)).isEqualTo(1);
        assertThat(count(events, "bob", FunnelEvent.Kind.OPENED)).isEqualTo(1);
        assertThat(count(events, "bob", FunnelEvent.Kind.SENT)).isEqualTo(1);
    }

    private static long count(List<FunnelEvent> events, String user, FunnelEvent.Kind kind) {
        return events.stream()
                .filter(e -> e.userId().equals(user) && e.kind() == kind)
                .count();
    }
}
