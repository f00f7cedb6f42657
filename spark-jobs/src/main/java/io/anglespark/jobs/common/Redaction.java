package io.anglespark.jobs.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of {@code _run.json} and logs: values of keys that name credentials (s3a access and
 * secret keys, tokens, passwords, Spark's authentication secret) are replaced, and user:password
 * parts of URIs are removed from every string.
 */
public final class Redaction {
    public static final String REDACTED = "<redacted>";
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i).*(secret|passw(or)?d|token|credential|access[._-]?key|private[._-]?key|session[._-]?key|api[._-]?key|authenticate\\.secret).*");
    private static final Pattern URI_USERINFO = Pattern.compile("(?<=://)[^/@\\s]+@");

    private Redaction() {
    }

    public static boolean isSecretKey(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    public static String redactUri(String s) {
        return URI_USERINFO.matcher(s).replaceAll(REDACTED + "@");
    }

    /** Redacts a JSON tree in place and returns it. */
    public static JsonNode redact(JsonNode node) {
        if (node instanceof ObjectNode obj) {
            Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (isSecretKey(e.getKey()) && !e.getValue().isContainerNode()) {
                    e.setValue(TextNode.valueOf(REDACTED));
                } else {
                    e.setValue(redact(e.getValue()));
                }
            }
        } else if (node instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                arr.set(i, redact(arr.get(i)));
            }
        } else if (node != null && node.isTextual()) {
            return TextNode.valueOf(redactUri(node.asText()));
        }
        return node;
    }
}
