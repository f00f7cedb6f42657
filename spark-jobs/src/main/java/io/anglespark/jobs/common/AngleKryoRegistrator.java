package io.anglespark.jobs.common;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.serializer.KryoRegistrator;
import org.nd4j.common.primitives.AtomicDouble;
import org.nd4j.kryo.primitives.AtomicDoubleSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes Spark's Kryo (4.x) handle what our jobs ship: Java records, whose final fields Kryo's field
 * serializer cannot set on Java 17, are written component by component and rebuilt through their
 * canonical constructor (so their validation runs again); the JDK's immutable collections
 * ({@code List.of}, {@code Map.of}), which Kryo cannot instantiate, go through Java serialization.
 * ND4J arrays ({@link INDArray}: off-heap buffers that Kryo's field serializer would copy as dangling pointers) go
 * through {@link NdArraySerializer}, which copies their bytes in bulk (ND4J's own {@code Nd4jSerializer}, which DL4J's
 * {@code Nd4jRegistrator} registers, writes element by element), registered by interface and lazily, so a job that
 * never ships an array never loads ND4J's native backend (the train job's minibatches, broadcast parameters and
 * averaged results need it).
 * Set {@code spark.kryo.registrator} to this class (conf/spark/*.properties do); it may be listed with
 * others, comma-separated.
 */
public final class AngleKryoRegistrator implements KryoRegistrator {

    @Override
    public void registerClasses(Kryo kryo) {
        kryo.addDefaultSerializer(Record.class, RecordSerializer.class);
        kryo.addDefaultSerializer(INDArray.class, new NdArraySerializer());
        kryo.addDefaultSerializer(AtomicDouble.class, new AtomicDoubleSerializer());
        JavaSerializer java = new JavaSerializer();
        for (Object immutable : new Object[]{List.of(), List.of(1), List.of(1, 2, 3), Set.of(), Set.of(1), Set.of(1, 2, 3),
                Map.of(), Map.of(1, 1), Map.of(1, 1, 2, 2), List.of(1, 2, 3).subList(0, 1)}) {
            kryo.addDefaultSerializer(immutable.getClass(), java);
        }
    }

    /** Writes a record's components in declaration order; reads them back through the canonical constructor. */
    public static final class RecordSerializer extends Serializer<Record> {
        private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
            @Override
            protected Shape computeValue(Class<?> type) {
                return Shape.of(type);
            }
        };

        private record Shape(Method[] accessors, Constructor<?> constructor) {
            static Shape of(Class<?> type) {
                RecordComponent[] components = type.getRecordComponents();
                Method[] accessors = new Method[components.length];
                Class<?>[] types = new Class<?>[components.length];
                for (int i = 0; i < components.length; i++) {
                    accessors[i] = components[i].getAccessor();
                    accessors[i].setAccessible(true);
                    types[i] = components[i].getType();
                }
                try {
                    Constructor<?> c = type.getDeclaredConstructor(types);
                    c.setAccessible(true);
                    return new Shape(accessors, c);
                } catch (NoSuchMethodException e) {
                    throw new IllegalStateException("record " + type.getName() + " has no canonical constructor", e);
                }
            }
        }

        @Override
        public void write(Kryo kryo, Output output, Record record) {
            Shape shape = SHAPES.get(record.getClass());
            try {
                for (Method accessor : shape.accessors()) {
                    kryo.writeClassAndObject(output, accessor.invoke(record));
                }
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot serialize " + record.getClass().getName(), e);
            }
        }

        @Override
        public Record read(Kryo kryo, Input input, Class<Record> type) {
            Shape shape = SHAPES.get(type);
            Object[] args = new Object[shape.accessors().length];
            for (int i = 0; i < args.length; i++) {
                args[i] = kryo.readClassAndObject(input);
            }
            try {
                return (Record) shape.constructor().newInstance(args);
            } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot deserialize " + type.getName(), e);
            }
        }
    }
}
