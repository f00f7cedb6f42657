/**
 * The embedding backfill job: texts with ids (Parquet, CSV or JSON lines, any Hadoop path) to Parquet
 * {@code (id, text_sha256, model_id, dim, embedding)}, incrementally and in slices committed one by one, on DL4J or
 * ONNX Runtime (see {@link io.anglespark.jobs.embed.EmbedJob}).
 */
package io.anglespark.jobs.embed;
