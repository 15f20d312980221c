package org.clusterdb.core.security;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents this peer's one certificate on every connection, as server and as client. The JDK's key
 * managers offer a client certificate only when its issuer is among those the server asks for; a
 * peer always presents its own, so that the other side can say why it is refused.
 */
final class PeerKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "peer";

  private final X509Certificate[] chain;
  private final PrivateKey key;

  PeerKeyManager(List<X509Certificate> chain, PrivateKey key) {
    this.chain = chain.toArray(X509Certificate[]::new);
    this.key = key;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return ALIAS;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return ALIAS;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return ALIAS;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return ALIAS;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return chain.clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return key;
  }
}
