package org.clusterdb.core.ratis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.clusterdb.api.PeerAddress;
import org.clusterdb.core.config.ClusterDbConfig;

/** The one place that turns a {@link ClusterDbConfig} into Ratis properties. */
final class RatisProperties {
  /** Room for Ratis's own framing around the largest command. */
  private static final int ENTRY_OVERHEAD = 64 * 1024;

  private RatisProperties() {}

  /**
   * @param bindHost the IP address the server listens on: this peer's own host, resolved through
   *     the address mapping (a name only the mapping knows cannot be bound)
   */
  static RaftProperties server(ClusterDbConfig c, java.nio.file.Path raftDir, String bindHost) {
    RaftProperties p = common(c);
    PeerAddress self = c.self();
    GrpcConfigKeys.Server.setHost(p, bindHost);
    GrpcConfigKeys.Server.setPort(p, self.port());
    RaftServerConfigKeys.setStorageDir(p, List.of(raftDir.toFile()));

    RaftServerConfigKeys.Rpc.setTimeoutMin(p, duration(c.electionTimeoutMin()));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, duration(c.electionTimeoutMax()));
    RaftServerConfigKeys.Rpc.setRequestTimeout(p, duration(c.electionTimeoutMax().multipliedBy(2)));

    // Reads go through the leader's read index: never served from a deposed leader.
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, false);

    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, c.snapshotEveryEntries());
    RaftServerConfigKeys.Snapshot.setCreationGap(p, 1);
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, c.snapshotsRetained());
    // A kill -9 takes no snapshot either; keep both paths alike and shutdown quick.
    RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, false);

    int entryLimit = c.maxRequestBytes() + ENTRY_OVERHEAD;
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(entryLimit));
    RaftServerConfigKeys.Log.setWriteBufferSize(
        p, SizeInBytes.valueOf(entryLimit + ENTRY_OVERHEAD));
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(c.logSegmentBytes()));
    RaftServerConfigKeys.Log.setPreallocatedSize(
        p, SizeInBytes.valueOf(Math.min(c.logSegmentBytes(), 4L * 1024 * 1024)));
    RaftServerConfigKeys.Log.setPurgeGap(p, c.logPurgeGap());
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, true);
    return p;
  }

  static RaftProperties client(ClusterDbConfig c) {
    RaftProperties p = common(c);
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, duration(rpcTimeout(c)));
    // Beyond this many requests in flight, Ratis blocks the calling thread.
    RaftClientConfigKeys.Async.setOutstandingRequestsMax(p, 4096);
    return p;
  }

  /** The peer monitor's client: one attempt per probe, bounded by the check interval. */
  static RaftProperties probe(ClusterDbConfig c) {
    RaftProperties p = common(c);
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, duration(c.healthCheckInterval()));
    return p;
  }

  /** One attempt of a client call: long enough to ride out one election. */
  static Duration rpcTimeout(ClusterDbConfig c) {
    Duration attempt = c.electionTimeoutMax().multipliedBy(2);
    return attempt.compareTo(c.requestTimeout()) < 0 ? attempt : c.requestTimeout();
  }

  private static RaftProperties common(ClusterDbConfig c) {
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
    int messageLimit = c.maxRequestBytes() + 4 * ENTRY_OVERHEAD;
    GrpcConfigKeys.setMessageSizeMax(
        p, SizeInBytes.valueOf(Math.max(messageLimit, 32 * 1024 * 1024)));
    return p;
  }

  static TimeDuration duration(Duration d) {
    return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
  }
}
