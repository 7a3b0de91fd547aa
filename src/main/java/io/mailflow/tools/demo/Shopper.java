package io.mailflow.tools.demo;

import io.mailflow.model.UserProfile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One simulated user: the profile, the categories they care about, and what persists between their
 * sessions. The cart persists like a real shop's server-side cart, which is what lets a shopper who
 * abandoned a cart come back and buy it in a later session.
 */
final class Shopper {
    final int number;
    final UserProfile profile;
    final String currency;
    final boolean chineseSpeaker;
    /** Two or three categories this shopper keeps coming back to; sessions mostly stay on topic. */
    final List<Category> interests;
    /** Item number to quantity (1-3), in the order the items were added. */
    final Map<Integer, Integer> cart = new LinkedHashMap<>();

    int activeSessions;
    /** Timestamp of this shopper's latest event, visible or not. */
    long lastEventAt = Long.MIN_VALUE;
    /** Earliest start of this shopper's next session, so that sessions stay well apart. */
    long idleUntil;

    Shopper(int number, UserProfile profile, List<Category> interests) {
        this.number = number;
        this.profile = profile;
        this.chineseSpeaker = profile.locale().startsWith("zh");
        this.currency = chineseSpeaker ? "CNY" : "USD";
        this.interests = List.copyOf(interests);
    }

    String userId() {
        return profile.userId();
    }
}
