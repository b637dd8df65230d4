package io.jpar.chart;

import io.jpar.Advice;
import io.jpar.Advice.Trial;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws an {@link Advice} as a speed-up chart: throughput against workers (log scale), one line per
 * backend, the best configuration marked. Uses XChart, so that {@code jpar-core} stays free of
 * dependencies; runs headless.
 *
 * {@snippet :
 * Advice advice = Advisor.create().measure(Thumbs::make, sample);
 * AdviceChart.writePng(advice, Path.of("speedup.png"));
 * }
 *
 * @since 0.2
 */
public final class AdviceChart {
  private AdviceChart() {}

  /**
   * Writes the chart as a PNG of 900 x 560 pixels to {@code file}, replacing it.
   *
   * @param advice the advice to draw
   * @param file where to write the PNG; its directory is created if missing
   * @throws IOException if the file cannot be written
   */
  public static void writePng(Advice advice, Path file) throws IOException {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true"); // a server or CI has no display
    }
    XYChart chart = chart(advice);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.write(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
  }

  static XYChart chart(Advice advice) {
    XYChart chart = new XYChartBuilder().width(900).height(560)
        .title("Throughput against workers (best: " + advice.best() + ")")
        .xAxisTitle("workers / concurrency (log scale)").yAxisTitle("tasks per second").build();
    // XChart's own log axis labels decades only (1, 10, 100), and with fewer than ten workers just "1":
    // the x values are plotted as log2(workers) on a linear axis whose ticks are labelled 1, 2, 4, 8, ...
    chart.getStyler().setxAxisTickLabelsFormattingFunction(AdviceChart::powerOfTwoLabel);
    chart.getStyler().setXAxisTickMarkSpacingHint(40); // dense enough for a tick at every power of two
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setMarkerSize(8);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    for (Map.Entry<io.jpar.BackendKind, List<Trial>> curve : advice.curves().entrySet()) {
      List<Trial> trials = curve.getValue();
      double[] x = trials.stream().mapToDouble(t -> log2(t.workers())).toArray();
      double[] y = trials.stream().mapToDouble(Trial::tasksPerSecond).toArray();
      chart.addSeries(curve.getKey().label(), x, y);
    }
    Trial best = advice.best();
    chart.addSeries("best", new double[] {log2(best.workers())}, new double[] {best.tasksPerSecond()})
        .setMarker(SeriesMarkers.DIAMOND).setLineStyle(org.knowm.xchart.style.lines.SeriesLines.NONE);
    return chart;
  }

  static double log2(int workers) {
    return Math.log(workers) / Math.log(2);
  }

  /** The label of a tick at {@code log2(workers)}: the power of two at whole values, nothing between. */
  static String powerOfTwoLabel(double log2) {
    double whole = Math.rint(log2);
    return Math.abs(log2 - whole) < 1e-9 && whole >= 0 ? Long.toString(Math.round(Math.pow(2, whole))) : "";
  }
}
