package org.clusterdb.api;

import java.util.Objects;
import java.util.Optional;

/**
 * One peer of the cluster as another peer sees it, in the manner of the appliance's clustering
 * page.
 *
 * @param index the peer's 1-based position in the peer list
 * @param memberId the peer's member id
 * @param address the peer's configured peer-to-peer address, {@code host:port}
 * @param state how this peer sees it
 * @param resolvedAddress the IP address its host name resolved to, if it did
 * @param appliedIndex the last log index the peer reported applied; -1 if unknown
 * @param lag how many committed entries the peer has yet to apply; -1 if unknown, as it is for a
 *     peer that is not {@link State#ACTIVE}
 * @param certificate the status of the certificate the peer presented over TLS, checked as Enforce
 *     mode checks it ("Valid" or "Invalid (reason)"), if one has been checked
 * @param softwareVersion the software version the peer runs, as it last published it to the
 *     cluster; empty if it has not (yet)
 */
public record PeerStatus(
    int index,
    String memberId,
    String address,
    State state,
    Optional<String> resolvedAddress,
    long appliedIndex,
    long lag,
    Optional<String> certificate,
    Optional<String> softwareVersion) {

  /** A peer's clustering state. */
  public enum State {
    /** The peer giving the status. */
    THIS_SYSTEM,
    /** Answered within the failure timeout. */
    ACTIVE,
    /** Has not answered within the failure timeout. */
    FAILED,
    /** Not heard from yet, and the failure timeout has not yet passed. */
    UNKNOWN
  }

  public PeerStatus {
    if (index < 1) {
      throw new IllegalArgumentException("index must be 1 or more: " + index);
    }
    Objects.requireNonNull(memberId, "memberId");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(resolvedAddress, "resolvedAddress");
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(softwareVersion, "softwareVersion");
  }

  /** A status without a software version. */
  public PeerStatus(
      int index,
      String memberId,
      String address,
      State state,
      Optional<String> resolvedAddress,
      long appliedIndex,
      long lag,
      Optional<String> certificate) {
    this(
        index,
        memberId,
        address,
        state,
        resolvedAddress,
        appliedIndex,
        lag,
        certificate,
        Optional.empty());
  }

  /** A status with no certificate checked yet. */
  public PeerStatus(
      int index,
      String memberId,
      String address,
      State state,
      Optional<String> resolvedAddress,
      long appliedIndex,
      long lag) {
    this(index, memberId, address, state, resolvedAddress, appliedIndex, lag, Optional.empty());
  }

  /** This status with {@code certificate}. */
  public PeerStatus withCertificate(Optional<String> certificate) {
    return new PeerStatus(
        index,
        memberId,
        address,
        state,
        resolvedAddress,
        appliedIndex,
        lag,
        certificate,
        softwareVersion);
  }

  /** This status with {@code softwareVersion}. */
  public PeerStatus withSoftwareVersion(Optional<String> softwareVersion) {
    return new PeerStatus(
        index,
        memberId,
        address,
        state,
        resolvedAddress,
        appliedIndex,
        lag,
        certificate,
        softwareVersion);
  }

  /** The host of {@link #address}, without IPv6 brackets. */
  public String host() {
    return host(address);
  }

  /**
   * The status text the appliance shows, e.g. {@code Active as p2 (Resolved 'a.example' as
   * '10.0.0.2')}.
   */
  public String display() {
    return switch (state) {
      case THIS_SYSTEM -> "This system";
      case FAILED -> "Failed";
      case UNKNOWN -> "Unknown";
      case ACTIVE -> {
        String host = host(address);
        yield resolvedAddress
            .map(ip -> "Active as " + memberId + " (Resolved '" + host + "' as '" + ip + "')")
            .orElse("Active as " + memberId);
      }
    };
  }

  private static String host(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
