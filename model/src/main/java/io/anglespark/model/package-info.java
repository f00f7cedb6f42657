/**
 * The text encoder: the registry of pretrained BERT-family models, the WordPiece tokenizer, the ONNX
 * weight reader, and (from the encoder issue on) the DL4J ComputationGraph, pooling and AnglE loss.
 * Sees ND4J, never Spark.
 */
package io.anglespark.model;
