package io.mailflow.campaigns;

import io.mailflow.model.ControlGroup;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Deterministic experiment assignment: a user's holdout membership and variant in a campaign depend
 * only on (user, campaign), so they are the same in every e-mail, after restarts and in replays, and
 * independent across campaigns (the campaign id salts the hash).
 */
public final class Experiments {
    private Experiments() {}

    /** A uniform number in [0, 1) from SHA-256 of the parts. */
    public static double bucket(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] d = sha.digest(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8));
            long bits = ByteBuffer.wrap(d, 0, 8).getLong() >>> 11; // 53 random bits
            return bits / (double) (1L << 53);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /**
     * Whether a user is in the global control group: a hash of the salt and the user id only, so the same in
     * every campaign, after restarts and in replays, and independent of every campaign's holdout and variant.
     */
    public static boolean inControlGroup(String userId, ControlGroup g) {
        return g != null && g.enabled() && bucket("control", g.salt(), userId) * 100.0 < g.percent();
    }

    public static boolean holdout(String userId, CampaignDefinition c) {
        return c.holdoutPercent() > 0 && bucket("holdout", c.id(), userId) * 100.0 < c.holdoutPercent();
    }

    /** The variant for a user by weight, from a hash independent of the holdout hash. */
    public static Variant byHash(String userId, CampaignDefinition c) {
        List<Variant> vs = c.variants();
        int total = vs.stream().mapToInt(Variant::weight).sum();
        double x = bucket("variant", c.id(), userId) * total;
        double acc = 0;
        for (Variant v : vs) {
            acc += v.weight();
            if (x < acc) {
                return v;
            }
        }
        return vs.get(vs.size() - 1);
    }
}
