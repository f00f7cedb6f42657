package io.anglespark.model.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's training curves: {@value #METRICS} (JSON lines: {@code {"type": "train", step, epoch, loss, terms, lr,
 * examples_per_s}} every log-every-steps steps (loss: the round's loss as fitted; terms: each weighted term of the loss,
 * {@code cosine}, {@code ibn}, {@code angle}, ..., on the round's last minibatch with the parameters after the round), {@code {"type": "dev", step, epoch, spearman, mean_loss, best}} per dev
 * evaluation) and {@value #CURVES} (loss and dev Spearman over steps, drawn by XChart), both rewritten whole at every
 * checkpoint and at the end. A resumed run keeps the lines up to its checkpoint's step and continues them.
 */
public final class TrainingLog {
    public static final String METRICS = "metrics.jsonl";
    public static final String CURVES = "curves.png";
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private final List<ObjectNode> lines = new ArrayList<>();

    private TrainingLog() {
    }

    /** A new log, or (resuming) the folder's lines up to {@code step}. */
    static TrainingLog open(RunFolder out, int step, boolean resuming) throws IOException {
        TrainingLog log = new TrainingLog();
        if (resuming && out.exists(METRICS)) {
            try (InputStream in = out.open(METRICS);
                 BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    JsonNode n = JSON.readTree(line);
                    if (n instanceof ObjectNode o && o.path("step").asInt(Integer.MAX_VALUE) <= step) {
                        log.lines.add(o);
                    }
                }
            }
        }
        return log;
    }

    void step(int step, int epoch, double loss, java.util.Map<String, Double> terms, double lr, double examplesPerSecond) {
        ObjectNode n = JSON.createObjectNode().put("type", "train").put("step", step).put("epoch", epoch);
        putNumber(n, "loss", loss);
        ObjectNode t = n.putObject("terms");
        terms.forEach((k, v) -> putNumber(t, k, v));
        n.put("lr", lr);
        putNumber(n, "examples_per_s", examplesPerSecond);
        lines.add(n);
    }

    void evaluation(int step, int epoch, double spearman, Double meanLoss, boolean best) {
        ObjectNode n = JSON.createObjectNode().put("type", "dev").put("step", step).put("epoch", epoch);
        putNumber(n, "spearman", spearman);
        if (meanLoss != null) {
            putNumber(n, "mean_loss", meanLoss);
        }
        n.put("best", best);
        lines.add(n);
    }

    public List<ObjectNode> lines() {
        return List.copyOf(lines);
    }

    /** Writes both files into {@code out}. */
    void write(RunFolder out) throws IOException {
        StringBuilder b = new StringBuilder();
        for (ObjectNode n : lines) {
            b.append(JSON.writeValueAsString(n)).append('\n');
        }
        byte[] jsonl = b.toString().getBytes(StandardCharsets.UTF_8);
        out.writeAtomically(METRICS, o -> o.write(jsonl));
        byte[] png = curves();
        out.writeAtomically(CURVES, o -> o.write(png));
    }

    /** Loss (left axis) and dev Spearman x100 (right axis) over steps, as a PNG. */
    byte[] curves() throws IOException {
        List<Double> ls = new ArrayList<>();
        List<Double> lv = new ArrayList<>();
        List<Double> ds = new ArrayList<>();
        List<Double> dv = new ArrayList<>();
        for (ObjectNode n : lines) {
            if ("train".equals(n.path("type").asText()) && n.path("loss").isNumber()) {
                ls.add((double) n.get("step").asInt());
                lv.add(n.get("loss").asDouble());
            } else if ("dev".equals(n.path("type").asText()) && n.path("spearman").isNumber()) {
                ds.add((double) n.get("step").asInt());
                dv.add(100 * n.get("spearman").asDouble());
            }
        }
        XYChart chart = new XYChartBuilder().width(800).height(450).title("training curves").xAxisTitle("step").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.setYAxisGroupTitle(0, "training loss");
        chart.setYAxisGroupTitle(1, "dev Spearman x100");
        if (!ls.isEmpty()) {
            XYSeries loss = chart.addSeries("training loss", ls, lv);
            loss.setMarker(SeriesMarkers.NONE);
            loss.setLineColor(new Color(31, 119, 180));
            loss.setYAxisGroup(0);
        }
        if (!ds.isEmpty()) {
            XYSeries dev = chart.addSeries("dev Spearman x100", ds, dv);
            dev.setMarker(SeriesMarkers.CIRCLE);
            dev.setLineColor(new Color(214, 39, 40));
            dev.setMarkerColor(new Color(214, 39, 40));
            dev.setYAxisGroup(1);
            chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        }
        if (ls.isEmpty() && ds.isEmpty()) {
            chart.addSeries("no steps yet", new double[]{0}, new double[]{0}).setMarker(SeriesMarkers.NONE);
        }
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    private static void putNumber(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) {
            n.put(key, v);
        } else {
            n.putNull(key);
        }
    }
}
