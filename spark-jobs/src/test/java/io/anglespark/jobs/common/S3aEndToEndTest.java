package io.anglespark.jobs.common;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anglespark.jobs.prepare.PrepareJob;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The prepare job reads its configuration and input from, and writes its output to, {@code s3a://} paths on a real
 * S3-compatible server (S3Proxy with its in-memory blob store, its own process on loopback), run as spark-submit runs it: the
 * credentials are Hadoop settings given as {@code spark.hadoop.*} properties. They must appear neither in
 * {@code _run.json} nor in anything the driver logs or prints.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3aEndToEndTest {
    private static final String BUCKET = "angle-e2e";
    private final String access = "AKIDE2E" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toUpperCase();
    private final String secret = "SECRETE2E" + UUID.randomUUID().toString().replace("-", "");
    private java.nio.file.Path work;
    private java.nio.file.Path serverLog;
    private Process server;
    private String endpoint;

    @BeforeAll
    void startServer() throws Exception {
        java.nio.file.Path jar = Paths.get(System.getProperty("s3proxy.jar", "target/s3proxy/s3proxy.jar"));
        assertTrue(Files.isRegularFile(jar), jar + " is missing: spark-jobs/pom.xml copies it (execution 's3proxy') before the tests");
        work = Files.createTempDirectory("s3a-e2e");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        endpoint = "http://127.0.0.1:" + port;
        java.nio.file.Path props = work.resolve("s3proxy.properties");
        Files.writeString(props, String.join("\n",
                "s3proxy.endpoint=" + endpoint,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + access,
                "s3proxy.credential=" + secret,
                // In memory: its filesystem store never answers the DELETE of a directory marker over files, which S3A sends.
                "jclouds.provider=transient") + "\n");
        serverLog = work.resolve("s3proxy.log");
        server = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar", jar.toString(),
                "--properties", props.toString()).redirectErrorStream(true).redirectOutput(serverLog.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                break;
            } catch (IOException notYet) {
                if (!server.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("S3Proxy did not start on " + endpoint + ":\n" + Files.readString(serverLog), notYet);
                }
                Thread.sleep(200);
            }
        }
        // S3A cannot create a bucket; the SDK it runs on can.
        AmazonS3 s3 = client();
        try {
            s3.createBucket(BUCKET);
        } finally {
            s3.shutdown();
        }
    }

    private AmazonS3 client() {
        return AmazonS3ClientBuilder.standard().withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(endpoint, "us-east-1"))
                .withPathStyleAccessEnabled(true).withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(access, secret))).build();
    }

    @AfterAll
    void stopServer() throws Exception {
        if (server != null) {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    /** The S3A settings of the server, as Hadoop keys. */
    private Map<String, String> s3aSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("fs.s3a.endpoint", endpoint);
        m.put("fs.s3a.path.style.access", "true");
        m.put("fs.s3a.connection.ssl.enabled", "false");
        m.put("fs.s3a.access.key", access);
        m.put("fs.s3a.secret.key", secret);
        // A request that hangs fails the test in seconds, not after S3A's retries of 200 s timeouts.
        m.put("fs.s3a.connection.timeout", "15000");
        m.put("fs.s3a.attempts.maximum", "2");
        m.put("fs.s3a.retry.limit", "2");
        return m;
    }

    private void put(FileSystem fs, String key, String text) throws IOException {
        try (var out = fs.create(new Path("s3a://" + BUCKET + "/" + key), true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void prepareReadsAndWritesS3aPathsAndRecordsNoCredential() throws Exception {
        Configuration conf = new Configuration();
        s3aSettings().forEach(conf::set);
        String row = "main-captions\tMSRvid\t2012test\t%04d\t%.1f\tA man is playing a flute number %d.\tA man plays flute number %d.\n";
        StringBuilder sts = new StringBuilder();
        for (int i = 1; i <= 6; i++) {
            sts.append(String.format(java.util.Locale.ROOT, row, i, i * 0.8, i, i));
        }
        try (FileSystem fs = FileSystem.newInstance(new java.net.URI("s3a://" + BUCKET + "/"), conf)) {
            put(fs, "in/sts-train.csv", sts.toString());
            put(fs, "conf/prepare.conf", "prepare {\n  inputs = [{name = sts, source = stsb, format = stsb, path = \"s3a://" + BUCKET
                    + "/in/sts-train.csv\", split = train}]\n  output = \"s3a://" + BUCKET + "/out/prepared\"\n}\n");
        }

        // As spark-submit --conf spark.hadoop.fs.s3a.secret.key=... leaves them: spark.* system properties of the driver.
        Map<String, String> sparkProps = new LinkedHashMap<>(Map.of("spark.master", "local[2]", "spark.driver.host", "127.0.0.1",
                "spark.ui.enabled", "false", "spark.sql.shuffle.partitions", "2", "spark.default.parallelism", "2"));
        s3aSettings().forEach((k, v) -> sparkProps.put("spark.hadoop." + k, v));
        StringWriter printed = new StringWriter();
        StringWriter logs = new StringWriter();
        int exit;
        try (var restore = SystemProperties.set(sparkProps); var capture = LogCapture.atInfo(logs)) {
            exit = JobMain.commandLine("prepare", new PrepareJob()).setErr(new PrintWriter(printed, true)).setOut(new PrintWriter(printed, true))
                    .execute("--config", "s3a://" + BUCKET + "/conf/prepare.conf");
        }
        assertEquals(0, exit, printed + "\n" + logs);

        String json;
        try (FileSystem fs = FileSystem.newInstance(new java.net.URI("s3a://" + BUCKET + "/"), conf)) {
            json = HadoopFs.readString("s3a://" + BUCKET + "/out/prepared/_run.json", conf);
            assertTrue(fs.listStatus(new Path("s3a://" + BUCKET + "/out/prepared/pairs")).length > 0, "pairs were written");
        }
        AmazonS3 s3 = client();
        try {
            assertTrue(s3.doesObjectExist(BUCKET, "out/prepared/_run.json"), "the server holds the output");
        } finally {
            s3.shutdown();
        }
        JsonNode run = new ObjectMapper().readTree(json);
        assertEquals(6, run.get("counts").get("sts").get("read").asLong(), json);
        assertEquals(Redaction.REDACTED, run.get("spark_conf").get("spark.hadoop.fs.s3a.secret.key").asText());
        assertEquals(Redaction.REDACTED, run.get("spark_conf").get("spark.hadoop.fs.s3a.access.key").asText());
        assertEquals(endpoint, run.get("spark_conf").get("spark.hadoop.fs.s3a.endpoint").asText(), "other settings are kept");
        assertTrue(logs.toString().contains("prepare finished"), "the driver's log was captured:\n" + logs);
        for (String where : new String[]{json, logs.toString(), printed.toString()}) {
            assertFalse(where.contains(secret) || where.contains(access), "a credential leaked:\n" + where);
        }
    }

    /** Sets system properties and puts back the ones it changed when closed. */
    private static final class SystemProperties implements AutoCloseable {
        private final Map<String, String> before = new HashMap<>();

        static SystemProperties set(Map<String, String> props) {
            SystemProperties s = new SystemProperties();
            props.forEach((k, v) -> {
                s.before.put(k, System.getProperty(k));
                System.setProperty(k, v);
            });
            return s;
        }

        @Override
        public void close() {
            before.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }

    /** Everything logged at INFO and above while open (Spark's and Hadoop's loggers too), not printed to the console. */
    private static final class LogCapture implements AutoCloseable {
        private final LoggerContext context = (LoggerContext) org.apache.logging.log4j.LogManager.getContext(false);
        private final LoggerConfig root = context.getConfiguration().getRootLogger();
        private final Level rootLevel = root.getLevel();
        private final Map<String, Appender> rootAppenders = new HashMap<>(root.getAppenders());
        private final WriterAppender appender;

        private LogCapture(StringWriter into) {
            appender = WriterAppender.newBuilder().setName("s3a-e2e-capture").setTarget(into)
                    .setLayout(PatternLayout.newBuilder().withPattern("%p %c{1}: %m%n%throwable").build()).build();
            appender.start();
            // The console keeps its level; the capture gets INFO from every logger.
            rootAppenders.keySet().forEach(root::removeAppender);
            rootAppenders.values().forEach(a -> root.addAppender(a, rootLevel, null));
            root.addAppender(appender, Level.INFO, null);
            root.setLevel(Level.INFO);
            context.getConfiguration().getLoggerConfig("io.anglespark").addAppender(appender, Level.INFO, null);
            context.updateLoggers();
        }

        static LogCapture atInfo(StringWriter into) {
            return new LogCapture(into);
        }

        @Override
        public void close() {
            root.removeAppender(appender.getName());
            context.getConfiguration().getLoggerConfig("io.anglespark").removeAppender(appender.getName());
            rootAppenders.keySet().forEach(root::removeAppender);
            rootAppenders.values().forEach(a -> root.addAppender(a, null, null));
            root.setLevel(rootLevel);
            context.updateLoggers();
            appender.stop();
        }
    }
}
