package io.mailflow.campaigns;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.features.FeatureVector;
import io.mailflow.io.InputRules;
import io.mailflow.model.CampaignCosts;
import io.mailflow.model.CatalogPolicy;
import io.mailflow.model.ControlGroup;
import io.mailflow.model.LimitAction;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.flink.util.TimeUtils;

/**
 * Turns one campaign document (a JSON or YAML object, see docs/campaigns.md) into a validated
 * {@link CampaignDefinition}, or an {@link InvalidCampaignException} listing every problem. Unknown
 * fields are errors, so that a typo ({@code holdoutPercnt}) is not silently ignored.
 */
public final class CampaignParser implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Set<String> TOP = Set.of(
            "id",
            "version",
            "status",
            "name",
            "priority",
            "trigger",
            "audience",
            "variants",
            "selection",
            "holdoutPercent",
            "cooldown",
            "frequencyCap",
            "onLimit",
            "activeFrom",
            "activeUntil",
            "maxAge",
            "dryRun",
            "catalog",
            "costs",
            "targeting");
    /** Bounds of {@code maxAge}: shorter would drop triggers still in flight; longer is no guard. */
    static final Duration MIN_MAX_AGE = Duration.ofMinutes(1);

    static final Duration MAX_MAX_AGE = Duration.ofDays(30);

    /** Upper bounds of {@code costs}: far above any real campaign, low enough to catch a misplaced digit. */
    static final double MAX_COST_PER_EMAIL = 100.0;

    static final double MAX_FIXED_COST = 1e9;
    static final double MAX_COUPON_PER_CONVERSION = 1e6;
    private static final Set<String> COSTS = Set.of("perEmail", "fixed", "couponShare", "couponPerConversion");
    private static final Set<String> TRIGGER = Set.of(
            "type",
            "delay",
            "minViews",
            "scope",
            "window",
            "inactivity",
            "segments",
            "threshold",
            "direction",
            "minDropShare",
            "dedup",
            "at",
            "time",
            "days",
            "rampPerMinute",
            "sendWindow");
    /** Bounds of a scheduled campaign's {@code rampPerMinute}. */
    static final long MAX_RAMP_PER_MINUTE = 1_000_000L;
    /** Bounds of a scheduled campaign's {@code sendWindow}: shorter than a day, so occurrences never overlap. */
    static final Duration MIN_SEND_WINDOW = Duration.ofMinutes(1);

    static final Duration MAX_SEND_WINDOW = Duration.ofHours(23);
    private static final List<String> DAYS = List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN");
    /** Bounds of a catalog trigger's {@code dedup}: at least a day (one e-mail per restock wave), at most a year. */
    static final Duration MIN_DEDUP = Duration.ofDays(1);

    public static final Duration MAX_DEDUP = Duration.ofDays(365);
    private static final Set<String> AUDIENCE = Set.of("segments", "minScore", "maxScore", "features");
    private static final Set<String> VARIANT = Set.of("id", "weight", "template", "templates");

    private final SerializablePredicate templateExists;

    /** @param templateExists whether a template id can be rendered (checked for every variant and locale) */
    public CampaignParser(SerializablePredicate templateExists) {
        this.templateExists = templateExists;
    }

    /** A predicate that is also serializable, so the parser can run inside a Flink operator. */
    public interface SerializablePredicate extends Predicate<String>, Serializable {}

    public CampaignDefinition parse(JsonNode doc) throws InvalidCampaignException {
        List<String> errors = new ArrayList<>();
        if (doc == null || !doc.isObject()) {
            throw new InvalidCampaignException("?", List.of("a campaign must be an object"));
        }
        String id = text(doc, "id", null, errors);
        if (id == null || !ID.matcher(id).matches()) {
            errors.add("'id' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        unknown(doc, TOP, "", errors);
        long version = longValue(doc, "version", 1L, errors);
        String statusName = text(doc, "status", CampaignDefinition.Lifecycle.ACTIVE.wireName(), errors)
                .toLowerCase(Locale.ROOT);
        CampaignDefinition.Lifecycle status = CampaignDefinition.Lifecycle.parse(statusName);
        if (status == null) {
            errors.add("'status' must be active, paused or deleted, got '" + statusName + "'");
        }
        String name = text(doc, "name", id == null ? "" : id, errors);
        int priority = (int) longValue(doc, "priority", 0L, errors);
        TriggerSpec trigger = trigger(doc.get("trigger"), errors);
        Audience audience = audience(doc.get("audience"), errors);
        List<Variant> variants = variants(doc.get("variants"), errors);
        String selectionName = text(doc, "selection", CampaignDefinition.Selection.HASH.wireName(), errors);
        CampaignDefinition.Selection selection = CampaignDefinition.Selection.parse(selectionName);
        if (selection == null) {
            errors.add("'selection' must be hash or thompson, got '" + selectionName + "'");
        }
        double holdout = number(doc, "holdoutPercent", 0.0, errors);
        if (holdout < 0 || holdout >= 100) {
            errors.add("'holdoutPercent' must be in [0, 100), got " + holdout);
        }
        long cooldown = duration(doc, "cooldown", 0L, errors);
        int capMax = 0;
        long capWindow = 0;
        JsonNode cap = doc.get("frequencyCap");
        if (cap != null && !cap.isNull()) {
            unknown(cap, Set.of("max", "window"), "frequencyCap.", errors);
            capMax = (int) longValue(cap, "max", 0L, errors);
            capWindow = duration(cap, "window", 0L, errors);
            if (capMax < 0 || (capMax > 0 && capWindow <= 0)) {
                errors.add("'frequencyCap' needs max >= 0 and, when max > 0, a positive window");
            }
        }
        String onLimitName = text(doc, "onLimit", "", errors).toLowerCase(Locale.ROOT);
        LimitAction onLimit = LimitAction.parse(onLimitName); // null: the job default
        if (!onLimitName.isEmpty() && onLimit == null) {
            errors.add("'onLimit' must be defer or drop, got '" + onLimitName + "'");
        }
        long from = instant(doc, "activeFrom", 0L, errors);
        long until = instant(doc, "activeUntil", Long.MAX_VALUE, errors);
        if (until <= from) {
            errors.add("'activeUntil' must be after 'activeFrom'");
        }
        long maxAge = duration(doc, "maxAge", 0L, errors);
        if (maxAge != 0 && (maxAge < MIN_MAX_AGE.toMillis() || maxAge > MAX_MAX_AGE.toMillis())) {
            errors.add("'maxAge' must be between 1min and 30d (or absent: no limit), got '"
                    + doc.get("maxAge").asText() + "'");
        }
        boolean dryRun = bool(doc, "dryRun", false, errors);
        CatalogPolicy catalogPolicy = CatalogPolicy.SKIP;
        boolean requireImages = false;
        JsonNode catalog = doc.get("catalog");
        if (catalog != null && !catalog.isNull()) {
            unknown(catalog, Set.of("whenUnavailable", "requireImages"), "catalog.", errors);
            String policy = text(catalog, "whenUnavailable", "skip", errors).toLowerCase(Locale.ROOT);
            catalogPolicy = CatalogPolicy.parse(policy);
            if (catalogPolicy == null) {
                errors.add("'catalog.whenUnavailable' must be skip, recommend or keep, got '" + policy + "'");
                catalogPolicy = CatalogPolicy.SKIP;
            }
            requireImages = bool(catalog, "requireImages", false, errors);
        }
        CampaignCosts costs = costs(doc.get("costs"), errors);
        UpliftSpec uplift = targeting(doc.get("targeting"), holdout, errors);
        if (uplift != null && trigger != null && trigger.type() == TriggerType.SCHEDULED) {
            // scheduled sends are decided outside a user's timers, where an outcome cannot be waited for
            errors.add("'targeting.uplift' is not available for scheduled campaigns yet");
        }
        if (!errors.isEmpty()) {
            throw new InvalidCampaignException(id == null ? "?" : id, errors);
        }
        return new CampaignDefinition(
                        id, version, status, name, priority, trigger, audience, variants, selection, holdout, cooldown,
                        capMax, capWindow, onLimit, from, until)
                .withOperations(maxAge, dryRun)
                .withCatalog(catalogPolicy, requireImages)
                .withCosts(costs)
                .withUplift(uplift);
    }

    /**
     * The {@code targeting} object ({@code {uplift: {minUplift | topShare, exploration}}}), or null when absent.
     * Targeting by uplift learns from the campaign's random holdout, so it needs one; and it needs exactly one rule.
     */
    private static UpliftSpec targeting(JsonNode t, double holdoutPercent, List<String> errors) {
        if (t == null || t.isNull()) {
            return null;
        }
        if (!t.isObject()) {
            errors.add("'targeting' must be an object with 'uplift'");
            return null;
        }
        unknown(t, Set.of("uplift"), "targeting.", errors);
        JsonNode u = t.get("uplift");
        if (u == null || !u.isObject()) {
            errors.add("'targeting.uplift' must be an object with minUplift or topShare, and exploration");
            return null;
        }
        unknown(u, Set.of("minUplift", "topShare", "exploration"), "targeting.uplift.", errors);
        boolean hasMin = u.hasNonNull("minUplift");
        boolean hasShare = u.hasNonNull("topShare");
        if (hasMin == hasShare) {
            errors.add("'targeting.uplift' needs exactly one of minUplift and topShare");
        }
        int before = errors.size();
        double min = number(u, "minUplift", 0.0, errors);
        double share = number(u, "topShare", 0.0, errors);
        double exploration = number(u, "exploration", 0.1, errors);
        if (errors.size() > before) {
            return null; // not numbers: reported
        }
        if (hasMin && !(min >= -1 && min <= 1)) {
            errors.add("'targeting.uplift.minUplift' must be in [-1, 1] (a difference of probabilities), got " + min);
        }
        if (hasShare && !(share > 0 && share <= 1)) {
            errors.add("'targeting.uplift.topShare' must be in (0, 1], got " + share);
        }
        if (!(exploration > 0 && exploration <= 1)) {
            errors.add("'targeting.uplift.exploration' must be in (0, 1] (the model learns where it does not"
                    + " target only from it), got " + exploration);
        }
        if (holdoutPercent <= 0) {
            errors.add("'targeting.uplift' needs a holdout ('holdoutPercent' > 0): the model learns from it");
        }
        return new UpliftSpec(hasShare ? 0.0 : min, hasShare ? share : 0.0, exploration);
    }

    /** The {@code costs} object, or null when absent; every amount finite, non-negative and bounded. */
    private static CampaignCosts costs(JsonNode c, List<String> errors) {
        if (c == null || c.isNull()) {
            return null;
        }
        if (!c.isObject()) {
            errors.add("'costs' must be an object with perEmail, fixed, couponShare or couponPerConversion");
            return null;
        }
        unknown(c, COSTS, "costs.", errors);
        double perEmail = cost(c, "perEmail", MAX_COST_PER_EMAIL, errors);
        double fixed = cost(c, "fixed", MAX_FIXED_COST, errors);
        double share = cost(c, "couponShare", 1.0, errors);
        double perConversion = cost(c, "couponPerConversion", MAX_COUPON_PER_CONVERSION, errors);
        if (share > 0 && perConversion > 0) {
            errors.add("'costs' may set couponShare or couponPerConversion, not both");
        }
        return new CampaignCosts(perEmail, fixed, share, perConversion);
    }

    private static double cost(JsonNode c, String field, double max, List<String> errors) {
        JsonNode n = c.get(field);
        if (n == null || n.isNull()) {
            return 0.0;
        }
        double v = Double.NaN;
        if (n.isNumber()) {
            v = n.asDouble();
        } else {
            try {
                v = Double.parseDouble(n.asText().trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        if (!(v >= 0 && v <= max)) { // NaN fails too
            errors.add("'costs." + field + "' must be a number in [0, "
                    + BigDecimal.valueOf(max).toPlainString() + "], got '" + n.asText() + "'");
            return 0.0;
        }
        return v;
    }

    private TriggerSpec trigger(JsonNode t, List<String> errors) {
        if (t == null || !t.isObject()) {
            errors.add("'trigger' is required and must be an object with a 'type'");
            return null;
        }
        unknown(t, TRIGGER, "trigger.", errors);
        String typeName = text(t, "type", "", errors);
        TriggerType type = TriggerType.parse(typeName);
        if (type == null) {
            errors.add("unknown trigger type '" + typeName + "' (expected one of abandoned-cart, browse-abandonment, "
                    + "win-back, post-purchase, segment-entry, score-threshold, back-in-stock, price-drop, scheduled)");
            return null;
        }
        long delay = duration(t, "delay", type == TriggerType.ABANDONED_CART ? -1L : 0L, errors);
        int minViews = (int) longValue(t, "minViews", 3L, errors);
        String scope = text(t, "scope", TriggerSpec.Scope.ITEM.wireName(), errors);
        long window = duration(t, "window", Duration.ofHours(1).toMillis(), errors);
        long inactivity = duration(t, "inactivity", 0L, errors);
        List<Integer> segments = intList(t.get("segments"), "trigger.segments", errors);
        double threshold = number(t, "threshold", 0.5, errors);
        String direction = text(t, "direction", TriggerSpec.Direction.UP.wireName(), errors);
        double minDropShare = number(t, "minDropShare", 0.1, errors);
        long dedup = duration(t, "dedup", Duration.ofDays(7).toMillis(), errors);
        if (type.catalogDriven()) {
            if (dedup < MIN_DEDUP.toMillis() || dedup > MAX_DEDUP.toMillis()) {
                errors.add("'trigger.dedup' must be between 1d and 365d, got " + Duration.ofMillis(dedup));
            }
            if (delay < 0) {
                errors.add("'trigger.delay' must not be negative");
            }
        }
        switch (type) {
            case BROWSE_ABANDONMENT -> {
                if (minViews < 1) {
                    errors.add("'trigger.minViews' must be at least 1");
                }
                if (TriggerSpec.Scope.parse(scope) == null) {
                    errors.add("'trigger.scope' must be item or category, got '" + scope + "'");
                }
                if (window <= 0) {
                    errors.add("'trigger.window' must be positive");
                }
            }
            case WIN_BACK -> {
                if (inactivity <= 0) {
                    errors.add("win-back needs a positive 'trigger.inactivity', e.g. 30d");
                }
            }
            case SCORE_THRESHOLD -> {
                if (threshold <= 0 || threshold >= 1) {
                    errors.add("'trigger.threshold' must be in (0, 1), got " + threshold);
                }
                if (TriggerSpec.Direction.parse(direction) == null) {
                    errors.add("'trigger.direction' must be up or down, got '" + direction + "'");
                }
            }
            case PRICE_DROP -> {
                if (!(minDropShare > 0 && minDropShare < 1)) {
                    errors.add("'trigger.minDropShare' must be in (0, 1), e.g. 0.1 for 10 %, got " + minDropShare);
                }
            }
            default -> {}
        }
        return new TriggerSpec(
                type,
                delay,
                minViews,
                scope,
                window,
                inactivity,
                segments,
                threshold,
                direction,
                type == TriggerType.PRICE_DROP ? minDropShare : 0.0,
                type.catalogDriven() ? dedup : 0L,
                type == TriggerType.SCHEDULED ? schedule(t, errors) : null);
    }

    /** A scheduled trigger's {@code at} or {@code time} (+ {@code days}), ramp and send window. */
    private static ScheduleSpec schedule(JsonNode t, List<String> errors) {
        String at = text(t, "at", null, errors);
        String time = text(t, "time", null, errors);
        if ((at == null) == (time == null)) {
            errors.add("a scheduled trigger needs either 'trigger.at' (a local date-time such as 2026-12-07T09:00, "
                    + "once) or 'trigger.time' (a local time such as 09:00, recurring), not both");
        }
        if (at != null) {
            try {
                at = java.time.LocalDateTime.parse(at).toString();
            } catch (RuntimeException e) {
                errors.add("'trigger.at' must be a local date-time such as 2026-12-07T09:00, got '"
                        + InputRules.abbreviate(at) + "'");
            }
        }
        if (time != null) {
            try {
                time = java.time.LocalTime.parse(time).toString();
            } catch (RuntimeException e) {
                errors.add(
                        "'trigger.time' must be a local time such as 09:00, got '" + InputRules.abbreviate(time) + "'");
            }
        }
        List<String> days = new ArrayList<>();
        JsonNode d = t.get("days");
        if (d != null && !d.isNull()) {
            if (at != null) {
                errors.add("'trigger.days' applies only to a recurring schedule ('trigger.time')");
            }
            if (!d.isArray() || d.size() > DAYS.size()) {
                errors.add("'trigger.days' must be a list of MON, TUE, WED, THU, FRI, SAT, SUN");
            } else {
                for (JsonNode day : d) {
                    String name = day.asText().trim().toUpperCase(java.util.Locale.ROOT);
                    name = name.length() > 3 ? name.substring(0, 3) : name;
                    if (!DAYS.contains(name) || !day.isTextual()) {
                        errors.add("'trigger.days' must be a list of MON, TUE, WED, THU, FRI, SAT, SUN, got '"
                                + InputRules.abbreviate(day.asText()) + "'");
                    } else if (!days.contains(name)) {
                        days.add(name);
                    }
                }
            }
        }
        long ramp = longValue(t, "rampPerMinute", 1_000L, errors);
        if (ramp < 1 || ramp > MAX_RAMP_PER_MINUTE) {
            errors.add("'trigger.rampPerMinute' must be between 1 and " + MAX_RAMP_PER_MINUTE + ", got " + ramp);
        }
        long window = duration(t, "sendWindow", Duration.ofHours(6).toMillis(), errors);
        if (window < MIN_SEND_WINDOW.toMillis() || window > MAX_SEND_WINDOW.toMillis()) {
            errors.add("'trigger.sendWindow' must be between 1min and 23h, got " + Duration.ofMillis(window));
        }
        return new ScheduleSpec(at, time, List.copyOf(days), ramp, window);
    }

    private Audience audience(JsonNode a, List<String> errors) {
        if (a == null || a.isNull()) {
            return Audience.everyone();
        }
        unknown(a, AUDIENCE, "audience.", errors);
        List<Integer> segments = intList(a.get("segments"), "audience.segments", errors);
        Double min = a.hasNonNull("minScore") ? number(a, "minScore", 0, errors) : null;
        Double max = a.hasNonNull("maxScore") ? number(a, "maxScore", 1, errors) : null;
        if ((min != null && (min < 0 || min > 1))
                || (max != null && (max < 0 || max > 1))
                || (min != null && max != null && min > max)) {
            errors.add("'audience.minScore' and 'maxScore' must be in [0, 1] with minScore <= maxScore");
        }
        List<FeaturePredicate> features = new ArrayList<>();
        JsonNode fs = a.get("features");
        if (fs != null && !fs.isNull()) {
            if (!fs.isArray()) {
                errors.add("'audience.features' must be a list");
            } else {
                for (JsonNode f : fs) {
                    unknown(f, Set.of("feature", "op", "value"), "audience.features[].", errors);
                    String feature = text(f, "feature", "", errors);
                    String op = text(f, "op", "", errors);
                    double value = number(f, "value", Double.NaN, errors);
                    if (!FeatureVector.NAMES.contains(feature)) {
                        errors.add("unknown feature '" + feature + "' (expected one of " + FeatureVector.NAMES + ")");
                    }
                    if (FeaturePredicate.Op.parse(op) == null) {
                        errors.add("unknown operator '" + op + "' (expected one of <, <=, >, >=, ==, !=)");
                    }
                    if (Double.isNaN(value)) {
                        errors.add("feature predicate on '" + feature + "' needs a numeric 'value'");
                    }
                    features.add(new FeaturePredicate(feature, op, value));
                }
            }
        }
        return new Audience(segments, min, max, features);
    }

    private List<Variant> variants(JsonNode vs, List<String> errors) {
        if (vs == null || !vs.isArray() || vs.isEmpty()) {
            errors.add("'variants' must be a non-empty list of {id, weight, template}");
            return List.of();
        }
        List<Variant> out = new ArrayList<>();
        int total = 0;
        for (JsonNode v : vs) {
            unknown(v, VARIANT, "variants[].", errors);
            String vid = text(v, "id", "", errors);
            if (!ID.matcher(vid).matches()) {
                errors.add("variant 'id' must be 1-64 letters, digits, '.', '_' or '-'");
            }
            if (ControlGroup.isControl(vid)) {
                errors.add("variant id '" + vid + "' is reserved for the global control group");
            }
            int weight = (int) longValue(v, "weight", 1L, errors);
            if (weight < 0) {
                errors.add("variant '" + vid + "' has a negative weight");
            }
            total += Math.max(0, weight);
            String template = text(v, "template", "", errors);
            checkTemplate(vid, template, errors);
            Map<String, String> locales = new LinkedHashMap<>();
            JsonNode ts = v.get("templates");
            if (ts != null && ts.isObject()) {
                Iterator<Map.Entry<String, JsonNode>> it = ts.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    checkTemplate(vid + "/" + e.getKey(), e.getValue().asText(), errors);
                    locales.put(e.getKey(), e.getValue().asText());
                }
            } else if (ts != null && !ts.isNull()) {
                errors.add("variant '" + vid + "': 'templates' must map locales to template ids");
            }
            if (out.stream().anyMatch(o -> o.id().equals(vid))) {
                errors.add("duplicate variant id '" + vid + "'");
            }
            out.add(new Variant(vid, weight, template, locales));
        }
        if (total <= 0) {
            errors.add("variant weights must add up to more than 0");
        }
        return out;
    }

    private void checkTemplate(String where, String template, List<String> errors) {
        if (template == null || !ID.matcher(template).matches()) {
            errors.add("variant '" + where + "' needs a 'template' id (letters, digits, '.', '_', '-')");
        } else if (!templateExists.test(template)) {
            errors.add("variant '" + where + "': template '" + template + "' does not exist");
        }
    }

    private static void unknown(JsonNode node, Set<String> known, String prefix, List<String> errors) {
        if (node == null || !node.isObject()) {
            return;
        }
        node.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f)) {
                errors.add("unknown field '" + prefix + f + "'");
            }
        });
    }

    /** Campaign text: at most {@value #MAX_TEXT} characters, free of control, bidirectional and invisible characters. */
    private static String text(JsonNode n, String field, String dflt, List<String> errors) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isValueNode()) {
            errors.add("'" + field + "' must be text");
            return dflt;
        }
        String t = v.asText().trim();
        if (t.length() > MAX_TEXT) {
            errors.add("'" + field + "' is longer than " + MAX_TEXT + " characters");
            return dflt;
        }
        String bad = InputRules.uncleanCharacter(t);
        if (bad != null) {
            errors.add("'" + field + "' contains " + bad);
            return dflt;
        }
        return t;
    }

    /** Longest text field of a campaign definition (names, templates' ids, operators). */
    static final int MAX_TEXT = 1_000;

    private static boolean bool(JsonNode n, String field, boolean dflt, List<String> errors) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        String t = v.asText().trim();
        if (t.equals("true") || t.equals("false")) {
            return Boolean.parseBoolean(t);
        }
        errors.add("'" + field + "' must be true or false, got '" + t + "'");
        return dflt;
    }

    private static long longValue(JsonNode n, String field, long dflt, List<String> errors) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (v.canConvertToLong() && (v.isIntegralNumber() || v.asText().matches("-?\\d+"))) {
            return v.asLong();
        }
        if (v.isTextual() && v.asText().trim().matches("-?\\d+")) {
            return Long.parseLong(v.asText().trim());
        }
        errors.add("'" + field + "' must be an integer, got '" + v.asText() + "'");
        return dflt;
    }

    /**
     * A finite number (a JSON number or a numeric string): {@code NaN} and infinities are refused here, since every
     * range check after this would pass them ({@code NaN < 0} and {@code NaN > 100} are both false).
     */
    private static double number(JsonNode n, String field, double dflt, List<String> errors) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        double d;
        if (v.isNumber()) {
            d = v.asDouble();
        } else {
            String t = v.asText().trim();
            if (t.length() > 64) {
                errors.add("'" + field + "' must be a number, got '" + InputRules.abbreviate(t) + "'");
                return dflt;
            }
            try {
                d = Double.parseDouble(t);
            } catch (NumberFormatException e) {
                errors.add("'" + field + "' must be a number, got '" + InputRules.abbreviate(t) + "'");
                return dflt;
            }
        }
        if (!Double.isFinite(d)) {
            errors.add("'" + field + "' must be a finite number, got '" + InputRules.abbreviate(v.asText()) + "'");
            return dflt;
        }
        return d;
    }

    private static long duration(JsonNode n, String field, long dflt, List<String> errors) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        try {
            Duration d = v.isIntegralNumber() ? Duration.ofMillis(v.asLong()) : TimeUtils.parseDuration(v.asText());
            if (d.isNegative()) {
                errors.add("'" + field + "' must not be negative");
                return dflt;
            }
            return d.toMillis();
        } catch (RuntimeException e) {
            errors.add("'" + field + "' must be a duration such as 30min, 1h or 7d, got '" + v.asText() + "'");
            return dflt;
        }
    }

    private static long instant(JsonNode n, String field, long dflt, List<String> errors) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        try {
            return Instant.parse(v.asText().trim()).toEpochMilli();
        } catch (RuntimeException e) {
            errors.add("'" + field + "' must be an ISO-8601 instant such as 2026-11-29T00:00:00Z, got '" + v.asText()
                    + "'");
            return dflt;
        }
    }

    private static List<Integer> intList(JsonNode n, String field, List<String> errors) {
        List<Integer> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            errors.add("'" + field + "' must be a list of segment numbers");
            return out;
        }
        for (JsonNode x : n) {
            if (!x.isIntegralNumber() || x.asInt() < 0) {
                errors.add("'" + field + "' must hold segment numbers >= 0, got '" + x.asText() + "'");
            } else {
                out.add(x.asInt());
            }
        }
        return out;
    }
}
