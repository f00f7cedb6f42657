package io.anglespark.jobs.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.apache.hadoop.conf.ConfigRedactor;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.internal.config.package$;
import org.apache.spark.sql.SparkSession;
import scala.Option;
import scala.util.matching.Regex;

import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of {@code _run.json}, logs and error messages, by the rules the ecosystem keeps plus ours.
 * A key is secret when any of these matches it:
 * <ul>
 *   <li>Hadoop's {@link ConfigRedactor} with the job's Hadoop configuration: the patterns of
 *       {@code hadoop.security.sensitive-config-keys} (by default {@code fs.s3a.secret.key}, {@code fs.s3a.encryption.key},
 *       {@code fs.azure.account.key.*}, {@code secret$}, {@code password$}, ...). A {@code spark.hadoop.} key is also
 *       checked without that prefix, as Spark hands it to Hadoop;</li>
 *   <li>Spark's {@code spark.redaction.regex} from the SparkConf (default {@code (?i)secret|password|token|access[.]key}),
 *       so a pattern a user adds there is honoured;</li>
 *   <li>ours: credential-like names (tokens, passwords, private, session and API keys); a tokenizer is no token.</li>
 * </ul>
 * A Spark property's value is also redacted when the value itself matches {@code spark.redaction.regex}, as Spark's UI
 * does. In any string, user:password parts of URIs are removed and matches of Spark's
 * {@code spark.redaction.string.regex} (unset by default) are replaced.
 *
 * <p>Build one per session ({@link #of(SparkSession)}); before a session exists (parsing the command line and the
 * configuration), {@link #forThisProcess()} reads the same settings from the {@code spark.*} system properties that
 * spark-submit sets from {@code --conf} and the properties file.
 */
public final class Redaction {
    /** Hadoop's and our replacement text. */
    public static final String REDACTED = "<redacted>";
    private static final Pattern OURS = Pattern.compile(
            "(?i).*(secret|passw(or)?d|token|credential|access[._-]?key|private[._-]?key|session[._-]?key|api[._-]?key|authenticate\\.secret).*");
    private static final Pattern TOKENIZER = Pattern.compile("(?i)tokeniz");
    private static final Pattern URI_USERINFO = Pattern.compile("(?<=://)[^/@\\s]+@");
    private static final String SPARK_HADOOP_PREFIX = "spark.hadoop.";

    private final ConfigRedactor hadoop;
    private final Pattern sparkRegex;
    private final Pattern sparkStringRegex;

    private Redaction(ConfigRedactor hadoop, Pattern sparkRegex, Pattern sparkStringRegex) {
        this.hadoop = hadoop;
        this.sparkRegex = sparkRegex;
        this.sparkStringRegex = sparkStringRegex;
    }

    /** The rules of this Spark configuration ({@code spark.redaction.*}) and this Hadoop configuration (its sensitive-key list). */
    public static Redaction of(SparkConf spark, Configuration hadoopConf) {
        Regex keys = spark.get(package$.MODULE$.SECRET_REDACTION_PATTERN());
        Option<Regex> strings = spark.get(package$.MODULE$.STRING_REDACTION_PATTERN());
        return new Redaction(new ConfigRedactor(hadoopConf), keys.pattern(), strings.isDefined() ? strings.get().pattern() : null);
    }

    public static Redaction of(SparkSession spark) {
        return of(spark.sparkContext().getConf(), spark.sparkContext().hadoopConfiguration());
    }

    /**
     * The rules as this process's session would have them: Spark's settings from the {@code spark.*} system properties,
     * Hadoop's from its XML files plus the {@code spark.hadoop.*} properties (Spark's own {@link SparkHadoopUtil}).
     */
    public static Redaction forThisProcess() {
        return of(new SparkConf(), HadoopFs.driverConfiguration());
    }

    public boolean isSecretKey(String key) {
        // a tokenizer is no token (train.random.tokenizer-of names a model): neither rule may read it as one
        String named = TOKENIZER.matcher(key).replaceAll("tknz");
        if (OURS.matcher(named).matches() || sparkRegex.matcher(named).find() || hadoopSensitive(key)) {
            return true;
        }
        return key.startsWith(SPARK_HADOOP_PREFIX) && hadoopSensitive(key.substring(SPARK_HADOOP_PREFIX.length()));
    }

    private boolean hadoopSensitive(String key) {
        // ConfigRedactor answers only through redact(): it returns its replacement text for a sensitive key, else the value.
        return hadoop.redact(key, null) != null;
    }

    /** A configuration value for display: {@link #REDACTED} when its key is secret, else the value with {@link #text} applied. */
    public String value(String key, String value) {
        return isSecretKey(key) ? REDACTED : text(value);
    }

    /** A Spark property for display: redacted when the key is secret or the value matches {@code spark.redaction.regex}. */
    public String sparkProperty(String key, String value) {
        return isSecretKey(key) || sparkRegex.matcher(value).find() ? REDACTED : text(value);
    }

    /** Any text (a path, a message): user:password parts of URIs removed, {@code spark.redaction.string.regex} matches replaced. */
    public String text(String s) {
        if (s == null) {
            return null;
        }
        String out = URI_USERINFO.matcher(s).replaceAll(REDACTED + "@");
        return sparkStringRegex == null ? out : sparkStringRegex.matcher(out).replaceAll(REDACTED);
    }

    /** Redacts a JSON tree in place (values under secret keys at any depth, and every string by {@link #text}) and returns it. */
    public JsonNode redact(JsonNode node) {
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
            return TextNode.valueOf(text(node.asText()));
        }
        return node;
    }
}
