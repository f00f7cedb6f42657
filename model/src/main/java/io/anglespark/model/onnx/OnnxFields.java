package io.anglespark.model.onnx;

import java.io.ByteArrayOutputStream;
import java.util.Map;

/**
 * The field numbers of onnx.proto that the ONNX rewriters ({@link OnnxExport}, {@link OnnxQuantizer}) read and write,
 * and the one message both append: {@code metadata_props}.
 */
final class OnnxFields {
    static final int MODEL_GRAPH = 7;
    static final int MODEL_METADATA = 14;
    static final int GRAPH_NODE = 1;
    static final int GRAPH_INITIALIZER = 5;
    static final int NODE_INPUT = 1;
    static final int NODE_OUTPUT = 2;
    static final int NODE_NAME = 3;
    static final int NODE_OP_TYPE = 4;
    static final int NODE_ATTRIBUTE = 5;
    static final int ATTRIBUTE_NAME = 1;
    static final int ATTRIBUTE_I = 3;
    static final int ATTRIBUTE_TYPE = 20;
    static final int ATTRIBUTE_TYPE_INT = 2;
    static final int TENSOR_DIMS = 1;
    static final int TENSOR_DATA_TYPE = 2;
    static final int TENSOR_FLOAT_DATA = 4;
    static final int TENSOR_NAME = 8;
    static final int TENSOR_RAW_DATA = 9;
    /** {@code StringStringEntryProto.key}. */
    static final int ENTRY_KEY = 1;
    static final int ENTRY_VALUE = 2;

    private OnnxFields() {
    }

    /** Appends one {@code metadata_props} entry per pair to a ModelProto being written. */
    static void writeMetadata(ByteArrayOutputStream model, Map<String, String> metadata) {
        for (Map.Entry<String, String> m : metadata.entrySet()) {
            ByteArrayOutputStream entry = new ByteArrayOutputStream();
            ProtoBytes.writeString(entry, ENTRY_KEY, m.getKey());
            ProtoBytes.writeString(entry, ENTRY_VALUE, m.getValue());
            ProtoBytes.writeLen(model, MODEL_METADATA, entry.toByteArray());
        }
    }
}
