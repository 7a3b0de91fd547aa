package io.mailflow.bench;

import io.mailflow.scoring.BinnedFtrl;
import io.mailflow.scoring.BinnedFtrlSettings;
import io.mailflow.scoring.MixedFeatures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.LongStream;
import smile.base.cart.SplitRule;
import smile.classification.LogisticRegression;
import smile.classification.RandomForest;
import smile.data.DataFrame;
import smile.data.formula.Formula;
import smile.data.vector.IntVector;

/**
 * Repeat purchase on CDNOW (dev half): will a customer buy again within 90 days of a fixed date? The binned FTRL
 * learner against Smile logistic regression and random forest on the same RFM snapshots, and against recency
 * alone. A batch evaluation on snapshots computed here from the purchase log, <em>not</em> through the job (the
 * issue asks for that too: an importer turning the log into purchase events is not written yet).
 *
 * <p>Protocol. Snapshots on 1997-04-01, 07-01, 10-01, 1998-01-01 and 04-01; at each, every customer who has bought
 * before it gets RFM features from the purchases before it, and label 1 if they buy in the 90 days from it. The
 * last snapshot (labels up to 1998-06-29, inside the log) is the test set; the others train every model, in time
 * order. Settings are chosen on the 1998-01-01 snapshot with models fitted on the earlier three, then refitted on
 * all four. The learner sees the training rows once, snapshot by snapshot (customers in a seeded shuffled order
 * within a snapshot).
 */
public final class CdnowEvaluation {
    public static final String FILE = "cdnow/CDNOW-dev.txt";
    static final LocalDate[] SNAPSHOTS = {
        LocalDate.of(1997, 4, 1),
        LocalDate.of(1997, 7, 1),
        LocalDate.of(1997, 10, 1),
        LocalDate.of(1998, 1, 1),
        LocalDate.of(1998, 4, 1)
    };
    static final int HORIZON_DAYS = 90;
    static final String[] FEATURES = {
        "recency_days", "purchase_days", "spend", "mean_spend", "tenure_days", "cds", "purchase_days_last_90"
    };
    static final int TREES = 200;
    static final int MTRY = 3;
    static final double[] ALPHAS = {0.01, 0.02, 0.05, 0.1};
    static final double[] L2S = {1, 10};
    static final int[] BINS = {8, 16, 32};

    record Purchase(LocalDate date, int cds, double dollars) {}

    /** One customer at one snapshot. */
    record Row(int snapshot, double[] x, int label) {}

    public record Result(
            int customers,
            int train,
            int trainPositives,
            int test,
            int testPositives,
            String learnerSettings,
            UciShoppersEvaluation.ModelResult learner,
            UciShoppersEvaluation.ModelResult logistic,
            UciShoppersEvaluation.ModelResult forest,
            UciShoppersEvaluation.ModelResult recency,
            PropensityEvaluation.Estimate learnerMinusBest,
            String best,
            PropensityEvaluation.Estimate learnerMinusRecency,
            double seconds) {}

    private CdnowEvaluation() {}

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "../shared/data");
        System.out.println(render(evaluate(data.resolve(FILE), ModelEvaluation.SEED)));
    }

    static Map<String, List<Purchase>> read(Path file) throws IOException {
        Map<String, List<Purchase>> byCustomer = new TreeMap<>();
        DateTimeFormatter day = DateTimeFormatter.BASIC_ISO_DATE;
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 4) {
                continue;
            }
            byCustomer
                    .computeIfAbsent(f[0], k -> new ArrayList<>())
                    .add(new Purchase(LocalDate.parse(f[1], day), Integer.parseInt(f[2]), Double.parseDouble(f[3])));
        }
        return byCustomer;
    }

    static List<Row> snapshots(Map<String, List<Purchase>> byCustomer, long seed) {
        List<Row> rows = new ArrayList<>();
        for (int s = 0; s < SNAPSHOTS.length; s++) {
            LocalDate t = SNAPSHOTS[s];
            LocalDate end = t.plusDays(HORIZON_DAYS);
            List<Row> at = new ArrayList<>();
            for (List<Purchase> purchases : byCustomer.values()) {
                LocalDate first = null;
                LocalDate last = null;
                java.util.Set<LocalDate> days = new java.util.HashSet<>();
                java.util.Set<LocalDate> recentDays = new java.util.HashSet<>();
                double spend = 0;
                int cds = 0;
                boolean label = false;
                for (Purchase p : purchases) {
                    if (p.date().isBefore(t)) {
                        first = first == null || p.date().isBefore(first) ? p.date() : first;
                        last = last == null || p.date().isAfter(last) ? p.date() : last;
                        days.add(p.date());
                        if (!p.date().isBefore(t.minusDays(HORIZON_DAYS))) {
                            recentDays.add(p.date());
                        }
                        spend += p.dollars();
                        cds += p.cds();
                    } else if (p.date().isBefore(end)) {
                        label = true;
                    }
                }
                if (first == null) {
                    continue; // not yet a customer
                }
                double[] x = {
                    ChronoUnit.DAYS.between(last, t),
                    days.size(),
                    spend,
                    spend / days.size(),
                    ChronoUnit.DAYS.between(first, t),
                    cds,
                    recentDays.size()
                };
                at.add(new Row(s, x, label ? 1 : 0));
            }
            java.util.Collections.shuffle(at, new Random(seed + s));
            rows.addAll(at);
        }
        return rows;
    }

    public static Result evaluate(Path file, long seed) throws IOException {
        long started = System.nanoTime();
        Map<String, List<Purchase>> byCustomer = read(file);
        List<Row> rows = snapshots(byCustomer, seed);
        int last = SNAPSHOTS.length - 1;
        List<Row> train = rows.stream().filter(r -> r.snapshot() < last).toList();
        List<Row> test = rows.stream().filter(r -> r.snapshot() == last).toList();
        List<Row> fit = train.stream().filter(r -> r.snapshot() < last - 1).toList();
        List<Row> validation =
                train.stream().filter(r -> r.snapshot() == last - 1).toList();
        double[] y = test.stream().mapToDouble(Row::label).toArray();

        BinnedFtrlSettings best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        double[] yv = validation.stream().mapToDouble(Row::label).toArray();
        for (int window : new int[] {0, 2048}) {
            for (int bins : BINS) {
                for (double alpha : ALPHAS) {
                    for (double l2 : L2S) {
                        BinnedFtrlSettings s = BinnedFtrlSettings.defaults(FEATURES.length, 0)
                                .withBins(bins)
                                .withRegularization(alpha, 0, l2)
                                .withCalibrationWindow(window);
                        double loss = PropensityEvaluation.logLoss(learnerScores(s, fit, validation), yv);
                        if (loss < bestLoss) {
                            bestLoss = loss;
                            best = s;
                        }
                    }
                }
            }
        }
        double[] learner = learnerScores(best, train, test);

        double[][] xTrain = logFeatures(train);
        double[] mean = new double[FEATURES.length];
        double[] sd = new double[FEATURES.length];
        for (int j = 0; j < FEATURES.length; j++) {
            final int c = j;
            mean[j] = Arrays.stream(xTrain).mapToDouble(v -> v[c]).average().orElse(0);
            double var = Arrays.stream(xTrain)
                            .mapToDouble(v -> (v[c] - mean[c]) * (v[c] - mean[c]))
                            .sum()
                    / Math.max(1, xTrain.length - 1);
            sd[j] = var > 0 ? Math.sqrt(var) : 1;
        }
        double lambda = UciShoppersEvaluation.chooseLambda(
                standardize(logFeatures(fit), mean, sd),
                labels(fit),
                standardize(logFeatures(validation), mean, sd),
                labels(validation));
        LogisticRegression lr =
                LogisticRegression.fit(standardize(xTrain, mean, sd), labels(train), lambda, 1e-6, 1000);
        double[] logistic = Arrays.stream(standardize(logFeatures(test), mean, sd))
                .mapToDouble(v -> PropensityEvaluation.probability(lr, v))
                .toArray();

        RandomForest rf = RandomForest.fit(
                Formula.lhs("y"),
                frame(train, true),
                TREES,
                MTRY,
                SplitRule.GINI,
                20,
                train.size(),
                25,
                1.0,
                null,
                LongStream.range(seed, seed + TREES));
        double[] forest = UciShoppersEvaluation.forestScores(rf, frame(test, false));
        double[] recency = test.stream().mapToDouble(r -> -r.x()[0]).toArray();

        double lrAuc = PropensityEvaluation.auc(logistic, y);
        double rfAuc = PropensityEvaluation.auc(forest, y);
        double[] bestBatch = rfAuc >= lrAuc ? forest : logistic;
        PropensityEvaluation.Estimate[] vsBest =
                PropensityEvaluation.bootstrap(learner, bestBatch, y, new Random(seed));
        PropensityEvaluation.Estimate[] vsRecency =
                PropensityEvaluation.bootstrap(learner, recency, y, new Random(seed));
        PropensityEvaluation.Estimate[] lrVsRf = PropensityEvaluation.bootstrap(logistic, forest, y, new Random(seed));
        String settings = String.format(
                Locale.ROOT,
                "%d bins, 2^%d coordinates, numeric pairs crossed, alpha %s, L2 %s, calibration window %d",
                best.bins(),
                best.hashBits(),
                best.alpha(),
                best.l2(),
                best.calibrationWindow());
        return new Result(
                byCustomer.size(),
                train.size(),
                (int) train.stream().filter(r -> r.label() == 1).count(),
                test.size(),
                (int) Arrays.stream(y).sum(),
                settings,
                model("BinnedFtrl, one pass", vsBest[0], learner, y),
                model("Smile LogisticRegression (lambda " + lambda + ")", lrVsRf[0], logistic, y),
                model(
                        "Smile RandomForest (" + TREES + " trees, mtry " + MTRY + ", node size 25)",
                        lrVsRf[1],
                        forest,
                        y),
                new UciShoppersEvaluation.ModelResult(
                        "recency alone (days since last purchase, negated)",
                        "",
                        vsRecency[1],
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        List.of()),
                vsBest[2],
                rfAuc >= lrAuc ? "random forest" : "logistic regression",
                vsRecency[2],
                (System.nanoTime() - started) / 1e9);
    }

    private static UciShoppersEvaluation.ModelResult model(
            String name, PropensityEvaluation.Estimate auc, double[] scores, double[] y) {
        return new UciShoppersEvaluation.ModelResult(
                name,
                "",
                auc,
                PropensityEvaluation.logLoss(scores, y),
                PropensityEvaluation.ece(scores, y),
                io.mailflow.scoring.Calibration.noiseFloor(scores, 10, 100, ModelEvaluation.SEED),
                List.of());
    }

    static double[] learnerScores(BinnedFtrlSettings s, List<Row> train, List<Row> test) {
        BinnedFtrl learner = new BinnedFtrl(s);
        for (Row r : train) {
            learner.learn(new MixedFeatures(r.x(), new String[0]), r.label(), 1);
        }
        return test.stream()
                .mapToDouble(r -> learner.score(new MixedFeatures(r.x(), new String[0])))
                .toArray();
    }

    private static double[][] logFeatures(List<Row> rows) {
        return rows.stream()
                .map(r -> Arrays.stream(r.x())
                        .map(v -> Math.log1p(Math.max(0, v)))
                        .toArray())
                .toArray(double[][]::new);
    }

    private static double[][] standardize(double[][] x, double[] mean, double[] sd) {
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = new double[x[i].length];
            for (int j = 0; j < x[i].length; j++) {
                out[i][j] = (x[i][j] - mean[j]) / sd[j];
            }
        }
        return out;
    }

    private static int[] labels(List<Row> rows) {
        return rows.stream().mapToInt(Row::label).toArray();
    }

    private static DataFrame frame(List<Row> rows, boolean withLabel) {
        DataFrame frame = DataFrame.of(rows.stream().map(Row::x).toArray(double[][]::new), FEATURES);
        return withLabel ? frame.merge(IntVector.of("y", labels(rows))) : frame;
    }

    static String render(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append("## Repeat purchase on CDNOW: binned FTRL against Smile on RFM snapshots (not through the job)\n\n");
        sb.append(String.format(
                Locale.ROOT,
                "Data: `%s` (the dev half: %,d customers). Will the customer buy again within %d days of a fixed date? "
                        + "Training snapshots 1997-04-01, 07-01, 10-01, 1998-01-01: %,d rows, %,d positive; test snapshot "
                        + "1998-04-01: %,d customers, %,d positive. Features at each snapshot, from the purchases before "
                        + "it: %s. Learner: %s (chosen on the 1998-01-01 snapshot, fitted on the earlier ones). "
                        + "Target (issue 15): AUC >= the best batch reference - 0.01 and > recency alone. Runtime %.0f s.%n%n",
                FILE,
                r.customers(),
                HORIZON_DAYS,
                r.train(),
                r.trainPositives(),
                r.test(),
                r.testPositives(),
                String.join(", ", FEATURES),
                r.learnerSettings(),
                r.seconds()));
        sb.append("| model | test AUC [95 % CI] | log loss | ECE (10 bins) | ECE noise floor |\n");
        sb.append("|---|---:|---:|---:|---:|\n");
        for (UciShoppersEvaluation.ModelResult m : List.of(r.learner(), r.logistic(), r.forest(), r.recency())) {
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %.3f [%.3f, %.3f] | %s | %s | %s |%n",
                    m.name(),
                    m.auc().value(),
                    m.auc().low(),
                    m.auc().high(),
                    Double.isNaN(m.logLoss()) ? "n/a" : String.format(Locale.ROOT, "%.4f", m.logLoss()),
                    Double.isNaN(m.ece()) ? "n/a" : String.format(Locale.ROOT, "%.4f", m.ece()),
                    Double.isNaN(m.eceNoiseFloor()) ? "n/a" : String.format(Locale.ROOT, "%.4f", m.eceNoiseFloor())));
        }
        boolean best = r.learnerMinusBest().value() >= -0.01;
        boolean recency = r.learnerMinusRecency().value() > 0;
        sb.append(String.format(
                Locale.ROOT,
                "%nLearner - best batch reference (%s) AUC: %+.3f [%+.3f, %+.3f]; learner - recency alone: %+.3f "
                        + "[%+.3f, %+.3f] (paired bootstrap, 1,000 resamples, seed 42). **Target %s** on the point "
                        + "estimates%s. The split is "
                        + "by time (train on earlier snapshots, test on the last), the same customers appear in every "
                        + "snapshot, and the Smile models see the features as log1p and standardized, the forest raw.%n%n",
                r.best(),
                r.learnerMinusBest().value(),
                r.learnerMinusBest().low(),
                r.learnerMinusBest().high(),
                r.learnerMinusRecency().value(),
                r.learnerMinusRecency().low(),
                r.learnerMinusRecency().high(),
                best && recency ? "met" : "not met",
                r.learnerMinusRecency().low() > 0
                        ? ""
                        : "; the margin over recency alone is inside its interval, so this data does not decide that "
                                + "the learner beats recency"));
        sb.append(String.format(
                Locale.ROOT,
                "Verdict: on RFM features alone, every model, the learner included, adds little over \"how long since "
                        + "the last purchase\" (%+.3f AUC for the learner); the learner is within %.3f AUC of the best "
                        + "batch reference. All models are about equally miscalibrated (ECE %.3f-%.3f, noise floor "
                        + "about %.3f), most likely because the repeat rate fell: %.1f %% in the training snapshots, "
                        + "%.1f %% in the test snapshot, and a model fitted on the past predicts the past rate.%n%n",
                r.learnerMinusRecency().value(),
                Math.abs(r.learnerMinusBest().value()),
                Math.min(
                        r.learner().ece(),
                        Math.min(r.logistic().ece(), r.forest().ece())),
                Math.max(
                        r.learner().ece(),
                        Math.max(r.logistic().ece(), r.forest().ece())),
                r.learner().eceNoiseFloor(),
                100.0 * r.trainPositives() / r.train(),
                100.0 * r.testPositives() / r.test()));
        return sb.toString();
    }
}
