package org.clusterdb.core.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.clusterdb.api.ClusteringSettings;

/**
 * Turns peer hosts into IP addresses as this peer does: through the cluster address mapping first,
 * when it is enabled, then DNS. Peers are always named by their configured host (the FQDN), so that
 * TLS checks the certificate against that name whatever address it resolves to.
 *
 * <p>The mapping is read from {@code source} at every lookup: the mapping changes as the admin
 * saves it. Thread-safe if {@code source} is.
 */
public final class PeerResolver {
  private final String memberId;
  private final Supplier<ClusteringSettings> source;

  /**
   * @param memberId the member resolving, for logs
   * @param source the settings whose mapping applies now; never null
   */
  public PeerResolver(String memberId, Supplier<ClusteringSettings> source) {
    this.memberId = Objects.requireNonNull(memberId, "memberId");
    this.source = Objects.requireNonNull(source, "source");
  }

  public String memberId() {
    return memberId;
  }

  /**
   * The address the mapping gives {@code host}; empty when the mapping is off or has no entry for
   * it. Names compare case-insensitively, a trailing dot ignored. Never looks anything up.
   */
  public Optional<InetAddress> mapped(String host) {
    return lookup(source.get(), host);
  }

  /** As {@link #mapped}, in {@code settings}' mapping. */
  public static Optional<InetAddress> lookup(ClusteringSettings settings, String host) {
    if (!settings.addressMapping() || host == null) {
      return Optional.empty();
    }
    String name = SubjectNames.normalize(host);
    for (Map.Entry<String, String> m : settings.mappings().entrySet()) {
      if (SubjectNames.normalize(m.getKey()).equals(name)) {
        InetAddress ip = SubjectNames.parseIp(m.getValue());
        if (ip == null) {
          return Optional.empty();
        }
        try {
          // Carries the name with the address, as a DNS answer would; no lookup.
          return Optional.of(InetAddress.getByAddress(host, ip.getAddress()));
        } catch (UnknownHostException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /**
   * {@code host}'s address: from the mapping, else an IP literal as it is, else from DNS (through
   * the JVM's cache).
   *
   * @throws UnknownHostException if neither the mapping nor DNS knows {@code host}
   */
  public InetAddress resolve(String host) throws UnknownHostException {
    Optional<InetAddress> m = mapped(host);
    return m.isPresent() ? m.get() : InetAddress.getByName(host);
  }
}
