package io.mailflow.campaigns;

import io.mailflow.model.EmailRequest;
import io.mailflow.model.LineItem;
import io.mailflow.recommendations.RecoList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a campaign would ask to send a user now, from the user's facts as the trigger operator keeps them: the
 * same request factory as the live decision (variant, holdout, recommendations, the "why"), without any state or
 * side effect. For previews against a real user (the preview CLI reads the facts from a savepoint).
 */
public final class CampaignPreview {
    private CampaignPreview() {}

    /**
     * The verdict and the request.
     *
     * @param live whether the campaign is active and in its period at {@code now}
     * @param inAudience whether the user's facts meet its audience
     * @param request the request it would create (also when it would not, so the e-mail can still be looked at)
     */
    public record Result(boolean live, boolean inAudience, EmailRequest request) {}

    /**
     * @param cart the items the e-mail shows (a pending trigger's cart, or none)
     * @param model the recommendation model's lists by key
     */
    public static Result of(
            CampaignDefinition c,
            String user,
            UserFacts facts,
            List<LineItem> cart,
            String currency,
            List<String> purchased,
            Map<String, RecoList> model,
            TriggerSettings settings,
            long now) {
        UserFacts f = facts == null ? UserFacts.empty() : facts;
        Pending p = new Pending(
                c.id(), c.trigger().type().name(), "preview@" + now, now, now, new ArrayList<>(cart), currency);
        EmailRequest r = RequestFactory.create(c, p, user, now, f, purchased, model::get, settings, Map.of());
        return new Result(c.liveAt(now), c.audience().matches(f), r);
    }
}
