package io.flowcluster.operator.desired;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A short, stable digest of an object's desired content, kept in an annotation to see a change. */
public final class Hashes {

    public static final String DESIRED_HASH = "flowcluster.io/desired-hash";
    public static final String CONFIG_HASH = "flowcluster.io/config-hash";

    private Hashes() {
    }

    public static String of(Object value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(Serialization.asJson(value).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
