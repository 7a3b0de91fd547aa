package io.mailflow.bench;

/** The fixed protocol text of the UCI section of the model-evaluation report. */
final class UciShoppersNotes {
    static final String TEXT = """
            Protocol (UCI):

            - **Split.** The sessions are shuffled with `java.util.Random(42)` (`Collections.shuffle`); the first 70 % are
              the training part, the rest the test part. Both keep the file's order (roughly chronological, February
              to December).
            - **Tuning only inside the training part.** Every model's settings are chosen by log loss on a validation
              cut: the last 20 % of the training part (file order), models fitted on the first 80 %. Then each model is
              refitted on the whole training part and the test part is scored once. Grids: learner bins {8, 16} x
              alpha {0.02, 0.05, 0.1, 0.2} x L2 {0.1, 1, 10} (beta 1, L1 0); logistic regression L2 lambda
              {0.001 .. 100}; random forest mtry {2, 4, 8}.
            - **The learner** (`io.mailflow.scoring.BinnedFtrl`) sees the training part once, as a stream, in file order
              (and, as a check on order sensitivity, once in a seeded shuffled order, `Random(43)`): each session is binned
              with the bin edges known before it, learned, then its values feed the per-feature quantile sketches. It
              receives the 10 numeric columns raw (quantile bins, so no scaling or log needed) and the 7 categorical
              columns as strings (`Month`, `OperatingSystems`, `Browser`, `Region`, `TrafficType`, `VisitorType`,
              `Weekend`); it hashes the 17 tokens and their 136 pairwise crosses into 2^18 coordinates. The model is
              then frozen and scores the test part.
            - **Smile references** (3.1.1, test scope): `LogisticRegression` (binomial) on standardized features
              (log1p of the page counts, durations and page values) with one-hot categories; `RandomForest` with 300
              trees, Gini, max depth 20, node size 5, bootstrap samples, seeds 42..341, on the raw numeric columns and
              the categories as integer codes; its score is the mean of the trees' class posteriors.
            - **Metrics.** AUC and log loss with the job's `ProgressiveValidator` arithmetic; 95 % intervals from
              1,000 paired bootstrap resamples of the test part (seed 42). ECE: `io.mailflow.scoring.Calibration`, 10
              equal-width score bins, `sum_b n_b / N |mean score_b - purchase rate_b|`. With about 290 test
              positives, an AUC interval is about +-0.02 wide and ECE has a noise floor near 0.01: differences smaller
              than that are not decided by this data.
            """;

    private UciShoppersNotes() {}
}
