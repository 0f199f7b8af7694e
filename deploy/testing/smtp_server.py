#!/usr/bin/python3
"""A real SMTP server for Kefu's local stack and tests, storing every message in a Maildir.

One port speaks plain SMTP with STARTTLS, the next one implicit TLS; both demand AUTH
(PLAIN or LOGIN) with the given user and password once a certificate is given.
Run with Debian's python3 (python3-aiosmtpd).
"""
import argparse
import asyncio
import mailbox
import signal
import ssl

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class MaildirHandler:
    def __init__(self, path):
        self.maildir = mailbox.Maildir(path, create=True)

    async def handle_DATA(self, server, session, envelope):
        message = mailbox.MaildirMessage(envelope.original_content)
        message["X-Kefu-Envelope-From"] = envelope.mail_from
        message["X-Kefu-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        key = self.maildir.add(message)
        return "250 2.0.0 Ok: queued as " + key


class Authenticator:
    def __init__(self, user, password):
        self.user, self.password = user.encode(), password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and auth_data.login == self.user and auth_data.password == self.password:
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user", default="kefu")
    parser.add_argument("--password", default="kefu")
    options = parser.parse_args()

    handler = MaildirHandler(options.maildir)
    controllers = []
    if options.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(options.cert, options.key)
        authenticator = Authenticator(options.user, options.password)
        common = dict(authenticator=authenticator, auth_required=True, auth_require_tls=True)
        controllers.append(Controller(handler, hostname="127.0.0.1", port=options.port, tls_context=context,
                                      require_starttls=True, **common))
        # aiosmtpd counts only STARTTLS as TLS for AUTH; this port is TLS from the first byte.
        controllers.append(Controller(handler, hostname="127.0.0.1", port=options.port + 1, ssl_context=context,
                                      authenticator=authenticator, auth_required=True, auth_require_tls=False))
    else:
        controllers.append(Controller(handler, hostname="127.0.0.1", port=options.port))
    for controller in controllers:
        controller.start()

    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    for controller in controllers:
        controller.stop()


if __name__ == "__main__":
    main()
