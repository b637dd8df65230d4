package io.jpar.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CsvCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  private JsonNode json(String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("csv", "--format", "json"));
    all.addAll(List.of(args));
    run(all.toArray(String[]::new));
    return new ObjectMapper().readTree(out.toString());
  }

  /** Writes rows of: id (int), price (decimal with empties), city (text with a quoted comma and newline), day, flag. */
  private Path generate(String name, int rows, long seed, List<long[]> ints, List<BigDecimal> prices, Set<String> cities)
      throws IOException {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder("id,price,city,day,flag\n");
    for (int i = 0; i < rows; i++) {
      long id = r.nextInt(1_000_000) - 500_000;
      ints.add(new long[] {id});
      String price = "";
      if (r.nextInt(10) != 0) {
        BigDecimal p = BigDecimal.valueOf(r.nextInt(1_000_000), 2).add(BigDecimal.valueOf(1_000_000));
        prices.add(p);
        price = p.toPlainString();
      }
      String city = switch (r.nextInt(4)) {
        case 0 -> "\"Paris, FR\"";
        case 1 -> "\"New\nYork\"";
        case 2 -> "Berlin";
        default -> "City" + r.nextInt(500);
      };
      cities.add(city.replace("\"", ""));
      sb.append(id).append(',').append(price).append(',').append(city).append(',')
          .append(String.format("2024-%02d-%02d", 1 + r.nextInt(12), 1 + r.nextInt(28))).append(',')
          .append(r.nextBoolean()).append('\n');
    }
    Path f = dir.resolve(name);
    Files.writeString(f, sb.toString(), StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void figuresEqualAnIndependentComputationOfTheSameData() throws IOException {
    List<long[]> ids = new ArrayList<>();
    List<BigDecimal> prices = new ArrayList<>();
    Set<String> cities = new HashSet<>();
    Path f = generate("data.csv", 5_000, 1, ids, prices, cities);
    JsonNode file = json("--backend", "threads", f.toString()).get("files").get(0);
    assertThat(file.get("rows").asLong()).isEqualTo(5_000);
    JsonNode id = file.get("columns").get(0);
    JsonNode price = file.get("columns").get(1);
    assertThat(id.get("type").asText()).isEqualTo("integer");
    assertThat(id.get("min").asText()).isEqualTo(Long.toString(ids.stream().mapToLong(a -> a[0]).min().orElseThrow()));
    assertThat(id.get("max").asText()).isEqualTo(Long.toString(ids.stream().mapToLong(a -> a[0]).max().orElseThrow()));
    assertThat(price.get("type").asText()).isEqualTo("decimal");
    assertThat(price.get("nonEmpty").asLong()).isEqualTo(prices.size());
    assertThat(price.get("empty").asLong()).isEqualTo(5_000 - prices.size());
    BigDecimal n = BigDecimal.valueOf(prices.size());
    BigDecimal mean = prices.stream().reduce(BigDecimal.ZERO, BigDecimal::add).divide(n, MathContext.DECIMAL128);
    BigDecimal ss = prices.stream().map(p -> p.subtract(mean).pow(2)).reduce(BigDecimal.ZERO, BigDecimal::add);
    double std = Math.sqrt(ss.divide(n.subtract(BigDecimal.ONE), MathContext.DECIMAL128).doubleValue());
    assertThat(price.get("mean").asDouble()).isCloseTo(mean.doubleValue(), within(1e-9 * mean.doubleValue()));
    assertThat(price.get("std").asDouble()).isCloseTo(std, within(1e-9 * std));
    JsonNode city = file.get("columns").get(2);
    assertThat(city.get("type").asText()).isEqualTo("text");
    assertThat(city.get("distinctApprox").asDouble()).isCloseTo(cities.size(), within(0.05 * cities.size()));
    assertThat(file.get("columns").get(3).get("type").asText()).isEqualTo("datetime");
    assertThat(file.get("columns").get(4).get("type").asText()).isEqualTo("boolean");
  }

  @Test
  void aSplitFileGivesExactlyWhatTheWholeFileGives() throws IOException {
    Path f = generate("big.csv", 20_000, 2, new ArrayList<>(), new ArrayList<>(), new HashSet<>());
    JsonNode whole = json("--backend", "threads", f.toString()).get("files").get(0);
    out.getBuffer().setLength(0);
    JsonNode split = json("--backend", "threads", "--workers", "4", "--min-slice", "20000", f.toString())
        .get("files").get(0);
    // Quartiles come from sketches, which compact differently when merged from slices: they are
    // compared within the sketch's accuracy, everything else must be identical.
    for (int i = 0; i < whole.get("columns").size(); i++) {
      JsonNode w = whole.get("columns").get(i);
      JsonNode s = split.get("columns").get(i);
      if (w.get("type").asText().equals("decimal") || w.get("type").asText().equals("integer")) {
        double range = w.get("max").asDouble() - w.get("min").asDouble();
        for (String q : List.of("p25Approx", "medianApprox", "p75Approx")) {
          assertThat(s.get(q).asDouble()).as(q).isCloseTo(w.get(q).asDouble(), within(0.01 * range));
        }
      }
    }
    assertThat(withoutQuantiles(split)).isEqualTo(withoutQuantiles(whole));
    assertThat(split.get("rows").asLong()).isEqualTo(20_000);
  }

  private static JsonNode withoutQuantiles(JsonNode file) {
    JsonNode copy = file.deepCopy();
    for (JsonNode c : copy.get("columns")) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) c).remove(List.of("p25Approx", "medianApprox", "p75Approx"));
    }
    return copy;
  }

  @Test
  void quartilesEmptySharesAndTopValuesReachEveryFormatFromWorkerProcesses() throws IOException {
    StringBuilder sb = new StringBuilder("n,day,fruit\n");
    for (int i = 1; i <= 100; i++) {
      String fruit = i % 2 == 0 ? "apple" : i % 3 == 0 ? "pear" : i % 5 == 0 ? "fig" : "kiwi";
      sb.append(i % 10 == 0 ? "" : Integer.toString(i)).append(',')
          .append(java.time.LocalDate.of(2024, 1, 1).plusDays(i - 1)).append(',').append(fruit).append('\n');
    }
    Path f = dir.resolve("figures.csv");
    Files.writeString(f, sb);
    JsonNode cols = json("--backend", "processes", "--workers", "2", f.toString()).get("files").get(0).get("columns");
    JsonNode n = cols.get(0);
    assertThat(n.get("emptyShare").asDouble()).isEqualTo(0.1);
    // 90 values 1..99 without the multiples of 10: exact median 50, quartiles 25.25 and 74.75 (pandas).
    assertThat(n.get("medianApprox").asDouble()).isCloseTo(50, within(1.0));
    assertThat(n.get("p25Approx").asDouble()).isCloseTo(25.25, within(1.0));
    assertThat(n.get("p75Approx").asDouble()).isCloseTo(74.75, within(1.0));
    assertThat(n.has("top")).isFalse();
    assertThat(cols.get(1).get("medianApprox").asText()).isBetween("2024-02-18", "2024-02-21");
    JsonNode fruit = cols.get(2);
    assertThat(fruit.get("topExact").asBoolean()).isTrue();
    assertThat(fruit.get("top").get(0).get("value").asText()).isEqualTo("apple");
    assertThat(fruit.get("top").get(0).get("count").asLong()).isEqualTo(50);
    assertThat(fruit.get("top").get(1).get("value").asText()).isEqualTo("kiwi");
    assertThat(fruit.get("top").get(1).get("count").asLong()).isEqualTo(26);
    assertThat(fruit.get("top").get(2).get("value").asText()).isEqualTo("pear");
    assertThat(fruit.get("top").get(2).get("count").asLong()).isEqualTo(17);

    out.getBuffer().setLength(0);
    assertThat(run("csv", "--backend", "threads", f.toString())).isZero();
    assertThat(out.toString()).contains("median~").contains("10.0%")
        .contains("top fruit: apple (50) kiwi (26) pear (17) fig (7)");
    out.getBuffer().setLength(0);
    assertThat(run("csv", "--backend", "threads", "--format", "csv", f.toString())).isZero();
    assertThat(out.toString()).contains("empty_share,p25_approx,median_approx,p75_approx,top_values,top_exact")
        .contains("\"[[\"\"apple\"\",50],[\"\"kiwi\"\",26],[\"\"pear\"\",17],[\"\"fig\"\",7]]\",true");
  }

  @Test
  void backendAutoGivesTheSameFiguresAndSaysWhatItChose() throws IOException {
    Path f = generate("auto.csv", 20_000, 3, new ArrayList<>(), new ArrayList<>(), new HashSet<>());
    JsonNode fixed = json("--backend", "threads", "--min-slice", "20000", f.toString()).get("files").get(0);
    out.getBuffer().setLength(0);
    JsonNode auto = json("--backend", "auto", "--min-slice", "20000", f.toString()).get("files").get(0);
    assertThat(auto).isEqualTo(fixed);
    assertThat(err.toString()).contains("jpar csv: Auto");
  }

  @Test
  void everyKindOfBadFileIsReportedAndTheGoodOnesStillCount() throws IOException {
    Files.writeString(dir.resolve("good.csv"), "a,b\n1,2\n3,4\n");
    Files.write(dir.resolve("binary.csv"), new byte[] {'a', 0, 'b', '\n'});
    Files.write(dir.resolve("latin1.csv"), new byte[] {'a', '\n', (byte) 0xE9, '\n'});
    StringBuilder ragged = new StringBuilder("a,b\n");
    for (int i = 0; i < 10; i++) {
      ragged.append("1,2,3\n");
    }
    Files.writeString(dir.resolve("ragged.csv"), ragged);
    Files.writeString(dir.resolve("unclosed.csv"), "a,b\n1,\"open\n2,3\n");
    int code = run("csv", "--backend", "processes", "--workers", "2", dir.toString(), dir.resolve("missing.csv").toString());
    String text = out.toString();
    assertThat(code).isEqualTo(1);
    assertThat(text).contains("good.csv: 2 rows, 2 columns");
    assertThat(text).containsPattern("binary.csv: ERROR binary file");
    assertThat(text).containsPattern("latin1.csv: ERROR not UTF-8");
    assertThat(text).contains("line 2: 3 fields, expected 2").contains("... and 5 more problems");
    assertThat(text).containsIgnoringCase("unclosed quoted field");
    assertThat(text).contains("missing.csv: ERROR no such file");
  }

  @Test
  void csvFormatGoesToTheOutputFileAndAllGoodExitsZero() throws IOException {
    Files.writeString(dir.resolve("x.csv"), "n,s\n1,a\n2,b\n");
    Path report = dir.resolve("report.csv");
    assertThat(run("csv", "--backend", "virtual", "--format", "csv", "--output", report.toString(),
        dir.resolve("x.csv").toString())).isZero();
    List<String> lines = Files.readAllLines(report);
    assertThat(lines.get(0)).startsWith("file,column,type");
    assertThat(lines).anyMatch(l -> l.contains(",n,integer,2,0,1,2,1.5,"));
    assertThat(err.toString()).contains("report written to");
  }

  @Test
  void jsonGoesToTheOutputFile() throws IOException {
    Files.writeString(dir.resolve("x.csv"), "n\n1\n");
    Path report = dir.resolve("report.json");
    assertThat(run("csv", "--backend", "threads", "--format", "json", "--output", report.toString(),
        dir.resolve("x.csv").toString())).isZero();
    assertThat(new ObjectMapper().readTree(report.toFile()).get("files").get(0).get("rows").asLong()).isEqualTo(1);
  }

  @Test
  void noFilesIsAClearErrorAndBadOptionsAreUsageErrors() {
    assertThat(run("csv", dir.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("no CSV files found");
    assertThat(run("csv", "--format", "xml", "x.csv")).isEqualTo(2);
    assertThat(run("csv", "--workers", "0", "x.csv")).isEqualTo(2);
  }
}
