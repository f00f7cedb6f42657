package io.anglespark.jobs.common;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HadoopFsTest {
    private static final String S3A_MISSING = "s3a: paths need hadoop-aws 3.3.4 on the class path: build the job jar with -Ps3a, "
            + "or pass --packages org.apache.hadoop:hadoop-aws:3.3.4";

    /** As on a class path without hadoop-aws: core-default.xml names a class in org.apache.hadoop.fs.s3a for s3a:, and it is not there. */
    private static Configuration withoutHadoopAws() {
        Configuration conf = new Configuration();
        conf.set("fs.s3a.impl", "org.apache.hadoop.fs.s3a.NotOnThisClassPath");
        return conf;
    }

    @Test
    void anS3aPathWithoutHadoopAwsFailsWithOneLineNamingWhatToAdd() {
        HadoopFs.ConnectorMissingException e = assertThrows(HadoopFs.ConnectorMissingException.class,
                () -> HadoopFs.listInputFiles("in", "s3a://no-connector-bucket/x.csv", withoutHadoopAws()));
        assertEquals(S3A_MISSING, e.getMessage());
        assertTrue(JobMain.isUserError(e), "exit 2, no stack trace");
        assertThrows(HadoopFs.ConnectorMissingException.class, () -> HadoopFs.exists("s3a://no-connector-bucket/out", withoutHadoopAws()));
    }

    @Test
    void theSameFailureRaisedOutsideHadoopFsIsRecognisedByTheCommandLine() {
        // Spark opening the path itself (a Parquet read) fails with Hadoop's raw exception.
        RuntimeException raw = assertThrows(RuntimeException.class, () -> new Path("s3a://no-connector-bucket/y").getFileSystem(withoutHadoopAws()));
        Exception wrapped = new IllegalStateException("job aborted", raw);
        assertTrue(JobMain.isUserError(wrapped));
        assertEquals(S3A_MISSING, JobMain.userError(wrapped));
    }

    @Test
    void aSchemeWithNoFileSystemAtAllIsAUserErrorNamingTheScheme() {
        HadoopFs.ConnectorMissingException e = assertThrows(HadoopFs.ConnectorMissingException.class,
                () -> HadoopFs.exists("nosuchfs://bucket/out", new Configuration()));
        assertTrue(e.getMessage().contains("\"nosuchfs\"") && e.getMessage().contains("--packages"), e.getMessage());
    }

    @Test
    void dataFilesAreThePlainVisibleFilesOfAFolderAndNoneOfAMissingOne(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assertEquals(java.util.List.of(), HadoopFs.dataFiles(dir.resolve("missing").toString(), new Configuration()));
        java.nio.file.Files.writeString(dir.resolve("part-0.parquet"), "x");
        java.nio.file.Files.writeString(dir.resolve("_SUCCESS"), "");
        java.nio.file.Files.writeString(dir.resolve(".part-0.parquet.crc"), "");
        java.nio.file.Files.createDirectories(dir.resolve("_temporary").resolve("0"));
        java.nio.file.Files.createDirectories(dir.resolve("sub"));
        assertEquals(java.util.List.of("part-0.parquet"), HadoopFs.dataFiles(dir.toString(), new Configuration()).stream()
                .map(st -> st.getPath().getName()).toList());
    }
}
