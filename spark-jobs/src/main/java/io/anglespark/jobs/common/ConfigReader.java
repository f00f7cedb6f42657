package io.anglespark.jobs.common;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException.WrongType;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Typed reads from one HOCON object, each with a default and a validation that fails naming the full
 * key and the value. The reader remembers which keys were read, so {@link #rejectUnknownKeys()} can
 * refuse a key that no job reads (a typo), naming the nearest valid key. The job's config parser is
 * the schema: there is no second list of keys to drift from it. A required key that is missing names an unread key
 * near it (or near an absent section or root on its way), so a typo hidden by a missing key is still reported as
 * itself ({@link #absent}). A message never shows the value of a secret key ({@link Redaction}).
 */
public final class ConfigReader {
    private final Config config;
    private final String path;
    /** The reader this one's object was read from, and its name there (null for a list element): where a misspelt section is. */
    private final ConfigReader parent;
    private final String nameInParent;
    private final Set<String> read = new LinkedHashSet<>();
    private final List<ConfigReader> children = new ArrayList<>();

    private ConfigReader(Config config, String path, ConfigReader parent, String nameInParent) {
        this.config = config;
        this.path = path;
        this.parent = parent;
        this.nameInParent = nameInParent;
    }

    /** Reads the object at {@code rootKey} of {@code config} (an absent object reads as empty). */
    public static ConfigReader of(Config config, String rootKey) {
        // The whole file, only to point at a misspelt root ('prepar') when a required key is missing; its other roots are not checked.
        ConfigReader file = new ConfigReader(config, "", null, null);
        Config c = config.hasPath(rootKey) ? objectAt(config, rootKey, rootKey) : ConfigFactory.empty();
        return new ConfigReader(c, rootKey, file, rootKey);
    }

    private static Config objectAt(Config config, String key, String fullKey) {
        try {
            return config.getConfig(key);
        } catch (WrongType e) {
            throw new ConfigException("config key '" + fullKey + "' must be an object, got " + config.getValue(key).valueType().name().toLowerCase(Locale.ROOT));
        }
    }

    public String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    public ConfigReader section(String name) {
        read.add(name);
        ConfigReader child = new ConfigReader(config.hasPath(quote(name)) ? objectAt(config, quote(name), key(name)) : ConfigFactory.empty(), key(name),
                this, name);
        children.add(child);
        return child;
    }

    public boolean has(String name) {
        return config.hasPath(quote(name));
    }

    public String string(String name, String dflt) {
        read.add(name);
        if (!config.hasPath(quote(name))) {
            if (dflt == null) {
                throw absent(name, "is required");
            }
            return dflt;
        }
        ConfigValue v = config.getValue(quote(name));
        if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
            throw new ConfigException("config key '" + key(name) + "' must be a string, got " + shown(name, v.render()));
        }
        return String.valueOf(v.unwrapped());
    }

    public String requiredString(String name) {
        String s = string(name, null);
        if (s.isBlank()) {
            throw new ConfigException("config key '" + key(name) + "' must not be empty");
        }
        return s;
    }

    /** An optional string: null when absent or set to HOCON null. */
    public String optionalString(String name) {
        read.add(name);
        return config.hasPath(quote(name)) ? string(name, null) : null;
    }

    public long longIn(String name, long dflt, long min, long max) {
        read.add(name);
        if (!config.hasPath(quote(name))) {
            return dflt;
        }
        long v;
        try {
            v = config.getLong(quote(name));
        } catch (WrongType e) {
            throw new ConfigException("config key '" + key(name) + "' = " + render(name) + ": must be a whole number");
        }
        if (v < min || v > max) {
            throw new ConfigException("config key '" + key(name) + "' = " + shown(name, v) + ": must be in [" + min + ", " + max + "]");
        }
        return v;
    }

    public int intIn(String name, int dflt, int min, int max) {
        return (int) longIn(name, dflt, min, max);
    }

    /** An optional whole number in [min, max]: null when absent or HOCON null. */
    public Integer optionalIntIn(String name, int min, int max) {
        read.add(name);
        return config.hasPath(quote(name)) ? intIn(name, 0, min, max) : null;
    }

    public double doubleIn(String name, double dflt, double min, double max) {
        read.add(name);
        if (!config.hasPath(quote(name))) {
            return dflt;
        }
        double v;
        try {
            v = config.getDouble(quote(name));
        } catch (WrongType e) {
            throw new ConfigException("config key '" + key(name) + "' = " + render(name) + ": must be a number");
        }
        if (!(v >= min && v <= max)) {
            throw new ConfigException("config key '" + key(name) + "' = " + shown(name, v) + ": must be in [" + min + ", " + max + "]");
        }
        return v;
    }

    /** An optional number: null when absent or HOCON null. */
    public Double optionalDouble(String name) {
        read.add(name);
        if (!config.hasPath(quote(name))) {
            return null;
        }
        return doubleIn(name, Double.NaN, -Double.MAX_VALUE, Double.MAX_VALUE);
    }

    public boolean bool(String name, boolean dflt) {
        read.add(name);
        if (!config.hasPath(quote(name))) {
            return dflt;
        }
        try {
            return config.getBoolean(quote(name));
        } catch (WrongType e) {
            throw new ConfigException("config key '" + key(name) + "' = " + render(name) + ": must be true or false");
        }
    }

    /** An enum written in lower case with hyphens ({@code reject-both} for {@code REJECT_BOTH}). */
    public <E extends Enum<E>> E enumOf(String name, Class<E> type, E dflt) {
        String s = string(name, dflt == null ? null : hyphenated(dflt));
        for (E e : type.getEnumConstants()) {
            if (hyphenated(e).equals(s.trim().toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        List<String> known = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            known.add(hyphenated(e));
        }
        throw new ConfigException("config key '" + key(name) + "' = '" + shown(name, s) + "': must be one of " + known);
    }

    /**
     * A string parsed by {@code parser}; an {@link IllegalArgumentException} from it fails naming the key, the value and
     * its message.
     */
    public <T> T parsed(String name, String dflt, java.util.function.Function<String, T> parser) {
        String s = string(name, dflt);
        try {
            return parser.apply(s);
        } catch (IllegalArgumentException e) {
            throw invalid(name, "'" + s + "'", e.getMessage());
        }
    }

    public static String hyphenated(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A list of numbers, e.g. {@code [0, 5]}; null when absent. */
    public List<Double> optionalDoubleList(String name) {
        read.add(name);
        if (!config.hasPath(quote(name))) {
            return null;
        }
        try {
            return config.getDoubleList(quote(name));
        } catch (WrongType e) {
            throw new ConfigException("config key '" + key(name) + "' = " + render(name) + ": must be a list of numbers");
        }
    }

    /** A list of strings, e.g. {@code ["duplicate"]}; null when absent. */
    public List<String> optionalStringList(String name) {
        read.add(name);
        if (!config.hasPath(quote(name))) {
            return null;
        }
        try {
            return config.getStringList(quote(name));
        } catch (WrongType e) {
            throw new ConfigException("config key '" + key(name) + "' = " + render(name) + ": must be a list of strings");
        }
    }

    /** A list of objects; each element is read with its own reader keyed {@code name[i]}. */
    public List<ConfigReader> objectList(String name) {
        read.add(name);
        if (!config.hasPath(quote(name))) {
            return List.of();
        }
        List<? extends ConfigObject> list;
        try {
            list = config.getObjectList(quote(name));
        } catch (WrongType e) {
            throw new ConfigException("config key '" + key(name) + "' must be a list of objects");
        }
        List<ConfigReader> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            ConfigReader r = new ConfigReader(list.get(i).toConfig(), key(name) + "[" + i + "]", null, null);
            children.add(r);
            out.add(r);
        }
        return out;
    }

    /** Fails on the first key that no parser read, naming the nearest key that is read there. */
    public void rejectUnknownKeys() {
        for (String k : config.root().keySet()) {
            if (!read.contains(k)) {
                String nearest = read.stream().min(Comparator.comparingInt(r -> editDistance(r, k))).orElse(null);
                String hint = nearest == null ? "" : "; did you mean '" + key(nearest) + "'?";
                throw new ConfigException("unknown config key '" + key(k) + "'" + hint + " (known here: " + read + ")");
            }
        }
        children.forEach(ConfigReader::rejectUnknownKeys);
    }

    public ConfigException invalid(String name, Object value, String why) {
        return new ConfigException("config key '" + key(name) + "' = " + shown(name, value) + ": " + why);
    }

    /**
     * A key that must be there is not ({@code why}: "is required", "must list at least one input"). When an unread key
     * near its name is there instead, or near the name of a section on its way that is absent, the message names it:
     * a misspelling is reported as itself, not only as the key it hides.
     */
    public ConfigException absent(String name, String why) {
        String message = "config key '" + key(name) + "' " + why;
        String wanted = name;
        for (ConfigReader r = this; r != null; wanted = r.nameInParent, r = r.parent) {
            String near = r.unreadNear(wanted);
            if (near != null) {
                return new ConfigException(message + "; the config has '" + r.key(near) + "' (a misspelling of '" + wanted + "'?)");
            }
            if (r.nameInParent == null || r.parent.config.hasPath(quote(r.nameInParent))) {
                break;
            }
        }
        return new ConfigException(message);
    }

    /** The key here, not read (so far), closest to {@code name} within a few edits; null if none. */
    private String unreadNear(String name) {
        int allowed = name.length() <= 3 ? 1 : name.length() <= 8 ? 2 : 3;
        String best = null;
        int bestDistance = allowed + 1;
        for (String k : config.root().keySet()) {
            int d = editDistance(k, name);
            if (!read.contains(k) && !k.equals(name) && d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    /** A value for a message: redacted when the key is a secret ({@link Redaction}). */
    private String shown(String name, Object value) {
        return Redaction.forThisProcess().value(key(name), String.valueOf(value));
    }

    private String render(String name) {
        return shown(name, config.getValue(quote(name)).render());
    }

    private static String quote(String name) {
        return name.matches("[A-Za-z0-9_-]+") ? name : "\"" + name.replace("\"", "\\\"") + "\"";
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
