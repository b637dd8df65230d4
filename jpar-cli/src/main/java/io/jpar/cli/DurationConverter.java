package io.jpar.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads durations as people type them: 500ms, 10s, 2m, 1h, or ISO-8601 (PT10S). */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String v = value.trim().toLowerCase(java.util.Locale.ROOT);
    try {
      Duration d;
      if (v.startsWith("pt")) {
        d = Duration.parse(v.toUpperCase(java.util.Locale.ROOT));
      } else if (v.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      } else if (v.endsWith("s")) {
        d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
      } else if (v.endsWith("m")) {
        d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
      } else if (v.endsWith("h")) {
        d = Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
      } else {
        throw new TypeConversionException("'" + value + "' needs a unit: 500ms, 10s, 2m or 1h");
      }
      if (d.isNegative() || d.isZero()) {
        throw new TypeConversionException("'" + value + "' must be positive");
      }
      return d;
    } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
      throw new TypeConversionException("'" + value + "' is not a duration like 500ms, 10s, 2m or 1h");
    }
  }
}
