package io.jpar.cli.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A column's lexical min and max, offered as reader bytes and as Strings, agree with String order. */
class TextBoundTest {

  @Test
  void boundsOfBytesAndStringsAreTheLeastAndGreatestInStringOrderAndSurviveTravel() throws Exception {
    SplittableRandom random = new SplittableRandom(9);
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      values.add(Integer.toString(10_000_000 + i)); // increasing ids: a new maximum on every row
    }
    for (int i = 0; i < 2_000; i++) {
      values.add(random.nextBoolean() ? "w" + random.nextInt(100) : "caf\u00e9 " + random.nextInt(100));
    }
    values.add("");
    values.add("zz");
    values.add("zz\u00e9");
    TextBound least = TextBound.least();
    TextBound greatest = TextBound.greatest();
    AsciiField view = new AsciiField();
    for (String v : values) {
      if (v.chars().allMatch(c -> c < 0x80)) {
        byte[] buffer = ("," + v + ",").getBytes(StandardCharsets.US_ASCII);
        least.offer(view.set(buffer, 1, buffer.length - 1));
        greatest.offer(view.set(buffer, 1, buffer.length - 1));
        java.util.Arrays.fill(buffer, (byte) '~'); // the reader moves on
      } else {
        least.offer((CharSequence) v);
        greatest.offer((CharSequence) v);
      }
    }
    assertThat(least.value()).isEqualTo(values.stream().min(Comparator.naturalOrder()).orElseThrow()).isEmpty();
    assertThat(greatest.value()).isEqualTo(values.stream().max(Comparator.naturalOrder()).orElseThrow())
        .isEqualTo("zz\u00e9");
    TextBound ids = TextBound.greatest();
    for (String v : values.subList(0, 5_000)) {
      byte[] buffer = v.getBytes(StandardCharsets.US_ASCII);
      ids.offer(view.set(buffer, 0, buffer.length));
    }
    var bytes = new ByteArrayOutputStream();
    try (var out = new ObjectOutputStream(bytes)) {
      out.writeObject(ids);
    }
    try (var in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      TextBound travelled = (TextBound) in.readObject();
      assertThat(travelled.value()).isEqualTo("10004999");
      travelled.offer("10005000");
      assertThat(travelled.value()).isEqualTo("10005000");
    }
    assertThat(TextBound.least().value()).isNull();
  }

  @Test
  void bytesCompareAsTheirStringsDoWhateverTheirLengthsAndPlaceInTheBuffer() {
    SplittableRandom random = new SplittableRandom(4);
    AsciiField view = new AsciiField();
    for (int n = 0; n < 200_000; n++) {
      String a = word(random);
      String b = random.nextInt(4) == 0 ? a : random.nextBoolean() ? a + word(random) : word(random);
      // the field at the very end of its buffer sometimes (no eight bytes to read past it), the other in a roomy one
      byte[] buffer = ((random.nextBoolean() ? "" : "xyz,") + a).getBytes(StandardCharsets.US_ASCII);
      view.set(buffer, buffer.length - a.length(), buffer.length);
      byte[] other = java.util.Arrays.copyOf(b.getBytes(StandardCharsets.US_ASCII), b.length() + random.nextInt(10));
      assertThat(Integer.signum(view.compareTo(other, b.length()))).as("%s vs %s", a, b)
          .isEqualTo(Integer.signum(a.compareTo(b)));
    }
  }

  private static String word(SplittableRandom random) {
    StringBuilder s = new StringBuilder();
    int n = random.nextInt(20);
    for (int i = 0; i < n; i++) {
      s.append((char) (random.nextBoolean() ? '0' + random.nextInt(3) : random.nextInt(0x20, 0x7f)));
    }
    return s.toString();
  }
}
