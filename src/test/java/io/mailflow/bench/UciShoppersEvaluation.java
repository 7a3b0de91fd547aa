package io.mailflow.bench;

import io.mailflow.scoring.BinnedFtrl;
import io.mailflow.scoring.BinnedFtrlSettings;
import io.mailflow.scoring.Calibration;
import io.mailflow.scoring.MixedFeatures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import smile.base.cart.SplitRule;
import smile.classification.LogisticRegression;
import smile.classification.RandomForest;
import smile.data.DataFrame;
import smile.data.Tuple;
import smile.data.formula.Formula;
import smile.data.vector.IntVector;

/**
 * The propensity learner ({@link BinnedFtrl}) against Smile's batch logistic regression and random forest on the
 * UCI Online Shoppers Purchasing Intention data (one row per session, label: the session ended in a purchase).
 *
 * <p>Protocol. The rows are split 70 / 30 by a seeded shuffle ({@code java.util.Random(seed)}, Fisher-Yates via
 * {@code Collections.shuffle}); the training rows keep their file order (roughly chronological: Feb to Dec), and
 * the learner sees them once, in that order, as a stream. Hyper-parameters of every model are chosen on a
 * validation cut inside the training part (its last 20 % in file order, the models fitted on the first 80 %),
 * then each model is refitted on the whole training part; the test part is touched once, at the end. Test AUC
 * with 95 % paired-bootstrap intervals (1,000 resamples), log loss and the expected calibration error (10
 * equal-width bins).
 */
public final class UciShoppersEvaluation {
    public static final String FILE = "uci-online-shoppers-intention/online_shoppers_intention-dev.csv";
    static final String[] NUMERIC = {
        "Administrative",
        "Administrative_Duration",
        "Informational",
        "Informational_Duration",
        "ProductRelated",
        "ProductRelated_Duration",
        "BounceRates",
        "ExitRates",
        "PageValues",
        "SpecialDay"
    };
    static final String[] CATEGORICAL = {
        "Month", "OperatingSystems", "Browser", "Region", "TrafficType", "VisitorType", "Weekend"
    };
    static final double TRAIN_FRACTION = 0.7;
    static final double VALIDATION_FRACTION = 0.2;
    static final int TREES = 300;
    static final int NOISE_DRAWS = 200;
    static final int[] MTRY = {2, 4, 8};
    static final double[] ALPHAS = {0.005, 0.01, 0.02, 0.05};
    static final double[] L2S = {1, 10};
    static final int[] CALIBRATION_WINDOWS = {0, 1024, 2048};
    static final int[] BINS = {8, 16, 32};

    /** One session. */
    record Row(double[] numeric, String[] categorical, int label) {
        MixedFeatures features() {
            return new MixedFeatures(numeric, categorical);
        }
    }

    /** One model's figures on the test part. */
    public record ModelResult(
            String name,
            String settings,
            PropensityEvaluation.Estimate auc,
            double logLoss,
            double ece,
            double eceNoiseFloor,
            List<Calibration.ReliabilityBin> reliability) {}

    public record Result(
            int rows,
            int train,
            int trainPositives,
            int test,
            int testPositives,
            long seed,
            ModelResult learner,
            ModelResult learnerOtherOrder,
            ModelResult learnerUncalibrated,
            ModelResult logistic,
            ModelResult forest,
            ModelResult pageValues,
            PropensityEvaluation.Estimate learnerMinusForest,
            double constantLogLoss,
            double seconds) {}

    private UciShoppersEvaluation() {}

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "../shared/data");
        Result r = evaluate(data.resolve(FILE), ModelEvaluation.SEED);
        System.out.println(UciShoppersReport.render(r) + UciShoppersNotes.TEXT);
    }

    static List<Row> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String[] header = lines.get(0).strip().split(",");
        Map<String, Integer> col = new LinkedHashMap<>();
        for (int i = 0; i < header.length; i++) {
            col.put(header[i], i);
        }
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split(",");
            double[] numeric = new double[NUMERIC.length];
            for (int i = 0; i < NUMERIC.length; i++) {
                numeric[i] = parse(f[col.get(NUMERIC[i])]);
            }
            String[] categorical = new String[CATEGORICAL.length];
            for (int j = 0; j < CATEGORICAL.length; j++) {
                categorical[j] = f[col.get(CATEGORICAL[j])];
            }
            rows.add(new Row(numeric, categorical, "TRUE".equalsIgnoreCase(f[col.get("Revenue")]) ? 1 : 0));
        }
        return rows;
    }

    private static double parse(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN; // the learner's "missing" bin; the batch models get 0 (see batchMatrix)
        }
    }

    public static Result evaluate(Path file, long seed) throws IOException {
        long started = System.nanoTime();
        List<Row> rows = read(file);
        List<Integer> order =
                new ArrayList<>(IntStream.range(0, rows.size()).boxed().toList());
        java.util.Collections.shuffle(order, new Random(seed));
        int cut = (int) Math.round(rows.size() * TRAIN_FRACTION);
        List<Row> train = new ArrayList<>();
        List<Row> test = new ArrayList<>();
        TreeSet<Integer> trainIdx = new TreeSet<>(order.subList(0, cut));
        for (int i = 0; i < rows.size(); i++) {
            (trainIdx.contains(i) ? train : test).add(rows.get(i)); // both in file order
        }
        // validation cut: a seeded random 20 % of the training part, like the test part is of the whole
        List<Integer> trainOrder =
                new ArrayList<>(IntStream.range(0, train.size()).boxed().toList());
        java.util.Collections.shuffle(trainOrder, new Random(seed + 2));
        TreeSet<Integer> validationIdx =
                new TreeSet<>(trainOrder.subList(0, (int) Math.round(train.size() * VALIDATION_FRACTION)));
        List<Row> fit = new ArrayList<>();
        List<Row> validation = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            (validationIdx.contains(i) ? validation : fit).add(train.get(i)); // both in file order
        }
        double[] yTest = test.stream().mapToDouble(Row::label).toArray();

        // the learner: settings and stream order chosen by validation log loss, then one pass over the training part
        Choice best = chooseLearner(fit, validation, seed);
        double[] learnerScores = learnerScores(best.settings(), ordered(train, best.shuffled(), seed), test);
        double[] otherOrderScores = learnerScores(best.settings(), ordered(train, !best.shuffled(), seed), test);
        double[] uncalibratedScores =
                learnerScores(best.settings().withCalibrationWindow(0), ordered(train, best.shuffled(), seed), test);

        // Smile logistic regression: standardized numeric features (log1p of the counts and durations) and one-hot
        // categories, L2 strength chosen on the validation cut
        Encoding enc = Encoding.of(train);
        double lambda = chooseLambda(enc.matrix(fit), labels(fit), enc.matrix(validation), labels(validation));
        LogisticRegression lr = LogisticRegression.fit(enc.matrix(train), labels(train), lambda, 1e-6, 1000);
        double[][] xTest = enc.matrix(test);
        double[] lrScores = Arrays.stream(xTest)
                .mapToDouble(x -> PropensityEvaluation.probability(lr, x))
                .toArray();

        // Smile random forest: raw numeric features and category codes, mtry chosen on the validation cut
        Codes codes = Codes.of(train);
        int mtry = chooseMtry(codes, fit, validation, seed);
        RandomForest rf = forest(codes.frame(train, true), mtry, seed);
        double[] rfScores = forestScores(rf, codes.frame(test, false));

        double[] pageValues = test.stream().mapToDouble(r -> r.numeric()[8]).toArray();
        double baseRate = train.stream().mapToDouble(Row::label).average().orElse(Double.NaN);
        double[] constant = new double[test.size()];
        Arrays.fill(constant, baseRate);

        PropensityEvaluation.Estimate[] learnerVsForest =
                PropensityEvaluation.bootstrap(learnerScores, rfScores, yTest, new Random(seed));
        PropensityEvaluation.Estimate[] lrVsForest =
                PropensityEvaluation.bootstrap(lrScores, rfScores, yTest, new Random(seed));
        PropensityEvaluation.Estimate[] otherVsPage =
                PropensityEvaluation.bootstrap(otherOrderScores, pageValues, yTest, new Random(seed));
        PropensityEvaluation.Estimate[] uncalibratedVsForest =
                PropensityEvaluation.bootstrap(uncalibratedScores, rfScores, yTest, new Random(seed));
        String learnerSettings = String.format(
                java.util.Locale.ROOT,
                "%s order; %d bins, sketch %d, 2^%d coordinates, all pairs crossed: %b, alpha %s, beta %s, L1 %s, L2 %s, "
                        + "calibration window %d",
                best.shuffled() ? "shuffled" : "file",
                best.settings().bins(),
                best.settings().sketchCapacity(),
                best.settings().hashBits(),
                best.settings().crossCategorical(),
                best.settings().alpha(),
                best.settings().beta(),
                best.settings().l1(),
                best.settings().l2(),
                best.settings().calibrationWindow());
        return new Result(
                rows.size(),
                train.size(),
                (int) train.stream().filter(r -> r.label() == 1).count(),
                test.size(),
                (int) Arrays.stream(yTest).sum(),
                seed,
                model("**BinnedFtrl**, one pass", learnerSettings, learnerVsForest[0], learnerScores, yTest),
                model(
                        "BinnedFtrl, one pass in the other order",
                        "same, " + (best.shuffled() ? "file" : "shuffled") + " order",
                        otherVsPage[0],
                        otherOrderScores,
                        yTest),
                model(
                        "BinnedFtrl without its calibration layer",
                        "same, calibration window 0",
                        uncalibratedVsForest[0],
                        uncalibratedScores,
                        yTest),
                model("Smile LogisticRegression", "L2 lambda " + lambda, lrVsForest[0], lrScores, yTest),
                model(
                        "Smile RandomForest",
                        TREES + " trees, mtry " + mtry + ", Gini, max depth 20, node size 5, bootstrap",
                        learnerVsForest[1],
                        rfScores,
                        yTest),
                new ModelResult(
                        "PageValues alone (a score, not a probability)",
                        "",
                        otherVsPage[1],
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        List.of()),
                learnerVsForest[2],
                PropensityEvaluation.logLoss(constant, yTest),
                (System.nanoTime() - started) / 1e9);
    }

    private static ModelResult model(
            String name, String settings, PropensityEvaluation.Estimate auc, double[] scores, double[] y) {
        return new ModelResult(
                name,
                settings,
                auc,
                PropensityEvaluation.logLoss(scores, y),
                Calibration.expectedCalibrationError(scores, y),
                Calibration.noiseFloor(scores, Calibration.DEFAULT_BINS, NOISE_DRAWS, ModelEvaluation.SEED),
                Calibration.reliability(scores, y, Calibration.DEFAULT_BINS));
    }

    /** The learner's settings and whether it sees the training stream in a seeded shuffled order. */
    record Choice(BinnedFtrlSettings settings, boolean shuffled, double validationLogLoss) {}

    /** The training rows in file order, or shuffled with {@code Random(seed + 1)}. */
    static List<Row> ordered(List<Row> rows, boolean shuffled, long seed) {
        List<Row> out = new ArrayList<>(rows);
        if (shuffled) {
            java.util.Collections.shuffle(out, new Random(seed + 1));
        }
        return out;
    }

    static Choice chooseLearner(List<Row> fit, List<Row> validation, long seed) {
        Choice best = null;
        double[] y = validation.stream().mapToDouble(Row::label).toArray();
        for (boolean shuffled : new boolean[] {false, true}) {
            List<Row> stream = ordered(fit, shuffled, seed);
            for (int window : CALIBRATION_WINDOWS) {
                for (int bins : BINS) {
                    for (double alpha : ALPHAS) {
                        for (double l2 : L2S) {
                            BinnedFtrlSettings s = BinnedFtrlSettings.defaults(NUMERIC.length, CATEGORICAL.length)
                                    .withBins(bins)
                                    .withRegularization(alpha, 0, l2)
                                    .withCalibrationWindow(window);
                            double loss = PropensityEvaluation.logLoss(learnerScores(s, stream, validation), y);
                            if (best == null || loss < best.validationLogLoss()) {
                                best = new Choice(s, shuffled, loss);
                            }
                        }
                    }
                }
            }
        }
        return best;
    }

    /** One pass over {@code train} in the given order, then the frozen model scores {@code test}. */
    static double[] learnerScores(BinnedFtrlSettings settings, List<Row> train, List<Row> test) {
        BinnedFtrl learner = new BinnedFtrl(settings);
        for (Row r : train) {
            learner.learn(r.features(), r.label(), 1.0);
        }
        return test.stream().mapToDouble(r -> learner.score(r.features())).toArray();
    }

    static double chooseLambda(double[][] x, int[] y, double[][] xv, int[] yv) {
        double best = Double.NaN;
        double bestLoss = Double.POSITIVE_INFINITY;
        double[] t = Arrays.stream(yv).asDoubleStream().toArray();
        for (double lambda : PropensityEvaluation.LAMBDAS) {
            LogisticRegression m = LogisticRegression.fit(x, y, lambda, 1e-6, 1000);
            double[] s = Arrays.stream(xv)
                    .mapToDouble(v -> PropensityEvaluation.probability(m, v))
                    .toArray();
            double loss = PropensityEvaluation.logLoss(s, t);
            if (loss < bestLoss) {
                bestLoss = loss;
                best = lambda;
            }
        }
        return best;
    }

    static int chooseMtry(Codes codes, List<Row> fit, List<Row> validation, long seed) {
        int best = MTRY[0];
        double bestLoss = Double.POSITIVE_INFINITY;
        double[] y = validation.stream().mapToDouble(Row::label).toArray();
        for (int mtry : MTRY) {
            RandomForest rf = forest(codes.frame(fit, true), mtry, seed);
            double loss = PropensityEvaluation.logLoss(forestScores(rf, codes.frame(validation, false)), y);
            if (loss < bestLoss) {
                bestLoss = loss;
                best = mtry;
            }
        }
        return best;
    }

    static RandomForest forest(DataFrame frame, int mtry, long seed) {
        return RandomForest.fit(
                Formula.lhs("y"),
                frame,
                TREES,
                mtry,
                SplitRule.GINI,
                20,
                frame.nrow(),
                5,
                1.0,
                null,
                LongStream.range(seed, seed + TREES));
    }

    static double[] forestScores(RandomForest rf, DataFrame frame) {
        double[] out = new double[frame.nrow()];
        double[] posteriori = new double[2];
        for (int i = 0; i < out.length; i++) {
            Tuple t = frame.get(i);
            rf.predict(t, posteriori);
            out[i] = Math.max(0, Math.min(1, posteriori[1]));
        }
        return out;
    }

    private static int[] labels(List<Row> rows) {
        return rows.stream().mapToInt(Row::label).toArray();
    }

    /** Trees: numeric features as they are, each category as its code in the training part (unseen: -1). */
    record Codes(List<Map<String, Integer>> codes) {
        static Codes of(List<Row> train) {
            List<Map<String, Integer>> codes = new ArrayList<>();
            for (int j = 0; j < CATEGORICAL.length; j++) {
                TreeSet<String> values = new TreeSet<>();
                for (Row r : train) {
                    values.add(r.categorical()[j]);
                }
                Map<String, Integer> m = new LinkedHashMap<>();
                for (String v : values) {
                    m.put(v, m.size());
                }
                codes.add(m);
            }
            return new Codes(codes);
        }

        DataFrame frame(List<Row> rows, boolean withLabel) {
            String[] names = new String[NUMERIC.length + CATEGORICAL.length];
            for (int i = 0; i < NUMERIC.length; i++) {
                names[i] = NUMERIC[i];
            }
            for (int j = 0; j < CATEGORICAL.length; j++) {
                names[NUMERIC.length + j] = CATEGORICAL[j];
            }
            double[][] x = new double[rows.size()][names.length];
            for (int r = 0; r < rows.size(); r++) {
                Row row = rows.get(r);
                for (int i = 0; i < NUMERIC.length; i++) {
                    x[r][i] = Double.isFinite(row.numeric()[i]) ? row.numeric()[i] : 0;
                }
                for (int j = 0; j < CATEGORICAL.length; j++) {
                    x[r][NUMERIC.length + j] = codes.get(j).getOrDefault(row.categorical()[j], -1);
                }
            }
            DataFrame frame = DataFrame.of(x, names);
            if (withLabel) {
                frame = frame.merge(IntVector.of("y", labels(rows)));
            }
            return frame;
        }
    }

    /** Logistic regression: log1p of counts and durations, all numeric standardized, categories one-hot. */
    record Encoding(double[] mean, double[] sd, List<List<String>> levels) {
        static Encoding of(List<Row> train) {
            double[] mean = new double[NUMERIC.length];
            double[] sd = new double[NUMERIC.length];
            for (int i = 0; i < NUMERIC.length; i++) {
                final int c = i;
                double[] v = train.stream().mapToDouble(r -> numeric(r, c)).toArray();
                mean[i] = Arrays.stream(v).average().orElse(0);
                double var =
                        Arrays.stream(v).map(a -> (a - mean[c]) * (a - mean[c])).sum() / Math.max(1, v.length - 1);
                sd[i] = var > 0 ? Math.sqrt(var) : 1;
            }
            List<List<String>> levels = new ArrayList<>();
            for (int j = 0; j < CATEGORICAL.length; j++) {
                TreeSet<String> values = new TreeSet<>();
                for (Row r : train) {
                    values.add(r.categorical()[j]);
                }
                List<String> l = new ArrayList<>(values);
                l.remove(0); // the first level is the reference: no collinearity with the intercept
                levels.add(l);
            }
            return new Encoding(mean, sd, levels);
        }

        static double numeric(Row r, int i) {
            double v = Double.isFinite(r.numeric()[i]) ? r.numeric()[i] : 0;
            return i < 6 || i == 8 ? Math.log1p(Math.max(0, v)) : v; // counts, durations, page values: heavy-tailed
        }

        double[][] matrix(List<Row> rows) {
            int width = NUMERIC.length + levels.stream().mapToInt(List::size).sum();
            double[][] x = new double[rows.size()][width];
            for (int r = 0; r < rows.size(); r++) {
                Row row = rows.get(r);
                int k = 0;
                for (int i = 0; i < NUMERIC.length; i++) {
                    x[r][k++] = (numeric(row, i) - mean[i]) / sd[i];
                }
                for (int j = 0; j < CATEGORICAL.length; j++) {
                    for (String level : levels.get(j)) {
                        x[r][k++] = level.equals(row.categorical()[j]) ? 1 : 0;
                    }
                }
            }
            return x;
        }
    }
}
