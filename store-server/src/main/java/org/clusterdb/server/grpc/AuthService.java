package org.clusterdb.server.grpc;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import org.clusterdb.core.ClusterDb;
import org.clusterdb.proto.api.v1.AuthGrpc;
import org.clusterdb.proto.api.v1.DeleteAccountRequest;
import org.clusterdb.proto.api.v1.DeleteAccountResponse;
import org.clusterdb.proto.api.v1.ListAccountsRequest;
import org.clusterdb.proto.api.v1.ListAccountsResponse;
import org.clusterdb.proto.api.v1.SaveAccountRequest;
import org.clusterdb.proto.api.v1.SaveAccountResponse;
import org.clusterdb.proto.api.v1.SetAuthRequest;
import org.clusterdb.proto.api.v1.SetAuthResponse;
import org.clusterdb.proto.api.v1.WhoAmIRequest;
import org.clusterdb.proto.api.v1.WhoAmIResponse;
import org.clusterdb.proto.wire.WireCodec;
import org.clusterdb.server.auth.Caller;

/** Accounts and the authentication switch; who may call what is {@code AuthInterceptor}'s. */
public final class AuthService extends AuthGrpc.AuthImplBase {
  private final ClusterDb db;

  public AuthService(ClusterDb db) {
    this.db = db;
  }

  @Override
  public void saveAccount(SaveAccountRequest r, StreamObserver<SaveAccountResponse> out) {
    Calls.answer(
        out,
        () -> {
          char[] password = r.getPassword().isEmpty() ? null : r.getPassword().toCharArray();
          return db.saveAccount(
                  r.getName(),
                  WireCodec.role(r.getRole(), "role"),
                  password,
                  Caller.current().origin())
              .thenApply(
                  a ->
                      SaveAccountResponse.newBuilder()
                          .setHeader(WireCodec.header(db.currentHeader()))
                          .setAccount(WireCodec.account(a))
                          .build());
        });
  }

  @Override
  public void deleteAccount(DeleteAccountRequest r, StreamObserver<DeleteAccountResponse> out) {
    Calls.answer(
        out,
        () ->
            db.deleteAccount(r.getName(), Caller.current().origin())
                .thenApply(
                    v ->
                        DeleteAccountResponse.newBuilder()
                            .setHeader(WireCodec.header(db.currentHeader()))
                            .build()));
  }

  @Override
  public void listAccounts(ListAccountsRequest r, StreamObserver<ListAccountsResponse> out) {
    Calls.answer(
        out,
        () -> {
          ListAccountsResponse.Builder b =
              ListAccountsResponse.newBuilder()
                  .setHeader(WireCodec.header(db.currentHeader()))
                  .setAuthEnabled(db.accounts().authEnabled());
          db.accounts().accounts().forEach(a -> b.addAccounts(WireCodec.account(a)));
          return CompletableFuture.completedFuture(b.build());
        });
  }

  @Override
  public void setAuth(SetAuthRequest r, StreamObserver<SetAuthResponse> out) {
    Calls.answer(
        out,
        () ->
            db.setAuthEnabled(r.getEnabled(), Caller.current().origin())
                .thenApply(
                    v ->
                        SetAuthResponse.newBuilder()
                            .setHeader(WireCodec.header(db.currentHeader()))
                            .build()));
  }

  @Override
  public void whoAmI(WhoAmIRequest r, StreamObserver<WhoAmIResponse> out) {
    Calls.answer(
        out,
        () -> {
          Caller caller = Caller.current();
          WhoAmIResponse.Builder b =
              WhoAmIResponse.newBuilder()
                  .setHeader(WireCodec.header(db.currentHeader()))
                  .setAuthEnabled(db.accounts().authEnabled())
                  .setAuthenticatedBy(caller.by());
          caller.account().ifPresent(a -> b.setAccount(WireCodec.account(a)));
          return CompletableFuture.completedFuture(b.build());
        });
  }
}
