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
              assigner, purchase labeller, FTRL trainer (binned learner served, linear learner kept), scorer,
              served-score join and validator). A watermark follows
              every event, as in a live job that is not behind. Every feature snapshot, labelled example, k-means
              version, propensity version, served score and published validation metric is collected.
            - **Labels** are the job's: a snapshot (end of a session) is positive if the user purchases within the label
              horizon after it. The logs are short (REES46: two bursts, 00:00-00:20 and 02:10-02:50; Taobao: one hour),
              so horizon and gap are short too, chosen for the number of positives, not for the AUC. Snapshots whose
              horizon had not passed when the log ended are **censored**: their label is unknown, so the job emits no
              example for them (neither learned nor validated; a purchase within the horizon before the end still
              makes a positive). The "censored" column also counts the few examples whose horizon reaches past the
              last event; they are left out of every figure below.
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
              2. *FTRL as served (replayed)*: the score the job would have served at the snapshot's time: the last
                 version published (every `ftrl.publish-every` examples) from the examples the trainer had learned by
                 then, recomputed from the examples' label times. Because negatives are learned only a horizon after
                 their snapshot, the served model lags the data by at least the horizon; on a log not much longer than
                 the horizon it may not have been published at all (AUC 0.5, log loss ln 2 = 0.693).
              3. *Learn-time* (biased; the job no longer publishes it): each example scored just before the trainer
                 learns it, recovered by replaying the job's examples through the same `Ftrl`.
            - **The job's published validation** (`servedAuc`, `servedLogLoss`, `servedCalibrationError`, topic
              `topic.model-metrics`): the score the scorer actually served for each snapshot (its first score of that
              snapshot, with the model version) is kept by the served-score join until the snapshot's label arrives,
              then counted by the validator; nothing is re-scored. Over the whole replay (window at its maximum), the
              report recomputes the same figures from the job's score and example outputs on its own; *job = report?*
              says whether they agree to 1e-9 (`ModelEvaluationTest` asserts it on a Taobao slice). These figures
              cover every served, labelled snapshot of the replay, not the test part, and include the early scores of
              barely trained models.
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

            - **Learn-time AUC is optimistic on these logs** (computed with positives released at the purchase, as
              the job did before `label.release: horizon`). Positives are learned (and scored) at the purchase,
              negatives a full horizon later, by a model that has meanwhile learned more negatives and lowered its
              intercept. The score therefore depends on *when* an example is scored, and that time depends on its label:
              positives get early, high scores. This is why the job stopped publishing it (it did until issue 15, as
              "progressive AUC", about 0.90): it now publishes the AUC of the scores it served, which the label timing
              cannot flatter. Judge the model by the served and same-data columns.
            - **The job's published validation measures the binned learner** (`ftrl.learner: binned`, the default),
              the model the job serves, with positives released one horizon after their snapshot like negatives
              (`label.release: horizon`, the default). Before issue 15's last changes the job served the linear model
              and released positives at the purchase; its served-score AUC was then 0.21-0.51 with ECE 0.10-0.55 on
              these replays, because its first versions learned from positives only (the negatives came a horizon
              later) and scored everyone high, so the level of the scores drifted while the snapshots were served. With
              positives held to the horizon every version learns the same mix of labels as the data, and the binned
              learner's calibration layer maps its margins to rates. In a bounded replay the snapshots still run ahead
              of the model loop (the input is read far faster than event time passes), so which version scores which
              snapshot depends on that race, and the served-score figures change by a few points from one run of this
              report to the next; the same-data and batch columns hardly (a digit of an interval at most). The
              linear "FTRL as served (replayed)" and learn-time columns above replay the linear learner, which the
              job keeps as its migration path.
            - **Too few positives.** Repeat purchases within minutes of a session's end are rare; REES46 yields a handful
              of positives in each part, Taobao a few dozen. Every AUC here has an interval tens of points wide.
            - **Served scores that are not evaluated.** Until the first model version reaches the scorer, it keeps only
              each user's latest snapshot and scores it when the model arrives; earlier snapshots of that user were
              never served a score, so they are not in the job's validation (nor in the report's served-score pairs).
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
