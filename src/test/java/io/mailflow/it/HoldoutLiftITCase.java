package io.mailflow.it;

import static io.mailflow.testing.Events.BEGINNING;
import static io.mailflow.testing.Events.ONE_HOUR;
import static io.mailflow.testing.Events.ONE_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.CampaignStage;
import io.mailflow.campaigns.Experiments;
import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.feedback.Funnel;
import io.mailflow.feedback.Lift;
import io.mailflow.io.Json;
import io.mailflow.job.MailflowJob;
import io.mailflow.model.ControlGroup;
import io.mailflow.model.Event;
import io.mailflow.model.UserProfile;
import io.mailflow.testing.Events;
import io.mailflow.testing.FlinkTestEnv;
import io.mailflow.testing.KafkaExtension;
import io.mailflow.testing.PipelineFixture;
import io.mailflow.tools.report.ReportMain;
import io.mailflow.tools.report.ReportReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holdouts in the numbers, on the production topology at parallelism 2 with a real broker and real SMTP: an
 * abandoned-cart campaign with a holdout and costs, and a global control group. Holdout and control-group users
 * are not mailed, their decisions reach the feedback stage, and their purchases make the campaign's lift line
 * (with its interval), the programme's lift line against the control group, and the campaign's ROI in the
 * statistics topic and the report.
 *
 * <p>Who buys is fixed per group, so that the e-mail "works": three in four mailed users buy, one in four
 * of the holdout and of the control group. Group membership is the job's own hash, recomputed here.
 */
class HoldoutLiftITCase {
    private static final String CAMPAIGN = "cart-lift";
    private static final ControlGroup CONTROL = new ControlGroup(20.0, "it-salt");
    private static final double PRICE = 40.0;

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestEnv.miniCluster();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension();

    @TempDir
    Path dir;

    @Test
    void holdoutAndControlGroupPurchasesYieldLiftLinesWithIntervalsAndRoi() throws Exception {
        Path campaigns = dir.resolve("campaigns.yaml");
        Files.writeString(campaigns, """
                campaigns:
                  - id: cart-lift
                    trigger: {type: abandoned-cart}
                    holdoutPercent: 30
                    variants: [{id: A, template: abandoned-cart}]
                    costs: {perEmail: 0.5, fixed: 10, couponShare: 0.1}
                """);
        PipelineFixture f = PipelineFixture.create(
                KAFKA.broker(),
                "lift",
                SMTP.getSmtp().getPort(),
                "campaigns.file",
                campaigns.toString(),
                "campaigns.control-group.percent",
                "20",
                "campaigns.control-group.salt",
                CONTROL.salt(),
                "session.gap",
                "30min",
                "abandoned-cart.delay",
                "1h",
                "attribution.window",
                "2h",
                "stats.window",
                "1d"); // one window holds every decision and purchase
        MailflowConfig config = f.config();
        CampaignDefinition def = CampaignStage.load(campaigns.toString(), config.get(MailflowOptions.TEMPLATE_DIR))
                .get(0);

        // who is where, by the job's own hashes; who buys, by group
        Map<String, Group> groups = new LinkedHashMap<>();
        List<Event> events = new ArrayList<>();
        int n = 80;
        for (int i = 0; i < n; i++) {
            String u = "user-" + i;
            Group g = Experiments.inControlGroup(u, CONTROL)
                    ? Group.CONTROL
                    : Experiments.holdout(u, def) ? Group.HOLDOUT : Group.MAILED;
            groups.put(u, g);
            long cartAt = BEGINNING + i * 20_000L;
            events.add(Events.cart(u, "sku-" + i, PRICE, cartAt));
            boolean buys = g == Group.MAILED ? i % 4 != 3 : i % 4 == 0;
            if (buys) {
                // after the decision (about an hour after the cart) and within the 2 h attribution window
                events.add(Events.purchase(u, "sku-" + i, PRICE, BEGINNING + 2 * ONE_HOUR + 15 * ONE_MINUTE + i));
            }
        }
        long[] audience = new long[3];
        long[] buyers = new long[3];
        for (int i = 0; i < n; i++) {
            Group g = groups.get("user-" + i);
            audience[g.ordinal()]++;
            buyers[g.ordinal()] += (g == Group.MAILED ? i % 4 != 3 : i % 4 == 0) ? 1 : 0;
        }
        assertThat(audience).as("every group is populated").doesNotContain(0L);

        try (KafkaProducer<byte[], byte[]> p = KAFKA.broker().producer()) {
            for (String u : groups.keySet()) {
                UserProfile profile = new UserProfile(u, u + "@example.com", u, "en", "UTC", true, 1);
                p.send(new ProducerRecord<>(f.topic(MailflowOptions.TOPIC_PROFILES), bytes(u), Json.toBytes(profile)));
            }
            // in event-time order, as a shop would write them: a partition's watermark follows its newest event
            events.sort(java.util.Comparator.comparingLong(Event::timestamp));
            for (Event e : events) {
                p.send(new ProducerRecord<>(f.topic(MailflowOptions.TOPIC_EVENTS), bytes(e.userId()), Json.toBytes(e)));
            }
        }
        StreamExecutionEnvironment env = FlinkTestEnv.env();
        MailflowJob.define(env, config);
        env.execute();

        // only the mailed group got e-mail; the others' decisions are holdouts, the control group's with its reason
        long mailed = audience[Group.MAILED.ordinal()];
        long holdout = audience[Group.HOLDOUT.ordinal()];
        long control = audience[Group.CONTROL.ordinal()];
        assertThat(SMTP.getReceivedMessages()).hasSize((int) mailed);
        List<JsonNode> decisions = f.read(MailflowOptions.TOPIC_CAMPAIGN_EVENTS);
        assertThat(decisions.stream().filter(d -> d.get("outcome").asText().equals("HOLDOUT")))
                .hasSize((int) (holdout + control));
        assertThat(decisions.stream()
                        .filter(d -> d.get("reason").asText().equals(ControlGroup.REASON))
                        .map(d -> d.get("userId").asText()))
                .containsExactlyInAnyOrderElementsOf(groups.entrySet().stream()
                        .filter(e -> e.getValue() == Group.CONTROL)
                        .map(Map.Entry::getKey)
                        .toList());

        List<JsonNode> stats = f.read(MailflowOptions.TOPIC_CAMPAIGN_STATS);
        // the campaign's line: its e-mails against its own holdout, with the interval
        JsonNode a = last(stats, CAMPAIGN, "A");
        JsonNode h = last(stats, CAMPAIGN, Funnel.HOLDOUT);
        assertThat(a.get("audience").asLong()).isEqualTo(mailed);
        assertThat(a.get("conversions").asLong()).isEqualTo(buyers[Group.MAILED.ordinal()]);
        assertThat(h.get("audience").asLong()).isEqualTo(holdout);
        assertThat(h.get("conversions").asLong()).isEqualTo(buyers[Group.HOLDOUT.ordinal()]);
        Lift lift = Lift.of(buyers[Group.MAILED.ordinal()], mailed, buyers[Group.HOLDOUT.ordinal()], holdout);
        assertThat(a.get("lift").asDouble()).isCloseTo(lift.absolute(), within(1e-12));
        assertThat(a.get("liftLow").asDouble()).isCloseTo(lift.low(), within(1e-12));
        assertThat(a.get("liftHigh").asDouble()).isCloseTo(lift.high(), within(1e-12));
        assertThat(a.get("liftLow").asDouble()).isLessThan(a.get("lift").asDouble());
        assertThat(a.get("liftHigh").asDouble()).isGreaterThan(a.get("lift").asDouble());
        // the control group's triggers are a line of the campaign without a lift
        JsonNode c = last(stats, CAMPAIGN, Funnel.CONTROL);
        assertThat(c.get("audience").asLong()).isEqualTo(control);
        assertThat(c.hasNonNull("lift")).isFalse();

        // ROI: 0.5 per e-mail and 10% coupons against the revenue above the holdout's per-user revenue
        double revenueA = PRICE * buyers[Group.MAILED.ordinal()];
        double revenueH = PRICE * buyers[Group.HOLDOUT.ordinal()];
        double incremental = revenueA - mailed * revenueH / holdout;
        double cost = 0.5 * mailed + 0.1 * revenueA;
        assertThat(a.get("incrementalRevenue").asDouble()).isCloseTo(incremental, within(1e-9));
        assertThat(a.get("cost").asDouble()).isCloseTo(cost, within(1e-9));
        assertThat(a.get("fixedCost").asDouble()).isEqualTo(10.0);
        assertThat(a.get("roi").asDouble()).isCloseTo((incremental - cost) / cost, within(1e-9));

        // the programme's line: every mailed e-mail against the global control group
        JsonNode pm = last(stats, Funnel.PROGRAMME, Funnel.MAILED);
        Lift programme = Lift.of(buyers[Group.MAILED.ordinal()], mailed, buyers[Group.CONTROL.ordinal()], control);
        assertThat(pm.get("audience").asLong()).isEqualTo(mailed);
        assertThat(pm.get("holdoutConversionRate").asDouble()).isCloseTo(programme.holdoutRate(), within(1e-12));
        assertThat(pm.get("liftLow").asDouble()).isCloseTo(programme.low(), within(1e-12));
        assertThat(pm.get("liftHigh").asDouble()).isCloseTo(programme.high(), within(1e-12));

        // the report shows both lift lines and the ROI
        Path report = Path.of("target", "report", "holdout-lift-itcase.html");
        ReportMain.write(new ReportReader(config).read(), report);
        String html = Files.readString(report);
        assertThat(html)
                .contains("Programme: every mailed e-mail vs the global control group")
                .contains("programme lift vs global control")
                .contains("Campaign ROI with its fixed cost of 10.00")
                .contains(String.format(java.util.Locale.ROOT, "[%+.2f, %+.2f]", 100 * lift.low(), 100 * lift.high()));
    }

    private enum Group {
        MAILED,
        HOLDOUT,
        CONTROL
    }

    /** The last record of a campaign variant (its window fired last). */
    private static JsonNode last(List<JsonNode> stats, String campaign, String variant) {
        JsonNode out = null;
        for (JsonNode s : stats) {
            if (s.get("campaignId").asText().equals(campaign)
                    && s.get("variant").asText().equals(variant)) {
                out = s;
            }
        }
        assertThat(out).as(campaign + "/" + variant).isNotNull();
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
