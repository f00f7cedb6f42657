package io.anglespark.model;

import io.anglespark.model.NativeBuild;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Chooses the test JVM's ND4J native build before any test class loads, as the jobs do in theirs: the fastest this
 * CPU runs unless {@code -Dnd4j.build=portable} (the pom's angle.nd4j.build). Registered in META-INF/services.
 */
public final class NativeBuildForTests implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        NativeBuild.select();
    }
}
