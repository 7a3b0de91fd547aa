package io.mailflow.bench.jmh;

import io.mailflow.delivery.SmtpMailClient;
import io.mailflow.delivery.SmtpSecurity;
import io.mailflow.delivery.SmtpSettings;
import io.mailflow.email.EmailComposer;
import io.mailflow.email.EspHeaders;
import io.mailflow.model.AddressedRequest;
import io.mailflow.model.EmailRequest;
import io.mailflow.model.LineItem;
import io.mailflow.model.Recipient;
import io.mailflow.model.RenderedEmail;
import io.mailflow.segmentation.KMeansModel;
import io.mailflow.segmentation.KMeansPlusPlus;
import io.mailflow.segmentation.KMeansRefit;
import io.mailflow.segmentation.PlainLloyd;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Before and after the changes of issue 18, side by side in one run: writing one rendered e-mail as MIME
 * (Commons Email over Jakarta Mail's MIME classes, as before, against {@code MimeComposer}), and a k-means
 * refit on a 20,000-point sample (plain Lloyd, as before, against Lloyd with Hamerly's bounds; warm from
 * converged centroids as most versions are, and cold from k-means++ seeds as the restarts are). Run:
 *
 * <pre>mvn -q test-compile exec:exec -Drun.main=org.openjdk.jmh.Main -Ddemo.args="DeliveryAndRefitBenchmarks -f 1 -wi 2 -i 3 -w 2s -r 3s"</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class DeliveryAndRefitBenchmarks {
    private static final OutputStream DISCARD = OutputStream.nullOutputStream();
    private RenderedEmail email;
    private SmtpMailClient commons;
    private SmtpMailClient mailflow;
    private List<double[]> sample;
    private double[][] converged;
    private double[][] seeds;
    private final KMeansRefit refit = new KMeansRefit(8, 0);

    @Setup
    public void setUp() throws Exception {
        long now = 1_700_000_000_000L;
        EmailComposer composer = new EmailComposer(new EmailComposer.Settings(
                "",
                "shop@mailflow.local",
                "https://t.example.com/mf",
                "",
                false,
                Duration.ofDays(60),
                "benchmark-secret-0123456789",
                Map.of("shopUrl", "https://shop.example.com", "shopName", "Shop")));
        email = composer.compose(
                new AddressedRequest(
                        new EmailRequest(
                                "req-1",
                                "abandoned-cart",
                                "ABANDONED_CART",
                                "abandoned-cart",
                                "u42",
                                now,
                                "u42@0",
                                List.of(
                                        new LineItem("sku-1", "cat-1", 20.0, 2, now),
                                        new LineItem("sku-2", "cat-2", 3.5, 1, now)),
                                "USD"),
                        new Recipient("u42@example.com", "Ann", "en", "UTC")),
                now / 1000);
        SmtpSettings smtp = new SmtpSettings(
                "127.0.0.1", 25, SmtpSecurity.NONE, "", "", 1000, "shop@mailflow.local", "Mailflow Shop");
        commons = new SmtpMailClient(smtp, EspHeaders.none(), SmtpMailClient.MimeWriter.COMMONS_EMAIL);
        mailflow = new SmtpMailClient(smtp, EspHeaders.none(), SmtpMailClient.MimeWriter.MAILFLOW);
        Random r = new Random(18);
        sample = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            double[] p = new double[15];
            int cluster = r.nextInt(8);
            for (int x = 0; x < p.length; x++) {
                p[x] = cluster * (x % 3) + r.nextGaussian();
            }
            sample.add(p);
        }
        seeds = KMeansPlusPlus.seed(sample, 8, new Random(7));
        converged = refit.lloyd(seeds, sample).centroids();
        // the trainer's next version: the same sample with 500 users' vectors replaced, from the converged model
        KMeansRefit.Fit fit = refit.lloyd(converged, sample);
        model = new KMeansModel(1, fit.centroids(), fit.counts());
        nextSample = new ArrayList<>(sample);
        hint = KMeansRefit.Bounds.unknown(nextSample.size());
        for (int i = 0; i < nextSample.size(); i++) {
            if (i % 40 == 0) {
                double[] p = nextSample.get(i).clone();
                p[0] += r.nextGaussian();
                nextSample.set(i, p);
            } else {
                hint.assigned()[i] = fit.bounds().assigned()[i];
                hint.upper()[i] = fit.bounds().upper()[i];
                hint.lower()[i] = fit.bounds().lower()[i];
            }
        }
    }

    private KMeansModel model;
    private List<double[]> nextSample;
    private KMeansRefit.Bounds hint;

    /** The trainer's warm refit of the next version, as before (a full first pass). */
    @Benchmark
    public Object nextVersionWithoutBounds() {
        return refit.step(model, nextSample, false, new Random(1), null);
    }

    /** The same refit from the last fit's bounds (the trainer's way since issue 18); the same model. */
    @Benchmark
    public Object nextVersionFromBounds() {
        return refit.step(model, nextSample, false, new Random(1), hint);
    }

    @Benchmark
    public void mimeCommonsEmail() throws Exception {
        commons.build(email).writeTo(DISCARD);
    }

    @Benchmark
    public void mimeComposer() throws Exception {
        mailflow.build(email).writeTo(DISCARD);
    }

    @Benchmark
    public Object lloydWarmPlain() {
        return PlainLloyd.fit(8, converged, sample);
    }

    @Benchmark
    public Object lloydWarmBounds() {
        return refit.lloyd(converged, sample);
    }

    @Benchmark
    public Object lloydColdPlain() {
        return PlainLloyd.fit(8, seeds, sample);
    }

    @Benchmark
    public Object lloydColdBounds() {
        return refit.lloyd(seeds, sample);
    }
}
