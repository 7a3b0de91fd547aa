package io.mailflow.recommendations;

/**
 * The numbers of the most recent indexed sessions that contained one item, oldest first (at most the
 * session-kNN's {@code sessionsPerItem}).
 *
 * @param sessions session numbers, ascending
 */
public record ItemSessions(long[] sessions) {}
