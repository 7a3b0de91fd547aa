package io.mailflow.tools.demo;

import io.mailflow.feedback.CampaignStats;
import io.mailflow.feedback.Funnel;
import io.mailflow.feedback.Lift;
import io.mailflow.feedback.Roi;
import io.mailflow.model.ControlGroup;
import io.mailflow.tools.report.CampaignTotals;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The closed loop's part of the demo summary: the job's own figures (its {@code topic.campaign-stats} records,
 * totalled over the windows that fired as the report totals them) beside what the simulated recipients' rates
 * predict. Flink-free.
 *
 * @param sent e-mails sent, all campaigns (the programme's mailed line)
 * @param lift the programme's lift against the global control group, or null without one
 * @param roi all campaigns with a holdout and costs together: Σ incremental revenue against Σ variable and fixed
 *     cost; null when none has both
 * @param expected the same rates as predicted by {@link RecipientBehaviour}, weighted by each campaign's sent
 *     e-mails (and, for the control rate, by its control-group users)
 */
record LoopSummary(
        long sent,
        long opens,
        long clicks,
        long unsubscribes,
        long audience,
        long conversions,
        long controlAudience,
        long controlConversions,
        Lift lift,
        Roi roi,
        Expected expected,
        List<String> lines) {

    record Expected(
            double openRate, double clickRate, double unsubscribeRate, double conversionRate, double controlRate) {
        double lift() {
            return conversionRate - controlRate;
        }
    }

    double openRate() {
        return sent == 0 ? 0 : (double) opens / sent;
    }

    double clickRate() {
        return sent == 0 ? 0 : (double) clicks / sent;
    }

    double unsubscribeRate() {
        return sent == 0 ? 0 : (double) unsubscribes / sent;
    }

    double conversionRate() {
        return audience == 0 ? 0 : (double) conversions / audience;
    }

    static LoopSummary of(Collection<CampaignStats> stats, RecipientBehaviour behaviour) {
        Map<String, List<CampaignTotals>> totals = CampaignTotals.of(stats);
        List<String> lines = new ArrayList<>();
        lines.add(String.format(
                Locale.ROOT,
                "  %-26s %6s %6s %6s %6s %5s  %-30s %8s",
                "campaign (job's figures)",
                "sent",
                "open",
                "click",
                "conv",
                "unsub",
                "lift vs holdout [95% interval]",
                "ROI"));
        double wOpen = 0;
        double wClick = 0;
        double wUnsub = 0;
        double wConv = 0;
        double wControl = 0;
        long controlWeight = 0;
        double incremental = 0;
        double cost = 0;
        boolean anyRoi = false;
        for (Map.Entry<String, List<CampaignTotals>> e : totals.entrySet()) {
            String campaign = e.getKey();
            if (Funnel.PROGRAMME.equals(campaign)) {
                continue;
            }
            RecipientBehaviour.Rates r = behaviour.rates(campaign);
            long sent = 0;
            long opens = 0;
            long clicks = 0;
            long unsubs = 0;
            long conversions = 0;
            long audience = 0;
            Lift lift = null;
            for (CampaignTotals t : e.getValue()) {
                if (t.holdout()) {
                    if (ControlGroup.isControl(t.variant())) {
                        wControl += t.audience() * r.expectedHoldoutConversion();
                        controlWeight += t.audience();
                    }
                    continue;
                }
                sent += t.sent();
                opens += t.opens();
                clicks += t.clicks();
                unsubs += t.unsubscribes();
                conversions += t.conversions();
                audience += t.audience();
                lift = lift == null ? t.lift() : lift;
            }
            wOpen += sent * r.expectedOpenRate();
            wClick += sent * r.expectedClickRate();
            wUnsub += sent * r.expectedUnsubscribeRate();
            wConv += audience * r.expectedMailedConversion();
            Roi roi = CampaignTotals.campaignRoi(e.getValue());
            if (roi != null) {
                anyRoi = true;
                incremental += roi.incrementalRevenue();
                cost += roi.cost();
            }
            // a campaign of several variants: the lift of the pooled variants against the holdout
            CampaignTotals h = holdout(e.getValue());
            if (h != null && e.getValue().stream().filter(t -> !t.holdout()).count() > 1) {
                lift = Lift.of(conversions, audience, h.conversions(), h.audience());
            }
            lines.add(line(campaign, sent, opens, clicks, conversions, audience, unsubs, lift, roi));
        }
        List<CampaignTotals> programme = totals.getOrDefault(Funnel.PROGRAMME, List.of());
        CampaignTotals mailed = programme.stream()
                .filter(t -> Funnel.MAILED.equals(t.variant()))
                .findFirst()
                .orElse(null);
        CampaignTotals control =
                programme.stream().filter(CampaignTotals::holdout).findFirst().orElse(null);
        Roi total = anyRoi ? Roi.of(incremental, cost) : null;
        if (mailed != null) {
            lines.add(line(
                    "all e-mails vs control group",
                    mailed.sent(),
                    mailed.opens(),
                    mailed.clicks(),
                    mailed.conversions(),
                    mailed.audience(),
                    mailed.unsubscribes(),
                    mailed.lift(),
                    total));
        }
        long sent = mailed == null ? 0 : mailed.sent();
        long audience = mailed == null ? 0 : mailed.audience();
        Expected expected = new Expected(
                sent == 0 ? 0 : wOpen / sent,
                sent == 0 ? 0 : wClick / sent,
                sent == 0 ? 0 : wUnsub / sent,
                audience == 0 ? 0 : wConv / audience,
                controlWeight == 0 ? 0 : wControl / controlWeight);
        lines.add(String.format(
                Locale.ROOT,
                "  %-26s %6s %5.1f%% %5.1f%% %5.1f%% %5.1f%%  %-30s",
                "simulated rates predict",
                "",
                100 * expected.openRate(),
                100 * expected.clickRate(),
                100 * expected.conversionRate(),
                100 * expected.unsubscribeRate(),
                String.format(
                        Locale.ROOT,
                        "%+.1f pts (control %.1f%%)",
                        100 * expected.lift(),
                        100 * expected.controlRate())));
        return new LoopSummary(
                sent,
                mailed == null ? 0 : mailed.opens(),
                mailed == null ? 0 : mailed.clicks(),
                mailed == null ? 0 : mailed.unsubscribes(),
                audience,
                mailed == null ? 0 : mailed.conversions(),
                control == null ? 0 : control.audience(),
                control == null ? 0 : control.conversions(),
                mailed == null ? null : mailed.lift(),
                total,
                expected,
                List.copyOf(lines));
    }

    private static CampaignTotals holdout(List<CampaignTotals> variants) {
        return variants.stream()
                .filter(t -> t.holdout() && !ControlGroup.isControl(t.variant()))
                .findFirst()
                .orElse(null);
    }

    private static String line(
            String name,
            long sent,
            long opens,
            long clicks,
            long conversions,
            long audience,
            long unsubs,
            Lift lift,
            Roi roi) {
        String l = lift == null
                ? "no holdout"
                : String.format(
                        Locale.ROOT,
                        "%+.1f pts [%+.1f, %+.1f]",
                        100 * lift.absolute(),
                        100 * lift.low(),
                        100 * lift.high());
        return String.format(
                Locale.ROOT,
                "  %-26s %,6d %5.1f%% %5.1f%% %5.1f%% %5d  %-30s %8s",
                name,
                sent,
                pct(opens, sent),
                pct(clicks, sent),
                pct(conversions, audience),
                unsubs,
                l,
                roi == null ? "-" : String.format(Locale.ROOT, "%.2f", roi.roi()));
    }

    private static double pct(long x, long n) {
        return n == 0 ? 0 : 100.0 * x / n;
    }
}
