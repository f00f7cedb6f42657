package io.anglespark.model.onnx;

import io.anglespark.model.BertConfig;
import io.anglespark.model.onnx.OnnxModel.Node;
import io.anglespark.model.onnx.OnnxModel.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parameters of a post-LN BERT encoder, mapped from an ONNX export by the graph's structure. All
 * arrays are float32, row-major, and are the model's initializer arrays themselves (not copies: treat them
 * as read-only). Matrices are in {@code x @ W} orientation ([in, out]), so a dense layer is
 * {@code y[j] = b[j] + sum_i x[i] * W[i * out + j]}. With {@code h = hidden}, {@code f = intermediate}:
 *
 * @param config              the architecture every shape was checked against
 * @param wordEmbeddings      [vocab, h]
 * @param positionEmbeddings  [positions, h]; row {@code i} is added at sequence position {@code i}
 * @param tokenTypeEmbeddings [typeVocab, h]
 * @param embeddingLnGamma    [h]
 * @param embeddingLnBeta     [h]
 * @param layers              {@code config.layers()} layers, input to output
 * @param layerNormEps        epsilon of every layer norm, as found in the graph (one value for all of them)
 * @param maskBias            additive attention bias per masked key, as the graph builds it: the graph adds
 *                            {@code (1 - attention_mask[j]) * maskBias} to every score for key {@code j}
 *                            (for these exports {@code -3.4028235e38}, float32's lowest value)
 * @param sources             our parameter name to the initializer it was read from, in mapping order, for
 *                            diagnostics and tests: {@code embeddings.word}, {@code .position}, {@code .tokenType},
 *                            {@code .lnGamma}, {@code .lnBeta}, and {@code layer.<i>.<component>} with the
 *                            {@link Layer} component names ({@code layer.3.qW}, {@code layer.3.ln1Gamma})
 */
public record BertWeights(BertConfig config, float[] wordEmbeddings, float[] positionEmbeddings, float[] tokenTypeEmbeddings,
                          float[] embeddingLnGamma, float[] embeddingLnBeta, List<Layer> layers, double layerNormEps,
                          double maskBias, Map<String, String> sources) {

    /**
     * One transformer layer: {@code a = LN1(x + attention(x) @ attnOutW + attnOutB)},
     * {@code y = LN2(a + gelu(a @ ffnInW + ffnInB) @ ffnOutW + ffnOutB)}.
     *
     * @param qW       [h, h] query projection; {@code qB} [h]
     * @param kW       [h, h] key projection; {@code kB} [h]
     * @param vW       [h, h] value projection; {@code vB} [h]
     * @param attnOutW [h, h] dense after the concatenated heads; {@code attnOutB} [h]
     * @param ln1Gamma [h] layer norm after the attention residual; {@code ln1Beta} [h]
     * @param ffnInW   [h, f]; {@code ffnInB} [f]
     * @param ffnOutW  [f, h]; {@code ffnOutB} [h]
     * @param ln2Gamma [h] layer norm after the FFN residual; {@code ln2Beta} [h]
     */
    public record Layer(float[] qW, float[] qB, float[] kW, float[] kB, float[] vW, float[] vB, float[] attnOutW, float[] attnOutB,
                        float[] ln1Gamma, float[] ln1Beta, float[] ffnInW, float[] ffnInB, float[] ffnOutW, float[] ffnOutB,
                        float[] ln2Gamma, float[] ln2Beta) {
        long parameterCount() {
            long n = 0;
            for (float[] a : List.of(qW, qB, kW, kB, vW, vB, attnOutW, attnOutB, ln1Gamma, ln1Beta, ffnInW, ffnInB, ffnOutW, ffnOutB,
                    ln2Gamma, ln2Beta)) {
                n += a.length;
            }
            return n;
        }
    }

    /**
     * Every parameter by our name, in a fixed order: {@code embeddings.word}, {@code .position}, {@code .tokenType},
     * {@code .lnGamma}, {@code .lnBeta}, then per layer {@code layer.<i>.<component>} in {@link Layer}'s component
     * order. The names are those of {@link #sources()}; the arrays are the record's own (not copies).
     */
    public Map<String, float[]> parameters() {
        Map<String, float[]> m = new LinkedHashMap<>();
        m.put("embeddings.word", wordEmbeddings);
        m.put("embeddings.position", positionEmbeddings);
        m.put("embeddings.tokenType", tokenTypeEmbeddings);
        m.put("embeddings.lnGamma", embeddingLnGamma);
        m.put("embeddings.lnBeta", embeddingLnBeta);
        String[] names = {"qW", "qB", "kW", "kB", "vW", "vB", "attnOutW", "attnOutB", "ln1Gamma", "ln1Beta", "ffnInW", "ffnInB",
                "ffnOutW", "ffnOutB", "ln2Gamma", "ln2Beta"};
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            float[][] a = {l.qW, l.qB, l.kW, l.kB, l.vW, l.vB, l.attnOutW, l.attnOutB, l.ln1Gamma, l.ln1Beta, l.ffnInW, l.ffnInB,
                    l.ffnOutW, l.ffnOutB, l.ln2Gamma, l.ln2Beta};
            for (int j = 0; j < names.length; j++) {
                m.put("layer." + i + "." + names[j], a[j]);
            }
        }
        return m;
    }

    /** Every float parameter held; equals {@code config.embeddingParameters() + config.nonEmbeddingParameters()}. */
    public long parameterCount() {
        long n = (long) wordEmbeddings.length + positionEmbeddings.length + tokenTypeEmbeddings.length + embeddingLnGamma.length
                + embeddingLnBeta.length;
        for (Layer l : layers) {
            n += l.parameterCount();
        }
        return n;
    }

    /**
     * Maps a BERT export onto named parameters by walking its graph from the inputs
     * {@code input_ids}, {@code token_type_ids}, {@code attention_mask} to the output: the word and
     * token-type embeddings are the tables gathered by those inputs, the position table the one gathered by
     * a slice of {@code 0..positions-1}; in each layer Q, K and V are the three MatMuls fed by the layer
     * input, told apart by how their products reach the score MatMul (Q as its first operand, K transposed
     * as its second) or multiply the Softmax (V); then the output dense, the residual layer norm, the FFN
     * whose first dense feeds the exact-erf GELU, and the second layer norm. Layer norms are recognised as
     * {@code LayerNormalization} nodes or as the decomposed ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/
     * Mul/Add pattern. Initializer names are never interpreted.
     *
     * @throws IllegalArgumentException when a piece is missing, has the wrong shape, the graph has a
     *                                  different structure or layer count, or an initializer is left unmapped
     *                                  (e.g. a pooler); the message names the node or initializer involved
     */
    public static BertWeights from(OnnxModel model, BertConfig config) {
        return new Walker(model, config).walk();
    }

    /** One graph walk; holds the indexes and what has been mapped so far. */
    private static final class Walker {
        private final OnnxModel model;
        private final BertConfig c;
        private final int h;
        private final Map<String, Node> producers = new HashMap<>();
        private final Map<String, List<Node>> consumers = new HashMap<>();
        private final Map<String, String> sources = new LinkedHashMap<>();
        private final Set<String> used = new HashSet<>();
        private final List<Double> epsilons = new ArrayList<>();
        private Double maskBias;
        /** Output of the last layer mapped by {@link #layer}. */
        private String lastOut;

        Walker(OnnxModel model, BertConfig config) {
            this.model = model;
            this.c = config;
            this.h = config.hidden();
            for (Node n : model.nodes()) {
                for (String o : n.outputs()) {
                    producers.put(o, n);
                }
                for (String i : n.inputs()) {
                    consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
                }
            }
        }

        BertWeights walk() {
            String ids = graphInput("input_ids");
            String types = graphInput("token_type_ids");
            graphInput("attention_mask");

            Node wordGather = embeddingGather(ids, "word embeddings");
            float[] word = param(wordGather.inputs().get(0), "embeddings.word", c.vocab(), h);
            Node typeGather = embeddingGather(types, "token-type embeddings");
            float[] tokenType = param(typeGather.inputs().get(0), "embeddings.tokenType", c.typeVocab(), h);

            // word + token type + position, summed by a chain of Adds starting at the word lookup.
            String sum = out(wordGather);
            float[] position = null;
            boolean typeAdded = false;
            while (position == null || !typeAdded) {
                Node add = only(sum, "Add", "the Add summing the embeddings");
                Node g = producers.get(other(add, sum));
                if (g == typeGather && !typeAdded) {
                    typeAdded = true;
                } else if (g != null && g.opType().equals("Gather") && position == null) {
                    checkPositionIds(g);
                    position = param(g.inputs().get(0), "embeddings.position", c.positions(), h);
                } else {
                    throw fail("the embeddings sum " + add + " adds '" + other(add, sum) + "', which is neither the token-type nor a "
                            + "position-embedding lookup");
                }
                sum = out(add);
            }
            LayerNorm embLn = layerNorm(sum, "embeddings.ln");

            List<Layer> layers = new ArrayList<>();
            String x = embLn.out;
            for (int i = 0; i < c.layers(); i++) {
                Layer layer = layer(x, i);
                layers.add(layer);
                x = lastOut;
            }
            if (!model.outputs().contains(x)) {
                throw fail("after " + c.layers() + " layers the hidden state is '" + x + "', which is not a graph output "
                        + model.outputs() + ": the graph has more layers than the config, or something after the encoder");
            }
            List<String> unmapped = model.initializers().keySet().stream().filter(n -> !used.contains(n)).toList();
            if (!unmapped.isEmpty()) {
                throw fail("initializers not mapped to any BERT parameter (pooler or other extra weights?): " + unmapped);
            }
            double eps = epsilons.get(0);
            for (double e : epsilons) {
                if (e != eps) {
                    throw fail("layer norms use different epsilons: " + epsilons);
                }
            }
            return new BertWeights(c, word, position, tokenType, embLn.gamma, embLn.beta, List.copyOf(layers), eps, maskBias,
                    Collections.unmodifiableMap(sources));
        }

        private Layer layer(String x, int i) {
            String p = "layer." + i + ".";
            String where = "layer " + i + " (input '" + x + "')";
            List<Node> projections = consumers(x).stream().filter(n -> n.opType().equals("MatMul") && n.inputs().get(0).equals(x)).toList();
            if (projections.size() != 3) {
                throw fail(where + ": expected the Q, K and V MatMuls fed by the layer input, found " + projections);
            }
            Node q = null, k = null, v = null, score = null, softmax = null, context = null;
            for (Node mm : projections) {
                Node bias = only(out(mm), "Add", where + ": bias Add after " + mm);
                HeadPath path = toHeads(out(bias), where);
                Node user = path.matmul;
                if (path.operand == 1 && isProducedBy(user.inputs().get(0), "Softmax")) {
                    requirePerm(path, new int[]{0, 2, 1, 3}, "V", where);
                    v = requireUnset(v, mm, "V", where);
                    context = user;
                    softmax = producers.get(user.inputs().get(0));
                } else {
                    Node sm = scoreToSoftmax(user, where);
                    if (score != null && score != user) {
                        throw fail(where + ": Q/K products reach two different score MatMuls: " + score + " and " + user);
                    }
                    score = user;
                    if (softmax != null && softmax != sm) {
                        throw fail(where + ": V is multiplied with " + softmax + " but the scores reach " + sm);
                    }
                    softmax = sm;
                    if (path.operand == 0) {
                        requirePerm(path, new int[]{0, 2, 1, 3}, "Q", where);
                        q = requireUnset(q, mm, "Q", where);
                    } else {
                        requirePerm(path, new int[]{0, 2, 3, 1}, "K (transposed)", where);
                        k = requireUnset(k, mm, "K", where);
                    }
                }
            }
            if (q == null || k == null || v == null) {
                throw fail(where + ": could not tell Q, K and V apart among " + projections + " (Q " + q + ", K " + k + ", V " + v + ")");
            }
            float[] qW = param(q.inputs().get(1), p + "qW", h, h);
            float[] qB = bias(q, p + "qB", h);
            float[] kW = param(k.inputs().get(1), p + "kW", h, h);
            float[] kB = bias(k, p + "kB", h);
            float[] vW = param(v.inputs().get(1), p + "vW", h, h);
            float[] vB = bias(v, p + "vB", h);

            // context [b, heads, s, d] -> Transpose(0,2,1,3) -> Reshape [b, s, h] -> dense -> bias -> + x -> LN1
            Node dense = fromHeads(out(context), where);
            float[] oW = param(dense.inputs().get(1), p + "attnOutW", h, h);
            float[] oB = bias(dense, p + "attnOutB", h);
            String attn = residual(out(only(out(dense), "Add", where + ": bias Add after " + dense)), x, where + ", attention");
            LayerNorm ln1 = layerNorm(attn, p + "ln1");

            List<Node> ffn = consumers(ln1.out).stream().filter(n -> n.opType().equals("MatMul") && n.inputs().get(0).equals(ln1.out)).toList();
            if (ffn.size() != 1) {
                throw fail(where + ": expected one FFN-in MatMul fed by the attention layer norm '" + ln1.out + "', found " + ffn);
            }
            Node in = ffn.get(0);
            float[] inW = param(in.inputs().get(1), p + "ffnInW", h, c.intermediate());
            float[] inB = bias(in, p + "ffnInB", c.intermediate());
            String act = gelu(out(only(out(in), "Add", where + ": bias Add after " + in)), where);
            Node outMm = only(act, "MatMul", where + ": FFN-out MatMul after the GELU");
            if (!outMm.inputs().get(0).equals(act)) {
                throw fail(where + ": FFN-out " + outMm + " does not multiply the GELU output from the left");
            }
            float[] outW = param(outMm.inputs().get(1), p + "ffnOutW", c.intermediate(), h);
            float[] outB = bias(outMm, p + "ffnOutB", h);
            String ffnSum = residual(out(only(out(outMm), "Add", where + ": bias Add after " + outMm)), ln1.out, where + ", FFN");
            LayerNorm ln2 = layerNorm(ffnSum, p + "ln2");
            lastOut = ln2.out;
            return new Layer(qW, qB, kW, kB, vW, vB, oW, oB, ln1.gamma, ln1.beta, inW, inB, outW, outB, ln2.gamma, ln2.beta);
        }

        /** Where a projection goes after Reshape to [b, s, heads, d] and Transposes: the MatMul that uses it. */
        private record HeadPath(Node matmul, int operand, int[] axes) {
        }

        private HeadPath toHeads(String value, String where) {
            int[] axes = {0, 1, 2, 3};
            boolean reshaped = false;
            String cur = value;
            while (true) {
                Node n = onlyUser(cur, where + ": following projection '" + value + "'");
                switch (n.opType()) {
                    case "Reshape" -> {
                        if (reshaped || !n.inputs().get(0).equals(cur)) {
                            throw fail(where + ": unexpected " + n + " on projection '" + value + "'");
                        }
                        long[] shape = reshapeTarget(n, where);
                        if (shape.length != 4 || shape[2] != c.heads() || shape[3] != c.headSize()) {
                            throw fail(where + ": " + n + " splits into " + Arrays.toString(shape) + ", expected [b, s, " + c.heads() + ", "
                                    + c.headSize() + "]");
                        }
                        reshaped = true;
                    }
                    case "Transpose" -> axes = permute(axes, n, where);
                    case "MatMul" -> {
                        if (!reshaped) {
                            throw fail(where + ": projection '" + value + "' reaches " + n + " without being split into heads");
                        }
                        return new HeadPath(n, n.inputs().indexOf(cur), axes);
                    }
                    default -> throw fail(where + ": unexpected " + n + " between projection '" + value + "' and the attention MatMuls");
                }
                cur = out(n);
            }
        }

        /** From the context MatMul through Transpose(0,2,1,3) and Reshape [b, s, h] to the output dense. */
        private Node fromHeads(String context, String where) {
            int[] axes = {0, 1, 2, 3};
            String cur = context;
            while (true) {
                Node n = onlyUser(cur, where + ": following the attention context '" + context + "'");
                switch (n.opType()) {
                    case "Transpose" -> axes = permute(axes, n, where);
                    case "Reshape" -> {
                        long[] shape = reshapeTarget(n, where);
                        if (!Arrays.equals(axes, new int[]{0, 2, 1, 3}) || shape.length != 3 || shape[2] != h) {
                            throw fail(where + ": context heads are merged by " + n + " from axes " + Arrays.toString(axes) + " into "
                                    + Arrays.toString(shape) + "; expected axes [0, 2, 1, 3] into [b, s, " + h + "]");
                        }
                    }
                    case "MatMul" -> {
                        if (!n.inputs().get(0).equals(cur)) {
                            throw fail(where + ": attention output " + n + " does not multiply the context from the left");
                        }
                        return n;
                    }
                    default -> throw fail(where + ": unexpected " + n + " after the attention context");
                }
                cur = out(n);
            }
        }

        /** From the score MatMul through the scale and the mask Add to the Softmax over keys; checks both. */
        private Node scoreToSoftmax(Node score, String where) {
            String cur = out(score);
            boolean scaled = false, masked = false;
            while (true) {
                Node n = onlyUser(cur, where + ": following the attention scores of " + score);
                switch (n.opType()) {
                    case "Div", "Mul" -> {
                        Tensor s = constant(other(n, cur));
                        if (scaled || s == null || s.size() != 1 || !n.inputs().get(0).equals(cur)) {
                            throw fail(where + ": unexpected " + n + " on the attention scores");
                        }
                        double scale = n.opType().equals("Div") ? 1 / s.scalar() : s.scalar();
                        if (Math.abs(scale * Math.sqrt(c.headSize()) - 1) > 1e-6) {
                            throw fail(where + ": " + n + " scales the scores by " + scale + ", expected 1/sqrt(" + c.headSize() + ")");
                        }
                        scaled = true;
                    }
                    case "Add" -> {
                        if (masked) {
                            throw fail(where + ": second Add " + n + " on the attention scores");
                        }
                        checkMask(other(n, cur), where);
                        masked = true;
                    }
                    case "Softmax" -> {
                        long axis = n.attributes().containsKey("axis") ? n.attributes().get("axis").i() : -1;
                        if (!scaled || !masked || (axis != -1 && axis != 3)) {
                            throw fail(where + ": " + n + " (axis " + axis + ") reached with scaled=" + scaled + ", masked=" + masked);
                        }
                        return n;
                    }
                    default -> throw fail(where + ": unexpected " + n + " between " + score + " and the Softmax");
                }
                cur = out(n);
            }
        }

        /**
         * The additive mask must be {@code (1 - float(attention_mask[b, None, None, :])) * c} for a constant c,
         * the same in every layer; records c.
         */
        private void checkMask(String value, String where) {
            Node mul = producers.get(value);
            String what = where + ": the attention-score mask '" + value + "'";
            if (mul == null || !mul.opType().equals("Mul")) {
                throw fail(what + " is not a Mul");
            }
            Tensor k = null;
            Node sub = null;
            for (String in : mul.inputs()) {
                Tensor t = constant(in);
                if (t != null) {
                    k = t;
                } else {
                    sub = producers.get(in);
                }
            }
            if (k == null || k.size() != 1 || sub == null || !sub.opType().equals("Sub")) {
                throw fail(what + " is not (1 - mask) * constant: " + mul);
            }
            Tensor one = constant(sub.inputs().get(0));
            if (one == null || one.size() != 1 || one.scalar() != 1) {
                throw fail(what + ": " + sub + " does not compute 1 - mask");
            }
            String cur = sub.inputs().get(1);
            while (!cur.equals("attention_mask")) {
                Node n = producers.get(cur);
                if (n == null || !(n.opType().equals("Cast") || n.opType().equals("Unsqueeze"))) {
                    throw fail(what + " does not come from attention_mask through Unsqueeze/Cast (at '" + cur + "')");
                }
                cur = n.inputs().get(0);
            }
            double bias = k.scalar();
            if (maskBias != null && maskBias != bias) {
                throw fail(what + " uses " + bias + " but an earlier layer used " + maskBias);
            }
            maskBias = bias;
        }

        /** {@code 0.5 * (a * (1 + erf(a / sqrt 2)))}, as torch exports nn.GELU(); returns its output. */
        private String gelu(String a, String where) {
            String what = where + ": exact GELU a * 0.5 * (1 + erf(a / sqrt(2))) on '" + a + "'";
            Node div = only(a, "Div", what);
            requireConstant(div, a, Math.sqrt(2), 1e-6, what);
            Node erf = only(out(div), "Erf", what);
            Node plus = only(out(erf), "Add", what);
            requireConstant(plus, out(erf), 1, 0, what);
            Node mul = only(out(plus), "Mul", what);
            if (!other(mul, out(plus)).equals(a)) {
                throw fail(what + ": " + mul + " does not multiply by '" + a + "'");
            }
            Node half = only(out(mul), "Mul", what);
            requireConstant(half, out(mul), 0.5, 0, what);
            return out(half);
        }

        private record LayerNorm(float[] gamma, float[] beta, String out) {
        }

        /** A layer norm over the last axis of {@code x}, fused or decomposed; records its epsilon. */
        private LayerNorm layerNorm(String x, String name) {
            String what = name + " (layer norm of '" + x + "')";
            List<Node> fused = consumers(x).stream().filter(n -> n.opType().equals("LayerNormalization")).toList();
            if (!fused.isEmpty()) {
                Node ln = fused.get(0);
                var axis = ln.attributes().get("axis");
                var eps = ln.attributes().get("epsilon");
                if (fused.size() != 1 || ln.inputs().size() < 3 || (axis != null && axis.i() != -1 && axis.i() != 2)) {
                    throw fail(what + ": unsupported " + fused);
                }
                epsilons.add(eps == null ? 1e-5 : (double) eps.f());
                return new LayerNorm(param(ln.inputs().get(1), name + "Gamma", h), param(ln.inputs().get(2), name + "Beta", h), out(ln));
            }
            Node mean = only(x, "ReduceMean", what);
            requireLastAxis(mean, what);
            Node sub = only(x, "Sub", what);
            if (!sub.inputs().equals(List.of(x, out(mean)))) {
                throw fail(what + ": " + sub + " is not x - mean");
            }
            Node pow = only(out(sub), "Pow", what);
            requireConstant(pow, out(sub), 2, 0, what);
            Node var = only(out(pow), "ReduceMean", what);
            requireLastAxis(var, what);
            Node addEps = only(out(var), "Add", what);
            Tensor eps = constant(other(addEps, out(var)));
            if (eps == null || eps.size() != 1) {
                throw fail(what + ": " + addEps + " does not add a constant epsilon");
            }
            Node sqrt = only(out(addEps), "Sqrt", what);
            Node div = only(out(sqrt), "Div", what);
            if (!div.inputs().equals(List.of(out(sub), out(sqrt)))) {
                throw fail(what + ": " + div + " is not (x - mean) / sqrt(var + eps)");
            }
            Node mul = only(out(div), "Mul", what);
            float[] gamma = param(other(mul, out(div)), name + "Gamma", h);
            Node add = only(out(mul), "Add", what);
            float[] beta = param(other(add, out(mul)), name + "Beta", h);
            epsilons.add(eps.scalar());
            return new LayerNorm(gamma, beta, out(add));
        }

        private void requireLastAxis(Node reduce, String what) {
            var axes = reduce.attributes().get("axes");
            if (axes == null || axes.ints().length != 1 || (axes.ints()[0] != -1 && axes.ints()[0] != 2)) {
                throw fail(what + ": " + reduce + " does not reduce over the last axis");
            }
        }

        /** The Gather that looks up {@code indices} in a table (an initializer, checked when mapped). */
        private Node embeddingGather(String indices, String what) {
            List<Node> g = consumers(indices).stream()
                    .filter(n -> n.opType().equals("Gather") && n.inputs().get(1).equals(indices)).toList();
            if (g.size() != 1) {
                throw fail(what + ": expected one Gather (table lookup) by '" + indices + "', found " + g);
            }
            return g.get(0);
        }

        /** The position lookup's indices must be Slice(0..positions-1, start 0): position i reads row i. */
        private void checkPositionIds(Node gather) {
            String what = "position embeddings " + gather;
            Node slice = producers.get(gather.inputs().get(1));
            if (slice == null || !slice.opType().equals("Slice")) {
                throw fail(what + ": indices are not a Slice of position ids");
            }
            Tensor ids = constant(slice.inputs().get(0));
            Tensor start = slice.inputs().size() > 1 ? constant(slice.inputs().get(1)) : null;
            boolean arange = ids != null && ids.longs() != null && ids.size() == c.positions();
            for (int i = 0; arange && i < ids.longs().length; i++) {
                arange = ids.longs()[i] == i;
            }
            if (!arange || start == null || start.size() != 1 || start.scalar() != 0) {
                throw fail(what + ": " + slice + " does not take the first positions of 0.." + (c.positions() - 1));
            }
            if (isInitializer(slice.inputs().get(0))) {
                used.add(slice.inputs().get(0)); // an index table, not a parameter
            }
        }

        /** The residual Add {@code sum = branch + skip}; returns its output. */
        private String residual(String branch, String skip, String where) {
            Node add = only(branch, "Add", where + " residual");
            if (!other(add, branch).equals(skip)) {
                throw fail(where + " residual: " + add + " does not add '" + skip + "'");
            }
            return out(add);
        }

        /** The bias of a dense MatMul: the initializer added to its product. */
        private float[] bias(Node matmul, String name, int size) {
            Node add = only(out(matmul), "Add", name + ": bias Add after " + matmul);
            return param(other(add, out(matmul)), name, size);
        }

        private float[] param(String init, String name, long... shape) {
            Tensor t = model.initializers().get(init);
            if (t == null) {
                throw fail(name + ": '" + init + "' is not an initializer");
            }
            if (t.dataType() != OnnxModel.FLOAT || !Arrays.equals(t.dims(), shape)) {
                throw fail(name + ": initializer '" + init + "' is " + Arrays.toString(t.dims()) + " type " + t.dataType()
                        + ", expected FLOAT " + Arrays.toString(shape));
            }
            if (!used.add(init)) {
                throw fail(name + ": initializer '" + init + "' is already mapped (shared weights are not supported)");
            }
            sources.put(name, init);
            return t.floats();
        }

        private long[] reshapeTarget(Node reshape, String where) {
            String s = reshape.inputs().get(1);
            Tensor t = constant(s);
            if (t != null && t.longs() != null) {
                return t.longs();
            }
            Node concat = producers.get(s);
            if (concat == null || !concat.opType().equals("Concat")) {
                throw fail(where + ": cannot read the target shape of " + reshape);
            }
            long[] shape = new long[concat.inputs().size()];
            for (int i = 0; i < shape.length; i++) {
                Tensor part = constant(concat.inputs().get(i));
                shape[i] = part != null && part.longs() != null && part.size() == 1 ? part.longs()[0] : -1; // -1: computed at run time
            }
            return shape;
        }

        private int[] permute(int[] axes, Node transpose, String where) {
            long[] perm = transpose.attributes().containsKey("perm") ? transpose.attributes().get("perm").ints() : null;
            if (perm == null || perm.length != axes.length) {
                throw fail(where + ": " + transpose + " has no 4-d perm");
            }
            int[] r = new int[axes.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = axes[(int) perm[i]];
            }
            return r;
        }

        private void requirePerm(HeadPath path, int[] expected, String role, String where) {
            if (!Arrays.equals(path.axes, expected)) {
                throw fail(where + ": " + role + " reaches " + path.matmul + " with axes " + Arrays.toString(path.axes) + ", expected "
                        + Arrays.toString(expected));
            }
        }

        private Node requireUnset(Node current, Node found, String role, String where) {
            if (current != null) {
                throw fail(where + ": two projections act as " + role + ": " + current + " and " + found);
            }
            return found;
        }

        private void requireConstant(Node n, String operand, double value, double tol, String what) {
            Tensor t = constant(other(n, operand));
            if (t == null || t.size() != 1 || Math.abs(t.scalar() - value) > tol * Math.abs(value)) {
                throw fail(what + ": " + n + " should apply the constant " + value);
            }
        }

        /** An initializer or a Constant node's value; null for computed values. */
        private Tensor constant(String value) {
            Tensor t = model.initializers().get(value);
            if (t != null) {
                return t;
            }
            Node n = producers.get(value);
            if (n != null && n.opType().equals("Constant") && n.attributes().containsKey("value")) {
                return n.attributes().get("value").t();
            }
            return null;
        }

        private boolean isInitializer(String value) {
            return model.initializers().containsKey(value);
        }

        private boolean isProducedBy(String value, String op) {
            Node n = producers.get(value);
            return n != null && n.opType().equals(op);
        }

        private String graphInput(String name) {
            if (!model.inputs().contains(name)) {
                throw fail("the graph has no input '" + name + "' (inputs: " + model.inputs() + ")");
            }
            return name;
        }

        /** Consumers of a value, without the Shape nodes that only read its size. */
        private List<Node> consumers(String value) {
            return consumers.getOrDefault(value, List.of()).stream().filter(n -> !n.opType().equals("Shape")).toList();
        }

        private Node onlyUser(String value, String what) {
            List<Node> users = consumers(value);
            if (users.size() != 1) {
                throw fail(what + ": '" + value + "' has " + users.size() + " users " + users + ", expected one");
            }
            return users.get(0);
        }

        private Node only(String value, String op, String what) {
            List<Node> found = consumers(value).stream().filter(n -> n.opType().equals(op)).toList();
            if (found.size() != 1) {
                throw fail(what + ": expected one " + op + " reading '" + value + "', found " + found.size()
                        + (found.isEmpty() ? " (its users: " + consumers(value) + ")" : ": " + found));
            }
            return found.get(0);
        }

        /** The operand of a binary node that is not {@code value}. */
        private String other(Node n, String value) {
            List<String> in = n.inputs();
            if (in.size() != 2 || !in.contains(value)) {
                throw fail(n + " is not a binary op on '" + value + "'");
            }
            return in.get(0).equals(value) ? in.get(1) : in.get(0);
        }

        private static String out(Node n) {
            return n.outputs().get(0);
        }

        private IllegalArgumentException fail(String message) {
            return new IllegalArgumentException("ONNX graph '" + model.graphName() + "' is not the expected BERT encoder: " + message);
        }
    }
}
