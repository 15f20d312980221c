package org.clusterdb.core.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The names a certificate is for: a common name plus DNS names and IP addresses for its subject
 * alternative names. Validated on construction; IP addresses are parsed as literals, never looked
 * up.
 *
 * @param commonName the subject's CN
 * @param dnsNames FQDNs, each optionally with a leading {@code *.} wildcard label
 * @param ipAddresses IPv4 or IPv6 literals
 */
public record SubjectNames(String commonName, List<String> dnsNames, List<String> ipAddresses) {
  private static final Pattern LABEL =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  public SubjectNames {
    dnsNames = List.copyOf(dnsNames);
    ipAddresses = List.copyOf(ipAddresses);
    List<String> problems = new ArrayList<>();
    if (commonName == null || commonName.isBlank()) {
      problems.add("cn: required");
    }
    if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
      problems.add("dns: give at least one DNS name or IP address for the certificate to name");
    }
    for (String n : dnsNames) {
      if (!isDnsName(n)) {
        problems.add("dns: '" + n + "' is not a DNS name (labels of letters, digits and '-')");
      }
    }
    for (String ip : ipAddresses) {
      if (parseIp(ip) == null) {
        problems.add("ip: '" + ip + "' is not an IPv4 or IPv6 address");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** Names with the first DNS name (or else the first IP address) as the common name. */
  public static SubjectNames of(List<String> dnsNames, List<String> ipAddresses) {
    String cn =
        !dnsNames.isEmpty() ? dnsNames.get(0) : ipAddresses.isEmpty() ? null : ipAddresses.get(0);
    return new SubjectNames(cn, dnsNames, ipAddresses);
  }

  static boolean isDnsName(String name) {
    String n = name.startsWith("*.") ? name.substring(2) : name;
    if (n.endsWith(".")) {
      n = n.substring(0, n.length() - 1);
    }
    if (n.isEmpty() || n.length() > 253 || parseIp(n) != null) {
      return false;
    }
    for (String label : n.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  /** The address of an IP literal; null for anything else. Never resolves a name. */
  static InetAddress parseIp(String text) {
    String s =
        text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    boolean v4 = IPV4.matcher(s).matches();
    boolean v6 = s.indexOf(':') >= 0 && s.matches("[0-9A-Fa-f:.]+");
    if (!v4 && !v6) {
      return null;
    }
    if (v4) {
      for (String part : s.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          return null;
        }
      }
    }
    try {
      // A literal: getByName parses it without a lookup.
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Lower case, without a trailing dot: how names are compared. */
  static String normalize(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }
}
