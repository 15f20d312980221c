package org.clusterdb.core.cluster;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.core.config.ClusterDbConfig;
import org.clusterdb.core.fsm.TableNames;
import org.clusterdb.core.ratis.Membership;
import org.clusterdb.core.ratis.RaftNode;
import org.clusterdb.core.security.KeyWrap;
import org.clusterdb.core.security.SystemKey;
import org.clusterdb.core.util.DaemonThreads;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.GrantSystemKey;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.PublishPeerKey;
import org.clusterdb.proto.log.v1.StoredValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This peer's copy of the cluster's system key, and its distribution.
 *
 * <p>The key lives in {@code <dataDir>/system.key} (0600). The peer that creates a cluster makes
 * it. Every other peer receives it through the replicated log, wrapped to its TLS public key: each
 * member publishes that key ({@code PublishPeerKey}, with whether it lacks the system key); the
 * leader, holding the key, grants it ({@code GrantSystemKey}) to a member that lacks it and never
 * held it (a new or reset peer); the member unwraps it, writes its key file and publishes that it
 * has it, which drops the grant from the state. A member that held the key and lost its file gets
 * it again only when an admin runs {@link #forceUpdate} on a peer that holds it, as the seed's
 * procedure says. Without a usable key, or when its key file cannot be written, a member raises
 * {@link AlarmDefinition#SYSTEM_KEY}. Runs on its own thread, once per health check; {@link #key}
 * is thread-safe.
 */
public final class SystemKeyManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SystemKeyManager.class);

  /** The key file, under the data directory. */
  public static final String FILE = "system.key";

  private final ClusterDbConfig config;
  private final RaftNode node;
  private final AlarmRegistry alarms;
  private final Path file;
  private final ScheduledExecutorService ticker;
  private final byte[] ownPublicKey;
  private final byte[] ownFingerprint;

  private volatile SystemKey key;

  /** The last write of the key file failed; cleared by a successful one. */
  private volatile boolean fileFailed;

  /** Ticker thread only: since when (nanoTime) this member has been without a key; -1 if not. */
  private long keylessSince = -1;

  private SystemKeyManager(ClusterDbConfig config, RaftNode node, AlarmRegistry alarms) {
    this.config = config;
    this.node = node;
    this.alarms = alarms;
    this.file = config.dataDir().resolve(FILE);
    this.ownPublicKey = node.identity().publicKey().getEncoded();
    this.ownFingerprint = KeyWrap.fingerprint(node.identity().publicKey());
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("clusterdb-systemkey-" + config.memberId()));
  }

  /**
   * Loads this peer's key file, or makes one if this peer just created its cluster, then keeps the
   * key distributed.
   */
  public static SystemKeyManager start(
      ClusterDbConfig config, RaftNode node, AlarmRegistry alarms) {
    SystemKeyManager m = new SystemKeyManager(config, node, alarms);
    m.load();
    long every = config.healthCheckInterval().toMillis();
    m.ticker.scheduleWithFixedDelay(m::round, 0, every, TimeUnit.MILLISECONDS);
    return m;
  }

  /** Deletes the key file of {@code dataDir}, as a factory reset does; whether there was one. */
  public static boolean deleteKeyFile(Path dataDir) throws IOException {
    return Files.deleteIfExists(dataDir.resolve(FILE));
  }

  /** The cluster's key, if this peer holds it. */
  public Optional<SystemKey> key() {
    return Optional.ofNullable(key);
  }

  private void load() {
    if (Files.exists(file)) {
      try {
        key = SystemKey.read(file);
        LOG.info("system key loaded member={} keyid={}", config.memberId(), key.idHex());
      } catch (IOException e) {
        LOG.error(
            "system key file unreadable member={} file={} error=\"{}\"",
            config.memberId(),
            file,
            e.getMessage());
        alarms.raise(AlarmDefinition.SYSTEM_KEY);
      }
      return;
    }
    if (node.createdCluster()) {
      SystemKey made = SystemKey.generate();
      key = made;
      writeFile(made);
      LOG.info(
          "system key made for the new cluster member={} keyid={}",
          config.memberId(),
          made.idHex());
      return;
    }
    LOG.info(
        "no system key file: waiting for the cluster's key member={} file={} resumed={}",
        config.memberId(),
        file,
        node.resumed());
  }

  private boolean writeFile(SystemKey k) {
    try {
      k.write(file);
      fileFailed = false;
      return true;
    } catch (IOException | RuntimeException e) {
      fileFailed = true;
      LOG.error(
          "Failed to update key file member={} file={} error=\"{}\"",
          config.memberId(),
          file,
          e.toString());
      alarms.raise(AlarmDefinition.SYSTEM_KEY);
      return false;
    }
  }

  /**
   * The seed's {@code xcommand ForceSystemKeyUpdate}, on a peer that holds the key: rewrites this
   * peer's own key file, then sends the key to every other member, wrapped to the public key it
   * published. Completes with the members it was sent to, once every grant is committed.
   *
   * @throws ClusterDbException {@link ErrorCode#UNAVAILABLE} if this peer holds no key, or cannot
   *     write its own key file
   */
  public CompletableFuture<List<String>> forceUpdate() {
    SystemKey k = key;
    if (k == null) {
      return CompletableFuture.failedFuture(
          new ClusterDbException(
              ErrorCode.UNAVAILABLE,
              "this peer ("
                  + config.memberId()
                  + ") has no system key: run ForceSystemKeyUpdate on a peer without alarm "
                  + AlarmDefinition.SYSTEM_KEY.id()));
    }
    if (!writeFile(k)) {
      return CompletableFuture.failedFuture(
          new ClusterDbException(
              ErrorCode.UNAVAILABLE,
              "Failed to update key file " + file + " on " + config.memberId()));
    }
    List<String> members = node.membership().map(Membership::ids).orElse(List.of());
    List<String> sent = new ArrayList<>();
    List<CompletableFuture<?>> grants = new ArrayList<>();
    for (String id : members) {
      if (id.equals(config.memberId())) {
        continue;
      }
      Optional<PublishPeerKey> published =
          read(TableNames.PEER_KEY_PREFIX + id, PublishPeerKey.parser());
      if (published.isEmpty()) {
        LOG.warn(
            "ForceSystemKeyUpdate: member has published no public key member={} peer={}",
            config.memberId(),
            id);
        continue;
      }
      grants.add(node.propose(grant(k, published.get())));
      sent.add(id);
    }
    LOG.info(
        "ForceSystemKeyUpdate member={} keyid={} sentto={}", config.memberId(), k.idHex(), sent);
    return CompletableFuture.allOf(grants.toArray(CompletableFuture[]::new))
        .thenApply(v -> List.copyOf(sent));
  }

  /**
   * The software version each member of the Raft group published, as of this replica, by member id;
   * a member that published none (not yet, or too old to) is absent.
   */
  public Map<String, String> softwareVersions() {
    Map<String, String> out = new TreeMap<>();
    for (String id : node.membership().map(Membership::ids).orElse(List.of())) {
      read(TableNames.PEER_KEY_PREFIX + id, PublishPeerKey.parser())
          .map(PublishPeerKey::getSoftwareVersion)
          .filter(v -> !v.isEmpty())
          .ifPresent(v -> out.put(id, v));
    }
    return out;
  }

  private void round() {
    try {
      boolean member =
          node.membership().map(m -> m.ids().contains(config.memberId())).orElse(false);
      if (!member) {
        return;
      }
      Optional<PublishPeerKey> row =
          read(TableNames.PEER_KEY_PREFIX + config.memberId(), PublishPeerKey.parser());
      Optional<GrantSystemKey> grant =
          read(TableNames.KEY_GRANT_PREFIX + config.memberId(), GrantSystemKey.parser());
      grant.ifPresent(this::receive);
      // Never held the key: a new peer, or one whose earlier self had not received it either.
      boolean joining =
          key == null
              && (!node.resumed()
                  || row.map(r -> r.getWantsSystemKey() && r.getJoining()).orElse(true));
      publish(row, grant.isPresent(), joining);
      if (key != null && (node.isLeader() || leaderLacksKey())) {
        grantJoiners();
      }
      keyAlarm(joining);
    } catch (RuntimeException e) {
      LOG.warn("system key round failed member={} error={}", config.memberId(), e.toString());
    }
  }

  private void receive(GrantSystemKey g) {
    if (!MessageDigest.isEqual(g.getRecipientKeySha256().toByteArray(), ownFingerprint)) {
      return;
    }
    SystemKey held = key;
    if (held != null
        && MessageDigest.isEqual(held.id(), g.getKeyId().toByteArray())
        && !fileFailed
        && Files.exists(file)) {
      return;
    }
    SystemKey granted;
    try {
      granted =
          node.identity()
              .unwrap(
                  new KeyWrap.Wrapped(
                      g.getEphemeralPublicKey().toByteArray(),
                      g.getNonce().toByteArray(),
                      g.getWrappedKey().toByteArray()),
                  context(config.memberId(), g.getKeyId().toByteArray()));
    } catch (GeneralSecurityException e) {
      LOG.error(
          "system key grant does not unwrap member={} grantedby={} error=\"{}\"",
          config.memberId(),
          g.getGrantedBy(),
          e.toString());
      return;
    }
    if (held != null && !held.sameAs(granted)) {
      LOG.warn(
          "system key replaced by the cluster's member={} was={} now={}",
          config.memberId(),
          held.idHex(),
          granted.idHex());
    }
    key = granted;
    boolean written = writeFile(granted);
    LOG.info(
        "system key received member={} grantedby={} keyid={} written={}",
        config.memberId(),
        g.getGrantedBy(),
        granted.idHex(),
        written);
  }

  /**
   * Publishes this member's public key and need when the cluster's row differs, or to drop a grant
   * once it holds the key.
   */
  private void publish(Optional<PublishPeerKey> row, boolean granted, boolean joining) {
    PublishPeerKey wanted =
        PublishPeerKey.newBuilder()
            .setMemberId(config.memberId())
            .setPublicKey(ByteString.copyFrom(ownPublicKey))
            .setWantsSystemKey(key == null)
            .setJoining(joining)
            .setSoftwareVersion(config.softwareVersion())
            .build();
    if (row.equals(Optional.of(wanted)) && !(granted && key != null)) {
      return;
    }
    // A failure is logged by the round, and the next round publishes again.
    node.propose(entry().setPublishPeerKey(wanted).build()).join();
  }

  /**
   * Whether the leader is a member still waiting for the key, such as a wiped primary that took the
   * lead back as soon as it caught up: it cannot grant the key, not even to itself, so the members
   * that hold it grant instead (two grants to one member are harmless: it unwraps either).
   */
  private boolean leaderLacksKey() {
    Optional<String> leader = node.status().leaderId();
    if (leader.isEmpty() || leader.get().equals(config.memberId())) {
      return false;
    }
    return read(TableNames.PEER_KEY_PREFIX + leader.get(), PublishPeerKey.parser())
        .map(r -> r.getWantsSystemKey() && r.getJoining())
        .orElse(false);
  }

  /** On the leader, or for a leader without the key: the key to each member that wants it. */
  private void grantJoiners() {
    List<String> members = node.membership().map(Membership::ids).orElse(List.of());
    SystemKey k = key;
    for (String id : members) {
      if (id.equals(config.memberId())) {
        continue;
      }
      Optional<PublishPeerKey> row = read(TableNames.PEER_KEY_PREFIX + id, PublishPeerKey.parser());
      if (row.isEmpty() || !row.get().getWantsSystemKey() || !row.get().getJoining()) {
        continue;
      }
      byte[] fingerprint = sha256(row.get().getPublicKey().toByteArray());
      Optional<GrantSystemKey> existing =
          read(TableNames.KEY_GRANT_PREFIX + id, GrantSystemKey.parser());
      if (existing.isPresent()
          && MessageDigest.isEqual(
              existing.get().getRecipientKeySha256().toByteArray(), fingerprint)) {
        continue;
      }
      LOG.info("granting the system key to a new member member={} peer={}", config.memberId(), id);
      node.propose(grant(k, row.get())).join();
    }
  }

  private LogEntry grant(SystemKey k, PublishPeerKey to) {
    PublicKey recipient = publicKey(to.getPublicKey().toByteArray());
    KeyWrap.Wrapped w = KeyWrap.wrap(k, recipient, context(to.getMemberId(), k.id()));
    return entry()
        .setGrantSystemKey(
            GrantSystemKey.newBuilder()
                .setMemberId(to.getMemberId())
                .setRecipientKeySha256(ByteString.copyFrom(KeyWrap.fingerprint(recipient)))
                .setKeyId(ByteString.copyFrom(k.id()))
                .setEphemeralPublicKey(ByteString.copyFrom(w.ephemeralPublicKey()))
                .setNonce(ByteString.copyFrom(w.nonce()))
                .setWrappedKey(ByteString.copyFrom(w.ciphertext()))
                .setGrantedBy(config.memberId()))
        .build();
  }

  private void keyAlarm(boolean joining) {
    if (key != null) {
      keylessSince = -1;
      if (fileFailed) {
        alarms.raise(AlarmDefinition.SYSTEM_KEY);
      } else {
        alarms.lower(AlarmDefinition.SYSTEM_KEY);
      }
      return;
    }
    long now = System.nanoTime();
    if (keylessSince < 0) {
      keylessSince = now;
    }
    // A new member waits for its grant a little; one that lost its key needs an admin now.
    long grace = joining ? config.peerFailureTimeout().multipliedBy(2).toNanos() : 0;
    if (now - keylessSince >= grace) {
      alarms.raise(AlarmDefinition.SYSTEM_KEY);
    }
  }

  /** What a wrapped key is bound to: its recipient and the key's id. */
  private static byte[] context(String memberId, byte[] keyId) {
    byte[] id = memberId.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[id.length + 1 + keyId.length];
    System.arraycopy(id, 0, out, 0, id.length);
    System.arraycopy(keyId, 0, out, id.length + 1, keyId.length);
    return out;
  }

  private static PublicKey publicKey(byte[] der) {
    for (String algorithm : List.of("EC", "RSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new ClusterDbException(ErrorCode.INTERNAL, "a published peer key is neither EC nor RSA");
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  private static LogEntry.Builder entry() {
    return LogEntry.newBuilder().setFormatVersion(FormatVersion.FORMAT_VERSION_1);
  }

  /** A record of clusterdb.cluster in this replica; empty also while it holds no replica. */
  private <T> Optional<T> read(String rowKey, com.google.protobuf.Parser<T> parser) {
    Optional<StoredValue> v;
    try {
      v =
          node.readLocal(
              view ->
                  view.table(TableNames.CLUSTER).isEmpty()
                      ? Optional.<StoredValue>empty()
                      : view.get(TableNames.CLUSTER, rowKey.getBytes(StandardCharsets.UTF_8)));
    } catch (ClusterDbException e) {
      return Optional.empty();
    }
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(parser.parseFrom(v.get().getValue()));
    } catch (InvalidProtocolBufferException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    DaemonThreads.stop(ticker);
  }
}
