package org.clusterdb.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.clusterdb.api.ClusterDbException;

/**
 * Opens the channel to one endpoint: the one place where the transport and its security are chosen.
 */
@FunctionalInterface
interface ChannelFactory {

  /**
   * Pings an idle stream this often, so that a watch on a member cut off by a partition (no reset,
   * no FIN) fails over in seconds rather than after the kernel's TCP keepalive of hours. The server
   * must permit pings this frequent.
   */
  long KEEPALIVE_SECONDS = 30;

  /** A member that does not answer a ping within this is taken as gone. */
  long KEEPALIVE_TIMEOUT_SECONDS = 10;

  /**
   * A range answers with up to a megabyte per row, in one message; gRPC's default of 4 MiB would
   * fail an unlimited scan of a few rows. Bounded all the same, so that a runaway scan fails rather
   * than exhausts the heap; {@code ReadOptions.limit} pages through anything bigger.
   */
  int MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

  /**
   * TLS over Netty, as {@code config} says: the members checked against its trusted CAs (or not at
   * all), its client certificate presented, its credentials sent with every call.
   *
   * @throws ClusterDbException INVALID_ARGUMENT naming the {@code tls} field whose file is unusable
   */
  static ChannelFactory of(ClientConfig config) {
    SslContext ssl = sslContext(config.tls());
    ClientInterceptor auth =
        config.credentials() == null ? null : new CredentialsInterceptor(config.credentials());
    return address -> {
      NettyChannelBuilder b =
          NettyChannelBuilder.forTarget(address)
              .sslContext(ssl)
              .keepAliveTime(KEEPALIVE_SECONDS, TimeUnit.SECONDS)
              .keepAliveTimeout(KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
              .maxInboundMessageSize(MAX_RESPONSE_BYTES);
      if (auth != null) {
        b.intercept(auth);
      }
      return b.build();
    };
  }

  private static SslContext sslContext(ClientTls tls) {
    SslContextBuilder b = GrpcSslContexts.forClient();
    if (tls.verifiesServer()) {
      ByteArrayOutputStream cas = new ByteArrayOutputStream();
      for (int i = 0; i < tls.trustedCas().size(); i++) {
        try {
          cas.write(Files.readAllBytes(tls.trustedCas().get(i)));
          cas.write('\n');
        } catch (IOException e) {
          throw ClusterDbException.invalid(
              "tls.trustedCas[" + i + "]", "cannot read " + tls.trustedCas().get(i));
        }
      }
      try {
        b.trustManager(new ByteArrayInputStream(cas.toByteArray()));
      } catch (IllegalArgumentException e) {
        throw ClusterDbException.invalid(
            "tls.trustedCas", "not PEM CA certificates: " + e.getMessage());
      }
    } else {
      b.trustManager(InsecureTrustManagerFactory.INSTANCE);
    }
    if (tls.certificate() != null) {
      try {
        b.keyManager(tls.certificate().toFile(), tls.privateKey().toFile());
      } catch (IllegalArgumentException e) {
        throw ClusterDbException.invalid(
            "tls.privateKey",
            "not a PKCS#8 PEM key of " + tls.certificate() + ": " + e.getMessage());
      }
    }
    try {
      return b.build();
    } catch (SSLException e) {
      throw ClusterDbException.invalid("tls", "cannot set up TLS: " + e.getMessage());
    }
  }

  /** Adds {@code authorization: Basic base64(user:password)} to every call. */
  final class CredentialsInterceptor implements ClientInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION =
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final String value;

    CredentialsInterceptor(Credentials c) {
      this.value =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((c.user() + ":" + c.password()).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          headers.put(AUTHORIZATION, value);
          super.start(listener, headers);
        }
      };
    }
  }

  /** A new channel to {@code address}, a validated {@code host:port}. */
  ManagedChannel open(String address);
}
