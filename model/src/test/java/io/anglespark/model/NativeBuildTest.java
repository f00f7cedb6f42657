package io.anglespark.model;

import io.anglespark.model.NativeBuild.Build;
import io.anglespark.model.NativeBuild.Choice;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeBuildTest {
    private static final Set<Build> BOTH = EnumSet.allOf(Build.class);

    private static Set<String> flagsOf(String fixture) throws IOException {
        try (InputStream in = NativeBuildTest.class.getResourceAsStream("/cpuinfo/" + fixture)) {
            return NativeBuild.cpuFlags(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        }
    }

    @Test
    void aCpuWithAvx512fAndAvx512bwGetsTheOnednnAvx512Build() throws IOException {
        Choice c = NativeBuild.choose(null, "test", true, flagsOf("avx512.txt"), BOTH);
        assertEquals(Build.ONEDNN_AVX512, c.build());
        assertEquals("linux-x86_64-onednn-avx512", c.platform());
        assertEquals("-onednn-avx512", c.build().extension());
        assertEquals(Build.ONEDNN_AVX512, NativeBuild.choose("auto", "test", true, flagsOf("avx512.txt"), BOTH).build());
    }

    @Test
    void anAvx2OnlyCpuGetsThePortableBuildAndTheReasonNamesTheMissingFlags() throws IOException {
        Choice c = NativeBuild.choose(null, "test", true, flagsOf("avx2-only.txt"), BOTH);
        assertEquals(Build.PORTABLE, c.build());
        assertEquals("linux-x86_64", c.platform());
        assertEquals("this CPU lacks avx512f and avx512bw", c.reason());
    }

    @Test
    void avx512fWithoutAvx512bwIsNotEnough() throws IOException {
        // Xeon Phi (Knights Landing) has AVX-512 Foundation but not the byte/word instructions the build uses.
        Choice c = NativeBuild.choose(null, "test", true, flagsOf("avx512f-without-bw.txt"), BOTH);
        assertEquals(Build.PORTABLE, c.build());
        assertEquals("this CPU lacks avx512bw", c.reason());
    }

    @Test
    void aRequestForTheAvx512BuildOnACpuWithoutItGetsThePortableOneSayingWhy() throws IOException {
        for (String fixture : List.of("avx2-only.txt", "avx512f-without-bw.txt")) {
            Choice c = NativeBuild.choose("onednn-avx512", "ANGLE_ND4J_BUILD", true, flagsOf(fixture), BOTH);
            assertEquals(Build.PORTABLE, c.build(), fixture);
            assertTrue(c.reason().startsWith("ANGLE_ND4J_BUILD asks for onednn-avx512 but this CPU lacks avx512") && c.reason().endsWith("(it would crash)"),
                    c.reason());
        }
        assertEquals(Build.PORTABLE, NativeBuild.choose("onednn-avx512", "x", true, Set.of(), BOTH).build(), "no cpuinfo at all: no flags");
    }

    @Test
    void aRequestIsHonouredWhereTheCpuRunsIt() throws IOException {
        assertEquals(Build.PORTABLE, NativeBuild.choose("portable", "angle.nd4j.build", true, flagsOf("avx512.txt"), BOTH).build());
        assertEquals(Build.ONEDNN_AVX512, NativeBuild.choose(" ONEDNN-AVX512 ", "angle.nd4j.build", true, flagsOf("avx512.txt"), BOTH).build());
    }

    @Test
    void aBuildTheClassPathDoesNotCarryIsNeverChosen() throws IOException {
        Set<Build> portableOnly = EnumSet.of(Build.PORTABLE);
        assertEquals(new Choice(Build.PORTABLE, "the class path carries no faster build"),
                NativeBuild.choose(null, "test", true, flagsOf("avx512.txt"), portableOnly));
        assertEquals(Build.PORTABLE, NativeBuild.choose("onednn-avx512", "test", true, flagsOf("avx512.txt"), portableOnly).build());
    }

    @Test
    void outsideLinuxOnX86OnlyJavaCppsOwnPlatformBuildIsUsed() throws IOException {
        assertEquals(Build.PORTABLE, NativeBuild.choose(null, "test", false, flagsOf("avx512.txt"), BOTH).build());
        assertEquals(Build.PORTABLE, NativeBuild.choose("onednn-avx512", "test", false, flagsOf("avx512.txt"), BOTH).build());
    }

    @Test
    void anUnknownRequestFailsNamingTheKeyTheValueAndTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NativeBuild.choose("avx512", "angle.nd4j.build", true, Set.of(), BOTH));
        assertEquals("angle.nd4j.build = 'avx512': expected auto or one of onednn-avx512, portable", e.getMessage());
    }

    @Test
    void cpuFlagsAreReadFromTheFirstFlagsLineAndEmptyWithoutOne() throws IOException {
        assertTrue(flagsOf("avx512.txt").containsAll(List.of("avx2", "avx512f", "avx512bw", "avx512_vnni")));
        assertEquals(Set.of(), NativeBuild.cpuFlags(List.of("processor\t: 0", "model name\t: something")));
    }

    @Test
    void theTestClassPathCarriesBothBuildsAndThisJvmLoadedTheOneChosenForThisCpu() {
        assertEquals(BOTH, NativeBuild.available(), "the portable and the oneDNN AVX-512 builds are both dependencies");
        // The launcher session listener chose before any test class loaded; ND4J must load exactly that build.
        Choice chosen = NativeBuild.select();
        Nd4j.create(new float[] {1f, 2f}).sumNumber();
        assertEquals(chosen.platform(), NativeBuild.loaded(), chosen.toString());
        Choice expected = NativeBuild.choose(System.getProperty(NativeBuild.REQUEST_PROPERTY), NativeBuild.REQUEST_PROPERTY, true,
                NativeBuild.thisCpuFlags(), BOTH);
        assertEquals(expected.build(), chosen.build(), "the build for this CPU (" + String.join(" ", Machine.simdFlags()) + ")");
    }
}
