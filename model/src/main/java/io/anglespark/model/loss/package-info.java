/**
 * The AnglE training objective: {@link io.anglespark.model.loss.AngleLoss} (the terms as SameDiff operations),
 * {@link io.anglespark.model.loss.AngleLossConfig} (weights, temperatures, presets, the positive rule) and
 * {@link io.anglespark.model.loss.AngleLossLayer}, the DL4J output layer that ends a training graph on the
 * pooled embeddings. Semantics and worked values: {@code ../shared/reference/angle_loss_reference.py}.
 */
package io.anglespark.model.loss;
