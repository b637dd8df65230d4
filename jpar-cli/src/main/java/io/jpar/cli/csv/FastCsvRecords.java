package io.jpar.cli.csv;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import java.io.IOException;
import java.io.Reader;
import java.util.Iterator;

/**
 * Records from FastCSV over decoded text: for the encodings whose bytes cannot be split before
 * decoding (UTF-16, Shift_JIS, ...). Same grammar as {@link ByteCsvReader}.
 */
final class FastCsvRecords implements CsvRecords {
  private final CsvReader<CsvRecord> csv;
  private final Iterator<CsvRecord> records;
  private CsvRecord current;

  FastCsvRecords(Reader text, char delimiter) {
    this.csv = CsvReader.builder().fieldSeparator(delimiter)
        .extraFieldStrategy(FieldMismatchStrategy.IGNORE).missingFieldStrategy(FieldMismatchStrategy.IGNORE)
        .allowUnclosedQuote(false).skipEmptyLines(true).ofCsvRecord(text);
    this.records = csv.iterator();
  }

  @Override
  public boolean next() throws IOException {
    try {
      if (!records.hasNext()) {
        return false;
      }
      current = records.next();
      return true;
    } catch (CsvParseException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new MalformedCsvException(e.getMessage());
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public long line() {
    return current.getStartingLineNumber();
  }

  @Override
  public int fieldCount() {
    return current.getFieldCount();
  }

  @Override
  public String field(int index) {
    return current.getField(index);
  }

  @Override
  public void close() throws IOException {
    csv.close();
  }
}
