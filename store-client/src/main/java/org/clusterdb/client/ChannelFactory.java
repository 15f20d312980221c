package org.clusterdb.client;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;

/**
 * Opens the channel to one endpoint: the one place where the transport, and later its security, is
 * chosen.
 */
@FunctionalInterface
interface ChannelFactory {

  /**
   * Pings an idle stream this often, so that a watch on a member cut off by a partition (no reset,
   * no FIN) fails over in seconds rather than after the kernel's TCP keepalive of hours. The server
   * must permit pings this frequent.
   */
  long KEEPALIVE_SECONDS = 30;

  /** A member that does not answer a ping within this is taken as gone. */
  long KEEPALIVE_TIMEOUT_SECONDS = 10;

  /**
   * A range answers with up to a megabyte per row, in one message; gRPC's default of 4 MiB would
   * fail an unlimited scan of a few rows. Bounded all the same, so that a runaway scan fails rather
   * than exhausts the heap; {@code ReadOptions.limit} pages through anything bigger.
   */
  int MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

  /** Plaintext HTTP/2 over Netty. */
  ChannelFactory PLAINTEXT =
      address ->
          NettyChannelBuilder.forTarget(address)
              .usePlaintext()
              .keepAliveTime(KEEPALIVE_SECONDS, TimeUnit.SECONDS)
              .keepAliveTimeout(KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
              .maxInboundMessageSize(MAX_RESPONSE_BYTES)
              .build();

  /** A new channel to {@code address}, a validated {@code host:port}. */
  ManagedChannel open(String address);
}
