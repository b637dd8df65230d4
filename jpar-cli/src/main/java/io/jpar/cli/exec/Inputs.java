package io.jpar.cli.exec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The command line of {@code jpar exec} split the way GNU parallel reads it: the command's words, then
 * input sources introduced by {@code :::} (arguments), {@code ::::} (files, {@code -} for standard input),
 * or their linking forms {@code :::+} / {@code ::::+} (paired with the source before instead of
 * crossed with it). Every source becomes a list of values; {@link #jobs} combines them.
 */
final class Inputs {
  private Inputs() {}

  /** One input source and how it combines with the one before it. */
  record Source(List<String> values, boolean linked) {}

  /** The command's words and its sources from the ::: / :::: part of the command line. */
  record Parsed(List<String> command, List<Source> sources) {}

  static Parsed split(List<String> words, Reading reading) throws IOException {
    List<String> command = new ArrayList<>();
    List<Source> sources = new ArrayList<>();
    int i = 0;
    while (i < words.size() && !isSeparator(words.get(i))) {
      command.add(words.get(i++));
    }
    while (i < words.size()) {
      String sep = words.get(i++);
      boolean linked = sep.endsWith("+");
      boolean files = sep.startsWith("::::");
      List<String> values = new ArrayList<>();
      while (i < words.size() && !isSeparator(words.get(i))) {
        String w = words.get(i++);
        if (files) {
          values.addAll(reading.file(w));
        } else {
          values.add(w);
        }
      }
      sources.add(new Source(values, linked));
    }
    return new Parsed(command, sources);
  }

  static boolean isSeparator(String w) {
    return w.equals(":::") || w.equals("::::") || w.equals(":::+") || w.equals("::::+");
  }

  /**
   * How input lines are read: split on newlines (a trailing CR dropped), on NUL ({@code -0}) or on a
   * delimiter ({@code -d}); an empty last record is no input.
   */
  record Reading(String delimiter) {
    List<String> file(String name) throws IOException {
      if (name.equals("-")) {
        return read(System.in);
      }
      Path p = Path.of(name);
      if (!Files.isReadable(p)) {
        throw new IOException("cannot read the input file " + name + " (missing or not readable)");
      }
      try (InputStream in = Files.newInputStream(p)) {
        return read(in);
      }
    }

    /** The records of {@code in}, read one at a time as they are asked for (stdin may be endless). */
    java.util.Iterator<String> stream(InputStream in) {
      if (delimiter == null) {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        return r.lines().iterator(); // newline, CRLF or CR; the last line may lack its newline
      }
      return new java.util.Scanner(in, StandardCharsets.UTF_8).useDelimiter(Pattern.quote(delimiter));
    }

    List<String> read(InputStream in) throws IOException {
      if (delimiter == null) {
        List<String> lines = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
        }
        return lines;
      }
      String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      List<String> parts = new ArrayList<>(List.of(all.split(Pattern.quote(delimiter), -1)));
      if (!parts.isEmpty() && parts.get(parts.size() - 1).isEmpty()) {
        parts.remove(parts.size() - 1);
      }
      return parts;
    }
  }

  /**
   * The jobs' arguments, in GNU parallel's order: sources are crossed (the last one varies fastest),
   * except that a linked source ({@code :::+}, or every source with {@code --link}) is paired with the
   * one before it, element by element; the shorter of a pair wraps around, as GNU parallel does.
   * Each job is one value per source group member, in source order.
   */
  static List<List<String>> jobs(List<Source> sources, boolean linkAll) {
    // Group linked sources: a group is a run of sources paired element-wise.
    List<List<List<String>>> groups = new ArrayList<>();
    for (int s = 0; s < sources.size(); s++) {
      Source src = sources.get(s);
      if (s > 0 && (src.linked() || linkAll)) {
        List<List<String>> group = groups.get(groups.size() - 1);
        group.add(src.values());
      } else {
        List<List<String>> group = new ArrayList<>();
        group.add(src.values());
        groups.add(group);
      }
    }
    // Each group is a list of tuples.
    List<List<List<String>>> tuplesPerGroup = new ArrayList<>();
    for (List<List<String>> group : groups) {
      int n = 0;
      for (List<String> v : group) {
        n = Math.max(n, v.size());
      }
      List<List<String>> tuples = new ArrayList<>();
      boolean empty = group.stream().anyMatch(List::isEmpty);
      for (int k = 0; k < n && !empty; k++) {
        List<String> t = new ArrayList<>();
        for (List<String> v : group) {
          t.add(v.get(k % v.size()));
        }
        tuples.add(t);
      }
      tuplesPerGroup.add(tuples);
    }
    List<List<String>> jobs = new ArrayList<>();
    jobs.add(List.of());
    for (List<List<String>> tuples : tuplesPerGroup) {
      List<List<String>> next = new ArrayList<>();
      for (List<String> prefix : jobs) {
        for (List<String> t : tuples) {
          List<String> j = new ArrayList<>(prefix);
          j.addAll(t);
          next.add(j);
        }
      }
      jobs = next;
    }
    return tuplesPerGroup.isEmpty() ? List.of() : jobs;
  }

  /** Splits one input into columns with {@code --colsep}: the columns become the sources {1}, {2}, ... */
  static List<List<String>> splitColumns(List<List<String>> jobs, Pattern colsep) {
    List<List<String>> out = new ArrayList<>(jobs.size());
    for (List<String> j : jobs) {
      List<String> cols = new ArrayList<>();
      for (String v : j) {
        cols.addAll(List.of(colsep.split(v, -1)));
      }
      out.add(cols);
    }
    return out;
  }
}
