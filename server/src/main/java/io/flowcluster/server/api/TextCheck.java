package io.flowcluster.server.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import io.flowcluster.server.job.FieldError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds text that JSON allows but nothing downstream keeps: NUL (PostgreSQL refuses it in
 * text and jsonb) and unpaired UTF-16 surrogates (they are not Unicode; stored, they become
 * '?'). Every key and string of the body is read, at any depth.
 */
final class TextCheck {

    private TextCheck() {
    }

    /** One error per offending key or value, with its field path; the body was already parsed once. */
    static List<FieldError> of(JsonFactory factory, byte[] body) {
        List<FieldError> errors = new ArrayList<>();
        try (JsonParser parser = factory.createParser(body)) {
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                if (t == JsonToken.FIELD_NAME || t == JsonToken.VALUE_STRING) {
                    String problem = problem(parser.getText());
                    if (problem != null) {
                        errors.add(new FieldError(path(parser.getParsingContext()), (t == JsonToken.FIELD_NAME ? "key " : "")
                                + problem));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return errors;
    }

    static String problem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                return "must not contain NUL characters (\\u0000)";
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "contains an unpaired surrogate (\\u" + Integer.toHexString(c) + "), which is not Unicode text";
            }
        }
        return null;
    }

    /** {@code steps[0].env.NAME}, as the other field errors name places. */
    private static String path(JsonStreamContext context) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.add(0, "[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                parts.add(0, "." + c.getCurrentName());
            }
        }
        String joined = String.join("", parts);
        return joined.startsWith(".") ? joined.substring(1) : joined;
    }
}
