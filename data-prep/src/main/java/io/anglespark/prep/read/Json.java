package io.anglespark.prep.read;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;

import java.util.Locale;

/**
 * One JSON object per line, strictly: trailing tokens and repeated keys make a line invalid. Public for the record
 * readers of other packages ({@code io.anglespark.prep.issues}); not a stable API.
 */
public final class Json {
    /** Configured once and only read from; ObjectMapper is thread-safe for reading. */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private Json() {
    }

    /** The line as a JSON object, else {@link Reason#INVALID_JSON} with the parser's complaint. */
    public static Outcome<ObjectNode> object(String line) {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
            int nl = message.indexOf('\n');
            return Outcome.reject(Reason.INVALID_JSON, "not valid JSON at column %d: %s",
                    e.getLocation() == null ? -1 : e.getLocation().getColumnNr(),
                    ReadSupport.quote(nl < 0 ? message : message.substring(0, nl)));
        }
        if (node instanceof ObjectNode o) {
            return Outcome.accept(o);
        }
        return Outcome.reject(Reason.INVALID_JSON, "expected a JSON object, found %s", kind(node));
    }

    /** A string member, else {@link Reason#MISSING_FIELD} naming it (absent, null, or not a string). */
    static Outcome<String> text(ObjectNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null) {
            return Outcome.reject(Reason.MISSING_FIELD, "field '%s' is absent", field);
        }
        if (!v.isTextual()) {
            return Outcome.reject(Reason.MISSING_FIELD, "field '%s' is %s, not a string", field, kind(v));
        }
        return Outcome.accept(v.textValue());
    }

    /** A member as a plain value for {@link GenericRowMapper}: String, Number, Boolean, null, or the node itself. */
    static Object value(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isNumber()) {
            return v.numberValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        return v;
    }

    /** {@code an array}, {@code null}, {@code a number}, ... */
    public static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case NULL -> "null";
            case ARRAY, OBJECT -> "an " + v.getNodeType().name().toLowerCase(Locale.ROOT);
            default -> "a " + v.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }
}
