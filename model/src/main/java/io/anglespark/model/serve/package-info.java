/**
 * Serving a trained or pretrained encoder: embeddings of texts through one {@link io.anglespark.model.serve.EmbeddingEngine}
 * (DL4J or ONNX Runtime), the long-text policy, model references and stable model ids, and the ONNX export of a
 * trained encoder. Entry points: {@link io.anglespark.model.serve.ModelRef#parse} then
 * {@link io.anglespark.model.serve.ModelRef#load} (an engine and its model id), {@link io.anglespark.model.serve.TextEmbedder}
 * (texts to vectors with length bucketing and the long-text policy), {@link io.anglespark.model.serve.OnnxExporter}
 * (an encoder to an ONNX folder).
 */
package io.anglespark.model.serve;
