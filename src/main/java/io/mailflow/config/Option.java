package io.mailflow.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.flink.util.TimeUtils;

/**
 * A typed configuration option: key, default, description and the range of allowed values.
 *
 * <p>Options are declared once in {@link MailflowOptions}; {@link MailflowConfig} parses every raw
 * value through {@link #parse(String)}, so a bad value stops the job at start with a message that
 * names the key and the allowed range.
 */
public final class Option<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final T defaultValue;
    private final String description;
    private final String allowed;
    private final SerializableParser<T> parser;
    private final SerializablePredicate<T> valid;

    private Option(
            String key,
            T defaultValue,
            String description,
            String allowed,
            SerializableParser<T> parser,
            SerializablePredicate<T> valid) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
        this.allowed = allowed;
        this.parser = parser;
        this.valid = valid;
    }

    public static Option<String> string(String key, String defaultValue, String description) {
        return new Option<>(key, defaultValue, description, "any text", s -> s, s -> true);
    }

    /** Text that matches {@code regex} whole; {@code allowed} says so in words for the reference table. */
    public static Option<String> matching(
            String key, String defaultValue, String regex, String allowed, String description) {
        return new Option<>(key, defaultValue, description, allowed, String::trim, s -> s.matches(regex));
    }

    public static Option<String> nonEmpty(String key, String defaultValue, String description) {
        return new Option<>(key, defaultValue, description, "non-empty text", String::trim, s -> !s.isEmpty());
    }

    public static Option<Integer> integer(String key, int defaultValue, int min, int max, String description) {
        return new Option<>(
                key,
                defaultValue,
                description,
                "an integer in [" + min + ", " + max + "]",
                s -> Integer.parseInt(s.trim()),
                v -> v >= min && v <= max);
    }

    public static Option<Double> decimal(String key, double defaultValue, double min, double max, String description) {
        return new Option<>(
                key,
                defaultValue,
                description,
                "a number in [" + min + ", " + max + "]",
                s -> Double.parseDouble(s.trim()),
                v -> v >= min && v <= max);
    }

    public static Option<Boolean> bool(String key, boolean defaultValue, String description) {
        return new Option<>(key, defaultValue, description, "true or false", Option::parseBoolean, v -> true);
    }

    /** Durations accept Flink's syntax: {@code 500ms}, {@code 30s}, {@code 30min}, {@code 1h}, {@code 7d}. */
    public static Option<Duration> duration(
            String key, Duration defaultValue, Duration min, Duration max, String description) {
        return new Option<>(
                key,
                defaultValue,
                description,
                "a duration in [" + TimeUtils.formatWithHighestUnit(min) + ", " + TimeUtils.formatWithHighestUnit(max)
                        + "], e.g. 30s, 30min, 1h",
                TimeUtils::parseDuration,
                v -> v.compareTo(min) >= 0 && v.compareTo(max) <= 0);
    }

    public static <E extends Enum<E>> Option<E> choice(String key, E defaultValue, Class<E> type, String description) {
        String names = Arrays.toString(type.getEnumConstants())
                .toLowerCase(java.util.Locale.ROOT)
                .replace('_', '-'); // the form a value is written in (it is parsed either way)
        return new Option<>(
                key,
                defaultValue,
                description,
                "one of " + names,
                s -> Enum.valueOf(
                        type, s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_')),
                v -> true);
    }

    private static Boolean parseBoolean(String s) {
        String v = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.equals("true") || v.equals("false")) {
            return Boolean.valueOf(v);
        }
        throw new IllegalArgumentException("not a boolean");
    }

    /** Parses and validates a raw value; the exception message names the key and the allowed range. */
    public T parse(String raw) {
        T value;
        try {
            value = parser.apply(Objects.requireNonNull(raw));
        } catch (RuntimeException e) {
            throw invalid(raw);
        }
        if (value == null || !valid.test(value)) {
            throw invalid(raw);
        }
        return value;
    }

    private IllegalArgumentException invalid(String raw) {
        return new IllegalArgumentException(
                "Invalid value '" + raw + "' for option '" + key + "': expected " + allowed + ".");
    }

    public String key() {
        return key;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public String allowed() {
        return allowed;
    }

    /** The default as it would be written in a configuration file. */
    public String defaultText() {
        if (defaultValue instanceof Duration d) {
            return TimeUtils.formatWithHighestUnit(d);
        }
        if (defaultValue instanceof Enum<?> e) {
            return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
        return String.valueOf(defaultValue);
    }

    @Override
    public String toString() {
        return key;
    }

    interface SerializableParser<T> extends Function<String, T>, Serializable {}

    interface SerializablePredicate<T> extends Predicate<T>, Serializable {}
}
