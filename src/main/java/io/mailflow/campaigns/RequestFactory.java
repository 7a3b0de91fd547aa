package io.mailflow.campaigns;

import io.mailflow.model.ControlGroup;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.LineItem;
import io.mailflow.model.Recommendation;
import io.mailflow.model.SendRules;
import io.mailflow.recommendations.RecoList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Builds the e-mail request of a fired trigger: experiment arm, recommendations and the "why". */
final class RequestFactory {
    private RequestFactory() {}

    static EmailRequest create(
            CampaignDefinition c,
            Pending p,
            String user,
            long now,
            UserFacts f,
            List<String> purchased,
            Function<String, RecoList> model,
            TriggerSettings settings,
            Map<String, VariantStats> stats) {
        String requestId = RequestIds.of(c.id(), user, p.fact());
        // the global control group comes first: its users get no e-mail of any campaign, recorded as a holdout
        // under the reserved variant, so that the campaign's own holdout and variants stay comparable
        boolean control = Experiments.inControlGroup(user, settings.controlGroup());
        boolean holdout = control || Experiments.holdout(user, c);
        Variant v = c.thompson()
                ? ThompsonSampler.choose(
                        c.variants(),
                        stats,
                        c.id(),
                        Long.parseUnsignedLong(requestId.substring(0, 15), 16),
                        settings.banditPrior())
                : Experiments.byHash(user, c);
        // context: the latest session's items, then the trigger's own (most recent last); the trigger's
        // items are shown by the e-mail itself, so they seed the ranking but are not recommended
        List<String> shown = new ArrayList<>();
        for (LineItem i : p.items()) {
            shown.add(i.itemId());
        }
        List<String> context = new ArrayList<>(f.recentItems());
        context.removeAll(shown);
        context.addAll(shown);
        List<Recommendation> recs = settings.recommender()
                .recommend(context, shown, model, f.segment(), purchased, settings.recommendationsPerEmail());
        return new EmailRequest(
                requestId,
                c.id(),
                p.trigger(),
                v.template(),
                user,
                now,
                p.fact(),
                p.items(),
                p.currency(),
                c.version(),
                control ? ControlGroup.VARIANT : v.id(),
                holdout,
                f.segment(),
                f.segmentModelVersion(),
                f.score(),
                f.scoreModelVersion(),
                recs,
                v.localeTemplates(),
                new SendRules(
                        c.priority(),
                        c.cooldownMs(),
                        c.capMax(),
                        c.capWindowMs(),
                        c.onLimit(),
                        c.maxAgeMs(),
                        c.dryRun(),
                        c.catalogPolicy() == null ? "" : c.catalogPolicy(),
                        c.requireImages()),
                now);
    }
}
