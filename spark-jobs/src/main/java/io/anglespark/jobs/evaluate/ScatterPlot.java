package io.anglespark.jobs.evaluate;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;

/**
 * A PNG scatter plot of predicted similarity against gold score, one point per pair, drawn by XChart (java.awt,
 * headless). Needs a font, as any java.awt text rendering does (a JRE without fonts fails naming fontconfig).
 */
final class ScatterPlot {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private ScatterPlot() {
    }

    /**
     * @param xAxis     the x axis caption (room for the set's figures: it spans the plot's width)
     * @param gold      x values
     * @param predicted y values, same length
     */
    static byte[] png(String title, String xAxis, String yAxis, double[] gold, double[] predicted, int width, int height) throws IOException {
        if (gold.length != predicted.length) {
            throw new IllegalArgumentException("gold and predicted differ in length: " + gold.length + " and " + predicted.length);
        }
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title)
                .xAxisTitle(xAxis).yAxisTitle(yAxis).build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setMarkerSize(4);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        if (gold.length > 0) {
            XYSeries s = chart.addSeries("pairs", gold, predicted);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(new Color(31, 119, 180, 110));
        }
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }
}
