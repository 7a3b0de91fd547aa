package io.mailflow.bench;

import io.mailflow.scoring.Calibration;
import java.util.List;
import java.util.Locale;

/** The UCI Online Shoppers section of docs/model-evaluation.md, from a {@link UciShoppersEvaluation.Result}. */
final class UciShoppersReport {
    /** The targets: AUC at least the random forest's minus this, and at most this ECE. */
    static final double AUC_MARGIN = 0.01;

    static final double ECE_TARGET = 0.02;

    private UciShoppersReport() {}

    static boolean aucTargetMet(UciShoppersEvaluation.Result r) {
        return r.learner().auc().value() >= r.forest().auc().value() - AUC_MARGIN;
    }

    static boolean eceTargetMet(UciShoppersEvaluation.Result r) {
        return r.learner().ece() <= ECE_TARGET;
    }

    static String render(UciShoppersEvaluation.Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(
                "## Propensity on UCI Online Shoppers: binned FTRL against Smile random forest and logistic regression\n\n");
        sb.append(f(
                "Data: `%s` (the dev half), %,d sessions, %d positive in the training part of %,d and %d in the test part "
                        + "of %,d (seeded 70 / 30 split, `java.util.Random(%d)`). Targets (issue 15): learner AUC >= random "
                        + "forest AUC - %.2f, learner ECE <= %.2f. Runtime %.0f s.%n%n",
                UciShoppersEvaluation.FILE,
                r.rows(),
                r.trainPositives(),
                r.train(),
                r.testPositives(),
                r.test(),
                r.seed(),
                AUC_MARGIN,
                ECE_TARGET,
                r.seconds()));
        sb.append("| model | settings (chosen on the validation cut) | test AUC [95 % CI] | log loss | ECE (10 bins) "
                + "| ECE noise floor |\n");
        sb.append("|---|---|---:|---:|---:|---:|\n");
        for (UciShoppersEvaluation.ModelResult m : List.of(
                r.learner(),
                r.learnerOtherOrder(),
                r.learnerUncalibrated(),
                r.logistic(),
                r.forest(),
                r.pageValues())) {
            sb.append(f(
                    "| %s | %s | %.3f [%.3f, %.3f] | %s | %s | %s |%n",
                    m.name(),
                    m.settings(),
                    m.auc().value(),
                    m.auc().low(),
                    m.auc().high(),
                    Double.isNaN(m.logLoss()) ? "n/a" : f("%.4f", m.logLoss()),
                    Double.isNaN(m.ece()) ? "n/a" : f("%.4f", m.ece()),
                    Double.isNaN(m.eceNoiseFloor()) ? "n/a" : f("%.4f", m.eceNoiseFloor())));
        }
        sb.append(f("| constant (training base rate) | | 0.500 | %.4f | | |%n%n", r.constantLogLoss()));
        sb.append(f(
                "Learner - random forest AUC: %+.3f [%+.3f, %+.3f] (paired bootstrap). "
                        + "**AUC target %s; ECE target %s.**%n%n",
                r.learnerMinusForest().value(),
                r.learnerMinusForest().low(),
                r.learnerMinusForest().high(),
                aucTargetMet(r) ? "met" : "not met",
                eceTargetMet(r) ? "met" : "not met"));
        sb.append(f(
                "Verdict (seed %d): after seeing each training session once, as a stream, the learner ranks test sessions "
                        + "by purchase likelihood %s the batch random forest (AUC %.3f against %.3f) and as well as batch "
                        + "logistic regression (%.3f); its probabilities are off by %.1f points on average (ECE), against "
                        + "%.1f points that sampling noise alone gives a perfectly calibrated model here. Without the "
                        + "calibration layer they are off by %.1f points. For a marketer: %s%n%n",
                r.seed(),
                r.learnerMinusForest().low() > 0
                        ? "better than"
                        : r.learnerMinusForest().high() < 0 ? "worse than" : "about as well as",
                r.learner().auc().value(),
                r.forest().auc().value(),
                r.logistic().auc().value(),
                100 * r.learner().ece(),
                100 * r.learner().eceNoiseFloor(),
                100 * r.learnerUncalibrated().ece(),
                r.learner().ece() <= 2 * r.learner().eceNoiseFloor()
                        ? "the score can rank an audience, and its values can be read as purchase probabilities to "
                                + "within a few points."
                        : "the score can rank an audience, but its values are not yet reliable probabilities."));
        sb.append("Reliability of the learner and of the random forest on the test part (equal-width bins):\n\n");
        sb.append(
                "| score bin | learner: sessions | mean score | purchase rate | forest: sessions | mean score | purchase rate |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (int b = 0; b < Calibration.DEFAULT_BINS; b++) {
            Calibration.ReliabilityBin l = r.learner().reliability().get(b);
            Calibration.ReliabilityBin t = r.forest().reliability().get(b);
            sb.append(f(
                    "| [%.1f, %.1f%s | %d | %s | %s | %d | %s | %s |%n",
                    l.lower(),
                    l.upper(),
                    b == Calibration.DEFAULT_BINS - 1 ? "]" : ")",
                    l.count(),
                    nan(l.meanScore()),
                    nan(l.positiveRate()),
                    t.count(),
                    nan(t.meanScore()),
                    nan(t.positiveRate())));
        }
        sb.append("\n");
        return sb.toString();
    }

    /** The same protocol on other split seeds: how much of the verdict is the split's luck. */
    static String renderSeeds(List<UciShoppersEvaluation.Result> results) {
        if (results.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append(
                "Robustness: the whole protocol (split, validation cut, choices, fits) repeated with other split seeds:\n\n");
        sb.append("| split seed | learner choice | learner AUC | forest AUC | learner - forest [95 % CI] | LR AUC | "
                + "learner ECE (noise floor) | forest ECE | LR ECE | AUC target | ECE target |\n");
        sb.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
        int auc = 0;
        int ece = 0;
        for (UciShoppersEvaluation.Result r : results) {
            auc += aucTargetMet(r) ? 1 : 0;
            ece += eceTargetMet(r) ? 1 : 0;
            sb.append(f(
                    "| %d | %s | %.3f | %.3f | %+.3f [%+.3f, %+.3f] | %.3f | %.4f (%.4f) | %.4f | %.4f | %s | %s |%n",
                    r.seed(),
                    r.learner().settings(),
                    r.learner().auc().value(),
                    r.forest().auc().value(),
                    r.learnerMinusForest().value(),
                    r.learnerMinusForest().low(),
                    r.learnerMinusForest().high(),
                    r.logistic().auc().value(),
                    r.learner().ece(),
                    r.learner().eceNoiseFloor(),
                    r.forest().ece(),
                    r.logistic().ece(),
                    aucTargetMet(r) ? "met" : "**not met**",
                    eceTargetMet(r) ? "met" : "**not met**"));
        }
        sb.append(f(
                "%nAUC target met on %d of %d further splits, ECE target on %d of %d. Learner - forest AUC ranges "
                        + "from %+.3f to %+.3f, learner ECE from %.4f to %.4f (at most %.1f x its noise floor). "
                        + "Where a difference is smaller than its interval or an ECE close to its floor, the data "
                        + "cannot decide it: a pass or a miss on one split is then partly luck.%n%n",
                auc,
                results.size(),
                ece,
                results.size(),
                results.stream()
                        .mapToDouble(r -> r.learnerMinusForest().value())
                        .min()
                        .orElse(Double.NaN),
                results.stream()
                        .mapToDouble(r -> r.learnerMinusForest().value())
                        .max()
                        .orElse(Double.NaN),
                results.stream().mapToDouble(r -> r.learner().ece()).min().orElse(Double.NaN),
                results.stream().mapToDouble(r -> r.learner().ece()).max().orElse(Double.NaN),
                results.stream()
                        .mapToDouble(r -> r.learner().ece() / r.learner().eceNoiseFloor())
                        .max()
                        .orElse(Double.NaN)));
        return sb.toString();
    }

    private static String nan(double v) {
        return Double.isNaN(v) ? "-" : f("%.3f", v);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
