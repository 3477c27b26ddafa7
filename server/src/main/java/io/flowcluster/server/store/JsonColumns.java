package io.flowcluster.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowcluster.server.job.StepSpec;
import io.flowcluster.server.schedule.ScheduleSpec;
import jakarta.inject.Singleton;
import java.io.UncheckedIOException;
import java.util.Map;

/** Reads and writes the jsonb columns. */
@Singleton
public class JsonColumns {

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() { };

    private final ObjectMapper mapper;

    JsonColumns(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Map<String, String> stringMap(String json) {
        return read(json, STRING_MAP);
    }

    public StepSpec stepSpec(String json) {
        return read(json, new TypeReference<>() { });
    }

    public ScheduleSpec scheduleSpec(String json) {
        return read(json, new TypeReference<>() { });
    }

    public JsonNode tree(String json) {
        try {
            return json == null ? null : mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> T read(String json, TypeReference<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
