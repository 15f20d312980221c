package org.clusterdb.core.fsm;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.clusterdb.proto.log.v1.AccountRecord;
import org.clusterdb.proto.log.v1.AuditContext;
import org.clusterdb.proto.log.v1.AuditRecord;
import org.clusterdb.proto.log.v1.AuthRecord;
import org.clusterdb.proto.log.v1.ClusteringSettings;
import org.clusterdb.proto.log.v1.StoredValue;
import org.clusterdb.proto.log.v1.TableMeta;

/**
 * The audit rows of one command: collected as its writes run, then written beside them in the same
 * batch, and the oldest rows deleted so that a store keeps at most a fixed count. Deterministic
 * like the rest of the apply logic: the time and caller come from the log entry. A command without
 * an {@link AuditContext} (clusterdb's own records) gets no rows. Not thread-safe.
 */
public final class AuditTrail {
  /** Bytes of a value a row keeps; the full size is kept beside it. */
  static final int VALUE_BYTES = 1024;

  /** Stands for a value of a sensitive table: rows never hold one, sealed or not. */
  static final ByteString MASK = ByteString.copyFromUtf8("***");

  /** The trail of a command that is not audited. */
  static final AuditTrail NONE = new AuditTrail(null, 0);

  private final AuditContext context;
  private final int maxRows;
  private final List<AuditRecord.Builder> rows = new ArrayList<>();
  private long leftOut;

  private AuditTrail(AuditContext context, int maxRows) {
    this.context = context;
    this.maxRows = maxRows;
  }

  /** A trail for a command with {@code context}, or one that records nothing if it is null. */
  static AuditTrail of(AuditContext context, int maxRowsPerCommand) {
    return context == null ? NONE : new AuditTrail(context, maxRowsPerCommand);
  }

  /**
   * The key of audit row number {@code row} (8 bytes, big-endian): rows are numbered from 0 in the
   * order they are written, so they sort by revision, then by their order in the command.
   */
  public static byte[] key(long row) {
    return ByteBuffer.allocate(Long.BYTES).putLong(row).array();
  }

  void put(
      String table, byte[] key, Optional<StoredValue> prev, ByteString next, StateReader state) {
    if (context == null) {
      return;
    }
    ByteString old = prev.map(StoredValue::getValue).orElse(null);
    if (TableNames.CLUSTER.equals(table) && TableNames.SETTINGS_KEY.equals(utf8(key))
        || TableNames.PEER_SETTINGS.equals(table)
            && TableNames.OWN_SETTINGS_KEY.equals(utf8(key))) {
      settings(table, utf8(key), old, next);
      return;
    }
    ByteString shownNext =
        TableNames.ACCOUNTS.equals(table) ? account(old, next) : shown(table, key, next);
    add(
        AuditRecord.Action.PUT,
        table,
        key,
        shown(table, key, old),
        shownNext,
        masked(table, state));
  }

  void delete(String table, byte[] key, StoredValue old, StateReader state) {
    if (context == null) {
      return;
    }
    add(
        AuditRecord.Action.DELETE,
        table,
        key,
        shown(table, key, old.getValue()),
        null,
        masked(table, state));
  }

  private static boolean masked(String table, StateReader state) {
    return state.table(table).map(TableMeta::getSensitive).orElse(false);
  }

  void table(AuditRecord.Action action, TableMeta table) {
    if (context != null) {
      add(action, table.getName(), new byte[0], null, null, table.getSensitive());
    }
  }

  /**
   * Writes the rows at {@code revision} into {@code auditTable}, each under the next row number,
   * then deletes the oldest so that the latest {@code keep} remain. Returns the rows written.
   */
  List<AuditRecord> write(long revision, StateWriter state, String auditTable, long keep) {
    if (rows.isEmpty()) {
      return List.of();
    }
    if (state.table(auditTable).isEmpty()) {
      state.putTable(
          TableMeta.newBuilder().setName(auditTable).setCreateRevision(revision).build());
    }
    long first = state.auditNext();
    List<AuditRecord> written = new ArrayList<>(rows.size());
    for (int op = 0; op < rows.size(); op++) {
      AuditRecord.Builder b = rows.get(op).setRevision(revision).setOp(op).setContext(context);
      if (op == rows.size() - 1 && leftOut > 0) {
        b.setMore(leftOut);
      }
      AuditRecord row = b.build();
      state.put(
          auditTable,
          key(first + op),
          StoredValue.newBuilder()
              .setValue(row.toByteString())
              .setCreateRevision(revision)
              .setModRevision(revision)
              .setVersion(1)
              .build());
      written.add(row);
    }
    long next = first + rows.size();
    // Rows are numbered without gaps, so the ones that fall out are known: no scan.
    for (long gone = Math.max(0, first - keep); gone < next - keep; gone++) {
      state.delete(auditTable, key(gone));
    }
    state.setAuditNext(next);
    return written;
  }

  private void add(
      AuditRecord.Action action,
      String table,
      byte[] key,
      ByteString old,
      ByteString next,
      boolean masked) {
    if (rows.size() >= maxRows) {
      leftOut++;
      return;
    }
    AuditRecord.Builder b =
        AuditRecord.newBuilder()
            .setAction(action)
            .setTable(table)
            .setKey(ByteString.copyFrom(key))
            .setMasked(masked);
    if (old != null) {
      b.setOldSize(old.size()).setOldValue(masked ? MASK : cut(old));
    }
    if (next != null) {
      b.setNewSize(next.size()).setNewValue(masked ? MASK : cut(next));
    }
    rows.add(b);
  }

  /**
   * One row per changed field, as the seed logs a change of its clustering page; the first settings
   * show the fields that are set.
   */
  private void settings(String table, String key, ByteString old, ByteString next) {
    ClusteringSettings before = parse(old, ClusteringSettings.parser());
    ClusteringSettings after = parse(next, ClusteringSettings.parser());
    for (FieldDescriptor f : ClusteringSettings.getDescriptor().getFields()) {
      String was = before == null ? null : field(before, f);
      String now = after == null ? null : field(after, f);
      boolean changed = before == null ? after != null && isSet(after, f) : !was.equals(now);
      if (changed) {
        add(
            AuditRecord.Action.PUT,
            table,
            (key + "." + f.getName()).getBytes(StandardCharsets.UTF_8),
            was == null ? null : ByteString.copyFromUtf8(was),
            now == null ? null : ByteString.copyFromUtf8(now),
            false);
      }
    }
  }

  private static boolean isSet(Message m, FieldDescriptor f) {
    return f.isRepeated() ? m.getRepeatedFieldCount(f) > 0 : m.hasField(f);
  }

  /**
   * A field as words: an enum as its name without the type's prefix (TLS_MODE_ENFORCE: Enforce).
   */
  private static String field(Message m, FieldDescriptor f) {
    Object v = m.getField(f);
    if (f.isRepeated()) {
      return TextFormat.printer().shortDebugString(m.toBuilder().clear().setField(f, v).build());
    }
    if (v instanceof EnumValueDescriptor e) {
      String name = e.getName();
      String prefix = f.getEnumType().getName().replaceAll("([a-z])([A-Z])", "$1_$2") + "_";
      if (name.startsWith(prefix.toUpperCase(Locale.ROOT))) {
        name = name.substring(prefix.length());
      }
      return name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
    }
    return String.valueOf(v);
  }

  /**
   * The value as the audit shows it: an account as its role (and whether its password was set),
   * never its password hash; the authentication switch as words; other values as they are.
   */
  private static ByteString shown(String table, byte[] key, ByteString value) {
    if (value == null) {
      return null;
    }
    if (TableNames.ACCOUNTS.equals(table)) {
      return ByteString.copyFromUtf8(role(parse(value, AccountRecord.parser())));
    }
    if (TableNames.CLUSTER.equals(table) && TableNames.AUTH_KEY.equals(utf8(key))) {
      AuthRecord a = parse(value, AuthRecord.parser());
      return ByteString.copyFromUtf8(a == null ? "unreadable" : "enabled=" + a.getEnabled());
    }
    return value;
  }

  private static ByteString account(ByteString old, ByteString next) {
    AccountRecord before = parse(old, AccountRecord.parser());
    AccountRecord after = parse(next, AccountRecord.parser());
    String shown = role(after);
    if (before == null) {
      shown += " password=set";
    } else if (after != null
        && (!before.getPasswordHash().equals(after.getPasswordHash())
            || !before.getSealedPasswordHash().equals(after.getSealedPasswordHash()))) {
      shown += " password=changed";
    }
    return ByteString.copyFromUtf8(shown);
  }

  private static String role(AccountRecord a) {
    return a == null
        ? "unreadable"
        : "role=" + a.getRole().name().replace("ACCOUNT_ROLE_", "").toLowerCase(Locale.ROOT);
  }

  private static ByteString cut(ByteString value) {
    return value.size() <= VALUE_BYTES ? value : value.substring(0, VALUE_BYTES);
  }

  private static String utf8(byte[] key) {
    return new String(key, StandardCharsets.UTF_8);
  }

  private static <T> T parse(ByteString bytes, com.google.protobuf.Parser<T> parser) {
    if (bytes == null) {
      return null;
    }
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }
}
