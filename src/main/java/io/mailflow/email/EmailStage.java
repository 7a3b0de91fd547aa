package io.mailflow.email;

import io.mailflow.common.Tags;
import io.mailflow.common.Uids;
import io.mailflow.model.AddressedRequest;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.DryRunDecision;
import io.mailflow.model.RenderedEmail;
import io.mailflow.privacy.EncryptionSettings;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** E-mail: released requests -> Velocity templates, signed links, headers -> complete e-mails. */
public final class EmailStage {
    private EmailStage() {}

    /**
     * @param rendered complete e-mails, ready to send
     * @param deadLetters requests whose template failed, with the reason
     * @param dryRunSends dry-run requests rendered instead of sent: their decision with the subject
     */
    public record Outputs(
            DataStream<RenderedEmail> rendered,
            DataStream<DeadLetter> deadLetters,
            DataStream<DryRunDecision> dryRunSends) {}

    public static Outputs attach(DataStream<AddressedRequest> released, EmailComposer.Settings settings) {
        return attach(released, settings, EncryptionSettings.DISABLED);
    }

    /** With encryption on, the rendered e-mails leave with their personal data encrypted under the user's key. */
    public static Outputs attach(
            DataStream<AddressedRequest> released, EmailComposer.Settings settings, EncryptionSettings encryption) {
        SingleOutputStreamOperator<RenderedEmail> rendered = released.process(new RenderFunction(settings, encryption))
                .uid(Uids.RENDER)
                .name("render e-mail");
        return new Outputs(
                rendered,
                rendered.getSideOutput(Tags.DEAD_LETTERS),
                rendered.getSideOutput(RenderFunction.DRY_RUN_SENDS));
    }
}
