/**
 * Text cleaning: exact mojibake repair, Unicode NFC, removal of control and zero-width characters,
 * whitespace normalisation and a length rule. Everything here is a pure, immutable, serializable
 * function of its input and its {@link io.anglespark.prep.clean.CleaningRules}.
 */
package io.anglespark.prep.clean;
