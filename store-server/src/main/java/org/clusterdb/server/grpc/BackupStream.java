package org.clusterdb.server.grpc;

import com.google.protobuf.ByteString;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.clusterdb.proto.api.v1.BackupChunk;

/**
 * The backup file as a stream of {@link BackupChunk}s, sent only as fast as the client takes them:
 * a write blocks while gRPC's outbound buffer is full, so a large backup never sits in memory.
 */
final class BackupStream extends OutputStream {
  static final int CHUNK_BYTES = 1 << 20;

  private final ServerCallStreamObserver<BackupChunk> call;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition ready = lock.newCondition();
  private final byte[] buf = new byte[CHUNK_BYTES];
  private int used;
  private volatile boolean cancelled;
  private volatile long total = -1;
  private boolean first = true;

  /** Must be made while the call is being started, as gRPC takes its handlers only then. */
  BackupStream(ServerCallStreamObserver<BackupChunk> call) {
    this.call = call;
    call.setOnReadyHandler(this::signal);
    call.setOnCancelHandler(
        () -> {
          cancelled = true;
          signal();
        });
  }

  void total(long bytes) {
    total = bytes;
  }

  private void signal() {
    lock.lock();
    try {
      ready.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void write(int b) throws IOException {
    if (used == buf.length) {
      send();
    }
    buf[used++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (used == buf.length) {
        send();
      }
      int n = Math.min(len, buf.length - used);
      System.arraycopy(b, off, buf, used, n);
      used += n;
      off += n;
      len -= n;
    }
  }

  @Override
  public void flush() throws IOException {
    if (used > 0) {
      send();
    }
  }

  private void send() throws IOException {
    awaitReady();
    BackupChunk.Builder c = BackupChunk.newBuilder().setData(ByteString.copyFrom(buf, 0, used));
    if (first && total >= 0) {
      c.setTotalBytes(total);
      first = false;
    }
    call.onNext(c.build());
    used = 0;
  }

  private void awaitReady() throws IOException {
    lock.lock();
    try {
      while (!call.isReady() && !cancelled) {
        ready.await(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("backup interrupted");
    } finally {
      lock.unlock();
    }
    if (cancelled) {
      throw new IOException("the client cancelled the backup");
    }
  }
}
