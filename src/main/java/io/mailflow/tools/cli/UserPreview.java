package io.mailflow.tools.cli;

import io.mailflow.campaigns.CampaignDefinition;
import io.mailflow.campaigns.CampaignPreview;
import io.mailflow.campaigns.CampaignStage;
import io.mailflow.campaigns.Pending;
import io.mailflow.campaigns.UserFacts;
import io.mailflow.config.MailflowConfig;
import io.mailflow.email.TemplateException;
import io.mailflow.job.PipelineSettings;
import io.mailflow.model.AddressedRequest;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.LineItem;
import io.mailflow.model.Recipient;
import io.mailflow.model.RenderedEmail;
import io.mailflow.model.UserProfile;
import io.mailflow.tools.ops.UserSnapshot;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code preview --savepoint <path> --user <id> --campaign <id>}: what a campaign would send a real user now. The
 * user's profile, facts (segment, score, features, latest items), purchases, pending carts and the recommendation
 * model are read from the savepoint ({@link UserSnapshot}); the campaign is the one in the savepoint's broadcast
 * state, else the one of {@code --campaigns}. The request is built by the job's own factory (variant, holdout,
 * recommendations) and rendered for the user's locale to {@code .html} and {@code .txt}; the verdict says whether
 * it would be sent (campaign live, audience, consent, suppression). Nothing is sent, and the user's e-mail address
 * is printed masked only (the e-mail is rendered to a placeholder address).
 *
 * <p>Options: {@code --at} (ISO instant, default now), {@code --campaigns} (file), {@code --template-dir},
 * {@code --out} (default {@code preview}), {@code --config} (a Mailflow configuration file, for the
 * recommendation and control-group settings).
 */
public final class UserPreview {
    /** What the preview found: the verdict's reasons (empty: it would send), the subject and the files written. */
    public record Outcome(List<String> reasons, EmailRequest request, String subject, List<String> files) {}

    private UserPreview() {}

    static int main(String[] args, PrintStream out, PrintStream err) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (String k : List.of(
                "--savepoint", "--user", "--campaign", "--at", "--campaigns", "--template-dir", "--out", "--config")) {
            o.put(k, "");
        }
        o.put("--out", "preview");
        for (int i = 0; i < args.length; i += 2) {
            if (!o.containsKey(args[i]) || i + 1 >= args.length) {
                err.println("Unknown option or missing value: " + args[i] + ". Options: " + o.keySet());
                return 2;
            }
            o.put(args[i], args[i + 1]);
        }
        for (String required : List.of("--savepoint", "--user", "--campaign")) {
            if (o.get(required).isBlank()) {
                err.println(required + " is required");
                return 2;
            }
        }
        MailflowConfig config = o.get("--config").isBlank()
                ? MailflowConfig.defaults()
                : MailflowConfig.fromArgs(new String[] {"--config", o.get("--config")});
        long at = o.get("--at").isBlank()
                ? System.currentTimeMillis()
                : Instant.parse(o.get("--at")).toEpochMilli();
        try {
            Outcome r = preview(
                    o.get("--savepoint"),
                    o.get("--user"),
                    o.get("--campaign"),
                    o.get("--campaigns"),
                    o.get("--template-dir"),
                    config,
                    at,
                    Path.of(o.get("--out")),
                    out);
            return r == null ? 1 : 0;
        } catch (TemplateException e) {
            err.println("Template error: " + e.getMessage());
            return 1;
        }
    }

    /** Previews and prints; null when the campaign is unknown. */
    public static Outcome preview(
            String savepoint,
            String user,
            String campaignId,
            String campaignsFile,
            String templateDir,
            MailflowConfig config,
            long at,
            Path outDir,
            PrintStream out)
            throws Exception {
        UserSnapshot s = UserSnapshot.read(savepoint, user);
        CampaignDefinition c = s.campaigns().get(campaignId);
        if (c == null && !campaignsFile.isBlank()) {
            c = CampaignStage.load(campaignsFile, templateDir).stream()
                    .filter(d -> d.id().equals(campaignId))
                    .findFirst()
                    .orElse(null);
        }
        if (c == null) {
            out.println("campaign " + campaignId + " is neither in the savepoint nor in --campaigns");
            return null;
        }
        UserProfile p = s.profile();
        UserFacts f = s.facts();
        out.println("user " + user + ": "
                + (p == null
                        ? "no profile"
                        : "e-mail " + mask(p.email()) + ", locale " + p.locale() + ", zone " + p.timeZone()
                                + ", consent " + p.consent()));
        out.println("facts: " + (f == null ? "none (no activity within campaigns.user-state-ttl)" : describe(f))
                + "; purchased items " + s.purchased().size() + "; pending triggers "
                + s.pending().size());

        Optional<Pending> cart = cart(s.pending(), campaignId);
        List<LineItem> items = cart.map(Pending::items).orElse(List.of());
        CampaignPreview.Result r = CampaignPreview.of(
                c,
                user,
                f,
                items,
                cart.map(Pending::currency).orElse(null),
                s.purchased(),
                s.recommendations(),
                PipelineSettings.campaigns(config).triggers(),
                at);
        List<String> reasons = new ArrayList<>();
        if (!r.live()) {
            reasons.add("campaign not live at " + Instant.ofEpochMilli(at) + " (status " + c.status() + ")");
        }
        if (!r.inAudience()) {
            reasons.add("user not in the campaign's audience");
        }
        if (p == null) {
            reasons.add("no profile");
        } else if (!p.consent()) {
            reasons.add("no consent to e-mail");
        }
        if (s.suppression() != null) {
            reasons.add("suppressed (" + s.suppression().reason() + ")");
        }
        if (r.request().holdout()) {
            reasons.add("in the holdout (recorded, never mailed)");
        }
        EmailRequest request = r.request();
        String locale = p == null ? "en" : p.locale();
        request = request.withTemplate(request.templateFor(locale));
        out.println("campaign " + c.id() + " v" + c.version() + " ("
                + c.trigger().type().wireName() + "): variant "
                + request.variant() + ", template " + request.templateId() + ", " + items.size() + " item(s), "
                + request.recommendations().size() + " recommendation(s)");
        out.println(
                reasons.isEmpty() ? "verdict: would send" : "verdict: would not send: " + String.join("; ", reasons));

        // rendered to a placeholder address: the real one never enters the output
        Recipient to = new Recipient(
                "recipient@preview.invalid",
                p == null || p.name() == null ? "" : p.name(),
                locale,
                p == null || p.timeZone() == null ? "UTC" : p.timeZone());
        RenderedEmail e = PreviewCli.composer(templateDir).compose(new AddressedRequest(request, to), at / 1000);
        String secret = p == null ? null : p.email();
        Files.createDirectories(outDir);
        String base = c.id() + "-" + user.replaceAll("[^A-Za-z0-9._-]", "_");
        Path html = Files.writeString(outDir.resolve(base + ".html"), scrub(e.html(), secret));
        Path text = Files.writeString(outDir.resolve(base + ".txt"), scrub(e.text(), secret));
        String subject = scrub(e.subject(), secret);
        out.println("subject: " + subject);
        out.println("wrote " + html);
        out.println("wrote " + text);
        return new Outcome(List.copyOf(reasons), request, subject, List.of(html.toString(), text.toString()));
    }

    /** The items the e-mail would show: the newest pending trigger of this campaign, else of any, else none. */
    static Optional<Pending> cart(List<Pending> pending, String campaignId) {
        Comparator<Pending> newest = Comparator.comparingLong(Pending::anchor);
        Optional<Pending> own =
                pending.stream().filter(p -> p.campaignId().equals(campaignId)).max(newest);
        return own.isPresent()
                ? own
                : pending.stream().filter(p -> !p.items().isEmpty()).max(newest);
    }

    private static String describe(UserFacts f) {
        return "segment " + f.segment() + ", score " + (f.score() == null ? "null" : String.format("%.3f", f.score()))
                + ", features " + (f.features() == null ? "none" : f.features().length + " values") + ", recent items "
                + f.recentItems().size();
    }

    /** {@code a***@example.com}: enough to tell addresses apart, not to write to one. */
    static String mask(String email) {
        if (email == null || email.isBlank()) {
            return "(none)";
        }
        int at = email.indexOf('@');
        if (at <= 0) {
            return "***";
        }
        return email.charAt(0) + "***" + email.substring(at);
    }

    /** A text with the address (should a template print it) masked. */
    static String scrub(String text, String email) {
        return email == null || email.isBlank() || text == null ? text : text.replace(email, mask(email));
    }
}
