package io.flowcluster.operator.crd;

/**
 * The spec's defaults, in one place: the CRD schema declares them (so the API server fills
 * them in), and the desired-state builders fall back to the same values when a field is
 * absent, without ever writing them into the user's spec.
 */
public final class Defaults {

    public static final String REPLICAS = "3";
    public static final String IMAGE = "flowcluster/flowcluster-server:0.1.0";
    public static final String IMAGE_PULL_POLICY = "IfNotPresent";
    public static final String LEASE_DURATION = "2s";
    public static final String RENEW_INTERVAL = "500ms";
    public static final String DISPATCH_AHEAD = "0";
    public static final String VIRTUAL_NODES = "256";
    public static final String PLACEMENT = "bounded-load";
    public static final String LOAD_FACTOR = "1.25";
    public static final String DISTRIBUTION_MODE = "LOCAL";
    public static final String PACKET_SIZE = "100";
    public static final String REMOTE_BIAS = "10";
    public static final String TASK_POOL_SIZE = "8";
    public static final String TASK_QUEUE_SIZE = "0";
    public static final String DB_SIZE = "1Gi";
    public static final String DB_IMAGE = "postgres:17";
    public static final String MAX_UNAVAILABLE = "1";
    public static final String SERVICE_TYPE = "ClusterIP";
    public static final String DRAIN_TIMEOUT = "5m";
    public static final String RETENTION_FINISHED = "30d";
    public static final String LOG_BYTES_PER_ATTEMPT = "1048576";
    public static final String TOKEN_KEY = "token";
    public static final String URL_KEY = "url";
    public static final String USER_KEY = "user";
    public static final String PASSWORD_KEY = "password";

    /** An image reference: [registry[:port]/]path[:tag][@sha256:digest], lowercase path. */
    public static final String IMAGE_PATTERN = "^([a-zA-Z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*"
            + "(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$";

    /** A retention: minutes, hours or days, longer than zero. */
    public static final String RETENTION_PATTERN = "^[1-9][0-9]{0,5}(m|h|d)$";

    private Defaults() {
    }

    public static int orDefault(Integer value, String fallback) {
        return value != null ? value : Integer.parseInt(fallback);
    }

    public static double orDefault(Double value, String fallback) {
        return value != null ? value : Double.parseDouble(fallback);
    }

    public static String orDefault(String value, String fallback) {
        return value != null ? value : fallback;
    }
}
