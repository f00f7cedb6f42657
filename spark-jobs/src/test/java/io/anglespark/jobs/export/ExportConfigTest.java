package io.anglespark.jobs.export;

import io.anglespark.jobs.common.ConfigException;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.prep.SharedData;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExportConfigTest {
    private static ExportConfig load(String conf, String... overrides) {
        List<String> all = new ArrayList<>(List.of("export.model=/m/model.zip", "export.output=/out/x"));
        all.addAll(List.of(overrides));
        return ExportConfig.from(JobConfigs.load(conf, all, new Configuration()));
    }

    @Test
    void theBundledConfigStatesTheCodesDefaultsAndInt8IsOff() {
        ExportConfig c = load(SharedData.projectRoot().resolve("conf/export.conf").toString());
        assertEquals(load(null), c, "conf/export.conf states the defaults the parser has");
        assertFalse(c.int8());
        assertEquals(ExportConfig.INT8_MIN_COSINE, c.int8MinCosine());
        assertTrue(load(null, "export.quantize=INT8").int8());
        ConfigException bad = assertThrows(ConfigException.class, () -> load(null, "export.quantize=int4"));
        assertTrue(bad.getMessage().contains("export.quantize") && bad.getMessage().contains("none or int8"), bad.getMessage());
    }
}
