package org.clusterdb.core.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.thirdparty.io.grpc.NameResolver;
import org.apache.ratis.thirdparty.io.grpc.NameResolverRegistry;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.apache.ratis.thirdparty.io.grpc.SynchronizationContext;
import org.clusterdb.api.ClusteringSettings;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.core.security.PeerResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Ratis's gRPC resolves the {@code host:port} it dials through the running members' mappings. */
@Timeout(30)
class MappedNameResolverProviderTest {
  private static PeerResolver member(String id, Map<String, String> mappings) {
    ClusteringSettings s =
        new ClusteringSettings(
            "c.test",
            1,
            ClusteringSettings.TlsMode.PERMISSIVE,
            ClusteringSettings.IpVersion.IPV4,
            List.of(new PeerAddress(id, "127.0.0.1", 7001)),
            true,
            mappings);
    return new PeerResolver(id, () -> s);
  }

  private static NameResolver.Args args() {
    return NameResolver.Args.newBuilder()
        .setDefaultPort(443)
        .setProxyDetector(a -> null)
        .setSynchronizationContext(new SynchronizationContext((t, e) -> {}))
        .setServiceConfigParser(
            new NameResolver.ServiceConfigParser() {
              @Override
              public NameResolver.ConfigOrError parseServiceConfig(Map<String, ?> raw) {
                return NameResolver.ConfigOrError.fromConfig(raw);
              }
            })
        .build();
  }

  /** What gRPC's default registry resolves {@code target} to, as a channel to it would. */
  private static Object resolve(String target) throws Exception {
    // How a channel turns a bare host:port into a URI: the default scheme, the target as path.
    URI uri =
        new URI(
            NameResolverRegistry.getDefaultRegistry().getDefaultScheme(), "", "/" + target, null);
    NameResolver r =
        NameResolverRegistry.getDefaultRegistry().asFactory().newNameResolver(uri, args());
    CompletableFuture<Object> out = new CompletableFuture<>();
    r.start(
        new NameResolver.Listener2() {
          @Override
          public void onResult(NameResolver.ResolutionResult result) {
            // gRPC's DNS resolver reports a failed lookup as a result holding the error.
            var addresses = result.getAddressesOrError();
            out.complete(
                addresses.hasValue()
                    ? addresses.getValue().get(0).getAddresses().get(0)
                    : addresses.getStatus().getCode());
          }

          @Override
          public void onError(Status error) {
            out.complete(error.getCode());
          }
        });
    try {
      assertThat(r.getServiceAuthority()).isEqualTo(target);
      return out.get(20, TimeUnit.SECONDS);
    } finally {
      r.shutdown();
    }
  }

  @Test
  void aNameInARunningMembersMappingResolvesToTheMappedAddressAndKeepsItsAuthority()
      throws Exception {
    try (AutoCloseable a =
            MappedNameResolverProvider.attach(
                member("a", Map.of("p1.provider.clusterdb.test", "127.0.0.5")));
        AutoCloseable b =
            MappedNameResolverProvider.attach(
                member("b", Map.of("p2.provider.clusterdb.test", "127.0.0.6")))) {
      assertThat(resolve("p1.provider.clusterdb.test:7001"))
          .isEqualTo(new InetSocketAddress("127.0.0.5", 7001));
      assertThat(resolve("p2.provider.clusterdb.test:7002"))
          .isEqualTo(new InetSocketAddress("127.0.0.6", 7002));
      assertThat(resolve("127.0.0.1:7003")).isEqualTo(new InetSocketAddress("127.0.0.1", 7003));
    }
  }

  @Test
  void aDetachedMembersMappingNoLongerApplies() throws Exception {
    AutoCloseable a =
        MappedNameResolverProvider.attach(
            member("a", Map.of("p3.provider.clusterdb.test", "127.0.0.5")));
    a.close();

    assertThat(resolve("p3.provider.clusterdb.test:7001")).isEqualTo(Status.Code.UNAVAILABLE);
  }
}
