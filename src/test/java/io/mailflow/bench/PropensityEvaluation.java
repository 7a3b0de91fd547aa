package io.mailflow.bench;

import io.mailflow.features.FeatureVector;
import io.mailflow.scoring.BinnedFtrl;
import io.mailflow.scoring.BinnedFtrlSettings;
import io.mailflow.scoring.Ftrl;
import io.mailflow.scoring.FtrlState;
import io.mailflow.scoring.LabeledExample;
import io.mailflow.scoring.MixedFeatures;
import io.mailflow.scoring.ProgressiveValidator;
import io.mailflow.scoring.PropensityScore;
import io.mailflow.scoring.ValidationMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import smile.classification.LogisticRegression;

/**
 * The propensity model against an offline reference, on the labelled examples the job produced.
 *
 * <p>Protocol. The job's published validation is checked first: the score the job served for each
 * labelled snapshot (the scorer's first score of it, from the job's score output) is paired with the
 * snapshot's label (from its example output), and AUC, log loss and calibration error over all pairs must
 * equal what the job published last ({@link #servedPairs}). The job's examples, in the order its FTRL trainer
 * learned them (label time), are also replayed through the same {@link Ftrl} to recover the learn-time score
 * of each one (scored just before learned; biased, shown for comparison only). Snapshots whose horizon had
 * not passed when the input ended are censored: the job emits no example for them, and examples whose
 * horizon reaches past the last event are left out of every figure below as well. The remaining examples are split by snapshot time at the {@code trainFraction} quantile
 * {@code T}: snapshots from {@code T} on are the test set; snapshots whose label was known by {@code T}
 * ({@code t + horizon <= T}) train Smile's batch logistic regression; those in between are left out. On the test set the online model is
 * judged by the score it served at each snapshot's time (the last version published from the labels known
 * by then, test labels included: that is what it does in production) and by its learn-time score
 * (scored when the label arrives, just before learning it); the batch model by its
 * static scores. AUC and log loss
 * are computed the same way for every model, with {@link ProgressiveValidator}'s exact math.
 */
public final class PropensityEvaluation {
    static final double[] LAMBDAS = {0.001, 0.01, 0.1, 1, 10, 100};
    static final int BOOTSTRAP = 1000;

    /** AUC or log loss with a 95 % bootstrap interval. */
    public record Estimate(double value, double low, double high) {}

    public record Result(
            int examples,
            int censored,
            int train,
            int trainPositives,
            int test,
            int testPositives,
            Estimate onlineAuc,
            double onlineLogLoss,
            double learnTimeAuc,
            double learnTimeLogLoss,
            Estimate sameDataAuc,
            double sameDataLogLoss,
            Estimate sameDataGap,
            Estimate batchAuc,
            double batchLogLoss,
            double lambda,
            Estimate aucGap,
            double constantLogLoss,
            double purchaseFrequencyAuc,
            double cartAuc,
            int servedOutcomes,
            int servedPositives,
            double servedAuc,
            double servedLogLoss,
            double servedEce,
            long jobExamples,
            int jobWindow,
            double jobAuc,
            double jobLogLoss,
            double jobEce,
            double servedMismatch,
            double batchEce,
            double sameDataEce,
            double onlineEce,
            Estimate binnedAuc,
            double binnedLogLoss,
            Estimate binnedGap,
            double binnedEce,
            Estimate forestAuc,
            double forestLogLoss,
            double forestEce,
            Estimate binnedVsForest,
            double recencyAuc,
            Estimate binnedVsRecency) {}

    private PropensityEvaluation() {}

    public static Result evaluate(
            List<LabeledExample> examples,
            List<PropensityScore> scores,
            int snapshots,
            long dataEnd,
            long horizonMs,
            Ftrl ftrl,
            BinnedFtrlSettings binnedSettings,
            List<ValidationMetrics> published,
            int publishEvery,
            double trainFraction,
            long seed) {
        int n = examples.size();
        double[] progressive = new double[n];
        double[] labels = new double[n];
        FtrlState state = FtrlState.initial(FeatureVector.SIZE);
        for (int i = 0; i < n; i++) {
            LabeledExample e = examples.get(i);
            progressive[i] = Ftrl.predict(ftrl.weights(state), e.features());
            labels[i] = e.label();
            state = ftrl.update(state, e.features(), e.label(), e.weight());
        }
        // What the job served, as recorded by its outputs, against what it published.
        List<double[]> pairs = servedPairs(examples, scores);
        double[] servedScore = pairs.stream().mapToDouble(p -> p[0]).toArray();
        double[] servedLabel = pairs.stream().mapToDouble(p -> p[1]).toArray();
        ValidationMetrics lastPublished = published.isEmpty() ? null : published.get(published.size() - 1);
        double servedAuc = auc(servedScore, servedLabel);
        double servedLogLoss = pairs.isEmpty() ? Double.NaN : logLoss(servedScore, servedLabel);
        double servedEce = ece(servedScore, servedLabel);
        // The last published figure covers all served outcomes when the window holds them all; otherwise the
        // window's content depends on the order outcomes reached the validator, which the outputs do not fix.
        boolean comparable = lastPublished != null
                && lastPublished.examples() == pairs.size()
                && lastPublished.window() == pairs.size();
        double mismatch = comparable
                ? Math.max(
                        gap(lastPublished.auc(), servedAuc),
                        Math.max(
                                gap(lastPublished.logLoss(), servedLogLoss),
                                gap(lastPublished.calibrationError(), servedEce)))
                : Double.NaN;
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (examples.get(i).snapshotTime() + horizonMs <= dataEnd) {
                kept.add(i);
            }
        }
        // Split by snapshot time, not label time: a positive is labelled at its purchase, a negative only a
        // horizon later, so a split by label time would leave the test part with the late negatives and few
        // positives. The batch model trains on every snapshot before the cut, with its final label.
        List<Integer> bySnapshot = new ArrayList<>(kept);
        bySnapshot.sort(java.util.Comparator.comparingLong(i -> examples.get(i).snapshotTime()));
        long cutTime = bySnapshot.isEmpty()
                ? 0
                : examples.get(bySnapshot.get(
                                Math.min(bySnapshot.size() - 1, (int) (bySnapshot.size() * trainFraction))))
                        .snapshotTime();
        List<Integer> train = bySnapshot.stream()
                .filter(i -> examples.get(i).snapshotTime() < cutTime)
                .toList();
        List<Integer> test = bySnapshot.stream()
                .filter(i -> examples.get(i).snapshotTime() >= cutTime)
                .toList();
        double[] served = servedScores(examples, ftrl, publishEvery);
        double[][] xTrain = features(examples, train);
        int[] yTrain = intLabels(labels, train);
        boolean twoClasses = java.util.Arrays.stream(yTrain).distinct().count() == 2;
        double lambda = twoClasses ? chooseLambda(xTrain, yTrain) : Double.NaN;
        // Without both classes in the training part there is no batch model: its scores are NaN.
        LogisticRegression batch = twoClasses ? LogisticRegression.fit(xTrain, yTrain, lambda, 1e-6, 1000) : null;

        // The online learner given exactly the batch model's training data (snapshot order), then frozen: the
        // algorithms compared on equal information, free of the label delay.
        FtrlState sameData = FtrlState.initial(FeatureVector.SIZE);
        for (int i : train) {
            sameData = ftrl.update(
                    sameData,
                    examples.get(i).features(),
                    labels[i],
                    examples.get(i).weight());
        }
        double[] sameDataWeights = ftrl.weights(sameData);
        double[] yTest = pick(labels, test);
        double[] online = pick(served, test);
        double[] onlineProgressive = pick(progressive, test);
        double[] offline = new double[test.size()];
        double[] frozen = new double[test.size()];
        double[] purchaseFrequency = new double[test.size()];
        double[] carts = new double[test.size()];
        for (int j = 0; j < test.size(); j++) {
            double[] x = examples.get(test.get(j)).features();
            frozen[j] = Ftrl.predict(sameDataWeights, x);
            offline[j] = batch == null ? Double.NaN : probability(batch, x);
            purchaseFrequency[j] = x[FeatureVector.PURCHASE_FREQUENCY];
            carts[j] = x[FeatureVector.EVENTS_OFFSET + io.mailflow.model.EventType.ADD_TO_CART.ordinal()];
        }
        // The served learner (binned FTRL on the raw features) and the seed's own approach (a random forest on
        // the same raw features), both on the batch model's training data, then frozen.
        BinnedFtrl binnedSame = new BinnedFtrl(binnedSettings);
        for (int i : train) {
            LabeledExample e = examples.get(i);
            binnedSame.learn(inputs(e, binnedSettings), labels[i], e.weight());
        }
        double[] binned = new double[test.size()];
        for (int j = 0; j < test.size(); j++) {
            binned[j] = binnedSame.score(inputs(examples.get(test.get(j)), binnedSettings));
        }
        double[] forest = twoClasses ? forestScores(examples, train, test, yTrain, seed) : nanArray(test.size());
        Estimate[] binnedBoot = bootstrap(binned, offline, yTest, new Random(seed));
        Estimate[] binnedForest = bootstrap(binned, forest, yTest, new Random(seed));
        // "recency alone": the shorter the gap before the snapshot's session, the likelier a purchase
        double[] recency = new double[test.size()];
        for (int j = 0; j < test.size(); j++) {
            recency[j] = -examples.get(test.get(j)).raw()[FeatureVector.RECENCY_HOURS];
        }
        Estimate[] binnedRecency = bootstrap(binned, recency, yTest, new Random(seed));
        double baseRate = mean(yTrain);
        double[] constant = new double[test.size()];
        java.util.Arrays.fill(constant, baseRate);
        Estimate[] boot = bootstrap(online, offline, yTest, new Random(seed));
        Estimate[] sameBoot = bootstrap(frozen, offline, yTest, new Random(seed));
        return new Result(
                n,
                snapshots - n + n - kept.size(),
                train.size(),
                (int) sum(pick(labels, train)),
                test.size(),
                (int) sum(yTest),
                boot[0],
                logLoss(online, yTest),
                auc(onlineProgressive, yTest),
                logLoss(onlineProgressive, yTest),
                sameBoot[0],
                logLoss(frozen, yTest),
                sameBoot[2],
                boot[1],
                logLoss(offline, yTest),
                lambda,
                boot[2],
                logLoss(constant, yTest),
                auc(purchaseFrequency, yTest),
                auc(carts, yTest),
                pairs.size(),
                (int) sum(servedLabel),
                servedAuc,
                servedLogLoss,
                servedEce,
                lastPublished == null ? 0 : lastPublished.examples(),
                lastPublished == null ? 0 : lastPublished.window(),
                lastPublished == null ? Double.NaN : lastPublished.auc(),
                lastPublished == null ? Double.NaN : lastPublished.logLoss(),
                lastPublished == null ? Double.NaN : lastPublished.calibrationError(),
                mismatch,
                ece(offline, yTest),
                ece(frozen, yTest),
                ece(online, yTest),
                binnedBoot[0],
                logLoss(binned, yTest),
                binnedBoot[2],
                ece(binned, yTest),
                binnedForest[1],
                logLoss(forest, yTest),
                ece(forest, yTest),
                binnedForest[2],
                auc(recency, yTest),
                binnedRecency[2]);
    }

    static final int FOREST_TREES = 200;

    /** Smile random forest (the seed's approach) on the raw features of the training part, scored on the test part. */
    static double[] forestScores(
            List<LabeledExample> examples, List<Integer> train, List<Integer> test, int[] y, long seed) {
        String[] names = FeatureVector.NAMES.toArray(new String[0]);
        double[][] xTrain = train.stream().map(i -> examples.get(i).raw()).toArray(double[][]::new);
        double[][] xTest = test.stream().map(i -> examples.get(i).raw()).toArray(double[][]::new);
        smile.data.DataFrame trainFrame =
                smile.data.DataFrame.of(xTrain, names).merge(smile.data.vector.IntVector.of("y", y));
        smile.classification.RandomForest rf = smile.classification.RandomForest.fit(
                smile.data.formula.Formula.lhs("y"),
                trainFrame,
                FOREST_TREES,
                (int) Math.floor(Math.sqrt(names.length)),
                smile.base.cart.SplitRule.GINI,
                20,
                xTrain.length,
                5,
                1.0,
                null,
                java.util.stream.LongStream.range(seed, seed + FOREST_TREES));
        return UciShoppersEvaluation.forestScores(rf, smile.data.DataFrame.of(xTest, names));
    }

    private static double[] nanArray(int n) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, Double.NaN);
        return out;
    }

    /**
     * (served score, label) of every labelled snapshot the job served a score for, in the order of the job's
     * examples: the first score the job's scorer emitted for the user and snapshot time (per user it emits
     * them in snapshot order; a repeat or an older one is not what was served at decision time), paired with
     * the example's label. Computed from the job's outputs independently of its validation operators.
     */
    public static List<double[]> servedPairs(List<LabeledExample> examples, List<PropensityScore> scores) {
        java.util.Map<String, Double> first = new java.util.HashMap<>();
        java.util.Map<String, Long> lastTime = new java.util.HashMap<>();
        for (PropensityScore s : scores) {
            Long previous = lastTime.get(s.userId());
            if (previous == null || s.timestamp() > previous) {
                lastTime.put(s.userId(), s.timestamp());
                first.put(s.userId() + "\u0000" + s.timestamp(), s.score());
            }
        }
        List<double[]> out = new ArrayList<>();
        for (LabeledExample e : examples) {
            Double score = first.get(e.userId() + "\u0000" + e.snapshotTime());
            if (score != null) {
                out.add(new double[] {score, e.label()});
            }
        }
        return out;
    }

    /**
     * The score each snapshot got from the model the job was serving at the snapshot's time: the last version
     * published (every {@code publishEvery} examples) from the examples the trainer had learned by then.
     */
    static double[] servedScores(List<LabeledExample> examples, Ftrl ftrl, int publishEvery) {
        Integer[] bySnapshot = java.util.stream.IntStream.range(0, examples.size())
                .boxed()
                .sorted(java.util.Comparator.comparingLong(i -> examples.get(i).snapshotTime()))
                .toArray(Integer[]::new);
        double[] served = new double[examples.size()];
        FtrlState state = FtrlState.initial(FeatureVector.SIZE);
        double[] published = ftrl.weights(state);
        int next = 0;
        long clock = Long.MIN_VALUE;
        for (LabeledExample e : examples) {
            // Positives are labelled at the purchase, which can precede negatives already emitted: the trainer
            // has reached at least the latest label time seen so far, so its states are prefixes of its input.
            clock = Math.max(clock, e.labelTime());
            while (next < bySnapshot.length && examples.get(bySnapshot[next]).snapshotTime() < clock) {
                served[bySnapshot[next]] =
                        Ftrl.predict(published, examples.get(bySnapshot[next]).features());
                next++;
            }
            state = ftrl.update(state, e.features(), e.label(), e.weight());
            if (state.examples() % publishEvery == 0) {
                published = ftrl.weights(state);
            }
        }
        for (; next < bySnapshot.length; next++) {
            served[bySnapshot[next]] =
                    Ftrl.predict(published, examples.get(bySnapshot[next]).features());
        }
        return served;
    }

    /** L2 strength of the batch model, chosen on the last quarter of the training examples (time order). */
    static double chooseLambda(double[][] x, int[] y) {
        int cut = x.length * 3 / 4;
        double[][] fitX = java.util.Arrays.copyOfRange(x, 0, cut);
        int[] fitY = java.util.Arrays.copyOfRange(y, 0, cut);
        double best = LAMBDAS[LAMBDAS.length / 2];
        double bestLoss = Double.POSITIVE_INFINITY;
        for (double lambda : LAMBDAS) {
            try {
                LogisticRegression m = LogisticRegression.fit(fitX, fitY, lambda, 1e-6, 1000);
                double[] s = new double[x.length - cut];
                double[] t = new double[x.length - cut];
                for (int i = cut; i < x.length; i++) {
                    s[i - cut] = probability(m, x[i]);
                    t[i - cut] = y[i];
                }
                double loss = logLoss(s, t);
                if (loss < bestLoss) {
                    bestLoss = loss;
                    best = lambda;
                }
            } catch (RuntimeException e) {
                // a validation fold with a single class cannot be fitted: try the next strength
            }
        }
        return best;
    }

    static double probability(LogisticRegression model, double[] x) {
        double[] posteriori = new double[2];
        model.predict(x, posteriori);
        return posteriori[1];
    }

    /** Exact AUC (Mann-Whitney, mid-ranks for ties) with the job's own validator. */
    public static double auc(double[] scores, double[] labels) {
        if (java.util.Arrays.stream(scores).anyMatch(Double::isNaN)) {
            return Double.NaN;
        }
        return validator(scores, labels).auc();
    }

    /** Expected calibration error (10 equal-width bins); NaN without scores or when a score is NaN. */
    public static double ece(double[] scores, double[] labels) {
        if (scores.length == 0 || java.util.Arrays.stream(scores).anyMatch(Double::isNaN)) {
            return Double.NaN;
        }
        return io.mailflow.scoring.Calibration.expectedCalibrationError(scores, labels);
    }

    public static double logLoss(double[] scores, double[] labels) {
        return validator(scores, labels).logLoss();
    }

    private static ProgressiveValidator validator(double[] scores, double[] labels) {
        ProgressiveValidator v = new ProgressiveValidator(Math.max(1, scores.length));
        for (int i = 0; i < scores.length; i++) {
            v.add(scores[i], labels[i]);
        }
        return v;
    }

    /** Percentile intervals of online AUC, batch AUC and their difference over paired resamples of the test set. */
    static Estimate[] bootstrap(double[] online, double[] offline, double[] y, Random random) {
        double[][] draws = new double[3][BOOTSTRAP];
        int m = y.length;
        for (int b = 0; b < BOOTSTRAP; b++) {
            double[] so = new double[m];
            double[] sb = new double[m];
            double[] sy = new double[m];
            for (int j = 0; j < m; j++) {
                int r = random.nextInt(m);
                so[j] = online[r];
                sb[j] = offline[r];
                sy[j] = y[r];
            }
            draws[0][b] = auc(so, sy);
            draws[1][b] = auc(sb, sy);
            draws[2][b] = draws[0][b] - draws[1][b];
        }
        double a = auc(online, y);
        double o = auc(offline, y);
        return new Estimate[] {interval(a, draws[0]), interval(o, draws[1]), interval(a - o, draws[2])};
    }

    private static Estimate interval(double value, double[] draws) {
        double[] finite =
                java.util.Arrays.stream(draws).filter(Double::isFinite).sorted().toArray();
        if (finite.length == 0) {
            return new Estimate(value, Double.NaN, Double.NaN);
        }
        return new Estimate(
                value,
                finite[(int) (0.025 * (finite.length - 1))],
                finite[(int) Math.ceil(0.975 * (finite.length - 1))]);
    }

    private static double gap(double a, double b) {
        if (Double.isNaN(a) && Double.isNaN(b)) {
            return 0;
        }
        return Math.abs(a - b);
    }

    private static double[][] features(List<LabeledExample> examples, List<Integer> idx) {
        return idx.stream().map(i -> examples.get(i).features()).toArray(double[][]::new);
    }

    private static int[] intLabels(double[] labels, List<Integer> idx) {
        return idx.stream().mapToInt(i -> labels[i] > 0.5 ? 1 : 0).toArray();
    }

    private static double[] pick(double[] v, List<Integer> idx) {
        return idx.stream().mapToDouble(i -> v[i]).toArray();
    }

    private static double sum(double[] v) {
        return java.util.Arrays.stream(v).sum();
    }

    private static double mean(int[] v) {
        return v.length == 0 ? Double.NaN : java.util.Arrays.stream(v).average().orElse(Double.NaN);
    }

    /** An example as the served learner sees it: raw features, then the extras the settings declare (issue 15). */
    static MixedFeatures inputs(LabeledExample e, BinnedFtrlSettings s) {
        return io.mailflow.scoring.ModelInputs.of(
                e.raw(), e.extras(), e.tokens(), s.numericFeatures(), s.categoricalFeatures());
    }
}
