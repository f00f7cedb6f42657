package io.anglespark.jobs.retrain;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import io.anglespark.jobs.common.ConfigException;
import io.anglespark.jobs.common.ConfigReader;
import io.anglespark.jobs.embed.EmbedConfig;
import io.anglespark.jobs.evaluate.EvaluateConfig;
import io.anglespark.jobs.export.ExportConfig;
import io.anglespark.jobs.prepare.PrepareConfig;
import io.anglespark.jobs.train.TrainJobConfig;
import io.anglespark.model.encoder.Encoder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The retraining run's configuration: the {@code retrain} object of {@code conf/retrain.conf} (which includes every
 * job's file) and the {@code prepare}, {@code train}, {@code evaluate}, {@code export} and {@code embed} objects, from
 * which each step's configuration is derived with the paths of the version being made. Every derived configuration
 * is checked on load, so a bad key of any step fails before the first step runs.
 *
 * @param registry where models are registered (any Hadoop path): {@code REGISTRY/<name>/v<N>/}
 * @param name     the model's name: its registry folder and {@code train.name} (which its model id carries)
 * @param export   export promoted versions in the Hugging Face layout ({@code v<N>/export})
 * @param embed    after a promotion, embed {@code embed.input} into {@code embed.output} with the new model
 *                 (incremental: rows that already have this model's vector are kept)
 * @param jobs     the steps' configuration objects, as resolved
 */
public record RetrainConfig(String registry, String name, boolean export, boolean embed, Jobs jobs) {
    public static final String ROOT = "retrain";
    /** The configuration roots a retraining run reads. */
    public static final List<String> ROOTS = List.of(ROOT, PrepareConfig.ROOT, TrainJobConfig.ROOT, EvaluateConfig.ROOT, ExportConfig.ROOT,
            EmbedConfig.ROOT);

    /** The steps' configuration objects; {@code _run.json} records them as JSON. */
    public static final class Jobs {
        private final Config config;

        Jobs(Config config) {
            this.config = config;
        }

        Config config() {
            return config;
        }

        @JsonValue
        JsonNode json() {
            try {
                JsonNode all = ModelRegistry.JSON.readTree(config.root().render(ConfigRenderOptions.concise()));
                com.fasterxml.jackson.databind.node.ObjectNode out = ModelRegistry.JSON.createObjectNode();
                for (String root : ROOTS.subList(1, ROOTS.size())) {
                    if (all.has(root)) {
                        out.set(root, all.get(root));
                    }
                }
                return out;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public static RetrainConfig from(Config config) {
        ConfigReader r = ConfigReader.of(config, ROOT);
        String registry = r.requiredString("registry");
        String name = r.requiredString("name");
        if (!name.matches(Encoder.NAME_PATTERN)) {
            throw r.invalid("name", "'" + name + "'", "must be " + Encoder.NAME_RULE
                    + " (it names the registry folder and the model ids)");
        }
        boolean export = r.bool("export", true);
        boolean embed = r.bool("embed", false);
        r.rejectUnknownKeys();
        RetrainConfig c = new RetrainConfig(registry, name, export, embed, new Jobs(config));
        // Every step's configuration as a version would get it: a bad key of a later step fails now, not after training.
        ModelRegistry.Version probe = new ModelRegistry.Version(1, registry + "/" + name + "/v1");
        c.prepare(probe);
        c.train(probe, probe.model());
        c.evaluate(probe, probe.model() + ".baseline");
        if (export) {
            c.export(probe);
        }
        if (embed) {
            c.embed(probe);
        }
        return c;
    }

    /** The prepare step: the fresh data into {@code v<N>/prepared}. */
    public PrepareConfig prepare(ModelRegistry.Version v) {
        return PrepareConfig.from(with(Map.of("prepare.output", v.at("prepared"), "prepare.overwrite", false)));
    }

    /**
     * The train step: the prepared data, warm-started from {@code warmStart} (the current version's model; null: the
     * configuration's own start, {@code train.warm-start} or {@code train.model}), under this model's name, into
     * {@code v<N>/train}.
     */
    public TrainJobConfig train(ModelRegistry.Version v, String warmStart) {
        Map<String, Object> set = new java.util.LinkedHashMap<>();
        set.put("train.input", v.at("prepared"));
        set.put("train.output", v.at("train"));
        set.put("train.overwrite", false);
        set.put("train.resume", false);
        set.put("train.name", name);
        if (warmStart != null) {
            set.put("train.warm-start", warmStart);
        }
        return TrainJobConfig.from(with(set));
    }

    /** The model a first version starts from when there is no current one: {@code train.warm-start}, else {@code train.model}. */
    public String initialModel() {
        Config c = jobs.config();
        return c.hasPath("train.warm-start") ? c.getString("train.warm-start") : c.getString("train.model");
    }

    /**
     * The gate: {@code baseline} and the version's model side by side on the configured sets, into {@code v<N>/evaluation},
     * the rule of {@code evaluate.gate}; {@code baseline} null: the challenger alone, no gate (a first version with nothing
     * to compare against).
     */
    public EvaluateConfig evaluate(ModelRegistry.Version v, String baseline) {
        Map<String, Object> set = new java.util.LinkedHashMap<>();
        set.put("evaluate.output", v.at("evaluation"));
        set.put("evaluate.overwrite", false);
        List<String> models = new ArrayList<>();
        if (baseline != null) {
            models.add(baseline);
        }
        models.add(v.model());
        set.put("evaluate.models", models);
        set.put("evaluate.gate.enabled", baseline != null);
        set.put("evaluate.gate.baseline", baseline);
        set.put("evaluate.gate.challenger", v.model());
        return EvaluateConfig.from(with(set));
    }

    /** The export of a promoted version into {@code v<N>/export}. */
    public ExportConfig export(ModelRegistry.Version v) {
        return ExportConfig.from(with(Map.of("export.model", v.model(), "export.output", v.at("export"), "export.overwrite", false)));
    }

    /** The re-embedding with a promoted version's model (the output is the user's corpus, kept and added to). */
    public EmbedConfig embed(ModelRegistry.Version v) {
        return EmbedConfig.from(with(Map.of("embed.model", v.model(), "embed.overwrite", false)));
    }

    private Config with(Map<String, Object> values) {
        Config c = jobs.config();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            c = e.getValue() == null ? c.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(null, "retrain"))
                    : c.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue(), "set by retrain for this version"));
        }
        try {
            return c.resolve();
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException("cannot resolve the retraining configuration: " + e.getMessage(), e);
        }
    }
}
