package io.flowcluster.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcluster.server.config.FlowConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;

/**
 * Guards every request the router serves, before any route matches it: the token is checked
 * on the raw request, so no spelling of a path ({@code //api}, {@code /./api}, {@code /%61pi},
 * {@code /api;/}) can reach a resource without it. Only the few public paths below, spelled
 * exactly and read with GET or HEAD, pass without the token. A body must be JSON and at most
 * {@code flow.api.max-body-bytes}, whether its length is declared or it comes in chunks.
 */
@ApplicationScoped
public class RequestGuard {

    /** The dashboard's files (they hold no data) and the probes the kubelet calls. */
    static final Set<String> PUBLIC_PATHS = Set.of("/", "/index.html", "/dashboard.js", "/dashboard.css",
            "/q/health", "/q/health/live", "/q/health/ready", "/q/health/started");

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private final byte[] token;
    private final int maxBodyBytes;
    private final BodyHandler bodies;
    private final ObjectMapper json;

    RequestGuard(FlowConfig config, ObjectMapper json) {
        this.token = config.api().token()
                .filter(t -> !t.isBlank())
                .orElseThrow(() -> new IllegalStateException(
                        "flow.api.token is not set: set FLOW_API_TOKEN, or start the server with "
                                + "'java -jar quarkus-run.jar', which generates one"))
                .getBytes(StandardCharsets.UTF_8);
        this.maxBodyBytes = config.api().maxBodyBytes();
        this.bodies = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
        this.json = json;
    }

    /** Creating the bean at start-up makes a missing token stop the node before it serves anything. */
    void checkConfiguration(@Observes StartupEvent event) {
    }

    void install(@Observes Router router) {
        // after Quarkus' own first handlers, before its upload limit and every route
        router.route().order(RouteConstants.ROUTE_ORDER_BODY_HANDLER + 1).handler(this::guard).failureHandler(this::bodyFailed);
    }

    private void guard(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        ctx.addHeadersEndHandler(v -> securityHeaders(ctx));
        if (!isPublic(request)) {
            String refusal = authenticationFailure(request.getHeader(HttpHeaders.AUTHORIZATION));
            if (refusal != null) {
                ctx.response().putHeader("WWW-Authenticate", "Bearer");
                refuse(ctx, ProblemException.Type.UNAUTHORIZED, refusal);
                return;
            }
        }
        if (request.uri().contains("%00")) {
            refuse(ctx, ProblemException.Type.INVALID_REQUEST, "the request's path or query contains a NUL character (%00)");
            return;
        }
        if (!hasBody(request)) {
            ctx.next();
            return;
        }
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (!isJson(contentType)) {
            refuse(ctx, ProblemException.Type.UNSUPPORTED_MEDIA_TYPE, "a request body must be sent as 'Content-Type: application/json'"
                    + (contentType == null ? "" : ", not '" + contentType + "'"));
            return;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && parseLength(length) > maxBodyBytes) {
            tooLarge(ctx, "the body has " + length + " bytes");
            return;
        }
        // read the body here, within the limit: a chunked body declares no length up front
        bodies.handle(ctx);
    }

    /** Vert.x' body handler fails the request with 413 once a body outgrows the limit. */
    private void bodyFailed(RoutingContext ctx) {
        if (ctx.statusCode() == 413 && !ctx.response().headWritten()) {
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
            tooLarge(ctx, "the body is larger than that");
        } else {
            ctx.next();
        }
    }

    private void tooLarge(RoutingContext ctx, String what) {
        refuse(ctx, ProblemException.Type.BODY_TOO_LARGE,
                what + "; at most " + maxBodyBytes + " are accepted (flow.api.max-body-bytes)");
    }

    static boolean isPublic(HttpServerRequest request) {
        return (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD)
                && PUBLIC_PATHS.contains(request.path());
    }

    /** Why the token is refused, or null when it is the right one (compared in constant time). */
    String authenticationFailure(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return "send the API token in an 'Authorization: Bearer <token>' header";
        }
        byte[] presented = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(token, presented) ? null : "the API token is not valid";
    }

    private static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return length != null ? !length.trim().equals("0") : request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim();
        return type.equalsIgnoreCase("application/json");
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void securityHeaders(RoutingContext ctx) {
        var headers = ctx.response().headers();
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        // API answers hold job data: never stored; the dashboard's files are revalidated on each load
        headers.set(HttpHeaders.CACHE_CONTROL, isPublic(ctx.request()) && !ctx.request().path().startsWith("/q/")
                ? "no-cache" : "no-store");
    }

    private void refuse(RoutingContext ctx, ProblemException.Type type, String detail) {
        Problem problem = new Problem(type.uri(), type.title(), type.status(), detail, ctx.request().path(), List.of());
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ctx.response().setStatusCode(type.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(body);
    }
}
