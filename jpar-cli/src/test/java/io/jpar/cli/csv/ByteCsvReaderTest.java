package io.jpar.cli.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The byte reader splits records exactly as FastCSV (strict, empty lines skipped) splits the decoded
 * text: the same records, fields and starting lines, and an error at the same record — on the RFC 4180
 * corner cases written out here and on thousands of generated inputs made of the characters that
 * matter (delimiters, quotes, doubled quotes, CR, LF, CRLF, multi-byte UTF-8), read through buffers as
 * small as 16 bytes so that every token also falls on a buffer's edge.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ByteCsvReaderTest {
  private static final int[] BUFFERS = {16, 17, 31, 64, 1 << 20};

  @ParameterizedTest
  @ValueSource(strings = {
      "a,b\n1,2\n", "a,b\r\n1,2\r\n", "a,b\r1,2\r", "a,b\n1,2", "a,b\n\n\n1,2\n\n", "a,b\r\n\r\n1,2",
      "a,b\n\"x,y\",2\n", "a,b\n\"say \"\"hi\"\"\",2\n", "a,b\n\"two\nlines\",2\n3,4\n", "a,b\n\"cr\r\nlf\",2\n",
      "a,b\n12\" pipe,2\n", "a,b\nx\"\"y,2\n", "a,b\n\"\",\"\"\n", "a,b\n,\n", "a,b\n1,2,\n", "a,b\n1\n",
      "a,b\n1,2,3,4\n", "a,b\n   \n", "a,b\n\"ab\"cd,x\n", "a,b\n\"a\" ,b\n", "a,b\n\"unclosed,2\n5,6\n",
      "a,b\n1,2\n\"", "a\n\"\"\n", "a\n,\n", "", "\n\n", "a", "\"a\"", "a,b\n1,\"\"\"\"\n",
      "a,b\n\"x\"\r\n\"y\"\r", "a,b\n1,2\r\n\r\n\r\n", "é,ü\n\"ï\",ô\n"})
  void splitsTheCornerCasesAsFastCsvDoes(String input) throws IOException {
    for (int buffer : BUFFERS) {
      assertThat(byteReader(input, buffer)).as("%s through a %d-byte buffer", printable(input), buffer)
          .isEqualTo(fastCsv(input));
    }
  }

  @Test
  void splitsGeneratedInputAsFastCsvDoes() throws IOException {
    String[] tokens = {"a", "1", "xyz", ",", ",", "\"", "\"\"", "\n", "\r", "\r\n", " ", "é", "日本", ";", "\t"};
    SplittableRandom random = new SplittableRandom(2026);
    for (int n = 0; n < 3_000; n++) {
      StringBuilder s = new StringBuilder();
      int length = random.nextInt(40);
      for (int i = 0; i < length; i++) {
        s.append(tokens[random.nextInt(tokens.length)]);
      }
      String input = s.toString();
      List<String> expected = fastCsv(input);
      for (int buffer : BUFFERS) {
        assertThat(byteReader(input, buffer)).as("%s through a %d-byte buffer", printable(input), buffer)
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void aUtf8ByteOrderMarkIsSkippedAtTheStartOfAFileOnly() throws IOException {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'a', ',', 'b', '\n', '1', ',', '2', '\n'};
    try (ByteCsvReader r = new ByteCsvReader(new ByteArrayInputStream(bom), ',', StandardCharsets.UTF_8, true, 16)) {
      assertThat(r.next()).isTrue();
      assertThat(r.field(0)).isEqualTo("a");
    }
    try (ByteCsvReader r = new ByteCsvReader(new ByteArrayInputStream(bom), ',', StandardCharsets.UTF_8, false, 16)) {
      assertThat(r.next()).isTrue();
      assertThat(r.field(0)).isEqualTo("\uFEFFa"); // a later slice of a file has no mark to skip
    }
  }

  @Test
  void bytesThatAreNotUtf8AreReportedNotReplaced() throws IOException {
    byte[] latin1 = {'a', '\n', 'c', 'a', 'f', (byte) 0xE9, '\n'};
    try (ByteCsvReader r = new ByteCsvReader(new ByteArrayInputStream(latin1), ',', StandardCharsets.UTF_8, true, 64)) {
      assertThat(r.next()).isTrue();
      assertThat(r.next()).isTrue();
      assertThatThrownBy(() -> r.field(0)).isInstanceOf(CharacterCodingException.class);
    }
    try (ByteCsvReader r = new ByteCsvReader(new ByteArrayInputStream(latin1), ',', StandardCharsets.ISO_8859_1, true,
        64)) {
      r.next();
      r.next();
      assertThat(r.field(0)).isEqualTo("café");
    }
    byte[] realReplacementChar = "a\n\uFFFD\n".getBytes(StandardCharsets.UTF_8);
    try (ByteCsvReader r = new ByteCsvReader(new ByteArrayInputStream(realReplacementChar), ',', StandardCharsets.UTF_8,
        true, 64)) {
      r.next();
      r.next();
      assertThat(r.field(0)).isEqualTo("\uFFFD");
    }
  }

  @Test
  void theHashFromBytesIsTheHashOfTheStrippedStringOrLeftToTheCaller() throws IOException {
    String input = "a,b,c,d,e,f,g\n plain ,\t tabbed\u000b\u001f,\"quoted\",\"dou\"\"bled\",caf\u00e9, ,\n";
    try (ByteCsvReader r = new ByteCsvReader(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), ',',
        StandardCharsets.UTF_8, false, 64)) {
      r.next();
      r.next();
      for (int i = 0; i < 4; i++) {
        assertThat(r.strippedHash(i)).as("field %d", i).isEqualTo(TopValues.hash(r.field(i).strip()));
        assertThat(r.strippedAscii(i).toString()).as("field %d", i).isEqualTo(r.field(i).strip());
      }
      assertThat(r.strippedAscii(3).toString()).as("doubled quotes: one of each pair").isEqualTo("dou\"bled");
      assertThat(r.strippedHash(4)).as("not ASCII: left to the caller").isEqualTo(TopValues.NO_HASH);
      assertThat(r.strippedHash(5)).isEqualTo(TopValues.hash("")).isEqualTo(TopValues.hash(r.field(5).strip()));
      assertThat(r.strippedHash(6)).isEqualTo(TopValues.hash(""));
    }
  }

  @Test
  void aFieldWithDoubledQuotesLongerThanTheCopyBufferIsViewedWhole() throws IOException {
    String text = " \"\"" + "x".repeat(1_000) + "\"\"\t";
    String input = "a,b\n\"" + text + "\",\"\"\"\"\n";
    try (ByteCsvReader r = new ByteCsvReader(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), ',',
        StandardCharsets.UTF_8, false, 64)) {
      r.next();
      r.next();
      String expected = "\"" + "x".repeat(1_000) + "\"";
      assertThat(r.strippedAscii(0).toString()).isEqualTo(expected).isEqualTo(r.field(0).strip());
      assertThat(r.strippedHash(0)).isEqualTo(TopValues.hash(expected));
      assertThat(r.strippedAscii(1).toString()).isEqualTo("\"").isEqualTo(r.field(1));
    }
  }

  @Test
  void aRecordLongerThanTheBufferGrowsIt() throws IOException {
    String big = "x".repeat(100_000);
    String input = "a,b\n\"" + big + "\",2\n3,4\n";
    assertThat(byteReader(input, 16)).isEqualTo(fastCsv(input));
  }

  @Test
  void onlyEncodingsThatKeepAsciiAsAsciiAreReadAsBytes() {
    assertThat(ByteCsvReader.canRead(StandardCharsets.UTF_8, ',')).isTrue();
    assertThat(ByteCsvReader.canRead(StandardCharsets.ISO_8859_1, ';')).isTrue();
    assertThat(ByteCsvReader.canRead(Charset.forName("windows-1252"), '\t')).isTrue();
    assertThat(ByteCsvReader.canRead(StandardCharsets.UTF_16, ',')).isFalse();
    assertThat(ByteCsvReader.canRead(Charset.forName("Shift_JIS"), ',')).isFalse();
    assertThat(ByteCsvReader.canRead(StandardCharsets.UTF_8, '§')).isFalse();
  }

  /** The records as "line:[fields]", then "ERROR" if the input broke the grammar. */
  private static List<String> byteReader(String input, int buffer) throws IOException {
    List<String> out = new ArrayList<>();
    byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
    try (ByteCsvReader r = new ByteCsvReader(new ByteArrayInputStream(bytes), ',', StandardCharsets.UTF_8, false,
        buffer)) {
      while (r.next()) {
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < r.fieldCount(); i++) {
          fields.add(r.field(i));
        }
        out.add(r.line() + ":" + fields);
      }
    } catch (MalformedCsvException e) {
      out.add("ERROR");
    }
    return out;
  }

  private static List<String> fastCsv(String input) throws IOException {
    List<String> out = new ArrayList<>();
    try (CsvReader<CsvRecord> csv = CsvReader.builder().fieldSeparator(',')
        .extraFieldStrategy(FieldMismatchStrategy.IGNORE).missingFieldStrategy(FieldMismatchStrategy.IGNORE)
        .allowUnclosedQuote(false).skipEmptyLines(true).ofCsvRecord(new StringReader(input))) {
      for (CsvRecord r : csv) {
        out.add(r.getStartingLineNumber() + ":" + r.getFields());
      }
    } catch (CsvParseException e) {
      out.add("ERROR");
    }
    return out;
  }

  private static String printable(String s) {
    return s.replace("\r", "\\r").replace("\n", "\\n");
  }
}
