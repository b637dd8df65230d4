package io.jpar.chart;

import io.jpar.BackendKind;
import static org.assertj.core.api.Assertions.assertThat;

import io.jpar.Advice;
import io.jpar.Advice.Trial;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdviceChartTest {
  @Test
  void writesAPngWithOneLinePerBackendAndTheBestMarked(@TempDir Path dir) throws Exception {
    Duration s = Duration.ofSeconds(1);
    Advice advice = Advice.of(List.of(
        new Trial(BackendKind.PLATFORM_THREADS, 1, 100, 100, s, 0.1, 0),
        new Trial(BackendKind.PLATFORM_THREADS, 2, 200, 200, s, 0.2, 0),
        new Trial(BackendKind.VIRTUAL_THREADS, 2, 200, 200, s, 0.2, 0),
        new Trial(BackendKind.VIRTUAL_THREADS, 64, 5000, 5000, s, 0.9, 0)));
    Path png = dir.resolve("out/speedup.png");
    AdviceChart.writePng(advice, png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(900);
    assertThat(image.getHeight()).isEqualTo(560);
    var chart = AdviceChart.chart(advice);
    assertThat(chart.getSeriesMap().keySet()).containsExactly("platform threads", "virtual threads", "best");
    assertThat(chart.getSeriesMap().get("best").getXData()).containsExactly(6.0); // log2(64)
  }

  @Test
  void theWorkersAxisCarriesItsValuesOneTwoFourEight() {
    assertThat(java.util.stream.IntStream.range(0, 12).mapToObj(i -> AdviceChart.powerOfTwoLabel(i)))
        .containsExactly("1", "2", "4", "8", "16", "32", "64", "128", "256", "512", "1024", "2048");
    assertThat(AdviceChart.powerOfTwoLabel(2.5)).isEmpty(); // between powers of two: no label
    assertThat(AdviceChart.powerOfTwoLabel(AdviceChart.log2(16))).isEqualTo("16");
  }
}
