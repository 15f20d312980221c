package org.clusterdb.server.auth;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;
import org.clusterdb.core.security.PeerTls;

/**
 * The client port's TLS: the member presents its own certificate (as to its peers) and asks for,
 * but does not require, a client certificate. The handshake takes any client certificate, since
 * holding its key is all TLS can prove; {@link AuthInterceptor} decides whether its chain is
 * trusted, and only then does it name an account.
 */
public final class ClientPortTls {
  private ClientPortTls() {}

  /**
   * The HTTP listener's TLS, with {@code server.httpTls}: the member's own certificate; no client
   * certificate asked for (callers give a password).
   */
  public static SSLContext httpsContext(PeerTls identity) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {identity.keyManager()}, null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JVM: " + e.getMessage(), e);
    }
  }

  public static SslContext serverContext(PeerTls identity) throws SSLException {
    return GrpcSslContexts.configure(SslContextBuilder.forServer(identity.keyManager()))
        .clientAuth(ClientAuth.OPTIONAL)
        .trustManager(new AnyClientCertificate())
        .build();
  }

  private static final class AnyClientCertificate extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      throw new UnsupportedOperationException("the client port never dials");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
      throw new UnsupportedOperationException("the client port never dials");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      throw new UnsupportedOperationException("the client port never dials");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      // No CA list in the request: a client offers whatever certificate it has.
      return new X509Certificate[0];
    }
  }
}
