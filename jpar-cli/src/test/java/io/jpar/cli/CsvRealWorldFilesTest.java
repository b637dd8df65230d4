package io.jpar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One test per kind of file found in the wild: each is profiled correctly and reported on its own. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CsvRealWorldFilesTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  /** The JSON profile of one file, profiled on threads. */
  private JsonNode profile(Path file, String... options) throws IOException {
    List<String> all = new ArrayList<>(List.of("csv", "--backend", "threads", "--format", "json"));
    all.addAll(List.of(options));
    all.add(file.toString());
    out.getBuffer().setLength(0);
    run(all.toArray(String[]::new));
    return new ObjectMapper().readTree(out.toString()).get("files").get(0);
  }

  private Path write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }

  private static List<String> names(JsonNode file) {
    List<String> names = new ArrayList<>();
    file.get("columns").forEach(c -> names.add(c.get("name").asText()));
    return names;
  }

  @Test
  void aUtf8ByteOrderMarkIsNotPartOfTheFirstColumnName() throws IOException {
    JsonNode p = profile(write("bom.csv", "\uFEFFid,name\n1,a\n2,b\n"));
    assertThat(names(p)).containsExactly("id", "name");
    assertThat(p.get("columns").get(0).get("type").asText()).isEqualTo("integer");
  }

  @Test
  void crlfAndCrOnlyLineEndsGiveTheSameProfileAsLf() throws IOException {
    JsonNode lf = profile(write("lf.csv", "a,b\n1,x\n2,y\n"));
    JsonNode crlf = profile(write("crlf.csv", "a,b\r\n1,x\r\n2,y\r\n"));
    JsonNode cr = profile(write("cr.csv", "a,b\r1,x\r2,y\r"));
    assertThat(crlf.get("columns")).isEqualTo(lf.get("columns"));
    assertThat(cr.get("columns")).isEqualTo(lf.get("columns"));
    assertThat(cr.get("rows").asLong()).isEqualTo(2);
    assertThat(crlf.get("columns").get(1).get("max").asText()).isEqualTo("y");
  }

  @Test
  void newlinesInsideQuotesAndDoubledQuotesStayInTheirField() throws IOException {
    JsonNode p = profile(write("quoted.csv", "a,b\n1,\"two\nlines\"\n2,\"say \"\"hi\"\"\"\n"));
    assertThat(p.get("rows").asLong()).isEqualTo(2);
    assertThat(p.get("problemCount").asLong()).isZero();
    JsonNode b = p.get("columns").get(1);
    assertThat(b.get("min").asText()).isEqualTo("say \"hi\"");
    assertThat(b.get("max").asText()).isEqualTo("two\nlines");
  }

  @Test
  void aBareQuoteInsideAnUnquotedFieldIsJustACharacter() throws IOException {
    JsonNode p = profile(write("bare.csv", "size,item\n12\" pipe,a\n3,b\n"));
    assertThat(p.get("rows").asLong()).isEqualTo(2);
    assertThat(p.get("problemCount").asLong()).isZero();
    assertThat(p.get("columns").get(0).get("max").asText()).isEqualTo("3");
    assertThat(p.get("columns").get(0).get("min").asText()).isEqualTo("12\" pipe");
  }

  @Test
  void aSplitFileWithABareQuoteGivesWhatTheWholeFileGives() throws IOException {
    StringBuilder sb = new StringBuilder("size,note\n");
    for (int i = 0; i < 20_000; i++) {
      sb.append(i).append(i == 5 ? "\" pipe" : "").append(',').append(i % 7 == 0 ? "\"a,\nb\"" : i % 11 == 0 ? "\"say \"\"hi\"\",\nok\"" : "plain").append('\n');
    }
    Path f = write("bare-big.csv", sb.toString());
    JsonNode whole = profile(f);
    JsonNode split = profile(f, "--workers", "4", "--min-slice", "20000");
    assertThat(whole.get("rows").asLong()).isEqualTo(20_000);
    assertThat(split.get("rows").asLong()).isEqualTo(20_000);
    assertThat(split.get("problemCount").asLong()).isZero();
    assertThat(split.get("columns").get(1)).isEqualTo(whole.get("columns").get(1));
  }

  @Test
  void latin1TextIsReadWithEncodingAndRefusedWithoutIt() throws IOException {
    Path f = dir.resolve("latin1.csv");
    Files.write(f, "name,n\nCafé,1\nNaïve,2\n".getBytes(StandardCharsets.ISO_8859_1));
    JsonNode strict = profile(f);
    assertThat(strict.get("error").asText()).contains("not UTF-8").contains("--encoding");
    JsonNode p = profile(f, "--encoding", "ISO-8859-1");
    assertThat(p.get("error").isNull()).isTrue();
    assertThat(p.get("columns").get(0).get("min").asText()).isEqualTo("Café");
    assertThat(p.get("columns").get(0).get("max").asText()).isEqualTo("Naïve");
    assertThat(run("csv", "--encoding", "no-such-charset", f.toString())).isEqualTo(2);
  }

  @Test
  void semicolonAndTabSeparatorsAreDetectedFromTheHeader() throws IOException {
    JsonNode semi = profile(write("semi.csv", "a;b;c\n1;2,5;x\n3;4,5;y\n"));
    assertThat(names(semi)).containsExactly("a", "b", "c");
    assertThat(semi.get("columns").get(0).get("type").asText()).isEqualTo("integer");
    JsonNode tab = profile(write("tab.csv", "a\tb\n1\tx y\n2\tz\n"));
    assertThat(names(tab)).containsExactly("a", "b");
    assertThat(tab.get("columns").get(1).get("min").asText()).isEqualTo("x y");
  }

  @Test
  void delimiterForcesTheSeparator() throws IOException {
    Path f = write("pipe.csv", "a|b;c\n1|2;3\n");
    assertThat(names(profile(f, "--delimiter", "|"))).containsExactly("a", "b;c");
    assertThat(names(profile(f, "--delimiter", "\\t"))).containsExactly("a|b;c");
    assertThat(run("csv", "--delimiter", "ab", f.toString())).isEqualTo(2);
  }

  @Test
  void aHeaderOnlyFileHasColumnsAndNoRowsAndAnEmptyFileSaysSo() throws IOException {
    JsonNode header = profile(write("header.csv", "a,b\n"));
    assertThat(header.get("rows").asLong()).isZero();
    assertThat(names(header)).containsExactly("a", "b");
    assertThat(header.get("columns").get(0).get("type").asText()).isEqualTo("empty");
    assertThat(header.get("error").isNull()).isTrue();
    Path empty = write("empty.csv", "");
    out.getBuffer().setLength(0);
    run("csv", "--backend", "threads", empty.toString(), write("ok.csv", "a\n1\n").toString());
    assertThat(out.toString()).contains("empty.csv: ").contains("empty file").contains("ok.csv: 1 rows, 1 columns");
  }

  @Test
  void fiveThousandColumnsAreProfiled() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 5_000; c++) {
        sb.append(c > 0 ? "," : "").append(r == 0 ? "c" + c : Integer.toString(r * c));
      }
      sb.append('\n');
    }
    JsonNode p = profile(write("wide.csv", sb.toString()));
    assertThat(p.get("rows").asLong()).isEqualTo(2);
    assertThat(p.get("columns").size()).isEqualTo(5_000);
    assertThat(p.get("columns").get(4_999).get("max").asText()).isEqualTo("9998");
    assertThat(p.get("problemCount").asLong()).isZero();
  }

  @Test
  void naNullAndEmptyAreMissingByDefaultAndNullSetsTheList() throws IOException {
    Path f = write("nulls.csv", "n,s\n1,a\nNA,NULL\n,b\n4,-\n");
    JsonNode p = profile(f);
    JsonNode n = p.get("columns").get(0);
    assertThat(n.get("type").asText()).isEqualTo("integer");
    assertThat(n.get("empty").asLong()).isEqualTo(2);
    assertThat(n.get("nonEmpty").asLong()).isEqualTo(2);
    assertThat(p.get("columns").get(1).get("empty").asLong()).isEqualTo(1);
    JsonNode custom = profile(f, "--null", "-,NULL");
    assertThat(custom.get("columns").get(0).get("type").asText()).isEqualTo("text");
    assertThat(custom.get("columns").get(1).get("empty").asLong()).isEqualTo(2);
  }

  @Test
  void oneBadFileNeverStopsTheOthers() throws IOException {
    write("good.csv", "a\n1\n");
    Files.write(dir.resolve("latin.csv"), "a\nCafé\n".getBytes(StandardCharsets.ISO_8859_1));
    write("bom.csv", "\uFEFFa;b\n1;2\n");
    int code = run("csv", "--backend", "processes", "--workers", "2", dir.toString());
    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).contains("good.csv: 1 rows, 1 columns").contains("latin.csv: ERROR not UTF-8")
        .contains("bom.csv: 1 rows, 2 columns");
  }
}
