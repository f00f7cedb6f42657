package io.anglespark.jobs.common;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.anglespark.jobs.embed.EmbedConfig;
import io.anglespark.jobs.prepare.PrepareConfig;
import io.anglespark.prep.SharedData;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A misspelt key in a --config file is reported as itself, also when the key it hides is required. */
class ConfigReaderTest {

    /** The message of loading a --config file with this text as the embed job's configuration. */
    private static String embedFailure(String hocon) throws Exception {
        Path file = Files.createTempFile("embed", ".conf");
        Files.writeString(file, hocon);
        Config c = JobConfigs.load(file.toString(), List.of(), new Configuration());
        return assertThrows(ConfigException.class, () -> EmbedConfig.from(c)).getMessage();
    }

    @Test
    void aMisspeltRequiredKeyIsNamedBesideTheKeyItHides() throws Exception {
        String m = embedFailure("embed { input { pth = \"/data/in\" }, output = out, model = minilm-l6-v2 }");
        assertEquals("config key 'embed.input.path' is required; the config has 'embed.input.pth' (a misspelling of 'path'?)", m);
    }

    @Test
    void aMisspeltSectionOrRootIsNamedWhenAKeyUnderItIsRequired() throws Exception {
        String m = embedFailure("embed { inptu { path = \"/data/in\" }, output = out, model = minilm-l6-v2 }");
        assertTrue(m.startsWith("config key 'embed.input.path' is required; the config has 'embed.inptu' (a misspelling of 'input'?)"), m);
        m = embedFailure("embd { input { path = \"/data/in\" }, output = out, model = minilm-l6-v2 }");
        assertTrue(m.endsWith("the config has 'embd' (a misspelling of 'embed'?)"), m);
    }

    @Test
    void aMisspeltListThatMustNotBeEmptyIsNamed() {
        String conf = SharedData.projectRoot().resolve("conf/prepare.conf").toString();
        Config c = JobConfigs.load(conf, List.of("prepare.inputs=[]", "prepare.input=[{name=x, format=stsb, path=a.csv}]"), new Configuration());
        String m = assertThrows(ConfigException.class, () -> PrepareConfig.from(c)).getMessage();
        assertTrue(m.contains("'prepare.inputs' must list at least one input; the config has 'prepare.input' (a misspelling of 'inputs'?)"), m);
    }

    @Test
    void aMissingKeyWithNoNearMissSaysOnlyThatItIsRequired() throws Exception {
        assertEquals("config key 'embed.input.path' is required", embedFailure("embed { input { format = csv }, output = out, model = minilm-l6-v2 }"));
    }

    @Test
    void anUnknownKeyBesideValidOnesFailsNamingTheNearestKey() throws Exception {
        String m = embedFailure("embed { input { path = \"/data/in\", formatt = csv }, output = out, model = minilm-l6-v2 }");
        assertTrue(m.contains("unknown config key 'embed.input.formatt'") && m.contains("did you mean 'embed.input.format'"), m);
    }

    @Test
    void aBadValueOfASecretKeyIsNotShownAndOthersAre() {
        ConfigReader r = ConfigReader.of(ConfigFactory.parseString("t { db-password = [hunter2], api-token = hunter3, size = big }"), "t");
        String m = assertThrows(ConfigException.class, () -> r.string("db-password", "x")).getMessage();
        assertTrue(m.contains("'t.db-password'") && m.contains(Redaction.REDACTED) && !m.contains("hunter2"), m);
        m = assertThrows(ConfigException.class, () -> r.intIn("api-token", 1, 0, 10)).getMessage();
        assertTrue(m.contains("'t.api-token'") && !m.contains("hunter3"), m);
        m = r.invalid("api-token", "hunter3", "is wrong").getMessage();
        assertFalse(m.contains("hunter3"), m);
        m = assertThrows(ConfigException.class, () -> r.intIn("size", 1, 0, 10)).getMessage();
        assertTrue(m.contains("big"), "an ordinary value is named: " + m);
    }
}
