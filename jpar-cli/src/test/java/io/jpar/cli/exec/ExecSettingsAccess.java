package io.jpar.cli.exec;

/** Opens {@link ExecSettings}' package-private parsing to the command's tests. */
public final class ExecSettingsAccess {
  private ExecSettingsAccess() {}

  public static int jobsAtOnce(String spec, int jobCount) {
    return ExecSettings.jobsAtOnce(spec, jobCount);
  }
}
