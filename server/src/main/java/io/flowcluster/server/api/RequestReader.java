package io.flowcluster.server.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.flowcluster.server.job.FieldError;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads request bodies strictly (unknown fields, duplicate keys, trailing data and type
 * coercions are errors) and turns every parse failure into a precise field error.
 */
@Singleton
public class RequestReader {

    private final ObjectMapper strict = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .withCoercionConfig(LogicalType.Textual, c -> c
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Integer, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Float, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
            .build();

    public <T> T read(byte[] body, Class<T> type) {
        if (body == null || body.length == 0) {
            throw new ProblemException(ProblemException.Type.INVALID_REQUEST, "the request body is empty; send a JSON object");
        }
        try {
            T value = strict.readValue(body, type);
            if (value == null) {
                throw new ProblemException(ProblemException.Type.INVALID_REQUEST, "the body must be a JSON object, not null");
            }
            List<FieldError> text = TextCheck.of(strict.getFactory(), body);
            if (!text.isEmpty()) {
                throw new ProblemException(ProblemException.Type.INVALID_REQUEST,
                        text.get(0).field() + ": " + text.get(0).message(), text);
            }
            return value;
        } catch (JsonParseException e) {
            throw malformed(e);
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof JsonParseException parse) {
                throw malformed(parse);
            }
            FieldError error = fieldError(e);
            throw new ProblemException(ProblemException.Type.INVALID_REQUEST,
                    (error.field().isEmpty() ? "" : error.field() + ": ") + error.message(), List.of(error));
        } catch (IOException e) {
            throw new ProblemException(ProblemException.Type.MALFORMED_JSON, "the body could not be read: " + e.getMessage());
        }
    }

    private static ProblemException malformed(JsonParseException e) {
        return new ProblemException(ProblemException.Type.MALFORMED_JSON, "the body is not valid JSON at line "
                + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
    }

    static FieldError fieldError(JsonMappingException e) {
        String path = path(e.getPath());
        if (e instanceof UnrecognizedPropertyException u) {
            String field = u.getPropertyName();
            return new FieldError(path, "unknown field '" + field + "'; known fields: " + known(u.getKnownPropertyIds()));
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return new FieldError(path, path.isEmpty() ? "the body must be " + describe(m.getTargetType())
                    : "must be " + describe(m.getTargetType()));
        }
        // Jackson's own words name Java classes: none of that leaves the server
        return new FieldError(path, "is not valid here");
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String describe(Type type) {
        if (type instanceof Class<?> c) {
            if (c == Integer.class || c == int.class || c == Long.class || c == long.class) {
                return "an integer";
            }
            if (c == Double.class || c == double.class) {
                return "a number";
            }
            if (c == String.class) {
                return "a string";
            }
            if (c == Boolean.class || c == boolean.class) {
                return "true or false";
            }
            if (Collection.class.isAssignableFrom(c) || c.isArray()) {
                return "an array";
            }
            if (Map.class.isAssignableFrom(c) || c.isRecord()) {
                return "a JSON object";
            }
            if (c.isEnum()) {
                return "one of: " + java.util.Arrays.stream(c.getEnumConstants()).map(String::valueOf)
                        .collect(Collectors.joining(", "));
            }
        }
        return "a value of another type";
    }

    private static String known(Collection<Object> ids) {
        return ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    /** The canonical form of a parsed request, for comparing two submissions: map keys in order. */
    public String canonical(Object value) {
        try {
            return strict.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
