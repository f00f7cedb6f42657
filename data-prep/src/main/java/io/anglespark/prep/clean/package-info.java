/**
 * The text policy ({@link io.anglespark.prep.clean.TextPolicy}: invalid UTF-8 and unpaired surrogates are
 * rejected, control characters are word breaks) and text cleaning: exact mojibake repair, Unicode NFC, controls
 * to spaces, removal of zero-width characters, whitespace normalisation and a length rule. Everything here is a pure, immutable, serializable
 * function of its input and its {@link io.anglespark.prep.clean.CleaningRules}.
 */
package io.anglespark.prep.clean;
