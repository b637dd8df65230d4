package io.jpar.cli.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A command with GNU parallel's replacement strings, turned into the argv of one job.
 *
 * <p>Replacement strings: {@code {}} the input (all sources, space-separated), {@code {.}} without its
 * extension, {@code {/}} its base name, {@code {//}} its directory, {@code {/.}} the base name without
 * extension, {@code {#}} the job's number, {@code {%}} its slot, {@code {n}} (and {@code {n.}},
 * {@code {n/}}, {@code {n//}}, {@code {n/.}}) the n-th source. A command with none gets the inputs
 * appended.
 *
 * <p>Two ways to run: a command without shell syntax is executed directly, each word one argument,
 * values inserted as they are (nothing to quote, no shell to start: the cheap path). A command with
 * shell syntax (pipes, redirections, variables, globs, or a word holding spaces) runs through
 * {@code /bin/sh -c}, its words joined by spaces as GNU parallel does, every inserted value
 * single-quoted so that spaces, quotes, {@code $}, {@code *}, newlines and any bytes pass untouched.
 */
public final class Template {
  private static final Pattern REPLACEMENT = Pattern.compile("\\{(\\d*)(\\.|/|//|/\\.)?\\}|\\{#\\}|\\{%\\}");
  /** What makes a command need a shell. Braces are ours; '=' and '%' are harmless. */
  private static final Pattern SHELL_SYNTAX = Pattern.compile("[|&;<>()$`\\\\\"' \\t\\n*?\\[\\]~#]");

  private final List<String> words;
  private final boolean shell;
  private final boolean hasReplacement;

  Template(List<String> words) {
    if (words.isEmpty()) {
      throw new IllegalArgumentException("no command given: jpar exec COMMAND ::: INPUTS (or inputs on standard input)");
    }
    this.words = List.copyOf(words);
    this.shell = words.stream().anyMatch(w -> SHELL_SYNTAX.matcher(REPLACEMENT.matcher(w).replaceAll("")).find());
    this.hasReplacement = words.stream().anyMatch(w -> REPLACEMENT.matcher(w).find());
  }

  boolean usesShell() {
    return shell;
  }

  /** How a job's inputs fill the command: one input per source, or many arguments of one source. */
  public enum Fill {
    /** One value per input source: {} is all of them, {n} the n-th. */
    ONE,
    /** {@code -m}: many arguments; a word with {} gets them all, space-separated, in its one place. */
    MANY,
    /** {@code -X}: many arguments; a word with {} is repeated for each, its context around each. */
    MANY_CONTEXT
  }

  /** The argv of a job, filled as {@code fill} says. */
  List<String> argv(List<String> inputs, long seq, int slot, Fill fill) {
    if (fill == Fill.ONE) {
      return argv(inputs, seq, slot);
    }
    if (shell) {
      return List.of("/bin/sh", "-c", shellLine(inputs, seq, slot, fill));
    }
    List<String> argv = new ArrayList<>();
    for (String w : words) {
      if (!REPLACEMENT.matcher(w).find()) {
        argv.add(w);
      } else if (fill == Fill.MANY_CONTEXT || isOnlyReplacement(w)) {
        for (String arg : inputs) { // {} alone or -X: one argument per input, each in the word's context
          argv.add(substitute(w, List.of(arg), seq, slot, false));
        }
      } else {
        argv.add(expandMany(w, inputs, seq, slot, false));
      }
    }
    if (!hasReplacement) {
      argv.addAll(inputs);
    }
    return argv;
  }

  /** The shell line of a many-argument job: -X repeats each word with {} per input, -m joins the inputs. */
  String shellLine(List<String> inputs, long seq, int slot, Fill fill) {
    if (fill == Fill.ONE) {
      return shellLine(inputs, seq, slot);
    }
    StringBuilder sb = new StringBuilder();
    // The context of -X is the space-free run around {}, as in GNU parallel: a shell command given as one
    // word ('echo x{}y | tr x X') is split on spaces for that.
    List<String> tokens = fill == Fill.MANY_CONTEXT ? List.of(String.join(" ", words).split(" ", -1)) : words;
    for (String w : tokens) {
      if (!sb.isEmpty()) {
        sb.append(' ');
      }
      if (!REPLACEMENT.matcher(w).find()) {
        sb.append(w);
      } else if (fill == Fill.MANY_CONTEXT) {
        StringBuilder each = new StringBuilder();
        for (String arg : inputs) {
          if (!each.isEmpty()) {
            each.append(' ');
          }
          each.append(substitute(w, List.of(arg), seq, slot, true));
        }
        sb.append(each);
      } else {
        sb.append(expandMany(w, inputs, seq, slot, true));
      }
    }
    if (!hasReplacement) {
      for (String in : inputs) {
        sb.append(' ').append(quote(in));
      }
    }
    return sb.toString();
  }

  /**
   * -m: each replacement string in {@code word} becomes every input, modified as it says ({@code {.}}
   * strips each one's extension) and space-separated; {@code {#}} and {@code {%}} stay single values.
   */
  static String expandMany(String word, List<String> inputs, long seq, int slot, boolean quoted) {
    Matcher m = REPLACEMENT.matcher(word);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String all = m.group(0);
      String value;
      if (all.equals("{#}")) {
        value = Long.toString(seq);
      } else if (all.equals("{%}")) {
        value = Integer.toString(slot);
      } else {
        StringBuilder each = new StringBuilder();
        for (String in : inputs) {
          if (!each.isEmpty()) {
            each.append(' ');
          }
          String v = modify(in, m.group(2));
          each.append(quoted ? quote(v) : v);
        }
        m.appendReplacement(sb, Matcher.quoteReplacement(each.toString()));
        continue;
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(quoted ? quote(value) : value));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static boolean isOnlyReplacement(String w) {
    Matcher m = REPLACEMENT.matcher(w);
    return m.matches() && !w.equals("{#}") && !w.equals("{%}");
  }

  /** How long the fixed part of the command is, for sizing -X/-m groups. */
  int fixedLength() {
    int n = 0;
    for (String w : words) {
      n += w.length() + 1;
    }
    return n + (shell ? 16 : 0);
  }

  /** The argv of the job numbered {@code seq} (1-based) in slot {@code slot}, given its inputs. */
  List<String> argv(List<String> inputs, long seq, int slot) {
    if (!shell) {
      List<String> argv = new ArrayList<>(words.size() + inputs.size());
      for (String w : words) {
        argv.add(substitute(w, inputs, seq, slot, false));
      }
      if (!hasReplacement) {
        argv.addAll(inputs);
      }
      return argv;
    }
    return List.of("/bin/sh", "-c", shellLine(inputs, seq, slot));
  }

  /** The command as the shell (or a reader of the joblog) sees it. */
  String shellLine(List<String> inputs, long seq, int slot) {
    StringBuilder sb = new StringBuilder();
    for (String w : words) {
      if (!sb.isEmpty()) {
        sb.append(' ');
      }
      sb.append(substitute(w, inputs, seq, slot, true));
    }
    if (!hasReplacement) {
      for (String in : inputs) {
        sb.append(' ').append(quote(in));
      }
    }
    return sb.toString();
  }

  /** What the joblog and --dry-run show: the shell line, or the argv quoted as a shell would need it. */
  String display(List<String> inputs, long seq, int slot, Fill fill) {
    if (shell) {
      return shellLine(inputs, seq, slot, fill);
    }
    StringBuilder sb = new StringBuilder();
    for (String a : argv(inputs, seq, slot, fill)) {
      if (!sb.isEmpty()) {
        sb.append(' ');
      }
      sb.append(needsQuote(a) ? quote(a) : a);
    }
    return sb.toString();
  }

  /** Replaces the replacement strings in one word; {@code quoted} single-quotes each value for sh. */
  static String substitute(String word, List<String> inputs, long seq, int slot, boolean quoted) {
    Matcher m = REPLACEMENT.matcher(word);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String value;
      String all = m.group(0);
      if (all.equals("{#}")) {
        value = Long.toString(seq);
      } else if (all.equals("{%}")) {
        value = Integer.toString(slot);
      } else {
        String n = m.group(1);
        String base;
        if (n.isEmpty()) {
          base = String.join(" ", inputs);
        } else {
          int k = Integer.parseInt(n);
          base = k >= 1 && k <= inputs.size() ? inputs.get(k - 1) : "";
        }
        value = modify(base, m.group(2));
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(quoted ? quote(value) : value));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** The --tag / --tagstring prefix of a job's output lines (with its tab), or null without one. */
  static byte[] tagBytes(String tag, List<String> inputs, long seq) {
    return tag == null ? null
        : (substitute(tag, inputs, seq, 0, false) + "\t").getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String modify(String v, String modifier) {
    if (modifier == null) {
      return v;
    }
    return switch (modifier) {
      case "." -> noExtension(v);
      case "/" -> baseName(v);
      case "//" -> dirName(v);
      case "/." -> noExtension(baseName(v));
      default -> v;
    };
  }

  static String baseName(String v) {
    int slash = v.lastIndexOf('/');
    return slash < 0 ? v : v.substring(slash + 1);
  }

  static String dirName(String v) {
    int slash = v.lastIndexOf('/');
    return slash < 0 ? "." : slash == 0 ? "/" : v.substring(0, slash);
  }

  /** "dir/a.tar.gz" -> "dir/a.tar"; a dot that starts the base name or is in a directory is no extension. */
  static String noExtension(String v) {
    int slash = v.lastIndexOf('/');
    int dot = v.lastIndexOf('.');
    return dot > slash + 1 ? v.substring(0, dot) : v;
  }

  static boolean needsQuote(String s) {
    return s.isEmpty() || SHELL_SYNTAX.matcher(s).find() || !s.chars().allMatch(c -> c > ' ' && c < 127);
  }

  /** Single quotes for sh: everything inside is literal; a ' itself is closed, escaped and reopened. */
  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
