package io.kestra.local.grpc;

import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.ServerProvider;
import io.grpc.netty.NettyServerBuilder;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Binds every gRPC server of this JVM to 127.0.0.1. Kestra's worker controller builds its
 * server with {@code Grpc.newServerBuilderForPort}, which listens on all interfaces; gRPC
 * picks the highest-priority {@link ServerProvider} on the class path for that call, so this
 * provider (registered in META-INF/services, priority above Netty's 5) makes the port of the
 * engine's internal worker-to-controller channel a loopback one, as the rest of the local Kestra.
 */
public final class LoopbackServerProvider extends ServerProvider {
    @Override
    protected boolean isAvailable() {
        return true;
    }

    @Override
    protected int priority() {
        return 10;
    }

    @Override
    protected ServerBuilder<?> builderForPort(int port) {
        return NettyServerBuilder.forAddress(loopback(port));
    }

    @Override
    protected NewServerBuilderResult newServerBuilderForPort(int port, ServerCredentials credentials) {
        return NewServerBuilderResult.serverBuilder(NettyServerBuilder.forAddress(loopback(port), credentials));
    }

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }
}
