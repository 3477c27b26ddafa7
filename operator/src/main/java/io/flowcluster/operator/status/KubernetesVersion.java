package io.flowcluster.operator.status;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A cluster's Kubernetes version, and whether the operator supports it. */
public record KubernetesVersion(int major, int minor) {

    /** CEL validation of the CRD is generally available from 1.29; the operator is tested on the newest. */
    public static final KubernetesVersion OLDEST_SUPPORTED = new KubernetesVersion(1, 29);

    private static final Pattern DIGITS = Pattern.compile("^(\\d+)");

    /**
     * From the API server's {@code /version}: minor versions may carry a suffix ({@code 29+});
     * empty when it says no version a Kubernetes release has (a test server's {@code 0.0}).
     */
    public static Optional<KubernetesVersion> parse(String major, String minor) {
        Matcher ma = DIGITS.matcher(major == null ? "" : major);
        Matcher mi = DIGITS.matcher(minor == null ? "" : minor);
        if (!ma.find() || !mi.find() || Integer.parseInt(ma.group(1)) < 1) {
            return Optional.empty();
        }
        return Optional.of(new KubernetesVersion(Integer.parseInt(ma.group(1)), Integer.parseInt(mi.group(1))));
    }

    public boolean supported() {
        return major > OLDEST_SUPPORTED.major || major == OLDEST_SUPPORTED.major && minor >= OLDEST_SUPPORTED.minor;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
