package io.mailflow.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.feedback.Lift;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo closes the loop (issue 13): a small live demo run (fixed seed) whose simulated recipients answer the
 * e-mails through the tracking service on 127.0.0.1, and whose summary, computed from the job's own
 * {@code topic.campaign-stats}, must show what they did.
 *
 * <p>Tolerances, stated: (1) the job's opens, clicks and unsubscribes equal the recipients' own actions within 5 %
 * of the e-mails sent (they are equal when every e-mail of the run was answered; the margin is for an e-mail whose
 * decision the demo's consumer had not seen by the recipients' last pass); (2) the rates agree with the simulated ones within
 * four binomial standard deviations of the e-mails sent; (3) the conversion rate is at least the simulated one less
 * four standard deviations, and at most that plus 4σ plus 10 points (the generated shoppers also buy by
 * themselves, in both groups); (4) the programme's 95% interval, widened by 10 points for the same reason,
 * contains the simulated lift. Every figure must be non-zero. The run's wall-clock pace makes the e-mail count vary
 * a little between runs; the recipients' answers depend only on the seed and the request ids.
 */
class DemoClosedLoopITCase {

    @TempDir
    Path out;

    @Test
    void theSummaryShowsWhatTheSimulatedRecipientsDid() throws Exception {
        DemoOptions options = DemoOptions.parse(new String[] {
            "--duration", "30s", "--users", "3000", "--rate", "400", "--seed", "7", "--out", out.toString()
        });
        DemoMain.DemoRun run = new DemoMain.DemoRun(options);
        assertThat(run.run()).as("the demo sent e-mails").isZero();
        LoopSummary s = run.loopSummary;
        ClosedLoop loop = run.loop;
        assertThat(s).isNotNull();
        assertThat(loop.httpErrors())
                .as("every call to the tracking service answered")
                .isZero();
        assertThat(loop.unreadable())
                .as("every captured e-mail had an open pixel")
                .isZero();
        long opened = 0;
        long clicked = 0;
        long redirected = 0;
        long unsubscribed = 0;
        for (ClosedLoop.Tally t : loop.tallies().values()) {
            opened += t.opens;
            clicked += t.clicks;
            redirected += t.redirects;
            unsubscribed += t.unsubscribes;
        }
        assertThat(redirected).as("every click was a 302 of /r").isEqualTo(clicked);

        long n = s.sent();
        assertThat(n).as("e-mails in the job's statistics").isGreaterThan(50);
        double slack = 0.05 * n;
        assertThat((double) s.opens()).as("opens counted by the job vs made").isCloseTo(opened, within(slack));
        assertThat((double) s.clicks()).as("clicks counted by the job vs made").isCloseTo(clicked, within(slack));
        assertThat((double) s.unsubscribes())
                .as("unsubscribes counted by the job vs made")
                .isCloseTo(unsubscribed, within(slack));

        LoopSummary.Expected e = s.expected();
        assertThat(s.openRate()).as("open rate").isPositive().isCloseTo(e.openRate(), within(sigmas(e.openRate(), n)));
        assertThat(s.clickRate())
                .as("click rate")
                .isPositive()
                .isCloseTo(e.clickRate(), within(sigmas(e.clickRate(), n)));
        assertThat(s.unsubscribes()).as("unsubscribes").isPositive();
        assertThat(s.unsubscribeRate())
                .as("unsubscribe rate")
                .isCloseTo(e.unsubscribeRate(), within(sigmas(e.unsubscribeRate(), n)));
        double conv = sigmas(e.conversionRate(), s.audience());
        assertThat(s.conversions()).as("conversions").isPositive();
        assertThat(s.conversionRate())
                .as("conversion rate")
                .isBetween(e.conversionRate() - conv, e.conversionRate() + conv + 0.10);

        Lift lift = s.lift();
        assertThat(lift)
                .as("the programme's lift against the global control group")
                .isNotNull();
        assertThat(s.controlAudience()).as("control-group users").isPositive();
        assertThat(lift.absolute()).as("lift").isNotZero();
        assertThat(e.lift())
                .as("simulated lift inside the widened interval")
                .isBetween(lift.low() - 0.10, lift.high() + 0.10);
        assertThat(s.roi()).as("ROI of the campaigns with holdout and costs").isNotNull();
        assertThat(s.roi().roi()).as("ROI").isNotZero();
        assertThat(out.resolve("report.html")).content().contains("ROI");
    }

    /** Four binomial standard deviations of a rate p over n. */
    private static double sigmas(double p, long n) {
        return 4 * Math.sqrt(p * (1 - p) / Math.max(1, n));
    }

    private static org.assertj.core.data.Offset<Double> within(double d) {
        return org.assertj.core.data.Offset.offset(d);
    }
}
