package io.mailflow.catalog;

import java.io.Serializable;
import java.time.Duration;

/**
 * @param bounded the job reads bounded inputs (a replay): request items then wait until the catalog topic is read
 *     to its end, instead of the catalog being marked idle
 * @param maxFutureSkew how far ahead of the wall clock an item's {@code updatedAt} may be
 * @param recommendationsPerEmail how many recommendations an e-mail shows; with a catalog the triggers rank
 *     {@link #CANDIDATE_FACTOR} times as many, and the enrichment keeps the best this many the catalog allows
 */
public record CatalogSettings(boolean bounded, Duration maxFutureSkew, int recommendationsPerEmail)
        implements Serializable {

    /** How many more candidates the triggers rank when a catalog will filter them. */
    public static final int CANDIDATE_FACTOR = 3;
}
