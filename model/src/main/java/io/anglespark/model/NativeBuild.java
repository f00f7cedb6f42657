package io.anglespark.model;

import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which ND4J native build a JVM loads: the portable {@code linux-x86_64} build, which any x86-64 CPU runs, or
 * ND4J's oneDNN AVX-512 build (about 1.65x the training rate where the CPU has AVX-512), both in the job jar.
 * <p>
 * JavaCPP picks the build from the system property {@value #JAVACPP_PROPERTY} the first time it loads anything, once
 * per JVM, so the choice must be made before ND4J is first touched, in every JVM that runs ND4J: the driver
 * ({@code SparkSessions}), each executor for its own CPU (the jobs' Spark plugin) and the test JVMs. {@link #select()}
 * makes it: the fastest build the class path carries whose instructions this CPU has (read from
 * {@code /proc/cpuinfo}), unless {@value #REQUEST_PROPERTY} (or the environment variable {@value #REQUEST_ENV}) asks
 * for one. A build this CPU cannot run is never chosen, not even on request: an AVX-512 build dies with an illegal
 * instruction on a CPU without AVX-512.
 * <p>
 * JavaCPP left to itself (the key unset) loads the first build it finds among the extensions ND4J's presets name, which
 * is the AVX-512 one whenever it is on the class path, whatever the CPU. The job jar therefore also carries the default
 * {@code platform.extension=} (the portable build) in JavaCPP's platform properties, for any JVM that loads ND4J from it
 * without calling {@link #select()}; {@code java -cp JAR io.anglespark.model.NativeBuild} prints what this machine gets.
 */
public final class NativeBuild {
    /** JavaCPP's own key: the suffix of the platform folder whose native libraries it loads. */
    public static final String JAVACPP_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    /** The user's request: {@code auto} (default), {@code portable} or {@code onednn-avx512}. */
    public static final String REQUEST_PROPERTY = "angle.nd4j.build";
    public static final String REQUEST_ENV = "ANGLE_ND4J_BUILD";
    /** The CPU description read for the flags, {@code /proc/cpuinfo} unless set (tests point executors at a fixture). */
    public static final String CPUINFO_ENV = "ANGLE_CPUINFO";
    public static final String PLATFORM = "linux-x86_64";

    private static final Logger LOG = LoggerFactory.getLogger(NativeBuild.class);
    private static Choice selected;

    /** The ND4J CPU builds this project knows, fastest first. */
    public enum Build {
        ONEDNN_AVX512("onednn-avx512", "-onednn-avx512", List.of("avx512f", "avx512bw")),
        PORTABLE("portable", "", List.of());

        private final String key;
        private final String extension;
        private final List<String> requiredFlags;

        Build(String key, String extension, List<String> requiredFlags) {
            this.key = key;
            this.extension = extension;
            this.requiredFlags = requiredFlags;
        }

        /** The name users write in {@value #REQUEST_PROPERTY}. */
        public String key() {
            return key;
        }

        /** JavaCPP's platform extension, empty for the portable build. */
        public String extension() {
            return extension;
        }

        /** The CPU flags the build's instructions need. */
        public List<String> requiredFlags() {
            return requiredFlags;
        }

        /** The platform folder, e.g. {@code linux-x86_64-onednn-avx512}. */
        public String platform() {
            return PLATFORM + extension;
        }

        /** The class-path resource that shows the build is in the jar. */
        String resource() {
            return "org/nd4j/linalg/cpu/nativecpu/bindings/" + platform() + "/libjnind4jcpu.so";
        }

        static Build parse(String value, String source) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            for (Build b : values()) {
                if (b.key.equals(v)) {
                    return b;
                }
            }
            throw new IllegalArgumentException(source + " = '" + value + "': expected auto or one of "
                    + Arrays.stream(values()).map(Build::key).collect(Collectors.joining(", ")));
        }
    }

    /** A JVM's build and why; serializable so that executors can report theirs to the driver. */
    public record Choice(Build build, String reason) implements Serializable {
        public String platform() {
            return build.platform();
        }

        @Override
        public String toString() {
            return platform() + " (" + reason + ")";
        }
    }

    private NativeBuild() {
    }

    /**
     * The build for a CPU: pure, for tests.
     *
     * @param request   {@code auto}, a {@link Build#key()}, or null for auto
     * @param source    where the request came from, for messages
     * @param x86Linux  whether this is Linux on x86-64 (elsewhere only JavaCPP's own platform build exists)
     * @param cpuFlags  the CPU's flags
     * @param available the builds the class path carries
     */
    public static Choice choose(String request, String source, boolean x86Linux, Set<String> cpuFlags, Set<Build> available) {
        Build requested = request == null || request.isBlank() || request.trim().equalsIgnoreCase("auto") ? null : Build.parse(request, source);
        if (!x86Linux) {
            return new Choice(Build.PORTABLE, "not Linux on x86-64: JavaCPP's build for this platform");
        }
        if (requested != null) {
            if (!available.contains(requested)) {
                return new Choice(Build.PORTABLE, source + " asks for " + requested.key() + " but the class path does not carry it");
            }
            List<String> missing = missing(requested, cpuFlags);
            if (!missing.isEmpty()) {
                return new Choice(Build.PORTABLE, source + " asks for " + requested.key() + " but this CPU lacks "
                        + String.join(" and ", missing) + " (it would crash)");
            }
            return new Choice(requested, "as " + source + " asks");
        }
        for (Build b : Build.values()) {
            if (b != Build.PORTABLE && available.contains(b) && missing(b, cpuFlags).isEmpty()) {
                return new Choice(b, "this CPU has " + String.join(" and ", b.requiredFlags()));
            }
        }
        if (!available.contains(Build.ONEDNN_AVX512)) {
            return new Choice(Build.PORTABLE, "the class path carries no faster build");
        }
        return new Choice(Build.PORTABLE, "this CPU lacks " + String.join(" and ", missing(Build.ONEDNN_AVX512, cpuFlags)));
    }

    private static List<String> missing(Build b, Set<String> cpuFlags) {
        return b.requiredFlags().stream().filter(f -> !cpuFlags.contains(f)).toList();
    }

    /** The flags on the first {@code flags} line of a cpuinfo text (empty if it has none). */
    public static Set<String> cpuFlags(List<String> cpuinfoLines) {
        for (String line : cpuinfoLines) {
            if (line.startsWith("flags")) {
                return new LinkedHashSet<>(Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
            }
        }
        return Set.of();
    }

    /** This machine's CPU flags ({@link #cpuinfo()}). */
    public static Set<String> thisCpuFlags() {
        return cpuFlags(cpuinfo());
    }

    /** This machine's CPU description: {@value #CPUINFO_ENV} when set, else /proc/cpuinfo; empty where unreadable. */
    static List<String> cpuinfo() {
        String override = System.getenv(CPUINFO_ENV);
        try {
            return Files.readAllLines(Path.of(override != null && !override.isBlank() ? override : "/proc/cpuinfo"));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The builds whose libraries this class path carries. */
    public static Set<Build> available() {
        Set<Build> out = EnumSet.noneOf(Build.class);
        ClassLoader cl = NativeBuild.class.getClassLoader();
        for (Build b : Build.values()) {
            if (cl.getResource(b.resource()) != null) {
                out.add(b);
            }
        }
        return out;
    }

    /**
     * Chooses this JVM's build once, sets {@value #JAVACPP_PROPERTY} and logs the choice; later calls return the same
     * choice. Call before anything touches ND4J. If JavaCPP had already fixed its platform (ND4J touched first), the
     * choice reports the build JavaCPP will load instead, with a warning.
     */
    public static synchronized Choice select() {
        if (selected != null) {
            return selected;
        }
        String request = System.getProperty(REQUEST_PROPERTY);
        String source = REQUEST_PROPERTY;
        if (request == null) {
            request = System.getenv(REQUEST_ENV);
            source = REQUEST_ENV;
        }
        if (request == null && System.getProperty(JAVACPP_PROPERTY) != null) {
            // JavaCPP's own key set by hand (-Dorg.bytedeco.javacpp.platform.extension=...): a request, checked like any.
            String ext = System.getProperty(JAVACPP_PROPERTY);
            request = Arrays.stream(Build.values()).filter(b -> b.extension().equals(ext)).map(Build::key).findFirst().orElse(ext);
            source = JAVACPP_PROPERTY;
        }
        boolean x86Linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
                && System.getProperty("os.arch", "").matches("amd64|x86_64");
        Choice choice = choose(request, source, x86Linux, thisCpuFlags(), available());
        // Set even when empty: without the key JavaCPP tries every extension ND4J's presets name, the AVX-512 one first.
        System.setProperty(JAVACPP_PROPERTY, choice.build().extension());
        // JavaCPP reads its properties once per JVM; reading them now fixes the choice, and shows whether it came too late.
        String effective = Loader.loadProperties().getProperty("platform.extension", "");
        if (!effective.equals(choice.build().extension())) {
            Build actual = Arrays.stream(Build.values()).filter(b -> b.extension().equals(effective)).findFirst().orElse(Build.PORTABLE);
            LOG.warn("ND4J native build: JavaCPP had already fixed its platform before the choice ({}); this JVM runs {}", choice, actual.platform());
            choice = new Choice(actual, "JavaCPP fixed its platform before the choice");
        } else {
            LOG.info("ND4J native build {}", choice);
        }
        selected = choice;
        return choice;
    }

    /**
     * Prints this machine's CPU flags, the builds on the class path, the choice and the build ND4J then loads. With
     * {@code --no-choice}: the build a JVM that never chose loads (JavaCPP's default on this class path).
     */
    public static void main(String[] args) {
        boolean choose = args.length == 0 || !args[0].equals("--no-choice");
        System.out.println("CPU flags: " + String.join(" ", Machine.simdFlags()));
        System.out.println("builds on the class path: " + available().stream().map(Build::platform).collect(Collectors.joining(", ")));
        if (choose) {
            System.out.println("chosen: " + select());
        }
        org.nd4j.linalg.factory.Nd4j.create(new float[] {1f, 2f}).sumNumber();
        System.out.println("loaded: " + loaded());
    }

    /**
     * The platform folder of the ND4J library this JVM loaded (e.g. {@code linux-x86_64-onednn-avx512}), or
     * "not loaded" before ND4J's first use.
     */
    public static String loaded() {
        for (Map.Entry<String, String> e : Loader.getLoadedLibraries().entrySet()) {
            if (e.getKey().contains("nd4jcpu")) {
                Path parent = Path.of(e.getValue()).getParent();
                return parent == null ? e.getValue() : parent.getFileName().toString();
            }
        }
        return "not loaded";
    }
}
