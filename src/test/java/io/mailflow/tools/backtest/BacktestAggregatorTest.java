package io.mailflow.tools.backtest;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.DryRunDecision;
import io.mailflow.model.DryRunDecision.Kind;
import io.mailflow.model.SessionSummary;
import io.mailflow.scoring.PropensityScore;
import io.mailflow.segmentation.SegmentAssignment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The backtest report's aggregation, on decisions written here with fixed instants. */
class BacktestAggregatorTest {
    static final long DAY1 = Instant.parse("2019-10-01T09:00:00Z").toEpochMilli();
    static final long DAY2 = Instant.parse("2019-10-02T09:00:00Z").toEpochMilli();
    static final long HOUR = 3_600_000L;
    static final long WEEK = 7 * 24 * HOUR;

    static DryRunDecision d(
            String id, String campaign, String variant, String user, Kind kind, String reason, long at) {
        return new DryRunDecision(
                id,
                campaign,
                variant,
                user,
                "ABANDONED_CART",
                kind,
                reason,
                kind == Kind.SEND ? "Hi " + user : "",
                at,
                kind == Kind.DEFER ? at + HOUR : 0L,
                kind == Kind.SEND ? "Your cart: see https://shop.example/t?x=1 or write to ann@example.com" : "");
    }

    static SessionSummary purchase(String user, long end) {
        return new SessionSummary(
                "s-" + user + end,
                user,
                end - 60_000,
                end,
                60_000,
                1,
                0,
                0,
                0,
                0,
                0,
                1,
                10.0,
                "USD",
                1,
                List.of(),
                List.of(),
                List.of("i"),
                List.of());
    }

    static List<DryRunDecision> decisions() {
        List<DryRunDecision> l = new ArrayList<>();
        l.add(d("r1", "cart", "A", "u1", Kind.SEND, "", DAY1));
        l.add(d("r2", "cart", "B", "u2", Kind.SEND, "", DAY1 + HOUR));
        l.add(d("r3", "cart", "A", "u3", Kind.SEND, "", DAY2));
        l.add(d("r4", "cart", "A", "u4", Kind.HOLDOUT, "", DAY1));
        l.add(d("r5", "cart", "A", "u5", Kind.HOLDOUT, "", DAY1));
        // deferred, then released: one deferral, one e-mail, nothing pending at the end
        l.add(d("r6", "cart", "B", "u6", Kind.DEFER, "quiet hours in UTC", DAY1 - 2 * HOUR));
        l.add(d("r6", "cart", "B", "u6", Kind.SEND, "", DAY2 + HOUR));
        // deferred past the end of the history
        l.add(d("r7", "cart", "A", "u7", Kind.DEFER, "quiet hours in UTC", DAY2 + 2 * HOUR));
        l.add(d("r8", "cart", "A", "u8", Kind.DROP, "frequency cap", DAY2));
        l.add(d("r9", "cart", "A", "u9", Kind.DROP, "frequency cap", DAY2));
        return l;
    }

    static BacktestSummary summary(List<DryRunDecision> decisions) {
        return BacktestAggregator.summarize(
                "test",
                100,
                decisions,
                List.of(
                        new DeadLetter("ingest", "not JSON", "x", "t", 0, 1, 0),
                        new DeadLetter("ingest", "not JSON", "y", "t", 0, 2, 0)),
                List.of("line 7: expected 9 fields, found 3"),
                List.of(
                        purchase("u1", DAY1 + 2 * HOUR), // after its e-mail: converted
                        purchase("u2", DAY1 - HOUR), // before its e-mail: not
                        purchase("u3", DAY2 + 8 * 24 * HOUR), // after the window: not
                        purchase("u4", DAY1 + HOUR)), // a holdout user who bought
                List.of(
                        new SegmentAssignment("u1", 2, 1, 0.1, DAY1 - HOUR),
                        new SegmentAssignment("u1", 3, 2, 0.1, DAY1 + HOUR), // after the e-mail: not used
                        new SegmentAssignment("u2", 1, 1, 0.1, DAY1)),
                List.of(new PropensityScore("u1", 0.05, 1, DAY1 - 1), new PropensityScore("u3", 0.95, 1, DAY2)),
                WEEK);
    }

    @Test
    void countsPerCampaignVariantDayAndReason() {
        BacktestSummary s = summary(decisions());
        assertThat(s.campaigns())
                .containsExactly(
                        new BacktestSummary.CampaignRow("cart", "A", 2, 2, 1, 2, 1),
                        new BacktestSummary.CampaignRow("cart", "B", 2, 0, 1, 0, 0));
        assertThat(s.totalEmails()).isEqualTo(4);
        assertThat(s.sendsPerDay())
                .isEqualTo(Map.of(
                        "2019-10-01", Map.of("cart/A", 1L, "cart/B", 1L),
                        "2019-10-02", Map.of("cart/A", 1L, "cart/B", 1L)));
        assertThat(s.deferrals()).isEqualTo(Map.of("quiet hours in UTC", 2L));
        assertThat(s.drops()).isEqualTo(Map.of("frequency cap", 2L));
        assertThat(s.deadLetters()).isEqualTo(Map.of("ingest: not JSON", 2L, "import: expected 9 fields, found 3", 1L));
        assertThat(s.deadLetterTotal()).isEqualTo(3);
    }

    @Test
    void recipientsSegmentsAndScoresAsOfTheirEmail() {
        BacktestSummary s = summary(decisions());
        assertThat(s.segments()).isEqualTo(Map.of("segment 2", 1L, "segment 1", 1L, "unknown", 2L));
        assertThat(s.scoreBins()[0]).isEqualTo(1);
        assertThat(s.scoreBins()[9]).isEqualTo(1);
        assertThat(s.unscored()).isEqualTo(2);
    }

    @Test
    void conversionsWithinTheWindowAndLiftAgainstTheHoldout() {
        BacktestSummary s = summary(decisions());
        BacktestSummary.Outcome a = s.outcomes().get(0);
        assertThat(a.variant()).isEqualTo("A");
        assertThat(a.emailed()).isEqualTo(2); // u1, u3
        assertThat(a.emailedConverted()).isEqualTo(1); // u1
        assertThat(a.heldOut()).isEqualTo(2);
        assertThat(a.heldOutConverted()).isEqualTo(1); // u4
        assertThat(a.lift().absolute()).isEqualTo(0.0);
        assertThat(a.lift().low()).isLessThan(0).isGreaterThanOrEqualTo(-1);
        assertThat(a.lift().high()).isGreaterThan(0).isLessThanOrEqualTo(1);
        BacktestSummary.Outcome b = s.outcomes().get(1);
        assertThat(b.emailed()).isEqualTo(2); // u2, u6
        assertThat(b.emailedConverted()).isZero();
    }

    @Test
    void noPurchasesNoOutcomes() {
        BacktestSummary s = BacktestAggregator.summarize(
                "t", 1, decisions(), List.of(), List.of(), List.of(), List.of(), List.of(), WEEK);
        assertThat(s.outcomes()).isEmpty();
    }

    @Test
    void theOrderOfTheInputsDoesNotMatter() {
        List<DryRunDecision> shuffled = new ArrayList<>(decisions());
        Collections.reverse(shuffled);
        assertThat(summary(shuffled).campaigns()).isEqualTo(summary(decisions()).campaigns());
        assertThat(summary(shuffled).samples()).isEqualTo(summary(decisions()).samples());
    }

    @Test
    void samplesShowSubjectAndExcerptWithoutAddressesOrLinks() {
        BacktestSummary s = summary(decisions());
        assertThat(s.samples()).hasSize(4);
        assertThat(s.samples().get(0).subject()).isEqualTo("Hi u1");
        assertThat(s.samples().get(0).excerpt()).isEqualTo("Your cart: see [link] or write to [address]");
        String html = BacktestHtml.render(s, Instant.parse("2026-12-02T12:00:00Z"));
        String csv = BacktestCsv.summary(s) + BacktestCsv.decisions(decisions());
        assertThat(html)
                .contains("Hi u1")
                .contains("2026-12-02 12:00 UTC")
                .doesNotContain("@")
                .contains("<svg");
        assertThat(csv).doesNotContain("@").contains("campaign,cart,A,e-mails,2\n");
    }

    @Test
    void csvFieldsAreQuotedAndFormulasDefused() {
        assertThat(BacktestCsv.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(BacktestCsv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(BacktestCsv.field("=HYPERLINK(1)")).isEqualTo("'=HYPERLINK(1)");
    }

    @Test
    void theAggregationIsPlainJava() {
        noClasses()
                .that()
                .haveSimpleNameStartingWith("BacktestAggregator")
                .or()
                .haveSimpleNameStartingWith("BacktestSummary")
                .or()
                .haveSimpleNameStartingWith("BacktestHtml")
                .or()
                .haveSimpleNameStartingWith("BacktestCsv")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.apache.flink..")
                .check(new ClassFileImporter().importPackages("io.mailflow.tools.backtest"));
    }
}
