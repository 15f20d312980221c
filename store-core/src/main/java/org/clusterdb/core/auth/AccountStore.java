package org.clusterdb.core.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.clusterdb.api.Account;
import org.clusterdb.api.ClusterDbException;
import org.clusterdb.api.ErrorCode;
import org.clusterdb.api.Role;
import org.clusterdb.core.cluster.SystemKeyManager;
import org.clusterdb.core.fsm.Applier;
import org.clusterdb.core.fsm.StateReader;
import org.clusterdb.core.fsm.TableNames;
import org.clusterdb.core.local.PeerStore;
import org.clusterdb.core.ratis.RaftNode;
import org.clusterdb.core.security.SystemKey;
import org.clusterdb.proto.log.v1.AccountRecord;
import org.clusterdb.proto.log.v1.AccountRole;
import org.clusterdb.proto.log.v1.AccountsCopy;
import org.clusterdb.proto.log.v1.DeleteAccount;
import org.clusterdb.proto.log.v1.FormatVersion;
import org.clusterdb.proto.log.v1.LogEntry;
import org.clusterdb.proto.log.v1.PutAccount;
import org.clusterdb.proto.log.v1.SetAuth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's client accounts as this member sees them, and password checks against them.
 *
 * <p>Accounts live in the private cluster table {@link TableNames#ACCOUNTS}; the switch in {@link
 * TableNames#CLUSTER}. Each peer also keeps its own copy (peer table {@link #COPY_TABLE}): it
 * checks callers against it while it holds no replica of the cluster tables (joining, or just
 * reset), so that it never serves unauthenticated merely for lacking state, and a factory reset
 * keeps it, as the seed's reset keeps the admin accounts.
 *
 * <p>A password is checked with scrypt once per member; later calls with the same password compare
 * a keyed MAC of it, so a client that sends its password on every call costs microseconds, not a
 * tenth of a second. At most {@link #HASHING_PERMITS} scrypt runs at once: each takes 32 MiB.
 */
public final class AccountStore {
  private static final Logger LOG = LoggerFactory.getLogger(AccountStore.class);

  /** The peer table of this peer's copy, kept by a factory reset. */
  public static final String COPY_TABLE = TableNames.RESERVED_PREFIX + "accounts-copy";

  private static final String COPY_KEY = "copy";

  /** Under the data directory: the old system key, from a factory reset to the restore. */
  public static final String RESTORE_KEY_FILE = "accounts-restore.key";

  static final int HASHING_PERMITS = 2;
  private static final int CACHE_SIZE = 1024;

  private final RaftNode node;
  private final PeerStore peerStore;
  private final String memberId;
  private final Path dataDir;
  private final Supplier<Optional<SystemKey>> systemKey;
  private final Semaphore hashing = new Semaphore(HASHING_PERMITS, true);
  private final SecretKeySpec macKey;
  private final Map<String, Verified> verified =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Verified> eldest) {
          return size() > CACHE_SIZE;
        }
      };

  /** A password that passed scrypt against {@code hash}, remembered as its MAC. */
  private record Verified(String hash, byte[] mac) {}

  /** The accounts and switch in force: the cluster's, or this peer's copy while it has none. */
  public record View(
      boolean authEnabled, Map<String, AccountRecord> accounts, boolean fromCluster) {
    public View {
      accounts = Map.copyOf(accounts);
    }
  }

  /**
   * @param systemKey the cluster's system key, which seals password hashes, if this peer holds it
   */
  public AccountStore(
      RaftNode node,
      PeerStore peerStore,
      String memberId,
      Path dataDir,
      Supplier<Optional<SystemKey>> systemKey) {
    this.node = node;
    this.peerStore = peerStore;
    this.memberId = memberId;
    this.dataDir = dataDir;
    this.systemKey = systemKey;
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    this.macKey = new SecretKeySpec(key, "HmacSHA256");
    peerStore.ensureTable(COPY_TABLE);
  }

  /** The accounts and switch callers are checked against now. */
  public View view() {
    Optional<View> cluster;
    try {
      cluster = node.readLocal(AccountStore::clusterView);
    } catch (ClusterDbException e) {
      cluster = Optional.empty();
    }
    if (cluster.isPresent()) {
      return cluster.get();
    }
    AccountsCopy copy = copy();
    Map<String, AccountRecord> accounts = new LinkedHashMap<>();
    copy.getAccountsList().forEach(a -> accounts.put(a.getName(), a));
    return new View(copy.getAuthEnabled(), accounts, false);
  }

  /** One account, read by its key: every authenticated call asks, so no scan. */
  private Optional<AccountRecord> record(String name) {
    Optional<AccountRecord> found;
    try {
      found =
          node.readLocal(
              state -> {
                if (state.revision() == 0) {
                  return null;
                }
                if (state.table(TableNames.ACCOUNTS).isEmpty()) {
                  return Optional.<AccountRecord>empty();
                }
                return state
                    .get(TableNames.ACCOUNTS, name.getBytes(UTF_8))
                    .flatMap(
                        v -> {
                          try {
                            return Optional.of(AccountRecord.parseFrom(v.getValue()));
                          } catch (InvalidProtocolBufferException e) {
                            return Optional.empty();
                          }
                        });
              });
    } catch (ClusterDbException e) {
      found = null;
    }
    if (found != null) {
      return found;
    }
    return copy().getAccountsList().stream().filter(a -> a.getName().equals(name)).findFirst();
  }

  /** Empty while this replica has applied nothing of a cluster yet. */
  private static Optional<View> clusterView(StateReader state) {
    if (state.revision() == 0) {
      return Optional.empty();
    }
    Map<String, AccountRecord> accounts = new LinkedHashMap<>();
    if (state.table(TableNames.ACCOUNTS).isPresent()) {
      state.scan(
          TableNames.ACCOUNTS,
          new byte[0],
          null,
          (key, value) -> {
            try {
              AccountRecord a = AccountRecord.parseFrom(value.getValue());
              accounts.put(a.getName(), a);
            } catch (InvalidProtocolBufferException e) {
              // Unreadable: no account, so nobody logs in with it.
            }
            return true;
          });
    }
    return Optional.of(new View(Applier.authEnabled(state), accounts, true));
  }

  /** Every account, by name. */
  public List<Account> accounts() {
    List<Account> out = new ArrayList<>();
    view().accounts().values().forEach(a -> out.add(account(a)));
    out.sort(Comparator.comparing(Account::name));
    return List.copyOf(out);
  }

  /** Whether callers must authenticate; one key read, as every call on a server asks it. */
  public boolean authEnabled() {
    Boolean enabled;
    try {
      enabled = node.readLocal(s -> s.revision() == 0 ? null : Applier.authEnabled(s));
    } catch (ClusterDbException e) {
      enabled = null;
    }
    return enabled != null ? enabled : copy().getAuthEnabled();
  }

  /** The account named {@code name} if {@code password} is its password. */
  public Optional<Account> authenticate(String name, char[] password) {
    AccountRecord record = record(name).orElse(null);
    if (record == null || password == null || password.length > PasswordHash.MAX_LENGTH) {
      return Optional.empty();
    }
    String hash = hashOf(record);
    byte[] mac = mac(name, password);
    if (cached(name, hash, mac)) {
      return Optional.of(account(record));
    }
    try {
      hashing.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterDbException(ErrorCode.UNAVAILABLE, "interrupted while checking a password");
    }
    try {
      // Another call may have checked the same password while this one waited.
      if (cached(name, hash, mac)) {
        return Optional.of(account(record));
      }
      if (!PasswordHash.verify(password, hash)) {
        LOG.info("authentication failed member={} user={}", memberId, name);
        return Optional.empty();
      }
      synchronized (verified) {
        verified.put(name, new Verified(hash, mac));
      }
      return Optional.of(account(record));
    } finally {
      hashing.release();
    }
  }

  /** The account named {@code name}, for a caller already identified (by its certificate). */
  public Optional<Account> account(String name) {
    return record(name).map(AccountStore::account);
  }

  /**
   * The account's scrypt hash, opened with the system key.
   *
   * @throws ClusterDbException {@link ErrorCode#UNAVAILABLE} while this peer lacks the key (alarm
   *     20020): another peer can check the password
   */
  private String hashOf(AccountRecord record) {
    if (record.getSealedPasswordHash().isEmpty()) {
      return record.getPasswordHash();
    }
    return new String(
        open(requireKey(), record.getName(), record.getSealedPasswordHash().toByteArray()),
        StandardCharsets.UTF_8);
  }

  private SystemKey requireKey() {
    return systemKey
        .get()
        .orElseThrow(
            () ->
                new ClusterDbException(
                    ErrorCode.UNAVAILABLE,
                    "member "
                        + memberId
                        + " has no system key (alarm 20020), so it cannot check passwords:"
                        + " another peer can",
                    null,
                    true,
                    null));
  }

  private static byte[] open(SystemKey key, String name, byte[] sealed) {
    try {
      return key.open(TableNames.ACCOUNTS, name.getBytes(StandardCharsets.UTF_8), sealed);
    } catch (SystemKey.SealedValueException e) {
      throw new ClusterDbException(
          ErrorCode.UNAVAILABLE,
          "the password hash of '" + name + "' cannot be opened: " + e.getMessage(),
          null,
          true,
          null);
    }
  }

  private static ByteString seal(SystemKey key, String name, String hash) {
    return ByteString.copyFrom(
        key.seal(
            TableNames.ACCOUNTS,
            name.getBytes(StandardCharsets.UTF_8),
            hash.getBytes(StandardCharsets.UTF_8)));
  }

  private boolean cached(String name, String hash, byte[] mac) {
    Verified v;
    synchronized (verified) {
      v = verified.get(name);
    }
    return v != null && v.hash().equals(hash) && MessageDigest.isEqual(v.mac(), mac);
  }

  private byte[] mac(String name, char[] password) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(macKey);
      m.update(name.getBytes(StandardCharsets.UTF_8));
      m.update((byte) 0);
      var utf8 = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
      m.update(utf8);
      java.util.Arrays.fill(utf8.array(), (byte) 0);
      return m.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /**
   * Brings this peer's copy up to date with the cluster's accounts. After a factory reset it
   * instead gives the copy back to the cluster this peer now forms alone, once it leads it.
   */
  public void syncCopy() {
    boolean leadingAlone =
        node.isLeader() && node.membership().map(m -> m.all().size() == 1).orElse(false);
    AccountsCopy copy = copy();
    Optional<View> cluster;
    try {
      cluster = node.readLocal(AccountStore::clusterView);
    } catch (ClusterDbException e) {
      return;
    }
    if (cluster.isEmpty()) {
      return;
    }
    if (copy.getRestore() && cluster.get().accounts().isEmpty()) {
      if (leadingAlone) {
        restore(copy);
      }
      return;
    }
    // Once the cluster has accounts of its own, they rule: kept ones are dropped.
    AccountsCopy now = copyOf(cluster.get());
    if (!now.equals(copy)) {
      peerStore.put(COPY_TABLE, COPY_KEY, now.toByteString());
    }
  }

  private void restore(AccountsCopy copy) {
    Optional<SystemKey> now = systemKey.get();
    if (now.isEmpty()) {
      return;
    }
    SystemKey kept;
    Path keptFile = dataDir.resolve(RESTORE_KEY_FILE);
    try {
      kept = Files.exists(keptFile) ? SystemKey.read(keptFile) : null;
    } catch (IOException e) {
      LOG.error(
          "cannot read the key the factory reset kept for the accounts member={} file={} error={}",
          memberId,
          keptFile,
          e.toString());
      return;
    }
    LOG.warn(
        "restoring accounts kept by the factory reset member={} accounts={} auth={}",
        memberId,
        copy.getAccountsCount(),
        copy.getAuthEnabled());
    for (AccountRecord a : copy.getAccountsList()) {
      String hash;
      if (a.getSealedPasswordHash().isEmpty()) {
        hash = a.getPasswordHash();
      } else if (kept != null) {
        hash = new String(open(kept, a.getName(), a.getSealedPasswordHash().toByteArray()), UTF_8);
      } else {
        LOG.error("account not restored: its key is gone member={} user={}", memberId, a.getName());
        continue;
      }
      propose(
          entry()
              .setPutAccount(
                  PutAccount.newBuilder()
                      .setName(a.getName())
                      .setRole(a.getRole())
                      .setSealedPasswordHash(seal(now.get(), a.getName(), hash)))
              .build());
    }
    if (copy.getAuthEnabled()) {
      propose(entry().setSetAuth(SetAuth.newBuilder().setEnabled(true)).build());
    }
    peerStore.put(COPY_TABLE, COPY_KEY, copy.toBuilder().setRestore(false).build().toByteString());
    try {
      Files.deleteIfExists(keptFile);
    } catch (IOException e) {
      LOG.warn("cannot delete file={} error={}", keptFile, e.toString());
    }
  }

  private void propose(LogEntry e) {
    var r = node.propose(e).join();
    if (r.hasError()) {
      throw new ClusterDbException(
          ErrorCode.INTERNAL, "cannot restore accounts: " + r.getError().getMessage());
    }
  }

  private AccountsCopy copy() {
    return peerStore
        .get(COPY_TABLE, COPY_KEY)
        .map(
            b -> {
              try {
                return AccountsCopy.parseFrom(b);
              } catch (InvalidProtocolBufferException e) {
                return AccountsCopy.getDefaultInstance();
              }
            })
        .orElse(AccountsCopy.getDefaultInstance());
  }

  private static AccountsCopy copyOf(View v) {
    AccountsCopy.Builder b = AccountsCopy.newBuilder().setAuthEnabled(v.authEnabled());
    v.accounts().values().stream()
        .sorted(Comparator.comparing(AccountRecord::getName))
        .forEach(b::addAccounts);
    return b.build();
  }

  /**
   * Marks this peer's copy to be given back to the cluster it forms after a factory reset, and
   * keeps the system key its hashes are sealed with as {@link #RESTORE_KEY_FILE} until then: the
   * reset deletes the key itself.
   */
  public static void keepForReset(PeerStore peerStore, Path dataDir) throws IOException {
    Optional<AccountsCopy> copy =
        peerStore
            .get(COPY_TABLE, COPY_KEY)
            .flatMap(
                b -> {
                  try {
                    return Optional.of(AccountsCopy.parseFrom(b));
                  } catch (InvalidProtocolBufferException e) {
                    return Optional.empty();
                  }
                });
    if (copy.isPresent() && copy.get().getAccountsCount() > 0) {
      Path key = dataDir.resolve(SystemKeyManager.FILE);
      if (Files.exists(key)) {
        SystemKey.read(key).write(dataDir.resolve(RESTORE_KEY_FILE));
      }
      peerStore.put(
          COPY_TABLE, COPY_KEY, copy.get().toBuilder().setRestore(true).build().toByteString());
    }
  }

  /**
   * The entry creating or changing an account; {@code password} null keeps its password. The
   * password's hash is sealed with the system key, so neither the log nor any store holds it in the
   * clear.
   *
   * @throws ClusterDbException {@link ErrorCode#UNAVAILABLE} if a password is given while this peer
   *     lacks the key
   */
  public LogEntry putEntry(String name, Role role, char[] password) {
    PutAccount.Builder put = PutAccount.newBuilder().setName(name).setRole(role(role));
    if (password != null) {
      put.setSealedPasswordHash(seal(requireKey(), name, PasswordHash.hash(password)));
    }
    return entry().setPutAccount(put).build();
  }

  public static LogEntry deleteEntry(String name) {
    return entry().setDeleteAccount(DeleteAccount.newBuilder().setName(name)).build();
  }

  public static LogEntry authEntry(boolean enabled) {
    return entry().setSetAuth(SetAuth.newBuilder().setEnabled(enabled)).build();
  }

  private static LogEntry.Builder entry() {
    return LogEntry.newBuilder().setFormatVersion(FormatVersion.FORMAT_VERSION_1);
  }

  private static Account account(AccountRecord a) {
    return new Account(
        a.getName(), a.getRole() == AccountRole.ACCOUNT_ROLE_ADMIN ? Role.ADMIN : Role.READONLY);
  }

  private static AccountRole role(Role role) {
    return role == Role.ADMIN ? AccountRole.ACCOUNT_ROLE_ADMIN : AccountRole.ACCOUNT_ROLE_READONLY;
  }
}
