package io.jpar.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpar.BackendKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/** {@code --backend}: the four words, what each parses into, and the message for a word that is none. */
class BackendChoiceTest {
  private static final Map<String, Optional<BackendKind>> WORDS = Map.of(
      "processes", Optional.of(BackendKind.WORKER_PROCESSES),
      "threads", Optional.of(BackendKind.PLATFORM_THREADS),
      "virtual", Optional.of(BackendKind.VIRTUAL_THREADS),
      "auto", Optional.empty());

  @Test
  void eachWordParsesIntoItsBackendKindOrAutoAndPrintsAsTheSameWord() {
    WORDS.forEach((word, kind) -> {
      CsvCommand csv = new CsvCommand();
      new CommandLine(csv).parseArgs("--backend", word, "x.csv");
      assertThat(csv.backend.kind()).as(word).isEqualTo(kind);
      assertThat(csv.backend.isAuto()).as(word).isEqualTo(kind.isEmpty());
      assertThat(csv.backend).as(word).hasToString(word);
    });
  }

  @Test
  void theDefaultsAreProcessesForCsvAndVirtualThreadsForFetch() {
    CsvCommand csv = new CsvCommand();
    new CommandLine(csv).parseArgs("x.csv");
    assertThat(csv.backend.is(BackendKind.WORKER_PROCESSES)).isTrue();
    FetchCommand fetch = new FetchCommand();
    new CommandLine(fetch).parseArgs("http://127.0.0.1/");
    assertThat(fetch.backend.is(BackendKind.VIRTUAL_THREADS)).isTrue();
  }

  @Test
  void aWordThatIsNoBackendIsAUsageErrorThatListsTheWords() {
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
        "csv", "--backend", "platform", "x.csv");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("Invalid value for option '--backend': expected processes, threads, virtual or auto, "
        + "but was 'platform'");
  }

  @Test
  void theWordsAreLowerCaseAndTheMessageSaysSo() {
    assertThatThrownBy(() -> new BackendChoice.Converter().convert("Threads"))
        .isInstanceOf(TypeConversionException.class).hasMessageEndingWith("but was 'Threads' (the words are lower case)");
  }

  @Test
  void everyBackendKindHasAWordAndShellCompletionOffersAllFour() {
    for (BackendKind kind : BackendKind.values()) {
      BackendChoice choice = BackendChoice.of(kind);
      assertThat(choice.kind()).contains(kind);
      assertThat(new BackendChoice.Converter().convert(choice.toString())).isSameAs(choice);
    }
    assertThat(new BackendChoice.Words()).containsExactly("processes", "threads", "virtual", "auto");
  }
}
