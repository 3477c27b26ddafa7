package io.flowcluster.server.api;

import io.flowcluster.server.store.DatabaseErrors;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves the API as problem+json. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, HttpServerRequest request) {
        ProblemException.Type t = e.type();
        Response.ResponseBuilder r = Response.status(t.status())
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem(t.uri(), t.title(), t.status(), e.getMessage(), request.path(), e.errors()));
        if (t == ProblemException.Type.UNAUTHORIZED) {
            r.header("WWW-Authenticate", "Bearer");
        }
        return r.build();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, HttpServerRequest request) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        return respond(status.getStatusCode(), status.getReasonPhrase(), describe(e, request), request);
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, HttpServerRequest request) {
        if (DatabaseErrors.unreachable(e)) {
            LOG.warnf("Request %s %s: the database is unreachable (%s)", request.method(), request.path(), e.getMessage());
            return problem(new ProblemException(ProblemException.Type.DATABASE_UNAVAILABLE,
                    "the database cannot be reached; nothing was changed, try again shortly"), request);
        }
        LOG.errorf(e, "Request %s %s failed", request.method(), request.path());
        return respond(500, "Internal Server Error", "the server failed to handle this request; see its log", request);
    }

    static Response respond(int status, String title, String detail, HttpServerRequest request) {
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem("about:blank", title, status, detail, request.path(), List.of()))
                .build();
    }

    private static String describe(WebApplicationException e, HttpServerRequest request) {
        return switch (e.getResponse().getStatus()) {
            case 404 -> "no resource at " + request.path();
            case 405 -> request.method() + " is not allowed on " + request.path();
            case 406 -> "cannot produce any of the accepted media types: " + request.getHeader("Accept");
            case 415 -> "unsupported content type '" + request.getHeader("Content-Type") + "'; send application/json";
            default -> e.getMessage();
        };
    }
}
