package org.clusterdb.proto.wire;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.clusterdb.api.BlockingKeyValueStore;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.CompactedException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.NotLeaderException;
import org.clusterdb.api.PrimaryUnavailableException;
import org.clusterdb.proto.api.v1.ErrorDetail;

/**
 * The one mapping between clusterdb errors and gRPC status. The server turns a {@link
 * ClusterDbException} into a status carrying an {@link ErrorDetail}; the client rebuilds the same
 * exception from it. Nothing parses messages.
 */
public final class WireErrors {
  private WireErrors() {}

  /** The gRPC status code for each error code. */
  public static Status.Code grpcCode(ErrorCode code) {
    return switch (code) {
      case INVALID_ARGUMENT, LIMIT_EXCEEDED -> Status.Code.INVALID_ARGUMENT;
      case UNKNOWN_TABLE, LEASE_NOT_FOUND -> Status.Code.NOT_FOUND;
      case TABLE_EXISTS -> Status.Code.ALREADY_EXISTS;
      case COMPACTED -> Status.Code.OUT_OF_RANGE;
      case SLOW_WATCHER -> Status.Code.RESOURCE_EXHAUSTED;
      case NOT_LEADER, JOIN_REFUSED -> Status.Code.FAILED_PRECONDITION;
      case NO_LEADER, UNAVAILABLE, PRIMARY_UNAVAILABLE -> Status.Code.UNAVAILABLE;
      case TIMEOUT -> Status.Code.DEADLINE_EXCEEDED;
      case UNAUTHENTICATED -> Status.Code.UNAUTHENTICATED;
      case PERMISSION_DENIED -> Status.Code.PERMISSION_DENIED;
      case INTERNAL -> Status.Code.INTERNAL;
    };
  }

  /** The status a server returns for {@code t}; unexpected throwables become INTERNAL. */
  public static StatusRuntimeException toStatus(Throwable t) {
    ClusterDbException e = BlockingKeyValueStore.unwrap(t);
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(grpcCode(e.code()).value())
            .setMessage(String.valueOf(e.getMessage()))
            .addDetails(Any.pack(detail(e)))
            .build();
    return StatusProto.toStatusRuntimeException(status);
  }

  /** The detail that describes {@code t}, e.g. as the reason a watch was canceled. */
  public static ErrorDetail detail(Throwable t) {
    ClusterDbException e = BlockingKeyValueStore.unwrap(t);
    ErrorDetail.Builder detail =
        ErrorDetail.newBuilder()
            .setCode(e.code().number())
            .setDefinite(e.definite())
            .setField(e.field().orElse(""));
    if (e instanceof NotLeaderException nle) {
      nle.leaderId().ifPresent(detail::setLeaderId);
      nle.leaderAddress().ifPresent(detail::setLeaderAddress);
    }
    if (e instanceof CompactedException ce) {
      detail.setOldestRevision(ce.oldestRevision());
    }
    if (e instanceof PrimaryUnavailableException pu) {
      detail.setPrimaryId(pu.primaryId());
    }
    return detail.build();
  }

  /** The exception a detail describes, e.g. the reason a server canceled a watch. */
  public static ClusterDbException fromDetail(ErrorDetail detail, String message) {
    return rebuild(detail, message, null);
  }

  /**
   * The exception a client raises for a failed call. A status from a clusterdb server is rebuilt
   * exactly; a transport failure becomes {@link ErrorCode#UNAVAILABLE} or {@link
   * ErrorCode#TIMEOUT}, definite only for reads (a write may have reached the server).
   *
   * @param write true when the call was a write
   */
  public static ClusterDbException fromStatus(Throwable t, boolean write) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ClusterDbException e) {
      return e;
    }
    com.google.rpc.Status status = StatusProto.fromThrowable(cause);
    if (status != null) {
      for (Any any : status.getDetailsList()) {
        if (any.is(ErrorDetail.class)) {
          try {
            return rebuild(any.unpack(ErrorDetail.class), status.getMessage(), cause);
          } catch (InvalidProtocolBufferException ignored) {
            // Fall through to the transport mapping.
          }
        }
      }
    }
    Status s = Status.fromThrowable(cause);
    String message = s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
    return switch (s.getCode()) {
      case DEADLINE_EXCEEDED ->
          new ClusterDbException(ErrorCode.TIMEOUT, message, null, !write, cause);
      case UNAVAILABLE, CANCELLED, ABORTED, UNKNOWN ->
          new ClusterDbException(ErrorCode.UNAVAILABLE, message, null, !write, cause);
      case INVALID_ARGUMENT ->
          new ClusterDbException(ErrorCode.INVALID_ARGUMENT, message, null, true, cause);
      default -> new ClusterDbException(ErrorCode.INTERNAL, message, null, !write, cause);
    };
  }

  private static ClusterDbException rebuild(ErrorDetail d, String message, Throwable cause) {
    ErrorCode code = ErrorCode.fromNumber(d.getCode());
    if (code == ErrorCode.NOT_LEADER) {
      return new NotLeaderException(
          message,
          d.getLeaderId().isEmpty() ? null : d.getLeaderId(),
          d.getLeaderAddress().isEmpty() ? null : d.getLeaderAddress());
    }
    if (code == ErrorCode.COMPACTED) {
      return new CompactedException(message, d.getOldestRevision());
    }
    if (code == ErrorCode.PRIMARY_UNAVAILABLE) {
      return new PrimaryUnavailableException(message, d.getPrimaryId());
    }
    return new ClusterDbException(
        code, message, d.getField().isEmpty() ? null : d.getField(), d.getDefinite(), cause);
  }
}
