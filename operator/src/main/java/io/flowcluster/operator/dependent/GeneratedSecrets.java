package io.flowcluster.operator.dependent;

import java.security.SecureRandom;
import java.util.HexFormat;

/** The random values of the secrets the operator generates: 256 bits, hex. */
final class GeneratedSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private GeneratedSecrets() {
    }

    static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
