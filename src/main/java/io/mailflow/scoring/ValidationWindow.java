package io.mailflow.scoring;

/** Checkpointed contents of a {@link ProgressiveValidator}: scores and labels, oldest first. */
public record ValidationWindow(double[] scores, double[] labels) {}
