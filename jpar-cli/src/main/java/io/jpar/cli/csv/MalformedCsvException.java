package io.jpar.cli.csv;

/**
 * The input breaks the CSV grammar (an unclosed quote, a character after a closing quote): the records
 * before it are good, the rest of the input cannot be trusted to be split right.
 */
final class MalformedCsvException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  MalformedCsvException(String message) {
    super(message);
  }
}
