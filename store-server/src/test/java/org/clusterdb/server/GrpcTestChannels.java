package org.clusterdb.server;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.UncheckedIOException;
import javax.net.ssl.SSLException;

/** Raw gRPC channels, for calls the client library does not make or would retry. */
public final class GrpcTestChannels {
  private GrpcTestChannels() {}

  /** What a {@code grpcurl -insecure} user gets: TLS, the member's certificate not checked. */
  public static ManagedChannel insecure(String address) {
    try {
      return NettyChannelBuilder.forTarget(address)
          .sslContext(
              GrpcSslContexts.forClient()
                  .trustManager(InsecureTrustManagerFactory.INSTANCE)
                  .build())
          .build();
    } catch (SSLException e) {
      throw new UncheckedIOException(e);
    }
  }
}
