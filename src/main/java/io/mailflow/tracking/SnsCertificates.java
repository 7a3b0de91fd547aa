package io.mailflow.tracking;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Production lookups of {@link SesSnsWebhook}: the public key of the SNS signing certificate at a URL that the
 * webhook has already checked to be an SNS host (fetched over https, checked to be currently valid, cached by URL),
 * and the confirmation of a subscription by fetching its SubscribeURL.
 */
final class SnsCertificates implements Function<URI, PublicKey> {
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final Map<URI, PublicKey> cache = new ConcurrentHashMap<>();

    @Override
    public PublicKey apply(URI url) {
        return cache.computeIfAbsent(url, this::fetch);
    }

    private PublicKey fetch(URI url) {
        try {
            HttpResponse<byte[]> r = http.send(
                    HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("signing certificate: HTTP " + r.statusCode());
            }
            X509Certificate cert = (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(r.body()));
            cert.checkValidity();
            return cert.getPublicKey();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot load the SNS signing certificate: " + e, e);
        }
    }

    /** Confirms a subscription in the background (the SNS request is answered at once). */
    Consumer<URI> confirmer() {
        return url -> http.sendAsync(
                HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding());
    }
}
