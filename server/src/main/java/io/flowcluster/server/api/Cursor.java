package io.flowcluster.server.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.OptionalLong;

/** Opaque page cursors: where the next page of the newest-first job list starts. */
final class Cursor {

    private static final String PREFIX = "seq:";

    private Cursor() {
    }

    static String encode(long beforeSeq) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((PREFIX + beforeSeq).getBytes(StandardCharsets.UTF_8));
    }

    static OptionalLong decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith(PREFIX)) {
                return OptionalLong.of(Long.parseLong(text.substring(PREFIX.length())));
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new ProblemException(ProblemException.Type.INVALID_REQUEST,
                "cursor '" + cursor + "' is not valid; use the nextCursor of a previous page");
    }
}
