import CRabbitMQ
import Foundation
import Glibc

/// One rabbitmq-c connection with one channel. Not thread-safe by design: the library requires
/// that a connection is used by one thread only, so each instance belongs to one
/// `ConnectionThread` and never leaves it.
///
/// The C state is owned by this object from the moment `init` returns, and only then: every
/// failure inside `init` destroys the state itself before any stored property is set, so Swift
/// never runs `deinit` for a half-made connection (a double `amqp_destroy_connection` used to
/// crash every service while the broker was down; see docs/architecture.md).
final class AMQPConnection {
    private let state: amqp_connection_state_t
    let channel: amqp_channel_t = 1
    /// Which connection a delivery came on; see `AMQPLink`.
    let link: AMQPLink
    let endpoint: AMQPConfiguration.Endpoint
    private var isOpen = true

    init(configuration: AMQPConfiguration, endpoint: AMQPConfiguration.Endpoint) throws {
        guard let state = amqp_new_connection() else {
            throw AMQPError(code: .library, operation: "new connection")
        }
        do {
            try Self.open(state, configuration: configuration, endpoint: endpoint)
        } catch {
            amqp_destroy_connection(state)
            throw error
        }
        self.state = state
        self.endpoint = endpoint
        self.link = AMQPLink(endpoint: endpoint)
    }

    /// Socket, login and channel, on a state this function does not own.
    private static func open(_ state: amqp_connection_state_t, configuration: AMQPConfiguration,
                             endpoint: AMQPConfiguration.Endpoint) throws {
        guard let socket = amqp_tcp_socket_new(state) else {
            throw AMQPError(code: .library, operation: "tcp socket")
        }
        var timeout = timeval(configuration.options.connectTimeout)
        let opened = amqp_socket_open_noblock(socket, endpoint.host, Int32(endpoint.port), &timeout)
        guard opened == AMQP_STATUS_OK.rawValue else {
            throw AMQPError(code: .connectionFailed, operation: "socket open", detail: "\(endpoint): \(statusText(opened))")
        }
        var rpcTimeout = timeval(configuration.options.rpcTimeout)
        amqp_set_rpc_timeout(state, &rpcTimeout)
        amqp_set_handshake_timeout(state, &rpcTimeout)

        // Asking for `connection.blocked` makes the broker say when an alarm stops publishing,
        // so a stalled publisher can report why instead of timing out (docs/architecture.md).
        let arena = Arena()
        var properties = arena.clientProperties(name: configuration.options.connectionName)
        let heartbeat = Int32(configuration.options.heartbeat.components.seconds)
        let login = kefu_amqp_login_plain(state, configuration.virtualHost, 0, 131_072, heartbeat, &properties,
                                          configuration.user, configuration.password)
        try check(login, operation: "login", failure: .loginFailed)
        amqp_channel_open(state, 1)
        try check(amqp_get_rpc_reply(state), operation: "channel.open")
    }

    /// Forgets a connection that failed: its peer may be gone, so closing it politely would
    /// wait for a reply that never comes. `deinit` then only frees it and closes the socket.
    func abandon() {
        isOpen = false
    }

    deinit {
        if isOpen {
            amqp_channel_close(state, channel, Int32(AMQP_REPLY_SUCCESS))
            amqp_connection_close(state, Int32(AMQP_REPLY_SUCCESS))
        }
        amqp_destroy_connection(state)
    }

    // MARK: Waiting

    /// The socket, for `poll`.
    var socketDescriptor: Int32 { amqp_get_sockfd(state) }

    /// Frames or bytes the library has read but not handed out yet: `poll` would not see them.
    var hasBufferedInput: Bool {
        amqp_frames_enqueued(state) != 0 || amqp_data_in_buffer(state) != 0
    }

    // MARK: Topology

    func declare(_ topology: Topology) throws {
        for exchange in topology.exchanges {
            let arena = Arena()
            amqp_exchange_declare(state, channel, arena.bytes(exchange.name), arena.bytes(exchange.type),
                                  0, 1, 0, 0, amqp_empty_table)
            try check("exchange.declare")
        }
        for queue in topology.queues {
            let arena = Arena()
            amqp_queue_declare(state, channel, arena.bytes(queue.name), 0, 1, 0, 0, arena.table(queue.arguments))
            try check("queue.declare")
            for binding in queue.bindings {
                amqp_queue_bind(state, channel, arena.bytes(queue.name), arena.bytes(binding.exchange),
                                arena.bytes(binding.routingKey), amqp_empty_table)
                try check("queue.bind")
            }
            // Unbinding what is not bound is not an error, so this is idempotent too.
            for binding in queue.retiredBindings {
                amqp_queue_unbind(state, channel, arena.bytes(queue.name), arena.bytes(binding.exchange),
                                  arena.bytes(binding.routingKey), amqp_empty_table)
                try check("queue.unbind")
            }
        }
    }

    /// Declares a server-named, exclusive, auto-delete queue and returns its name.
    func declareExclusiveQueue() throws -> String {
        guard let ok = amqp_queue_declare(state, channel, amqp_empty_bytes, 0, 0, 1, 1, amqp_empty_table) else {
            try check("queue.declare")
            throw AMQPError(code: .library, operation: "queue.declare")
        }
        return Self.string(ok.pointee.queue)
    }

    func bind(queue: String, exchange: String, routingKey: String) throws {
        let arena = Arena()
        amqp_queue_bind(state, channel, arena.bytes(queue), arena.bytes(exchange), arena.bytes(routingKey), amqp_empty_table)
        try check("queue.bind")
    }

    // MARK: Publishing

    func enablePublisherConfirms() throws {
        amqp_confirm_select(state, channel)
        try check("confirm.select")
    }

    func publish(_ message: OutgoingMessage) throws {
        let arena = Arena()
        var properties = amqp_basic_properties_t()
        properties._flags = UInt32(AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_TIMESTAMP_FLAG)
        properties.content_type = arena.bytes(message.contentType)
        properties.delivery_mode = message.persistent ? 2 : 1
        properties.timestamp = UInt64(Date().timeIntervalSince1970)
        if let id = message.messageID {
            properties._flags |= UInt32(AMQP_BASIC_MESSAGE_ID_FLAG)
            properties.message_id = arena.bytes(id)
        }
        if let id = message.correlationID {
            properties._flags |= UInt32(AMQP_BASIC_CORRELATION_ID_FLAG)
            properties.correlation_id = arena.bytes(id)
        }
        if let replyTo = message.replyTo {
            properties._flags |= UInt32(AMQP_BASIC_REPLY_TO_FLAG)
            properties.reply_to = arena.bytes(replyTo)
        }
        if let type = message.type {
            properties._flags |= UInt32(AMQP_BASIC_TYPE_FLAG)
            properties.type = arena.bytes(type)
        }
        if !message.headers.isEmpty {
            properties._flags |= UInt32(AMQP_BASIC_HEADERS_FLAG)
            properties.headers = arena.table(message.headers)
        }
        let status = amqp_basic_publish(state, channel, arena.bytes(message.exchange), arena.bytes(message.routingKey),
                                        message.mandatory ? 1 : 0, 0, &properties, arena.bytes(message.body))
        guard status == AMQP_STATUS_OK.rawValue else {
            throw AMQPError(code: .library, operation: "basic.publish", detail: Self.statusText(status))
        }
    }

    /// What a publisher hears back from the broker.
    enum PublisherFrame {
        case ack(tag: UInt64, multiple: Bool)
        case nack(tag: UInt64, multiple: Bool)
        case returned(messageID: String?)
        /// A resource alarm: the broker stops reading what this connection publishes.
        case blocked(reason: String)
        case unblocked
        case other
    }

    /// Reads one frame for the publisher; `nil` when none arrives within `timeout`.
    func nextPublisherFrame(timeout: Duration) throws -> PublisherFrame? {
        guard let frame = try waitFrame(timeout: timeout) else { return nil }
        guard frame.frame_type == UInt8(AMQP_FRAME_METHOD) else { return .other }
        switch frame.payload.method.id {
        case kefu_method_basic_ack:
            let ack = kefu_as_basic_ack(frame.payload.method.decoded).pointee
            return .ack(tag: ack.delivery_tag, multiple: ack.multiple != 0)
        case kefu_method_basic_nack:
            let nack = kefu_as_basic_nack(frame.payload.method.decoded).pointee
            return .nack(tag: nack.delivery_tag, multiple: nack.multiple != 0)
        case kefu_method_basic_return:
            // The returned content follows the method; read it so the stream stays in step.
            var message = amqp_message_t()
            let reply = amqp_read_message(state, channel, &message, 0)
            defer { amqp_destroy_message(&message) }
            try Self.check(reply, operation: "basic.return")
            let properties = message.properties
            let hasID = properties._flags & UInt32(AMQP_BASIC_MESSAGE_ID_FLAG) != 0
            return .returned(messageID: hasID ? Self.string(properties.message_id) : nil)
        case kefu_method_connection_blocked:
            return .blocked(reason: Self.string(kefu_as_connection_blocked(frame.payload.method.decoded).pointee.reason))
        case kefu_method_connection_unblocked:
            return .unblocked
        default:
            try throwIfClose(frame.payload.method)
            return .other
        }
    }

    // MARK: Consuming

    func consume(queue: String, prefetch: Int) throws {
        amqp_basic_qos(state, channel, 0, UInt16(clamping: prefetch), 0)
        try check("basic.qos")
        let arena = Arena()
        amqp_basic_consume(state, channel, arena.bytes(queue), amqp_empty_bytes, 0, 0, 0, amqp_empty_table)
        try check("basic.consume")
    }

    /// Waits up to `timeout` for a delivery; `nil` on timeout or a frame that is not a delivery.
    /// A close or a cancel from the server throws. The delivery carries this connection's link.
    func nextDelivery(timeout: Duration) throws -> Delivery? {
        amqp_maybe_release_buffers(state)
        var envelope = amqp_envelope_t()
        var wait = Self.timeval(timeout)
        let reply = amqp_consume_message(state, &envelope, &wait, 0)
        if reply.reply_type == AMQP_RESPONSE_NORMAL {
            defer { amqp_destroy_envelope(&envelope) }
            return delivery(from: envelope)
        }
        if reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION {
            if reply.library_error == AMQP_STATUS_TIMEOUT.rawValue { return nil }
            if reply.library_error == AMQP_STATUS_UNEXPECTED_STATE.rawValue {
                // Something other than a delivery arrived: a close, a cancel, an alarm notice.
                if let frame = try waitFrame(timeout: .zero), frame.frame_type == UInt8(AMQP_FRAME_METHOD) {
                    if frame.payload.method.id == kefu_method_basic_cancel {
                        throw AMQPError(code: .closedByServer, operation: "basic.cancel", detail: "consumer cancelled by server")
                    }
                    try throwIfClose(frame.payload.method)
                }
                return nil
            }
        }
        try Self.check(reply, operation: "basic.consume")
        return nil
    }

    func ack(_ tag: UInt64, multiple: Bool) throws {
        let status = amqp_basic_ack(state, channel, tag, multiple ? 1 : 0)
        guard status == AMQP_STATUS_OK.rawValue else {
            throw AMQPError(code: .library, operation: "basic.ack", detail: Self.statusText(status))
        }
    }

    func reject(_ tag: UInt64, requeue: Bool) throws {
        let status = amqp_basic_nack(state, channel, tag, 0, requeue ? 1 : 0)
        guard status == AMQP_STATUS_OK.rawValue else {
            throw AMQPError(code: .library, operation: "basic.nack", detail: Self.statusText(status))
        }
    }

    // MARK: Frames and errors

    private func waitFrame(timeout: Duration) throws -> amqp_frame_t? {
        var frame = amqp_frame_t()
        var wait = Self.timeval(timeout)
        let status = amqp_simple_wait_frame_noblock(state, &frame, &wait)
        if status == AMQP_STATUS_TIMEOUT.rawValue { return nil }
        guard status == AMQP_STATUS_OK.rawValue else {
            throw AMQPError(code: .library, operation: "wait frame", detail: Self.statusText(status))
        }
        return frame
    }

    private func throwIfClose(_ method: amqp_method_t) throws {
        if method.id == kefu_method_channel_close {
            let close = kefu_as_channel_close(method.decoded).pointee
            throw AMQPError(code: .closedByServer, operation: "channel", replyCode: Int(close.reply_code),
                            detail: Self.string(close.reply_text))
        }
        if method.id == kefu_method_connection_close {
            let close = kefu_as_connection_close(method.decoded).pointee
            throw AMQPError(code: .closedByServer, operation: "connection", replyCode: Int(close.reply_code),
                            detail: Self.string(close.reply_text))
        }
    }

    private func check(_ operation: String) throws {
        try Self.check(amqp_get_rpc_reply(state), operation: operation)
    }

    private static func check(_ reply: amqp_rpc_reply_t, operation: String, failure: AMQPError.Code = .library) throws {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            if reply.reply.id == kefu_method_channel_close {
                let close = kefu_as_channel_close(reply.reply.decoded).pointee
                throw AMQPError(code: .closedByServer, operation: operation, replyCode: Int(close.reply_code),
                                detail: string(close.reply_text))
            }
            if reply.reply.id == kefu_method_connection_close {
                let close = kefu_as_connection_close(reply.reply.decoded).pointee
                throw AMQPError(code: .closedByServer, operation: operation, replyCode: Int(close.reply_code),
                                detail: string(close.reply_text))
            }
            throw AMQPError(code: .closedByServer, operation: operation)
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            throw AMQPError(code: failure, operation: operation, detail: statusText(reply.library_error))
        default:
            throw AMQPError(code: failure, operation: operation, detail: "no reply")
        }
    }

    private func delivery(from envelope: amqp_envelope_t) -> Delivery {
        let properties = envelope.message.properties
        func optional(_ flag: Int32, _ bytes: amqp_bytes_t) -> String? {
            properties._flags & UInt32(flag) != 0 ? Self.string(bytes) : nil
        }
        let body = envelope.message.body
        let bodyBytes = body.len > 0 ? Array(UnsafeRawBufferPointer(start: body.bytes, count: body.len)) : []
        return Delivery(
            deliveryTag: envelope.delivery_tag,
            link: link,
            exchange: Self.string(envelope.exchange),
            routingKey: Self.string(envelope.routing_key),
            redelivered: envelope.redelivered != 0,
            body: bodyBytes,
            contentType: optional(AMQP_BASIC_CONTENT_TYPE_FLAG, properties.content_type),
            messageID: optional(AMQP_BASIC_MESSAGE_ID_FLAG, properties.message_id),
            correlationID: optional(AMQP_BASIC_CORRELATION_ID_FLAG, properties.correlation_id),
            replyTo: optional(AMQP_BASIC_REPLY_TO_FLAG, properties.reply_to),
            type: optional(AMQP_BASIC_TYPE_FLAG, properties.type),
            userID: optional(AMQP_BASIC_USER_ID_FLAG, properties.user_id),
            headers: properties._flags & UInt32(AMQP_BASIC_HEADERS_FLAG) != 0 ? Arena.fields(properties.headers) : [:]
        )
    }

    static func string(_ bytes: amqp_bytes_t) -> String {
        guard bytes.len > 0, let pointer = bytes.bytes else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: bytes.len), as: UTF8.self)
    }

    private static func statusText(_ status: Int32) -> String {
        String(cString: amqp_error_string2(status))
    }

    static func timeval(_ duration: Duration) -> Glibc.timeval {
        let (seconds, attoseconds) = duration.components
        var value = Glibc.timeval()
        value.tv_sec = Int(max(0, seconds))
        value.tv_usec = seconds < 0 ? 0 : Int(attoseconds / 1_000_000_000_000)
        return value
    }
}

/// The identity of one broker connection. A delivery carries the link it came on, and its
/// acknowledgement is sent only if that same link is still the open one: a delivery tag means
/// nothing on any other connection, so a stale ack is refused by construction.
public final class AMQPLink: Sendable, CustomStringConvertible {
    public let endpoint: AMQPConfiguration.Endpoint
    init(endpoint: AMQPConfiguration.Endpoint) { self.endpoint = endpoint }
    public var description: String { "AMQPLink(\(endpoint))" }
}
