package io.mailflow.bench;

/** The fixed part of the model-evaluation report: protocol, definitions and how to read the figures. */
final class ModelEvaluationNotes {
    static final String TEXT = """
            ## Protocol

            - **Through the job.** Each log is imported with the project's importer, sorted by event time and replayed
              on a local Flink runtime with generic types disabled: the job's session windows (`SessionAggregateFunction`
              and `EmitSessionFunction` in an event-time session window with the given gap) or, for REES46's own
              sessions, the log's `user_session` ids folded with the job's `SessionAggregator`; then
              `ModelStage.attach`, exactly as `MailflowTopology` calls it (features, standardizer, k-means trainer and
              assigner, purchase labeller, FTRL trainer, scorer). A watermark follows every event, as in a live job that
              is not behind. Every feature snapshot, labelled example, k-means version, propensity version and
              published validation metric is collected.
            - **Labels** are the job's: a snapshot (end of a session) is positive if the user purchases within the label
              horizon after it. The logs are short (REES46: two bursts, 00:00-00:20 and 02:10-02:50; Taobao: one hour),
              so horizon and gap are short too, chosen for the number of positives, not for the AUC. Snapshots whose
              horizon reaches past the end of the log are **censored**: the bounded replay labels them negative at end
              of input, so they are left out of every figure below (but the job learned from them, as it would).
            - **Split.** Uncensored examples are ordered by snapshot time; the cut `T` is the 70 % quantile. Snapshots
              before `T` (with their final labels) train the batch model; snapshots from `T` on are the test set for
              every model. (Labels of training snapshots just before `T` may arrive after `T`: this favours the batch
              reference.) Splitting by label time would be wrong: positives are labelled at the purchase and negatives
              only a horizon later, so the test part would hold late negatives and almost no positives.
            - **Batch reference**: Smile 3.1.1 `LogisticRegression` (binomial, L2 strength chosen from 0.001-100 on the
              last quarter of the training part, by log loss; then refitted on the whole training part) on the same
              standardized features and labels the job's FTRL trainer received.
            - **Online model**, three ways, each on the same test examples:
              1. *FTRL, same training data*: `Ftrl` with the job's parameters learns the batch model's training examples
                 once, in snapshot order, then is frozen. The two algorithms on equal information.
              2. *FTRL as served*: the score the job would have served at the snapshot's time: the last version published
                 (every `ftrl.publish-every` examples) from the examples the trainer had learned by then. This is what a
                 campaign decision sees. Because negatives are learned only a horizon after their snapshot, the served
                 model lags the data by at least the horizon; on a log not much longer than the horizon it may not have
                 been published at all (AUC 0.5, log loss ln 2 = 0.693).
              3. *Progressive* (the job's `progressiveAuc` metric): each example scored just before the trainer learns it.
                 The job's examples are replayed through the same `Ftrl` to obtain the per-example scores; *replay = job?*
                 checks that this reproduces every AUC the job published.
            - **Baselines**: a constant predictor (the training base rate: AUC 0.5 by definition, log loss shown) and
              single standardized features used as scores: past purchase frequency (`purchase_frequency`) and decayed
              add-to-cart count (`events_add_to_cart`).
            - **AUC and log loss** are computed for every model with the same exact code, the job's
              `ProgressiveValidator` (Mann-Whitney with mid-ranks; log loss with scores clipped to [1e-15, 1 - 1e-15]).
              Intervals: 1,000 paired bootstrap resamples of the test set (seed 42), 2.5 % and 97.5 % percentiles; the
              difference columns resample online and batch scores together. "Within 0.02" means online AUC >= batch
              AUC - 0.02 on the point estimate; with tens of test positives the intervals are far wider than 0.02, so
              neither a pass nor a failure is conclusive.
            - **Calibration.** ECE (expected calibration error, `io.mailflow.scoring.Calibration`): the test examples
              in 10 equal-width score bins, `sum_b n_b / N |mean score_b - positive rate_b|`. With a handful of
              positives and almost every score in the lowest bin, it mostly measures how far the mean score is from
              the test part's positive rate.
            - **Segments.** The final window is every user's latest standardized snapshot at the end of the replay. SSE =
              sum of squared Euclidean distances to the nearest centroid, for the last streaming version and for the best
              (lowest SSE) of the Smile `KMeans.fit` runs (k-means++ seeding, Lloyd iterations, same k, seed 42).
              Stability = share of the window's points whose segment id is the same under two consecutive model versions,
              averaged over all consecutive pairs (minimum, and mean over the second half of the versions, in brackets);
              drift = mean distance a centroid moves between consecutive versions, in standardized units (compare with
              the RMS distance of a point to its centroid).

            ## Reading the figures

            - **Progressive AUC is optimistic on these logs.** Positives are learned (and scored) at the purchase,
              negatives a full horizon later, by a model that has meanwhile learned more negatives and lowered its
              intercept. The score therefore depends on *when* an example is scored, and that time depends on its label:
              positives get early, high scores. The job's progressive metric inherits this bias whenever labels are
              delayed asymmetrically; it shrinks once the model has converged, but on logs of an hour it dominates. Judge
              the model by the served and same-data columns, not by the progressive one.
            - **Too few positives.** Repeat purchases within minutes of a session's end are rare; REES46 yields a handful
              of positives in each part, Taobao a few dozen. Every AUC here has an interval tens of points wide.
            - **"job's last published progressive AUC"** is NaN when the job's last validation window (the last
              `validation.window` examples, all censored negatives at the end of a bounded replay) holds no positive.
            - **k-means figures are the same in every replay.** The trainer's batches follow event-time intervals of the
              snapshots, not the moments watermarks reach it (docs/features.md, "Segments"), so a replay of the same
              input gives the same model versions; each replay runs three times and the table says whether they agreed.
              The minimum stability is lower than the mean where a fresh k-means++ fit replaced a worse local optimum:
              the users move once, to a better segmentation, and the ids of the centroids that stayed keep their meaning.
            - **Licence.** Smile is GPL-3.0: it is a `test`-scope dependency used only by this evaluation and never
              part of the shipped job jar (`mvn package` leaves it out).
            """;

    private ModelEvaluationNotes() {}
}
