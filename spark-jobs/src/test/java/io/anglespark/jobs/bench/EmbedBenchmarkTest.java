package io.anglespark.jobs.bench;

import io.anglespark.jobs.common.ConfigException;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.prep.SharedData;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbedBenchmarkTest {
    private static EmbedBenchmark.Settings load(String conf, String... overrides) {
        return EmbedBenchmark.Settings.from(JobConfigs.load(conf, List.of(overrides), new Configuration()));
    }

    private static EmbedBenchmark.Run run(EmbedBenchmark.Variant v, int repeat, double rowsPerSecond) {
        return new EmbedBenchmark.Run(1000, v, repeat, "m", 1000 / rowsPerSecond, 1, 1000, 10_000, 0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void theBundledConfigRepeatsEveryRunAsOftenAsTheCodesDefaultAndZeroRepeatsFailsNamingTheKey() {
        EmbedBenchmark.Settings bundled = load(SharedData.projectRoot().resolve("conf/bench-embed.conf").toString());
        EmbedBenchmark.Settings code = load(null, "bench-embed.work-dir=w", "bench-embed.report=r");
        assertEquals(code.repeats(), bundled.repeats(), "conf/bench-embed.conf states the parser's default");
        assertEquals(EmbedBenchmark.Settings.DEFAULT_REPEATS, bundled.repeats());
        assertEquals(code.sizes(), bundled.sizes());
        assertEquals(code.runs(), bundled.runs());
        ConfigException bad = assertThrows(ConfigException.class, () -> load(null, "bench-embed.work-dir=w", "bench-embed.report=r",
                "bench-embed.repeats=0"));
        assertTrue(bad.getMessage().contains("bench-embed.repeats"), bad.getMessage());
    }

    @Test
    void aRatioIsTheRatioOfTheMediansWithTheRangeOfTheRatiosWithinEachRepetition() {
        List<EmbedBenchmark.Run> runs = List.of(
                run(EmbedBenchmark.Variant.ONNXRUNTIME, 1, 100), run(EmbedBenchmark.Variant.ONNXRUNTIME_INT8, 1, 200),
                run(EmbedBenchmark.Variant.ONNXRUNTIME, 2, 110), run(EmbedBenchmark.Variant.ONNXRUNTIME_INT8, 2, 200),
                run(EmbedBenchmark.Variant.ONNXRUNTIME, 3, 90), run(EmbedBenchmark.Variant.ONNXRUNTIME_INT8, 3, 230));
        // medians 100 and 200; within repetitions 2.00, 1.82, 2.56
        assertEquals("2.00 (1.82 .. 2.56)", EmbedBenchmark.ratioCell(runs, 1000, EmbedBenchmark.Variant.ONNXRUNTIME_INT8,
                EmbedBenchmark.Variant.ONNXRUNTIME));
        assertEquals(100, EmbedBenchmark.median(new double[] {110, 90, 100}), 1e-9);
        assertEquals("", EmbedBenchmark.ratioCell(runs, 1000, EmbedBenchmark.Variant.ONNXRUNTIME_INT8,
                EmbedBenchmark.Variant.BARE_ONNXRUNTIME_INT8), "no bare loop ran: no ratio");
        assertEquals("0.50", EmbedBenchmark.ratioCell(runs.subList(0, 2), 1000, EmbedBenchmark.Variant.ONNXRUNTIME,
                EmbedBenchmark.Variant.ONNXRUNTIME_INT8), "one repetition: no range");
    }

    @Test
    void theReportNamesTheJitFlagsItsJvmsRanWithAndNoOtherFlags() {
        assertEquals("-XX:CompileThresholdScaling=10", EmbedBenchmark.jitFlags(List.of("-Xms4g", "-XX:+AlwaysPreTouch", "-Dlog4j2.configurationFile=x",
                "-XX:CompileThresholdScaling=10")));
        assertEquals("-XX:TieredStopAtLevel=1 -XX:CICompilerCount=2", EmbedBenchmark.jitFlags(List.of("-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=2")));
        assertEquals("the JVM's defaults", EmbedBenchmark.jitFlags(List.of("-Xmx4g", "-XX:+AlwaysPreTouch")));
    }
}
