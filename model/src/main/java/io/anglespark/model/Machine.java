package io.anglespark.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a benchmark report says about the machine it ran on: cores, the CPU model and its SIMD flags (AVX2, AVX-512,
 * VNNI, BF16: what decides which native builds run and how fast), Java, and the ND4J native build loaded. Machines
 * differ, so every benchmark report carries this line.
 */
public final class Machine {
    private Machine() {
    }

    /**
     * One line, e.g. "2 cores, AMD EPYC (flags: avx2 avx512f ...), Java 17.0.15, ND4J native build linux-x86_64"; the
     * build is the one this JVM loaded ({@link NativeBuild#loaded()}), or the one it chose before ND4J's first use.
     */
    public static String describe() {
        // The choice first: NativeBuild.loaded() asks JavaCPP's Loader, and a Loader that reads its properties before the
        // choice fixes the portable build for this JVM (a report JVM that never touched ND4J then named the wrong build).
        NativeBuild.Choice chosen = NativeBuild.select();
        String loaded = NativeBuild.loaded();
        String build = "not loaded".equals(loaded) ? chosen.platform() : loaded;
        return String.format(Locale.ROOT, "%d cores, %s (SIMD flags: %s), Java %s, ND4J native build %s, OMP_NUM_THREADS=%s",
                Runtime.getRuntime().availableProcessors(), cpuModel(), String.join(" ", simdFlags()), System.getProperty("java.version"), build,
                System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
    }

    static String cpuModel() {
        for (String line : NativeBuild.cpuinfo()) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return System.getProperty("os.arch");
    }

    /** The vector-instruction flags of the first CPU in /proc/cpuinfo (empty where there is none). */
    public static List<String> simdFlags() {
        List<String> out = new ArrayList<>();
        for (String f : NativeBuild.cpuFlags(NativeBuild.cpuinfo())) {
            if (f.matches("avx.*|fma|f16c|amx.*|sse4_2")) {
                out.add(f);
            }
        }
        return out;
    }
}
