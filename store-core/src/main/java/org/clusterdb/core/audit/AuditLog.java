package org.clusterdb.core.audit;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.clusterdb.proto.log.v1.AuditRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs audited changes as the seed does, one line per changed key on logger {@value #LOGGER}:
 *
 * <pre>
 * Event="System Configuration Changed" Detail="xconfiguration zones edge - changed from: 'a' to: 'b'"
 *     User="admin" Src-ip="127.0.0.1" Src-port="53155" Member="p1" Revision="12"
 * </pre>
 *
 * Values of sensitive tables show as {@code '***'}; long values are cut to {@link #VALUE_CHARS}
 * characters and end with an ellipsis. Thread-safe.
 */
public final class AuditLog {
  /** The logger of audit lines, so that they can be routed apart. */
  public static final String LOGGER = "org.clusterdb.audit";

  /** Characters of a key or value a line shows. */
  public static final int VALUE_CHARS = 80;

  /** Shown for a value of a sensitive table, in lines and rows alike. */
  public static final String MASK = "***";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private AuditLog() {}

  /** Logs {@code rows}, as applied on member {@code memberId}. */
  public static void log(String memberId, List<AuditRecord> rows) {
    if (rows.isEmpty() || !LOG.isInfoEnabled()) {
      return;
    }
    for (AuditRecord r : rows) {
      LOG.info(
          "Event=\"System Configuration Changed\" Detail=\"{}\" User=\"{}\" Src-ip=\"{}\""
              + " Src-port=\"{}\" Member=\"{}\" Revision=\"{}\"",
          escape(detail(r)),
          escape(r.getContext().getUser()),
          escape(r.getContext().getSourceIp()),
          r.getContext().getSourcePort(),
          memberId,
          r.getRevision());
    }
  }

  /** The seed's detail of one row: {@code xconfiguration <table> <key> - changed from: ...}. */
  public static String detail(AuditRecord r) {
    String detail =
        switch (r.getAction()) {
          case CREATE_TABLE ->
              "xconfiguration "
                  + r.getTable()
                  + " - "
                  + (r.getMasked() ? "sensitive table created" : "table created");
          case DROP_TABLE -> "xconfiguration " + r.getTable() + " - table dropped";
          default ->
              "xconfiguration "
                  + r.getTable()
                  + " "
                  + text(r.getKey(), r.getKey().size())
                  + " - changed from: "
                  + value(r, r.hasOldValue(), r.getOldValue(), r.getOldSize())
                  + " to: "
                  + value(r, r.hasNewValue(), r.getNewValue(), r.getNewSize());
        };
    return r.getMore() > 0 ? detail + " (and " + r.getMore() + " more keys)" : detail;
  }

  private static String value(AuditRecord r, boolean present, ByteString value, long size) {
    if (!present) {
      return "(none)";
    }
    return "'" + (r.getMasked() ? MASK : text(value, size)) + "'";
  }

  /**
   * {@code value} as text: UTF-8 when it is, else hex with a {@code 0x} prefix; cut to {@link
   * #VALUE_CHARS} with an ellipsis, also when {@code size} says the stored value was cut already.
   */
  public static String text(ByteString value, long size) {
    String s;
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(value.toByteArray()));
      s = chars.toString();
    } catch (CharacterCodingException e) {
      s = "0x" + HexFormat.of().formatHex(value.toByteArray());
    }
    if (s.length() > VALUE_CHARS) {
      return s.substring(0, VALUE_CHARS) + "…";
    }
    return size > value.size() ? s + "…" : s;
  }

  /** Keeps a quoted field one field on one line: quotes, backslashes and controls escaped. */
  public static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
