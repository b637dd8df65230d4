package io.jpar.cli.csv;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The profile of one file (or one slice of it): rows, columns, and what was wrong with it. A file
 * that could not be read at all has an {@code error} and no columns; a file with bad rows keeps its
 * good rows' figures and lists the first problems with their line numbers.
 */
public final class FileProfile implements Serializable {
  private static final long serialVersionUID = 1L;
  static final int MAX_LISTED_PROBLEMS = 5;

  final String file;
  long bytes;
  long rows;
  List<String> header = List.of();
  final List<ColumnStats> columns = new ArrayList<>();
  final List<String> problems = new ArrayList<>();
  long problemCount;
  String error;

  FileProfile(String file) {
    this.file = file;
  }

  void problem(String text) {
    problemCount++;
    if (problems.size() < MAX_LISTED_PROBLEMS) {
      problems.add(text);
    }
  }

  static FileProfile failed(String file, String error) {
    FileProfile p = new FileProfile(file);
    p.error = error;
    return p;
  }

  /** Appends a later slice of the same file. */
  void mergeSlice(FileProfile next) {
    bytes += next.bytes;
    rows += next.rows;
    for (int i = 0; i < Math.min(columns.size(), next.columns.size()); i++) {
      columns.get(i).merge(next.columns.get(i));
    }
    for (String p : next.problems) {
      if (problems.size() < MAX_LISTED_PROBLEMS) {
        problems.add(p);
      }
    }
    problemCount += next.problemCount;
    if (error == null) {
      error = next.error;
    }
  }

  public String file() {
    return file;
  }

  public long rows() {
    return rows;
  }

  public List<ColumnStats> columns() {
    return columns;
  }

  public List<String> problems() {
    return problems;
  }

  public long problemCount() {
    return problemCount;
  }

  public String error() {
    return error;
  }

  public boolean ok() {
    return error == null && problemCount == 0;
  }
}
