package io.flowcluster.server.api;

import io.flowcluster.server.config.FlowConfig;
import io.vertx.core.http.HttpServerRequest;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Guards {@code /api}: a body over the limit gets 413 before it is read, and every request
 * needs the API token as a Bearer token. Health, metrics and OpenAPI stay open.
 */
@ApplicationScoped // filters are wired at static init, before runtime config exists: create lazily
public class ApiFilters {

    private final byte[] token;
    private final int maxBodyBytes;

    ApiFilters(FlowConfig config) {
        this.token = config.api().token()
                .filter(t -> !t.isBlank())
                .orElseThrow(() -> new IllegalStateException(
                        "flow.api.token is not set: set FLOW_API_TOKEN, or start the server with "
                                + "'java -jar quarkus-run.jar', which generates one"))
                .getBytes(StandardCharsets.UTF_8);
        this.maxBodyBytes = config.api().maxBodyBytes();
    }

    /** Creating the bean at start-up makes a missing token stop the node before it serves anything. */
    void checkConfiguration(@Observes StartupEvent event) {
    }

    @ServerRequestFilter(preMatching = true, priority = 100)
    public Optional<jakarta.ws.rs.core.Response> limitBody(HttpServerRequest request) {
        if (!request.path().startsWith("/api/")) {
            return Optional.empty();
        }
        String length = request.getHeader("Content-Length");
        if (length != null && parseLength(length) > maxBodyBytes) {
            throw new ProblemException(ProblemException.Type.BODY_TOO_LARGE,
                    "the body has " + length + " bytes; at most " + maxBodyBytes + " are accepted (flow.api.max-body-bytes)");
        }
        return Optional.empty();
    }

    @ServerRequestFilter(preMatching = true, priority = 50)
    public Optional<jakarta.ws.rs.core.Response> authenticate(HttpServerRequest request) {
        if (!request.path().startsWith("/api/")) {
            return Optional.empty();
        }
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ProblemException(ProblemException.Type.UNAUTHORIZED,
                    "send the API token in an 'Authorization: Bearer <token>' header");
        }
        byte[] presented = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(token, presented)) {
            throw new ProblemException(ProblemException.Type.UNAUTHORIZED, "the API token is not valid");
        }
        return Optional.empty();
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
