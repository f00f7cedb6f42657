package io.anglespark.jobs.embed;

import io.anglespark.jobs.common.ConfigException;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.model.serve.Engine;
import io.anglespark.model.serve.ModelRef;
import io.anglespark.prep.SharedData;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embed job embeds with the model's one maximum length unless embed.max-length names another. */
class EmbedMaxLengthTest {
    private static final String CONF = SharedData.projectRoot().resolve("conf/embed.conf").toString();
    private static ModelRef.Loaded minilm;

    @BeforeAll
    static void load() throws IOException {
        minilm = ModelRef.parse("minilm-l6-v2").load(Engine.ONNXRUNTIME, null, 1);
    }

    @AfterAll
    static void close() {
        minilm.engine().close();
    }

    static EmbedConfig config(String... overrides) {
        List<String> all = new ArrayList<>(List.of("embed.input.path=/data/corpus"));
        all.addAll(List.of(overrides));
        return EmbedConfig.from(JobConfigs.load(CONF, all, new Configuration()));
    }

    @Test
    void withoutMaxLengthTheModelsOwnIsUsedAndAGivenOneStands() {
        EmbedConfig dflt = config();
        assertFalse(dflt.maxLengthGiven(), "conf/embed.conf leaves it to the model");
        assertThrows(IllegalStateException.class, dflt::policy, "no length before the model is known");
        assertEquals(256, EmbedJob.withModelsMaxLength(dflt, minilm).policy().maxLength(), "minilm-l6-v2's own");
        assertEquals(128, EmbedJob.withModelsMaxLength(config("embed.max-length=128"), minilm).policy().maxLength());
        ConfigException beyond = assertThrows(ConfigException.class, () -> EmbedJob.withModelsMaxLength(config("embed.max-length=600"), minilm));
        assertTrue(beyond.getMessage().contains("'embed.max-length' = 600") && beyond.getMessage().contains("512 positions"), beyond.getMessage());
    }

    @Test
    void aChunkStrideLongerThanTheModelsLengthFailsNamingTheStrideWhenTheLengthIsKnown() {
        EmbedConfig cfg = config("embed.long-text.mode=chunk", "embed.long-text.stride=300");
        ConfigException e = assertThrows(ConfigException.class, () -> EmbedJob.withModelsMaxLength(cfg, minilm));
        assertTrue(e.getMessage().contains("embed.long-text.stride") && e.getMessage().contains("max-length 256"), e.getMessage());
        ConfigException given = assertThrows(ConfigException.class, () -> config("embed.max-length=100", "embed.long-text.mode=chunk",
                "embed.long-text.stride=300"));
        assertTrue(given.getMessage().contains("embed.long-text.stride"), given.getMessage());
    }
}
