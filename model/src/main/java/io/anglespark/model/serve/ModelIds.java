package io.anglespark.model.serve;

import io.anglespark.model.Pooling;
import io.anglespark.model.onnx.BertWeights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Stable model ids: {@code <name>@<12 hex digits>}, the digits the start of a SHA-256 over the pooling and every
 * parameter (names and float32 bits, in {@link BertWeights#parameters()} order). The same weights give the same id
 * whichever engine or file they are loaded from (a pretrained name, a trained artifact, its ONNX export); a model
 * changed by training, or pooled differently, gets another. The layer-norm epsilon and mask bias are not in it:
 * they come with the architecture, not with training. An int8 quantization of a model ({@code OnnxQuantizer}) has its
 * float model's id with {@value #INT8_SUFFIX} added.
 */
public final class ModelIds {
    private static final int HEX_DIGITS = 12;

    private ModelIds() {
    }

    /** What an int8 file's model id adds to its float model's: the two kinds of vectors never share an id. */
    public static final String INT8_SUFFIX = "-int8";

    public static String of(String name, BertWeights weights, Pooling pooling) {
        return name + "@" + weightsHash(weights, pooling).substring(0, HEX_DIGITS);
    }

    /** The id of the int8 quantization of the float model {@code modelId}. */
    public static String int8(String modelId) {
        return modelId + INT8_SUFFIX;
    }

    /** The float model's id of any id (itself when it is one): an int8 id and its float model's share it. */
    public static String floatModel(String modelId) {
        return modelId.endsWith(INT8_SUFFIX) ? modelId.substring(0, modelId.length() - INT8_SUFFIX.length()) : modelId;
    }

    /** The full hex SHA-256 of the pooling and the parameters. */
    public static String weightsHash(BertWeights weights, Pooling pooling) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        md.update(("pooling=" + pooling.label() + "\n").getBytes(StandardCharsets.UTF_8));
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<String, float[]> e : weights.parameters().entrySet()) {
            md.update((e.getKey() + "\n").getBytes(StandardCharsets.UTF_8));
            for (float v : e.getValue()) {
                if (!buf.hasRemaining()) {
                    md.update(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putFloat(v);
            }
            md.update(buf.array(), 0, buf.position());
            buf.clear();
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
