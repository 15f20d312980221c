package org.clusterdb.core.fsm;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.clusterdb.api.Account;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.core.auth.PasswordHash;
import org.clusterdb.proto.log.v1.AccountRole;
import org.clusterdb.proto.log.v1.Compare;
import org.clusterdb.proto.log.v1.DeleteRange;
import org.clusterdb.proto.log.v1.Failure;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.LeaseGrant;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.Op;
import org.clusterdb.proto.log.v1.Put;
import org.clusterdb.proto.log.v1.PutAccount;
import org.clusterdb.proto.log.v1.Query;
import org.clusterdb.proto.log.v1.Range;
import org.clusterdb.proto.log.v1.Txn;

/**
 * Checks a command's shape and sizes before it is replicated. Returns the first problem found, as a
 * {@link Failure} naming the request field; state is not consulted (unknown tables are found while
 * applying). Thread-safe.
 *
 * <p>Field names are relative to a caller-given prefix, so a single put reports {@code key} while
 * the same op inside a transaction reports {@code txn.success[0].put.key}.
 */
public final class CommandValidator {
  private final RequestLimits limits;

  public CommandValidator(RequestLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  public RequestLimits limits() {
    return limits;
  }

  /** Validates a whole log entry; transaction fields are prefixed {@code txn.}. */
  public Optional<Failure> validate(LogEntry entry) {
    if (entry.getFormatVersion() != FormatVersion.FORMAT_VERSION_1) {
      return fail(ErrorCode.INVALID_ARGUMENT, "format_version", "unsupported log format version");
    }
    // The audit context is the member's addition, not the caller's request.
    int bytes =
        entry.getSerializedSize()
            - (entry.hasAudit()
                ? CodedOutputStream.computeMessageSize(
                    LogEntry.AUDIT_FIELD_NUMBER, entry.getAudit())
                : 0);
    if (bytes > limits.maxRequestBytes()) {
      return fail(
          ErrorCode.LIMIT_EXCEEDED,
          "request",
          "request is " + bytes + " bytes; the limit is " + limits.maxRequestBytes());
    }
    if (entry.hasRequestId()) {
      var id = entry.getRequestId();
      if (id.getClientId().isEmpty() || id.getClientId().size() > 64) {
        return fail(ErrorCode.INVALID_ARGUMENT, "request_id.client_id", "must be 1 to 64 bytes");
      }
      if (id.getSeq() < 1 || id.getAckedBelow() > id.getSeq()) {
        return fail(
            ErrorCode.INVALID_ARGUMENT,
            "request_id.seq",
            "seq must be >= 1 and acked_below must not exceed it");
      }
    }
    return switch (entry.getCommandCase()) {
      case CREATE_TABLE -> tableName(entry.getCreateTable().getName(), "name");
      case DROP_TABLE -> tableName(entry.getDropTable().getName(), "name");
      case TXN -> validateTxn(entry.getTxn(), "txn.");
      case SYNC_CHECK -> Optional.empty();
      case SYNC_REPORT ->
          entry.getSyncReport().getDigest().size() == 32
              ? Optional.empty()
              : fail(ErrorCode.INVALID_ARGUMENT, "digest", "must be a 32-byte SHA-256");
      case SET_CLUSTER_SETTINGS ->
          entry.getSetClusterSettings().hasSettings()
              ? Optional.empty()
              : fail(ErrorCode.INVALID_ARGUMENT, "settings", "required");
      case JOIN_REQUEST ->
          entry.getJoinRequest().getMemberId().isEmpty()
              ? fail(ErrorCode.INVALID_ARGUMENT, "memberId", "required")
              : Optional.empty();
      case REFUSE_JOIN ->
          entry.getRefuseJoin().getMemberId().isEmpty()
              ? fail(ErrorCode.INVALID_ARGUMENT, "memberId", "required")
              : Optional.empty();
      case PUT_ACCOUNT -> validatePutAccount(entry.getPutAccount());
      case DELETE_ACCOUNT -> accountName(entry.getDeleteAccount().getName());
      case SET_AUTH -> Optional.empty();
      case PUBLISH_PEER_KEY ->
          entry.getPublishPeerKey().getMemberId().isEmpty()
                  || entry.getPublishPeerKey().getPublicKey().isEmpty()
              ? fail(ErrorCode.INVALID_ARGUMENT, "publicKey", "a member id and a key are required")
              : Optional.empty();
      case GRANT_SYSTEM_KEY ->
          entry.getGrantSystemKey().getMemberId().isEmpty()
                  || entry.getGrantSystemKey().getWrappedKey().isEmpty()
              ? fail(ErrorCode.INVALID_ARGUMENT, "grant", "a member id and a key are required")
              : Optional.empty();
      case LEASE_GRANT -> validateGrant(entry.getLeaseGrant());
      case LEASE_KEEP_ALIVE -> leaseId(entry.getLeaseKeepAlive().getId(), "id");
      case LEASE_REVOKE -> leaseId(entry.getLeaseRevoke().getId(), "id");
      case BATCH -> validateBatch(entry);
      case COMMAND_NOT_SET -> fail(ErrorCode.INVALID_ARGUMENT, "command", "no command set");
    };
  }

  /** The shortest TTL a lease may have, whatever the election timeout. */
  public static final long MIN_LEASE_TTL_MILLIS = 1_000;

  /** The longest TTL a lease may have: 30 days. */
  public static final long MAX_LEASE_TTL_MILLIS = 30L * 24 * 3600 * 1000;

  private static Optional<Failure> validateGrant(LeaseGrant grant) {
    Optional<Failure> id = leaseId(grant.getId(), "id");
    if (id.isPresent()) {
      return id;
    }
    long ttl = grant.getTtlMillis();
    if (ttl < MIN_LEASE_TTL_MILLIS || ttl > MAX_LEASE_TTL_MILLIS) {
      return fail(
          ErrorCode.INVALID_ARGUMENT,
          "ttl",
          "must be "
              + MIN_LEASE_TTL_MILLIS
              + " ms to "
              + MAX_LEASE_TTL_MILLIS
              + " ms (30 days); got "
              + ttl
              + " ms");
    }
    return Optional.empty();
  }

  /** Lease ids are positive: 0 means no lease. */
  private static Optional<Failure> leaseId(long id, String field) {
    return id > 0
        ? Optional.empty()
        : fail(ErrorCode.INVALID_ARGUMENT, field, "a lease id is positive; got " + id);
  }

  private static Optional<Failure> validatePutAccount(PutAccount put) {
    Optional<Failure> name = accountName(put.getName());
    if (name.isPresent()) {
      return name;
    }
    if (put.getRole() != AccountRole.ACCOUNT_ROLE_ADMIN
        && put.getRole() != AccountRole.ACCOUNT_ROLE_READONLY) {
      return fail(ErrorCode.INVALID_ARGUMENT, "role", "must be admin or readonly");
    }
    if (!put.getPasswordHash().isEmpty() && !put.getSealedPasswordHash().isEmpty()) {
      return fail(ErrorCode.INVALID_ARGUMENT, "password", "a hash is either sealed or not");
    }
    if (!put.getPasswordHash().isEmpty() && !PasswordHash.isEncoded(put.getPasswordHash())) {
      return fail(ErrorCode.INVALID_ARGUMENT, "password", "not a password hash this build reads");
    }
    return Optional.empty();
  }

  private static Optional<Failure> accountName(String name) {
    return Account.nameProblem(name).flatMap(m -> fail(ErrorCode.INVALID_ARGUMENT, "name", m));
  }

  /**
   * A batch holds table and transaction commands only, each valid on its own; it carries no request
   * id of its own (its entries do).
   */
  private Optional<Failure> validateBatch(LogEntry entry) {
    if (entry.hasRequestId()) {
      return fail(
          ErrorCode.INVALID_ARGUMENT,
          "request_id",
          "a batch's entries carry their own request ids");
    }
    if (entry.getBatch().getEntriesCount() == 0) {
      return fail(ErrorCode.INVALID_ARGUMENT, "batch", "a batch needs at least one entry");
    }
    for (int i = 0; i < entry.getBatch().getEntriesCount(); i++) {
      LogEntry e = entry.getBatch().getEntries(i);
      switch (e.getCommandCase()) {
        case TXN, CREATE_TABLE, DROP_TABLE -> {}
        default -> {
          return fail(
              ErrorCode.INVALID_ARGUMENT,
              "batch.entries[" + i + "]",
              "a batch holds table and transaction commands only, not " + e.getCommandCase());
        }
      }
      Optional<Failure> invalid = validate(e);
      if (invalid.isPresent()) {
        return invalid;
      }
    }
    return Optional.empty();
  }

  /** Validates a read-only query. */
  public Optional<Failure> validate(Query query) {
    if (query.getFormatVersion() != FormatVersion.FORMAT_VERSION_1) {
      return fail(ErrorCode.INVALID_ARGUMENT, "format_version", "unsupported log format version");
    }
    return switch (query.getQueryCase()) {
      case RANGE -> validateRange(query.getRange(), "");
      case LIST_TABLES -> Optional.empty();
      case LEASE -> leaseId(query.getLease().getId(), "id");
      case QUERY_NOT_SET -> fail(ErrorCode.INVALID_ARGUMENT, "query", "no query set");
    };
  }

  /** Validates a transaction; fields are named {@code prefix + "success[0].put.key"} etc. */
  public Optional<Failure> validateTxn(Txn txn, String prefix) {
    if (txn.getComparesCount() > limits.maxTxnOps()
        || txn.getSuccessCount() > limits.maxTxnOps()
        || txn.getFailureCount() > limits.maxTxnOps()) {
      return fail(
          ErrorCode.LIMIT_EXCEEDED,
          prefix.isEmpty() ? "txn" : prefix.substring(0, prefix.length() - 1),
          "a transaction holds at most "
              + limits.maxTxnOps()
              + " compares and "
              + limits.maxTxnOps()
              + " ops per branch");
    }
    for (int i = 0; i < txn.getComparesCount(); i++) {
      Optional<Failure> f = validateCompare(txn.getCompares(i), prefix + "compare[" + i + "].");
      if (f.isPresent()) {
        return f;
      }
    }
    Optional<Failure> f = validateBranch(txn.getSuccessList(), prefix + "success");
    return f.isPresent() ? f : validateBranch(txn.getFailureList(), prefix + "failure");
  }

  /** Validates one op; fields are named {@code prefix + "key"} etc. */
  public Optional<Failure> validateOp(Op op, String prefix) {
    return switch (op.getOpCase()) {
      case PUT -> validatePut(op.getPut(), prefix);
      case DELETE_RANGE -> validateDelete(op.getDeleteRange(), prefix);
      case RANGE -> validateRange(op.getRange(), prefix);
      case OP_NOT_SET -> fail(ErrorCode.INVALID_ARGUMENT, stripDot(prefix), "no op set");
    };
  }

  private Optional<Failure> validateBranch(List<Op> ops, String name) {
    List<Written> written = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      Op op = ops.get(i);
      String opName = name + "[" + i + "]";
      String prefix = opName + "." + opFieldName(op) + ".";
      Optional<Failure> f = validateOp(op, prefix);
      if (f.isPresent()) {
        return f;
      }
      Written w =
          switch (op.getOpCase()) {
            case PUT ->
                new Written(
                    op.getPut().getTable(), op.getPut().getKey().toByteArray(), new byte[0], true);
            case DELETE_RANGE ->
                new Written(
                    op.getDeleteRange().getTable(),
                    op.getDeleteRange().getKey().toByteArray(),
                    op.getDeleteRange().getRangeEnd().toByteArray(),
                    false);
            default -> null;
          };
      if (w == null) {
        continue;
      }
      for (Written earlier : written) {
        if (earlier.conflictsWith(w)) {
          return fail(
              ErrorCode.INVALID_ARGUMENT,
              opName,
              "writes a key already written by an earlier op of the same branch");
        }
      }
      written.add(w);
    }
    return Optional.empty();
  }

  private static String opFieldName(Op op) {
    return switch (op.getOpCase()) {
      case PUT -> "put";
      case DELETE_RANGE -> "delete_range";
      case RANGE -> "range";
      case OP_NOT_SET -> "op";
    };
  }

  private Optional<Failure> validateCompare(Compare c, String prefix) {
    Optional<Failure> f = tableName(c.getTable(), prefix + "table");
    if (f.isEmpty()) {
      f = singleKey(c.getKey(), prefix + "key");
    }
    if (f.isPresent()) {
      return f;
    }
    if (!c.getRangeEnd().isEmpty()) {
      if (c.getTarget() == Compare.Target.VALUE || c.getTarget() == Compare.Target.EXISTS) {
        return fail(
            ErrorCode.INVALID_ARGUMENT,
            prefix + "range_end",
            "only VERSION, CREATE_REVISION and MOD_REVISION compare over a range");
      }
      byte[] end = c.getRangeEnd().toByteArray();
      if (!KeyRanges.isUnbounded(end)
          && Arrays.compareUnsigned(end, c.getKey().toByteArray()) <= 0) {
        return fail(
            ErrorCode.INVALID_ARGUMENT, prefix + "range_end", "must be greater than the key");
      }
    }
    if (c.getResult() == Compare.Result.RESULT_UNSPECIFIED
        || c.getResult() == Compare.Result.UNRECOGNIZED) {
      return fail(ErrorCode.INVALID_ARGUMENT, prefix + "result", "comparison operator not set");
    }
    Compare.OperandCase operand = c.getOperandCase();
    return switch (c.getTarget()) {
      case VALUE ->
          operand == Compare.OperandCase.VALUE
              ? Optional.empty()
              : fail(ErrorCode.INVALID_ARGUMENT, prefix + "value", "a VALUE compare needs a value");
      case VERSION, CREATE_REVISION, MOD_REVISION ->
          operand == Compare.OperandCase.NUMBER
              ? Optional.empty()
              : fail(ErrorCode.INVALID_ARGUMENT, prefix + "number", "this compare needs a number");
      case EXISTS -> {
        if (operand != Compare.OperandCase.EXISTS) {
          yield fail(
              ErrorCode.INVALID_ARGUMENT, prefix + "exists", "an EXISTS compare needs a flag");
        }
        yield c.getResult() == Compare.Result.EQUAL || c.getResult() == Compare.Result.NOT_EQUAL
            ? Optional.empty()
            : fail(
                ErrorCode.INVALID_ARGUMENT,
                prefix + "result",
                "EXISTS compares only with EQUAL or NOT_EQUAL");
      }
      case TARGET_UNSPECIFIED, UNRECOGNIZED ->
          fail(ErrorCode.INVALID_ARGUMENT, prefix + "target", "compare target not set");
    };
  }

  private Optional<Failure> validatePut(Put put, String prefix) {
    Optional<Failure> f = tableName(put.getTable(), prefix + "table");
    if (f.isEmpty()) {
      f = singleKey(put.getKey(), prefix + "key");
    }
    if (f.isEmpty() && put.getLease() < 0) {
      f = leaseId(put.getLease(), prefix + "lease");
    }
    if (f.isEmpty() && put.getValue().size() > limits.maxValueBytes()) {
      f =
          fail(
              ErrorCode.LIMIT_EXCEEDED,
              prefix + "value",
              "value is "
                  + put.getValue().size()
                  + " bytes; the limit is "
                  + limits.maxValueBytes());
    }
    return f;
  }

  private Optional<Failure> validateDelete(DeleteRange d, String prefix) {
    Optional<Failure> f = tableName(d.getTable(), prefix + "table");
    return f.isPresent() ? f : range(d.getKey(), d.getRangeEnd(), prefix);
  }

  private Optional<Failure> validateRange(Range r, String prefix) {
    Optional<Failure> f = tableName(r.getTable(), prefix + "table");
    if (f.isEmpty()) {
      f = range(r.getKey(), r.getRangeEnd(), prefix);
    }
    if (f.isEmpty() && r.getLimit() < 0) {
      f = fail(ErrorCode.INVALID_ARGUMENT, prefix + "limit", "must be >= 0");
    }
    return f;
  }

  private Optional<Failure> range(ByteString key, ByteString end, String prefix) {
    if (end.isEmpty()) {
      return singleKey(key, prefix + "key");
    }
    if (key.size() > limits.maxKeyBytes()) {
      return keyTooLong(key, prefix + "key");
    }
    if (end.size() > limits.maxKeyBytes()) {
      return keyTooLong(end, prefix + "rangeEnd");
    }
    byte[] endBytes = end.toByteArray();
    if (!KeyRanges.isUnbounded(endBytes)
        && Arrays.compareUnsigned(endBytes, key.toByteArray()) <= 0) {
      return fail(ErrorCode.INVALID_ARGUMENT, prefix + "rangeEnd", "must be greater than key");
    }
    return Optional.empty();
  }

  private Optional<Failure> singleKey(ByteString key, String field) {
    if (key.isEmpty()) {
      return fail(ErrorCode.INVALID_ARGUMENT, field, "must not be empty");
    }
    return key.size() > limits.maxKeyBytes() ? keyTooLong(key, field) : Optional.empty();
  }

  private Optional<Failure> keyTooLong(ByteString key, String field) {
    return fail(
        ErrorCode.LIMIT_EXCEEDED,
        field,
        "key is " + key.size() + " bytes; the limit is " + limits.maxKeyBytes());
  }

  private static Optional<Failure> tableName(String name, String field) {
    if (TableNames.isValid(name)) {
      return Optional.empty();
    }
    return fail(
        ErrorCode.INVALID_ARGUMENT,
        field,
        "'" + name + "' is not a valid table name (" + TableNames.PATTERN.pattern() + ")");
  }

  private static String stripDot(String prefix) {
    return prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
  }

  static Optional<Failure> fail(ErrorCode code, String field, String message) {
    return Optional.of(
        Failure.newBuilder()
            .setCode(code.number())
            .setField(field)
            .setMessage(field + ": " + message)
            .build());
  }

  /** A key (put) or range (delete) a branch op writes. */
  private record Written(String table, byte[] start, byte[] end, boolean put) {
    /** Two deletes may overlap: the second finds nothing the first deleted. */
    boolean conflictsWith(Written other) {
      if (!table.equals(other.table) || (!put && !other.put)) {
        return false;
      }
      if (put && other.put) {
        return Arrays.equals(start, other.start);
      }
      Written delete = put ? other : this;
      Written written = put ? this : other;
      return KeyRanges.contains(delete.start, delete.end, written.start);
    }
  }
}
