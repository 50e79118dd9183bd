package dev.slipway.release;

import java.util.regex.Pattern;

/**
 * The strict grammars for manifest values that reach a command line or an AWS name. Build commands
 * are run as argv (never through a shell), and these grammars additionally keep every value to
 * characters that cannot start a flag, split an argument inside {@code -ldflags}, or quote.
 */
public final class ManifestGrammar {
  private ManifestGrammar() {}

  /** A DNS label: lower-case letters, digits and inner hyphens, 1-63 characters. */
  public static final Pattern SERVICE = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

  /**
   * A relative package directory: {@code .} or {@code ./seg/seg}; no {@code ..}, no leading dash.
   */
  public static final Pattern MAIN =
      Pattern.compile("\\.(?:/[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}){0,16}");

  /** A file inside the tree: relative segments, no leading dot or dash (so no {@code ..}). */
  public static final Pattern TREE_FILE =
      Pattern.compile(
          "(?:[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}/){0,16}[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}");

  /** A Go build tag: letters, digits, underscore and dot, not starting with a dot or digit-only. */
  public static final Pattern TAG = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]{0,63}");

  /** The target of a {@code -X} flag: {@code import/path.name}. */
  public static final Pattern XFLAG_NAME =
      Pattern.compile(
          "[A-Za-z_][A-Za-z0-9_.~-]{0,99}(?:/[A-Za-z0-9_][A-Za-z0-9_.~-]{0,99}){0,16}"
              + "\\.[A-Za-z_][A-Za-z0-9_]{0,99}");

  /**
   * The value of a {@code -X} flag: no spaces, quotes, backslashes or shell metacharacters, since
   * {@code go build} splits {@code -ldflags} on spaces and honours quotes.
   */
  public static final Pattern XFLAG_VALUE = Pattern.compile("[A-Za-z0-9._:/+@=,-]{0,200}");

  /** A release id as it appears in {@code -X main.version=...} and in ledger keys. */
  public static final Pattern RELEASE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** An image reference pinned by digest: {@code registry/repo[:tag]@sha256:<64 hex>}. */
  public static final Pattern PINNED_IMAGE =
      Pattern.compile(
          "[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]{1,5})?"
              + "(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*){1,8}"
              + "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"
              + "@sha256:[a-f0-9]{64}");

  /** A user name for {@code /etc/passwd}. */
  public static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");

  /** An HTTP path for a health check: absolute, unreserved characters only. */
  public static final Pattern HTTP_PATH = Pattern.compile("/[A-Za-z0-9._~/-]{0,254}");

  /**
   * An exact Go release ({@code 1.26.8}): the compile build fetches exactly this one (same source +
   * same Go = same bytes), so a minor line ({@code 1.26}) or {@code latest} is not one.
   */
  public static final Pattern GO_VERSION =
      Pattern.compile("[1-9][0-9]{0,2}\\.[0-9]{1,3}\\.[0-9]{1,3}");

  /** An ECS cluster, service or container name. */
  public static final Pattern ECS_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,254}");

  /** A vulnerability id: CVE-2024-1234, GHSA-xxxx-xxxx-xxxx, GO-2024-1234. */
  public static final Pattern FINDING_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  /** A reason a person wrote: printable text without control characters. */
  public static final Pattern REASON = Pattern.compile("[^\\p{Cntrl}]{1,500}");
}
