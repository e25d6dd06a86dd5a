import HummingbirdCore
import Logging
import NIOCore

/// A connection must finish its first request head within the read timeout, or it is closed. Hummingbird's HTTP/1
/// channel enforces this with its idle timeout from the start; hummingbird-websocket's upgrade channel (the
/// workbench's server, for `/api/live`) adds that timeout only once a head is complete, so a client trickling a head
/// byte by byte would hold a connection for ever. This wraps any child channel with a handler, first in the pipeline,
/// that closes the connection when no complete head (`CRLF CRLF`) arrived in time, and steps aside once one has:
/// the rest is the inner channel's (idle timeouts for HTTP, pings for WebSockets).
struct RequestHeadDeadline<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value
    let inner: Inner
    let timeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let timeout = self.timeout
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(HeadDeadlineHandler(timeout: timeout), position: .first)
        }.flatMap { inner.setup(channel: channel, logger: logger) }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// Closes the channel unless `CRLF CRLF` arrives within `timeout` of the connection's start; then removes itself.
final class HeadDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    /// The last three bytes seen, for a `CRLF CRLF` split across reads.
    private var tail: [UInt8] = []
    private var done = false

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    private func start(_ context: ChannelHandlerContext) {
        guard timer == nil, !done else { return }
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !done {
            let buffer = unwrapInboundIn(data)
            let bytes = tail + buffer.readableBytesView
            if HeadDeadlineHandler.hasHeadEnd(bytes) {
                done = true
                timer?.cancel()
                timer = nil
            } else {
                tail = Array(bytes.suffix(3))
            }
        }
        context.fireChannelRead(data)
        if done { context.pipeline.syncOperations.removeHandler(self, promise: nil) }
    }

    static func hasHeadEnd(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        for i in 0...(bytes.count - 4) where bytes[i] == 0x0D && bytes[i + 1] == 0x0A && bytes[i + 2] == 0x0D && bytes[i + 3] == 0x0A {
            return true
        }
        return false
    }
}
