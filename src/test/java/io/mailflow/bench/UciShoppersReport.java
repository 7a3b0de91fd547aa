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
        sb.append(
                "| model | settings (chosen on the validation cut) | test AUC [95 % CI] | log loss | ECE (10 bins) |\n");
        sb.append("|---|---|---:|---:|---:|\n");
        for (UciShoppersEvaluation.ModelResult m : List.of(
                r.learner(),
                r.learnerOtherOrder(),
                r.learnerUncalibrated(),
                r.logistic(),
                r.forest(),
                r.pageValues())) {
            sb.append(f(
                    "| %s | %s | %.3f [%.3f, %.3f] | %s | %s |%n",
                    m.name(),
                    m.settings(),
                    m.auc().value(),
                    m.auc().low(),
                    m.auc().high(),
                    Double.isNaN(m.logLoss()) ? "n/a" : f("%.4f", m.logLoss()),
                    Double.isNaN(m.ece()) ? "n/a" : f("%.4f", m.ece())));
        }
        sb.append(f("| constant (training base rate) | | 0.500 | %.4f | |%n%n", r.constantLogLoss()));
        sb.append(f(
                "Learner - random forest AUC: %+.3f [%+.3f, %+.3f] (paired bootstrap). "
                        + "**AUC target %s; ECE target %s.**%n%n",
                r.learnerMinusForest().value(),
                r.learnerMinusForest().low(),
                r.learnerMinusForest().high(),
                aucTargetMet(r) ? "met" : "not met",
                eceTargetMet(r) ? "met" : "not met"));
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
        sb.append(UciShoppersNotes.TEXT);
        return sb.toString();
    }

    private static String nan(double v) {
        return Double.isNaN(v) ? "-" : f("%.3f", v);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
