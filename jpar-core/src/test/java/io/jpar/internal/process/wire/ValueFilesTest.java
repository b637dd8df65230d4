package io.jpar.internal.process.wire;

import static io.jpar.internal.process.wire.MessageRoundTripTest.CODEC;
import static io.jpar.internal.process.wire.MessageRoundTripTest.bytesOf;
import static io.jpar.internal.process.wire.MessageRoundTripTest.encode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Big values through files ({@link ValueFiles}), on the wire: a block sent with its big values spilled
 * to files arrives equal, each direction's reader reading and deleting the files; values under the
 * threshold, other kinds of block, and values whose file cannot be written take the pipe; and a
 * {@code FILES} block that names any file but one of the peer's own in the pool's directory, or a
 * length its file does not have, is refused naming the field, leaving that file alone.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ValueFilesTest {
  private static final int THRESHOLD = 1 << 16;
  private static final String SELF = SharedFiles.ownerTag(ProcessHandle.current());

  @TempDir Path dir;

  /** Files written by this JVM and read back by it: it is both the sender and the peer the reader expects. */
  private ValueFiles files() {
    return ValueFiles.of(dir, THRESHOLD, SELF);
  }

  @Test
  void bigByteArraysGoThroughFilesBothWaysAndArriveEqualWithTheFilesGone() throws Exception {
    byte[] big = random(3 << 20, 1);
    byte[] atThreshold = random(THRESHOLD, 2);
    byte[] small = random(THRESHOLD - 1, 3);
    ValueFiles.Spilled spilled = files().spill(encode(big, small, atThreshold, new byte[0]));
    assertThat(spilled.files()).as("one file per value at the threshold or above").hasSize(2);
    assertThat(spilled.block().length()).as("what crosses the pipe").isLessThan(small.length + 1024);
    assertThat(listDir()).containsExactlyInAnyOrderElementsOf(spilled.files());

    Results back = (Results) Message.ToParent.readFrom(stream(new Results(3, 0, true, 0, 0, spilled.block())), files());
    assertThat(Values.read(back.values(), CODEC)).containsExactly(big, small, atThreshold, new byte[0]);
    assertThat(listDir()).as("files left after the read").isEmpty();

    ValueFiles.Spilled in = files().spill(encode(big, big));
    RunBatch batch = (RunBatch) Message.ToWorker.readFrom(stream(new RunBatch(1, 2, new byte[0], in.block())), files());
    assertThat(Values.read(batch.inputs(), CODEC)).containsExactly(big, big);
    assertThat(listDir()).isEmpty();
  }

  @Test
  void readingAFileCountsAsHearingFromThePeerSliceBySlice() throws Exception {
    // The caller notes a worker's liveness by the bytes it reads; a long file read is not silence.
    java.util.concurrent.atomic.AtomicInteger heard = new java.util.concurrent.atomic.AtomicInteger();
    ValueFiles listening = ValueFiles.of(dir, THRESHOLD, null).withPeer(SELF, heard::incrementAndGet);
    ValueFiles.Spilled spilled = listening.spill(encode((Object) new byte[(3 << 20) + 1]));
    Message.ToParent.readFrom(stream(new Results(3, 0, true, 0, 0, spilled.block())), listening);
    assertThat(heard.get()).as("slices of 1 MiB read").isGreaterThanOrEqualTo(4);
  }

  @Test
  void bigStringsGoThroughFilesToo() throws Exception {
    String big = "héllo wörld 😀 ".repeat(THRESHOLD / 8);
    ValueFiles.Spilled spilled = files().spill(encode(big, "small"));
    assertThat(spilled.files()).hasSize(1);
    Results back = (Results) Message.ToParent.readFrom(stream(new Results(3, 0, true, 0, 0, spilled.block())), files());
    assertThat(Values.read(back.values(), CODEC)).containsExactly(big, "small");
    assertThat(listDir()).isEmpty();
  }

  @Test
  void otherBlocksAndSmallValuesAndAPoolWithFilesOffKeepThePipe() throws Exception {
    EncodedValues ints = encode(1, 2, 3);
    assertThat(files().spill(ints).block()).isSameAs(ints);
    EncodedValues longs = encode((Object) new long[THRESHOLD]);
    assertThat(files().spill(longs).files()).as("primitive arrays keep the pipe").isEmpty();
    EncodedValues small = encode(new byte[10], new byte[THRESHOLD - 1]);
    assertThat(files().spill(small).block()).isSameAs(small);
    EncodedValues big = encode((Object) new byte[THRESHOLD]);
    assertThat(ValueFiles.off().spill(big).block()).isSameAs(big);
    assertThat(ValueFiles.of(dir, 0, SELF).spill(big).block()).isSameAs(big);
    assertThat(listDir()).isEmpty();
  }

  @Test
  void aValueWhoseFileCannotBeWrittenTakesThePipe() throws Exception {
    byte[] big = random(THRESHOLD * 2, 4);
    Path notADirectory = Files.write(dir.resolve("plain-file"), new byte[1]);
    Path missing = dir.resolve("no-such-directory");
    for (Path where : List.of(notADirectory, missing)) {
      ValueFiles unwritable = ValueFiles.of(where, THRESHOLD, SELF);
      ValueFiles.Spilled spilled = unwritable.spill(encode(big, big));
      assertThat(spilled.files()).as("files written in %s", where).isEmpty();
      Results back = (Results) Message.ToParent.readFrom(stream(new Results(3, 0, true, 0, 0, spilled.block())), unwritable);
      assertThat(Values.read(back.values(), CODEC)).containsExactly(big, big);
    }
    assertThat(listDir()).containsExactly(notADirectory);
  }

  @Test
  void aFileThatIsNotOneOfThePeersFilesInThePoolsDirectoryIsRefusedAndLeftAlone() throws Exception {
    Path outside = Files.write(Files.createTempFile("not-a-value-file", ".bin"), new byte[] {1, 2, 3});
    try {
      assertRefused(outside.toString(), 3, "file path '" + outside + "' is not one of this pool's value files");
      assertThat(outside).exists();
      Path othersFile = Files.write(dir.resolve(SharedFiles.prefixOf("1-2") + UUID.randomUUID()), new byte[3]);
      assertRefused(othersFile.toString(), 3, "is not one of this pool's value files");
      assertThat(othersFile).as("another owner's file").exists();
      Path notRandom = Files.write(dir.resolve(SharedFiles.prefixOf(SELF) + "x"), new byte[3]);
      assertRefused(notRandom.toString(), 3, "is not one of this pool's value files");
      assertRefused(dir + "/" + SharedFiles.prefixOf(SELF) + UUID.randomUUID() + "/../../" + outside.getFileName(), 3,
          "is not one of this pool's value files");
      assertRefused("relative/" + SharedFiles.prefixOf(SELF) + UUID.randomUUID(), 3, "is not one of this pool's value files");
      Path link = dir.resolve(SharedFiles.prefixOf(SELF) + UUID.randomUUID());
      Files.createSymbolicLink(link, outside);
      assertRefused(link.toString(), 3, "file path: cannot read " + link);
      assertThat(outside).as("the file a link pointed at").exists();
      assertThatThrownBy(() -> read(block(outside.toString(), 3), ValueFiles.off()))
          .isInstanceOf(Frame.ProtocolException.class).hasMessageContaining("file path: a value came in a file");
    } finally {
      Files.delete(outside);
    }
  }

  @Test
  void aLengthItsFileDoesNotHaveOrAMissingFileIsRefusedNamingTheField() throws Exception {
    Path file = Files.write(dir.resolve(SharedFiles.prefixOf(SELF) + UUID.randomUUID()), new byte[100]);
    assertRefused(file.toString(), Integer.MAX_VALUE, "byte[] length 2147483647 does not match its file");
    assertThat(file).as("a file of ours, refused: deleted, it will never be read").doesNotExist();
    assertRefused(file.toString(), 100, "file path: cannot read " + file);
    byte[] negativeLength = block(file.toString(), 100);
    negativeLength[1 + 4 + 1] = (byte) 0x80; // the first value's length
    assertThatThrownBy(() -> read(negativeLength, files())).isInstanceOf(Frame.ProtocolException.class)
        .hasMessageContaining("byte[] length").hasMessageContaining("is negative");
    byte[] badKind = block(file.toString(), 100);
    badKind[1 + 4] = 3;
    assertThatThrownBy(() -> read(badKind, files())).isInstanceOf(Frame.ProtocolException.class)
        .hasMessageContaining("file block kind 3");
  }

  private void assertRefused(String path, int length, String message) {
    assertThatThrownBy(() -> read(block(path, length), files()))
        .isInstanceOf(Frame.ProtocolException.class).hasMessageContaining("RESULTS frame").hasMessageContaining(message);
  }

  /** A FILES block of one byte[] said to be in the file {@code path}, {@code length} bytes long. */
  private static byte[] block(String path, int length) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(buf);
    out.writeByte(Values.FILES);
    out.writeInt(1);
    out.writeByte(Values.BYTES);
    out.writeInt(length);
    out.writeBoolean(true);
    byte[] name = path.getBytes(StandardCharsets.UTF_8);
    out.writeInt(name.length);
    out.write(name);
    return buf.toByteArray();
  }

  /** The block as the values of a RESULTS frame, read from a stream by the parent's reader. */
  private static Object[] read(byte[] block, ValueFiles files) throws Exception {
    Results r = new Results(1, 0, true, 0, 0, EncodedValues.streamed(out -> out.write(block), block.length, 1));
    return Values.read(((Results) Message.ToParent.readFrom(stream(r), files)).values(), CODEC);
  }

  private static DataInputStream stream(Message m) throws IOException {
    return new DataInputStream(new ByteArrayInputStream(bytesOf(m)));
  }

  private List<Path> listDir() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }
}
