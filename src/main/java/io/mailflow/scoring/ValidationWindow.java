package io.mailflow.scoring;

/**
 * Learn-time validation window that {@link FtrlTrainer} checkpointed before the job validated served
 * scores ({@link ServedValidator}): kept only so that those savepoints restore; the trainer drops it.
 */
public record ValidationWindow(double[] scores, double[] labels) {}
