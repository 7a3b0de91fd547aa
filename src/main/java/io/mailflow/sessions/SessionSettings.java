package io.mailflow.sessions;

import java.io.Serializable;
import java.time.Duration;

/**
 * @param gap a session closes after this long without events of its user
 * @param maxItems most distinct items a session remembers (views, carts, purchases each)
 */
public record SessionSettings(Duration gap, int maxItems) implements Serializable {}
