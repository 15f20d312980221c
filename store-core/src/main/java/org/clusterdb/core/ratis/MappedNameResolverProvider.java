package org.clusterdb.core.ratis;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.ratis.thirdparty.io.grpc.EquivalentAddressGroup;
import org.apache.ratis.thirdparty.io.grpc.NameResolver;
import org.apache.ratis.thirdparty.io.grpc.NameResolverProvider;
import org.apache.ratis.thirdparty.io.grpc.NameResolverRegistry;
import org.apache.ratis.thirdparty.io.grpc.internal.DnsNameResolverProvider;
import org.clusterdb.core.security.PeerResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the peer addresses Ratis dials ({@code host:port}, which its gRPC resolves under the
 * {@code dns} scheme) through the cluster address mapping before DNS. Registered once per JVM in
 * the shaded gRPC's default registry, ranked above gRPC's own DNS provider, to which it hands every
 * name no mapping knows. The channel's authority stays the name dialled, so TLS checks the peer's
 * certificate against the FQDN, not the mapped address.
 *
 * <p>The registry is JVM-wide and a Ratis channel does not say which member opened it, so the
 * provider consults the mappings of every member running in this JVM, in the order they started,
 * the first that maps a name winning. A process runs one member, so that is its own mapping; the
 * members of one cluster in a test JVM share the cluster's replicated mapping, so they agree.
 * Members of different clusters in one JVM must not map one name to different addresses.
 *
 * <p>Thread-safe.
 */
final class MappedNameResolverProvider extends NameResolverProvider {
  private static final Logger LOG = LoggerFactory.getLogger(MappedNameResolverProvider.class);

  private static final String SCHEME = "dns";

  /** Above gRPC's DNS provider (5), so that {@code dns} targets come here first. */
  private static final int PRIORITY = 6;

  private static final List<PeerResolver> MEMBERS = new CopyOnWriteArrayList<>();

  private static boolean installed;

  private final DnsNameResolverProvider dns = new DnsNameResolverProvider();

  /**
   * Makes the running members' mappings apply to every Ratis channel opened from now on, {@code
   * member}'s among them; the returned handle detaches it. Channels look names up again when they
   * reconnect, so a changed mapping applies to a peer from its next connection.
   */
  static AutoCloseable attach(PeerResolver member) {
    install();
    MEMBERS.add(member);
    return () -> MEMBERS.remove(member);
  }

  private static synchronized void install() {
    if (!installed) {
      NameResolverRegistry.getDefaultRegistry().register(new MappedNameResolverProvider());
      installed = true;
    }
  }

  /** The address a running member's mapping gives {@code host}, if any does. */
  static Optional<InetAddress> mapped(String host) {
    for (PeerResolver r : MEMBERS) {
      Optional<InetAddress> a = r.mapped(host);
      if (a.isPresent()) {
        return a;
      }
    }
    return Optional.empty();
  }

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return PRIORITY;
  }

  @Override
  public String getDefaultScheme() {
    return SCHEME;
  }

  @Override
  public NameResolver newNameResolver(URI target, NameResolver.Args args) {
    NameResolver first = dns.newNameResolver(target, args);
    if (first == null) {
      return null;
    }
    return new Mapped(target, args, first);
  }

  /**
   * One channel's resolver: the mapped address while the mapping has the name, else DNS's answer.
   * gRPC calls it from the channel's synchronization context only.
   */
  private final class Mapped extends NameResolver {
    private final URI target;
    private final NameResolver.Args args;
    private final String authority;
    private final String host;
    private final int port;
    private NameResolver delegate;
    private boolean delegateStarted;
    private Listener2 listener;

    Mapped(URI target, NameResolver.Args args, NameResolver first) {
      this.target = target;
      this.args = args;
      this.delegate = first;
      this.authority = first.getServiceAuthority();
      URI parsed = URI.create("//" + authority);
      this.host = parsed.getHost();
      this.port = parsed.getPort() < 0 ? args.getDefaultPort() : parsed.getPort();
    }

    @Override
    public String getServiceAuthority() {
      return authority;
    }

    @Override
    public void start(Listener2 l) {
      listener = l;
      resolve();
    }

    @Override
    public void refresh() {
      resolve();
    }

    private void resolve() {
      Optional<InetAddress> a = mapped(host);
      if (a.isPresent()) {
        stopDelegate();
        LOG.debug("peer address mapped host={} address={}", host, a.get().getHostAddress());
        listener.onResult(
            ResolutionResult.newBuilder()
                .setAddresses(
                    List.of(new EquivalentAddressGroup(new InetSocketAddress(a.get(), port))))
                .build());
        return;
      }
      if (delegate == null) {
        delegate = dns.newNameResolver(target, args);
      }
      if (delegateStarted) {
        delegate.refresh();
      } else {
        delegateStarted = true;
        delegate.start(listener);
      }
    }

    /** A DNS lookup still running must not answer after the mapping did. */
    private void stopDelegate() {
      if (delegate != null && delegateStarted) {
        delegate.shutdown();
        delegate = null;
        delegateStarted = false;
      }
    }

    @Override
    public void shutdown() {
      if (delegate != null) {
        delegate.shutdown();
      }
    }
  }
}
