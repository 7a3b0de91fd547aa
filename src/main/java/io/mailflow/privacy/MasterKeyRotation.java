package io.mailflow.privacy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Master key rotation is a re-wrap: every data key in the key topic that is wrapped by an older master key is
 * unwrapped (the service must still hold that key) and written again wrapped by the current one. Data keys, and so
 * every ciphertext made with them, stay the same; erased users (tombstones) stay erased.
 *
 * <p>Run it while the job is stopped: the job is the only other writer of the topic, and a tombstone it wrote between
 * this read and this write would be overwritten by the re-wrapped key (docs/privacy.md, "Master key rotation").
 */
public final class MasterKeyRotation {
    private MasterKeyRotation() {}

    /**
     * @param rewrapped keys written again under the current master key
     * @param current keys already under it
     * @param unreadable keys the service cannot unwrap (their master key is not held): left as they are
     * @param erased users whose latest record is a tombstone
     */
    public record Result(int rewrapped, int current, int unreadable, int erased) {}

    public static Result rewrap(UserKeyTopic topic, KeyManagementService kms) {
        Map<String, String> latest = new LinkedHashMap<>();
        topic.catchUp(latest::put);
        int rewrapped = 0;
        int current = 0;
        int unreadable = 0;
        int erased = 0;
        for (Map.Entry<String, String> e : latest.entrySet()) {
            if (e.getValue() == null) {
                erased++;
                continue;
            }
            WrappedKey w;
            try {
                w = WrappedKey.decode(e.getValue());
            } catch (IllegalArgumentException malformed) {
                unreadable++;
                continue;
            }
            if (w.masterKeyId().equals(kms.currentKeyId())) {
                current++;
                continue;
            }
            byte[] context = UserKeys.context(e.getKey());
            try {
                byte[] dataKey = kms.unwrap(w, context);
                topic.write(
                        e.getKey(), kms.wrap(w.dataKeyId(), dataKey, context).encode());
                rewrapped++;
            } catch (KeyUnavailableException notHeld) {
                unreadable++;
            }
        }
        return new Result(rewrapped, current, unreadable, erased);
    }
}
