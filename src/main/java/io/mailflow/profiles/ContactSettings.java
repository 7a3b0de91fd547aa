package io.mailflow.profiles;

import java.io.Serializable;
import java.time.Duration;

/**
 * @param bounded the job reads bounded inputs (a replay): contact topics then hold every decision until
 *     they are read to their end, instead of being marked idle
 * @param profileGrace how long a request waits (event time) for its user's profile before it is dropped
 */
public record ContactSettings(boolean bounded, Duration profileGrace) implements Serializable {}
