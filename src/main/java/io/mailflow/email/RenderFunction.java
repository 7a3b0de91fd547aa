package io.mailflow.email;

import io.mailflow.job.Tags;
import io.mailflow.model.AddressedRequest;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.RenderedEmail;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Renders each addressed request; a template error sends the request to the dead letters and the job goes on. */
public final class RenderFunction extends ProcessFunction<AddressedRequest, RenderedEmail> {
    private static final long serialVersionUID = 1L;

    private final String templateDir;
    private final String fromAddress;
    private final Map<String, String> globals;
    private transient TemplateRenderer renderer;
    private transient Counter failures;

    public RenderFunction(String templateDir, String fromAddress, Map<String, String> globals) {
        this.templateDir = templateDir;
        this.fromAddress = fromAddress;
        this.globals = Map.copyOf(globals);
    }

    @Override
    public void open(OpenContext ctx) {
        renderer = new TemplateRenderer(templateDir, Map.copyOf(globals));
        failures = getRuntimeContext().getMetricGroup().counter("templateErrors");
    }

    @Override
    public void processElement(AddressedRequest a, Context ctx, Collector<RenderedEmail> out) {
        try {
            TemplateRenderer.Rendered r = renderer.render(a);
            out.collect(new RenderedEmail(
                    a.request().requestId(),
                    MessageIds.of(a.request().requestId(), fromAddress),
                    a.request().campaignId(),
                    a.request().userId(),
                    a.recipient().email(),
                    a.recipient().name(),
                    r.subject(),
                    r.html(),
                    r.text(),
                    a.request().triggeredAt()));
        } catch (TemplateException e) {
            failures.inc();
            ctx.output(Tags.DEAD_LETTERS, DeadLetter.of("render", e.getMessage(), a.request().requestId()));
        }
    }
}
