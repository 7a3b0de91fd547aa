package io.mailflow.recommendations;

import java.util.List;

/**
 * One past session as the session-kNN index keeps it: its items and when it ended, nothing else (no user or
 * session id; the index numbers sessions itself).
 *
 * @param end session end, event time
 * @param items distinct items in the order first seen
 */
public record KnnSession(long end, List<String> items) {}
