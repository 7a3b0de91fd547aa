package io.mailflow.catalog;

import java.io.Serializable;
import java.time.Duration;

/**
 * @param bounded the job reads bounded inputs (a replay): request items then wait until the catalog topic is read
 *     to its end, instead of the catalog being marked idle
 * @param maxFutureSkew how far ahead of the wall clock an item's {@code updatedAt} may be
 */
public record CatalogSettings(boolean bounded, Duration maxFutureSkew) implements Serializable {}
