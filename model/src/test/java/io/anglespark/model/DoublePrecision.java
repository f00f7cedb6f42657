package io.anglespark.model;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code @ExtendWith(DoublePrecision.class)}: ND4J's default data types are DOUBLE for the test class (gradient checks
 * and reference comparisons need them), and what they were before afterwards.
 */
public final class DoublePrecision implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(DoublePrecision.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NS).put("types", new DataType[]{Nd4j.dataType(), Nd4j.defaultFloatingPointType()});
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        DataType[] old = context.getStore(NS).remove("types", DataType[].class);
        Nd4j.setDefaultDataTypes(old[0], old[1]);
    }
}
