#ifndef KEFU_C_RABBITMQ_SHIM_H
#define KEFU_C_RABBITMQ_SHIM_H

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <amqp_framing.h>
#include <stdlib.h>
#include <string.h>

/* amqp_login_with_properties is variadic, which Swift cannot call; this fixes the one form Kefu
   uses: PLAIN with a user and a password, and client properties (the connection's name and the
   capabilities Kefu asks for). */
static inline amqp_rpc_reply_t kefu_amqp_login_plain(amqp_connection_state_t state,
                                                     const char *vhost,
                                                     int channel_max,
                                                     int frame_max,
                                                     int heartbeat,
                                                     const amqp_table_t *properties,
                                                     const char *user,
                                                     const char *password) {
    return amqp_login_with_properties(state, vhost, channel_max, frame_max, heartbeat, properties,
                                      AMQP_SASL_METHOD_PLAIN, user, password);
}

/* The method payload is a void pointer in C; these keep the casts out of Swift. */
static inline amqp_basic_ack_t *kefu_as_basic_ack(void *decoded) { return (amqp_basic_ack_t *)decoded; }
static inline amqp_basic_nack_t *kefu_as_basic_nack(void *decoded) { return (amqp_basic_nack_t *)decoded; }
static inline amqp_channel_close_t *kefu_as_channel_close(void *decoded) { return (amqp_channel_close_t *)decoded; }
static inline amqp_connection_close_t *kefu_as_connection_close(void *decoded) { return (amqp_connection_close_t *)decoded; }
static inline amqp_connection_blocked_t *kefu_as_connection_blocked(void *decoded) { return (amqp_connection_blocked_t *)decoded; }

/* Method ids are cast macros, which Swift does not import. */
static const amqp_method_number_t kefu_method_basic_ack = AMQP_BASIC_ACK_METHOD;
static const amqp_method_number_t kefu_method_basic_nack = AMQP_BASIC_NACK_METHOD;
static const amqp_method_number_t kefu_method_basic_return = AMQP_BASIC_RETURN_METHOD;
static const amqp_method_number_t kefu_method_basic_cancel = AMQP_BASIC_CANCEL_METHOD;
static const amqp_method_number_t kefu_method_channel_close = AMQP_CHANNEL_CLOSE_METHOD;
static const amqp_method_number_t kefu_method_connection_close = AMQP_CONNECTION_CLOSE_METHOD;
static const amqp_method_number_t kefu_method_connection_blocked = AMQP_CONNECTION_BLOCKED_METHOD;
static const amqp_method_number_t kefu_method_connection_unblocked = AMQP_CONNECTION_UNBLOCKED_METHOD;

#endif
