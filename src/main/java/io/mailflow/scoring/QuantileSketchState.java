package io.mailflow.scoring;

/**
 * The state of a {@link QuantileSketch}.
 *
 * @param capacity values per level
 * @param count values added
 * @param levels the retained values of each level (level {@code h} weighs {@code 2^h} each), unsorted
 * @param compactions compactions done so far per level (their parity picks the next offset)
 */
public record QuantileSketchState(int capacity, long count, double[][] levels, long[] compactions) {}
