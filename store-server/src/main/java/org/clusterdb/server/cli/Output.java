package org.clusterdb.server.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import org.clusterdb.api.Bytes;
import org.clusterdb.api.KeyValue;

/**
 * How commands print: human text by default; with {@code --json}, the wire API's response message
 * as JSON (the same shape grpcurl prints), bytes as base64.
 */
final class Output {
  private final PrintWriter out;
  private final boolean json;

  Output(PrintWriter out, boolean json) {
    this.out = out;
    this.json = json;
  }

  boolean json() {
    return json;
  }

  void message(MessageOrBuilder message) {
    try {
      out.println(
          JsonFormat.printer()
              .omittingInsignificantWhitespace()
              .alwaysPrintFieldsWithNoPresence()
              .print(message));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
    }
    out.flush();
  }

  void line(String text) {
    out.println(text);
    out.flush();
  }

  static String row(KeyValue kv) {
    return text(kv.key())
        + " = "
        + text(kv.value())
        + "  (create="
        + kv.createRevision()
        + " mod="
        + kv.modRevision()
        + " version="
        + kv.version()
        + ")";
  }

  /** UTF-8 text when printable, else hex: what {@link Bytes#toString()} gives. */
  static String text(Bytes b) {
    return b.toString();
  }
}
