package org.clusterdb.server.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.clusterdb.api.Account;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ClusteringSettings.TlsMode;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.Role;
import org.clusterdb.core.ClusterDb;
import org.clusterdb.core.security.CertificateCheck;
import org.clusterdb.proto.api.v1.AuthGrpc;
import org.clusterdb.proto.api.v1.ClusterGrpc;
import org.clusterdb.proto.api.v1.KVGrpc;
import org.clusterdb.proto.api.v1.LeaseGrpc;
import org.clusterdb.proto.api.v1.MaintenanceGrpc;
import org.clusterdb.proto.api.v1.RequestOp;
import org.clusterdb.proto.api.v1.TxnRequest;
import org.clusterdb.proto.api.v1.UsageGrpc;
import org.clusterdb.proto.api.v1.WatchGrpc;
import org.clusterdb.proto.wire.WireErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates and authorizes every call on the client port while the cluster requires accounts:
 * by the {@code authorization} metadata ({@code Basic base64(user:password)}), or in TLS mode
 * Enforce by a client certificate that chains to a trusted CA and whose Common Name is an account.
 * A read-only account may call only {@link #READS} (and a transaction without writes). Health and
 * reflection are open to all, so that load balancers and tools work.
 */
public final class AuthInterceptor implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(AuthInterceptor.class);

  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** Services every caller may use, with or without an account. */
  static final Set<String> OPEN_SERVICES =
      Set.of(
          "grpc.health.v1.Health",
          "grpc.reflection.v1.ServerReflection",
          "grpc.reflection.v1alpha.ServerReflection");

  /** What a read-only account may call; everything else needs an admin. */
  static final Set<String> READS =
      Set.of(
          KVGrpc.getListTablesMethod().getFullMethodName(),
          KVGrpc.getRangeMethod().getFullMethodName(),
          KVGrpc.getTxnMethod().getFullMethodName(),
          WatchGrpc.getWatchMethod().getFullMethodName(),
          ClusterGrpc.getMembersMethod().getFullMethodName(),
          ClusterGrpc.getLeaderMethod().getFullMethodName(),
          ClusterGrpc.getStatusMethod().getFullMethodName(),
          ClusterGrpc.getClusterStatusMethod().getFullMethodName(),
          ClusterGrpc.getAlarmsMethod().getFullMethodName(),
          ClusterGrpc.getGetClusteringSettingsMethod().getFullMethodName(),
          MaintenanceGrpc.getStatusMethod().getFullMethodName(),
          AuthGrpc.getWhoAmIMethod().getFullMethodName(),
          LeaseGrpc.getTimeToLiveMethod().getFullMethodName(),
          UsageGrpc.getReportMethod().getFullMethodName());

  private static final String TXN = KVGrpc.getTxnMethod().getFullMethodName();

  private final ClusterDb db;

  public AuthInterceptor(ClusterDb db) {
    this.db = db;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (OPEN_SERVICES.contains(call.getMethodDescriptor().getServiceName())) {
      return next.startCall(call, headers);
    }
    Caller caller;
    try {
      caller = authenticate(call, headers);
      authorize(caller, call.getMethodDescriptor().getFullMethodName());
    } catch (ClusterDbException e) {
      return refuse(call, e);
    }
    Context context =
        Context.current()
            .withValue(
                Caller.KEY, caller.from(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
    ServerCall.Listener<Q> listener = Contexts.interceptCall(context, call, headers, next);
    boolean readOnly = caller.account().map(a -> a.role() == Role.READONLY).orElse(false);
    if (readOnly && TXN.equals(call.getMethodDescriptor().getFullMethodName())) {
      return new ReadOnlyTxn<>(listener, call, caller.account().get());
    }
    return listener;
  }

  private Caller authenticate(ServerCall<?, ?> call, Metadata headers) {
    if (!db.accounts().authEnabled()) {
      return Caller.ANONYMOUS;
    }
    String authorization = headers.get(AUTHORIZATION);
    if (authorization != null) {
      return password(authorization, call);
    }
    Optional<Caller> byCertificate = certificate(call);
    if (byCertificate.isPresent()) {
      return byCertificate.get();
    }
    throw new ClusterDbException(
        ErrorCode.UNAUTHENTICATED,
        "authentication required: give a user name and password"
            + (db.config().tlsMode() == TlsMode.ENFORCE
                ? ", or a client certificate from a trusted CA"
                : ""),
        "authorization",
        true,
        null);
  }

  private Caller password(String authorization, ServerCall<?, ?> call) {
    BasicCredentials.Checked checked = BasicCredentials.check(db, authorization);
    if (checked.account().isEmpty()) {
      LOG.info(
          "call refused: wrong user name or password user={} from={}",
          checked.user(),
          remote(call));
      throw unauthenticated("wrong user name or password");
    }
    return new Caller(checked.account(), "password");
  }

  /** The account a trusted client certificate names; only in TLS mode Enforce. */
  private Optional<Caller> certificate(ServerCall<?, ?> call) {
    if (db.config().tlsMode() != TlsMode.ENFORCE) {
      return Optional.empty();
    }
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) {
      return Optional.empty();
    }
    List<X509Certificate> chain = new ArrayList<>();
    try {
      for (Certificate c : session.getPeerCertificates()) {
        if (c instanceof X509Certificate x) {
          chain.add(x);
        }
      }
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
    Optional<String> name =
        CertificateCheck.trustedCommonName(chain, db.tlsIdentity().trusted(), Instant.now());
    if (name.isEmpty()) {
      throw unauthenticated("the client certificate does not chain to a trusted CA");
    }
    Optional<Account> account = db.accounts().account(name.get());
    if (account.isEmpty()) {
      throw unauthenticated(
          "the client certificate's Common Name '" + name.get() + "' is no account");
    }
    return Optional.of(new Caller(account, "certificate"));
  }

  private static void authorize(Caller caller, String method) {
    Optional<Account> account = caller.account();
    if (account.isPresent() && account.get().role() == Role.READONLY && !READS.contains(method)) {
      throw denied(account.get(), method);
    }
  }

  static ClusterDbException denied(Account account, String method) {
    return new ClusterDbException(
        ErrorCode.PERMISSION_DENIED,
        "account '"
            + account.name()
            + "' is read-only and may not call "
            + method
            + ": an admin account is needed",
        "role",
        true,
        null);
  }

  private static ClusterDbException unauthenticated(String message) {
    return new ClusterDbException(ErrorCode.UNAUTHENTICATED, message, "authorization", true, null);
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, ClusterDbException e) {
    StatusRuntimeException s = WireErrors.toStatus(e);
    call.close(s.getStatus(), s.getTrailers() == null ? new Metadata() : s.getTrailers());
    return new ServerCall.Listener<>() {};
  }

  private static String remote(ServerCall<?, ?> call) {
    return String.valueOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
  }

  /** Refuses a read-only account's transaction that would write, before it runs. */
  private static final class ReadOnlyTxn<Q, R>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final ServerCall<Q, R> call;
    private final Account account;
    private boolean refused;

    ReadOnlyTxn(ServerCall.Listener<Q> delegate, ServerCall<Q, R> call, Account account) {
      super(delegate);
      this.call = call;
      this.account = account;
    }

    @Override
    public void onMessage(Q message) {
      if (message instanceof TxnRequest t && writes(t)) {
        refused = true;
        refuse(call, denied(account, TXN + " with a put or delete"));
        return;
      }
      super.onMessage(message);
    }

    @Override
    public void onHalfClose() {
      if (!refused) {
        super.onHalfClose();
      }
    }

    private static boolean writes(TxnRequest t) {
      return t.getSuccessList().stream().anyMatch(ReadOnlyTxn::writes)
          || t.getFailureList().stream().anyMatch(ReadOnlyTxn::writes);
    }

    private static boolean writes(RequestOp op) {
      return op.hasPut() || op.hasDeleteRange();
    }
  }
}
