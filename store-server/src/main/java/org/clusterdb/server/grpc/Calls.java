package org.clusterdb.server.grpc;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.clusterdb.proto.wire.WireErrors;

/** Completes unary calls from futures, turning every failure into a typed status. */
final class Calls {
  private Calls() {}

  /**
   * Runs {@code call} and answers with its result. A synchronous failure (a malformed request
   * rejected while decoding) is answered like an asynchronous one: never a crash, never a raw
   * exception on the wire.
   */
  static <T> void answer(StreamObserver<T> out, Supplier<CompletableFuture<T>> call) {
    CompletableFuture<T> future;
    try {
      future = call.get();
    } catch (RuntimeException e) {
      out.onError(WireErrors.toStatus(e));
      return;
    }
    future.whenComplete(
        (result, error) -> {
          if (error != null) {
            out.onError(WireErrors.toStatus(error));
          } else {
            out.onNext(result);
            out.onCompleted();
          }
        });
  }
}
