package io.mailflow.recommendations;

import java.util.List;

/**
 * The items of one session, labelled with the segment its user was assigned to for it.
 *
 * @param segment the user's segment
 * @param items distinct items of the session
 * @param strongItems the subset that was carted or purchased (counted more)
 * @param at event time (end of the session)
 */
public record SegmentItems(int segment, List<String> items, List<String> strongItems, long at) {}
