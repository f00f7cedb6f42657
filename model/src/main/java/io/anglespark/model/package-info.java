/**
 * The text encoder: WordPiece tokenizer, the BERT-family DL4J ComputationGraph with pretrained weights,
 * pooling and the AnglE loss. Sees ND4J, never Spark. Filled by the encoder issue; empty for now.
 */
package io.anglespark.model;
